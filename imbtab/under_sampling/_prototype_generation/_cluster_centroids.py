"""Under-sampling by clustering: replace a class by its cluster centroids."""

from __future__ import annotations

import numpy as np
from imblearn.utils import Substitution
from scipy import sparse
from sklearn.base import clone
from sklearn.cluster import KMeans
from sklearn.utils._param_validation import HasMethods, StrOptions

from imbtab.base import BaseUnderSampler, Resampled
from imbtab.neighbors import kneighbors
from imbtab.utils._docstring import RANDOM_STATE, RESAMPLE_CONTRACT

__all__ = ["ClusterCentroids"]

# entries of one densified block of a sparse class (hard voting)
_DENSE_CHUNK_ENTRIES = 1 << 22
# distances this close (relative) to the nearest count as ties (hard voting)
_TIE_RTOL = 1e-9


def _nearest_rows(X_class, centroids) -> np.ndarray:
    """Position in ``X_class`` of the row nearest to each centroid.

    Rows within a relative ``_TIE_RTOL`` of the smallest distance count as tied and the
    smaller row index wins: the centroid of a two-row cluster is equidistant from both
    rows, and rounding (or a one-ulp change of the centroid between dense and sparse
    k-means) must not decide. A sparse class is densified in chunks of rows.
    """
    centroids = np.asarray(centroids, dtype=np.float64)
    if sparse.issparse(X_class):
        X_class = sparse.csr_matrix(X_class)
        chunk = max(2, _DENSE_CHUNK_ENTRIES // max(X_class.shape[1], 1))
        blocks = [(s, X_class[s : s + chunk].toarray()) for s in range(0, X_class.shape[0], chunk)]
    else:
        blocks = [(0, X_class)]
    dists, inds = [], []
    for start, block in blocks:
        dist, ind = kneighbors(centroids, block, k=min(2, block.shape[0]))
        dists.append(dist)
        inds.append(ind + start)
    dist = np.hstack(dists)
    ind = np.hstack(inds)
    tied = dist <= dist.min(axis=1, keepdims=True) * (1.0 + _TIE_RTOL)
    return np.where(tied, ind, np.iinfo(np.intp).max).min(axis=1)


def _cluster_weights(estimator, X_class, weights) -> np.ndarray:
    """Mean weight of the rows of each cluster (the class mean for an empty cluster)."""
    n_clusters = np.asarray(estimator.cluster_centers_).shape[0]
    labels = getattr(estimator, "labels_", None)
    if labels is None or len(labels) != X_class.shape[0]:
        labels = estimator.predict(X_class)
    labels = np.asarray(labels, dtype=np.intp)
    total = np.bincount(labels, weights=weights, minlength=n_clusters)[:n_clusters]
    count = np.bincount(labels, minlength=n_clusters)[:n_clusters]
    mean = np.full(n_clusters, weights.mean() if weights.size else 1.0)
    np.divide(total, count, out=mean, where=count > 0)
    return mean


@Substitution(
    sampling_strategy=BaseUnderSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    contract=RESAMPLE_CONTRACT,
)
class ClusterCentroids(BaseUnderSampler):
    """Under-sample a class by clustering it and keeping one row per cluster.

    Each resampled class is clustered into as many clusters as rows asked for; "soft"
    voting replaces the class by the cluster centroids, "hard" voting by the row of the
    class nearest to each centroid. A drop-in replacement for
    :class:`imblearn.under_sampling.ClusterCentroids`: the same parameters and, for the
    same ``random_state``, the same output.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    estimator : estimator object, default=None
        Clustering estimator with an ``n_clusters`` parameter and a fitted
        ``cluster_centers_`` attribute; cloned, then refitted per class with
        ``n_clusters`` set to the number of rows to keep. ``None`` means
        ``KMeans(random_state=random_state)``.

    voting : {{"hard", "soft", "auto"}}, default="auto"
        "hard": keep the original row nearest to each centroid; "soft": keep the
        centroids themselves; "auto": "hard" for sparse ``X``, else "soft".

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows to keep per resampled class.
    estimator_ : estimator object
        The clustering estimator, fitted on the last resampled class.
    voting_ : str
        The voting used ("hard" or "soft").
    sample_indices_ : ndarray of shape (n_samples_new,)
        Hard voting only (beyond imbalanced-learn): positions in ``X`` of the output
        rows. A row nearest to two centroids appears twice, as in imbalanced-learn.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    RandomUnderSampler : Draw the kept rows at random.
    NearMiss : Keep rows by their distance to the minority class.

    Notes
    -----
    {contract}

    Output: class by class in sorted label order; a resampled class contributes its
    centroids (soft) or their nearest rows (hard), in cluster order. With soft voting
    the centroids are new rows: with pandas input they get fresh index labels, their
    ``sample_weight`` is the mean weight of the rows of their cluster (so a one-row
    cluster's centroid, which is that row, keeps its weight), and there is no
    ``sample_indices_``.

    **Cost.** The clustering dominates: k-means on a class of ``n`` rows with ``m``
    clusters costs ``O(n m d)`` per iteration, which imbtab does not change (the same
    ``KMeans`` gives the same centroids). For large classes pass a cheaper clusterer,
    e.g. ``estimator=MiniBatchKMeans(...)``. Hard voting's nearest-row search runs on the
    imbtab neighbour engine, ``m`` queries against the class (exact, ties broken by the
    smaller row index).

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.cluster import MiniBatchKMeans
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.under_sampling import ClusterCentroids
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> cc = ClusterCentroids(
    ...     estimator=MiniBatchKMeans(n_init=1, random_state=0), random_state=0
    ... )
    >>> X_res, y_res = cc.fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 103), (np.int64(1), 103)]
    """

    _parameter_constraints: dict = {
        **BaseUnderSampler._parameter_constraints,
        "estimator": [HasMethods(["fit", "predict"]), None],
        "voting": [StrOptions({"auto", "hard", "soft"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        estimator=None,
        voting="auto",
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.estimator = estimator
        self.voting = voting

    def _validate_estimator(self):
        if self.estimator is None:
            # one estimator for every class, as imbalanced-learn: an int seed restarts
            # per class, a RandomState continues its stream
            self.estimator_ = KMeans(random_state=self.random_state)
        else:
            self.estimator_ = clone(self.estimator)
            if "n_clusters" not in self.estimator_.get_params():
                raise ValueError(
                    "`estimator` should be a clustering estimator exposing a parameter "
                    "`n_clusters` and a fitted parameter `cluster_centers_`; "
                    f"{type(self.estimator).__name__} has no `n_clusters`."
                )

    def _resample(self, X, y, sample_weight):
        if hasattr(self, "sample_indices_"):  # from an earlier hard-voting fit
            del self.sample_indices_
        self._validate_estimator()
        if self.voting == "auto":
            self.voting_ = "hard" if sparse.issparse(X) else "soft"
        else:
            self.voting_ = self.voting

        n_samples = y.shape[0]
        rows, X_new, y_new = [], [], []
        n_made = 0
        w_new = []
        for klass in np.unique(y):
            class_rows = np.flatnonzero(y == klass)
            if klass not in self.sampling_strategy_:
                rows.append(class_rows)
                continue
            X_class = X[class_rows]
            self.estimator_.set_params(n_clusters=self.sampling_strategy_[klass])
            self.estimator_.fit(X_class)
            if not hasattr(self.estimator_, "cluster_centers_"):
                raise RuntimeError(
                    "`estimator` should be a clustering estimator exposing a fitted "
                    f"parameter `cluster_centers_`; {type(self.estimator_).__name__} "
                    "has none after fit."
                )
            centroids = np.asarray(self.estimator_.cluster_centers_)
            if self.voting_ == "hard":
                rows.append(class_rows[_nearest_rows(X_class, centroids)])
            else:
                rows.append(n_samples + n_made + np.arange(centroids.shape[0]))
                X_new.append(centroids)
                y_new.append(np.full(centroids.shape[0], klass, dtype=y.dtype))
                n_made += centroids.shape[0]
                if sample_weight is not None:
                    w_new.append(
                        _cluster_weights(self.estimator_, X_class, sample_weight[class_rows])
                    )
        rows = np.concatenate(rows)
        if not X_new:
            return Resampled.select(rows)
        X_new = np.concatenate(X_new)
        if sparse.issparse(X):  # as imbalanced-learn; the base stacks it as sparse
            X_new = X_new.astype(X.dtype, copy=False)
        return Resampled(
            rows=rows,
            X_new=X_new,
            y_new=np.concatenate(y_new),
            weight_new=np.concatenate(w_new) if w_new else None,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        # hard voting keeps original rows (sample_indices_); soft voting creates rows
        tags.sampler_tags.sample_indices = self.voting == "hard"
        return tags
