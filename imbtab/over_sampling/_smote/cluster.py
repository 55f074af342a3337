"""K-Means SMOTE: cluster first, then over-sample the sparse minority clusters."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
from imblearn.utils import Substitution
from sklearn.base import clone
from sklearn.cluster import MiniBatchKMeans
from sklearn.metrics import pairwise_distances, pairwise_distances_chunked
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from imbtab.base import BaseOverSampler, NewRows
from imbtab.over_sampling._smote.base import (
    K_NEIGHBORS_DOC,
    BaseSMOTE,
    draw_samples,
    make_samples,
)
from imbtab.utils._docstring import N_JOBS, RANDOM_STATE, RESAMPLE_CONTRACT

__all__ = ["KMeansSMOTE"]

# clusters up to this size get imbalanced-learn's full distance matrix (bit-identical
# sums); larger ones a chunked sum (equal up to rounding, bounded memory)
_FULL_MATRIX_MAX = 4096


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    k_neighbors=K_NEIGHBORS_DOC.replace("default=5", "default=2"),
    n_jobs=N_JOBS,
    contract=RESAMPLE_CONTRACT,
)
class KMeansSMOTE(BaseSMOTE):
    """K-Means SMOTE: SMOTE inside the clusters where the class is frequent but sparse.

    All rows are clustered with k-means; clusters in which the class to grow makes up at
    least ``cluster_balance_threshold`` of the rows are kept, and the synthetic rows are
    shared among them in proportion to their sparsity (mean pairwise distance of the
    class rows raised to ``density_exponent``, over their count). SMOTE then runs inside
    each kept cluster. A drop-in replacement for
    :class:`imblearn.over_sampling.KMeansSMOTE` (same output for the same
    ``random_state`` on data without neighbour ties).

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    {k_neighbors}

    {n_jobs}

    kmeans_estimator : int or object, default=None
        A clustering estimator with ``fit_predict`` and ``n_clusters``, or the number of
        clusters of a ``MiniBatchKMeans``; ``None`` means
        ``MiniBatchKMeans(random_state=random_state)``.

    cluster_balance_threshold : "auto" or float, default="auto"
        Minimum share of the class in a cluster for it to be over-sampled; "auto" uses
        half the class's share of the requested samples.

    density_exponent : "auto" or float, default="auto"
        Exponent of the mean distance in the sparsity; "auto" uses
        ``0.16 * log_1.6(n) ** 1.8`` with ``n`` the class rows in the cluster.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows to add per class.
    kmeans_estimator_ : estimator object
        The fitted clustering estimator.
    nn_k_ : estimator object
        The neighbours estimator built from ``k_neighbors``.
    cluster_balance_threshold_ : float or "auto"
        The threshold used.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    SMOTE : Without clustering.

    Notes
    -----
    {contract}

    As in imbalanced-learn, each kept cluster gets ``ceil(n * weight)`` rows, so the
    total can exceed the requested number by up to the number of clusters. Clusters with
    fewer expected class rows than ``k_neighbors + 1`` are skipped; if none is left a
    ``RuntimeError`` says so.

    References
    ----------
    .. [1] F. Last, G. Douzas, F. Bacao, "Oversampling for imbalanced learning based on
       k-means and SMOTE", Information Sciences 465, 1-20, 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_blobs
    >>> from imbtab.over_sampling import KMeansSMOTE
    >>> X, y = make_blobs([100, 800, 100], centers=[(-10, 0), (0, 0), (10, 0)], random_state=0)
    >>> y = y == 1
    >>> X_res, y_res = KMeansSMOTE(kmeans_estimator=4, random_state=0).fit_resample(X, y)
    >>> int((~y_res).sum()) >= int(y_res.sum())
    True
    """

    _parameter_constraints: dict = {
        **BaseSMOTE._parameter_constraints,
        "kmeans_estimator": [
            HasMethods(["fit", "predict"]),
            Interval(Integral, 1, None, closed="left"),
            None,
        ],
        "cluster_balance_threshold": [StrOptions({"auto"}), Real],
        "density_exponent": [StrOptions({"auto"}), Real],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=2,
        n_jobs=None,
        kmeans_estimator=None,
        cluster_balance_threshold="auto",
        density_exponent="auto",
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
        )
        self.kmeans_estimator = kmeans_estimator
        self.cluster_balance_threshold = cluster_balance_threshold
        self.density_exponent = density_exponent
        self.n_jobs = n_jobs

    def _validate_estimator(self):
        super()._validate_estimator()
        if self.kmeans_estimator is None:
            self.kmeans_estimator_ = MiniBatchKMeans(random_state=self.random_state)
        elif isinstance(self.kmeans_estimator, Integral):
            self.kmeans_estimator_ = MiniBatchKMeans(
                n_clusters=self.kmeans_estimator, random_state=self.random_state
            )
        else:
            self.kmeans_estimator_ = clone(self.kmeans_estimator)
        self.cluster_balance_threshold_ = (
            self.cluster_balance_threshold if self.kmeans_estimator_.n_clusters != 1 else -np.inf
        )

    def _find_cluster_sparsity(self, X):
        n = X.shape[0]
        if n <= _FULL_MATRIX_MAX:
            dist = pairwise_distances(X, metric="euclidean", n_jobs=self.n_jobs)
            np.fill_diagonal(dist, 0)
            total = dist.sum()
        else:
            total = 0.0
            start = 0
            for chunk in pairwise_distances_chunked(X, metric="euclidean", n_jobs=self.n_jobs):
                idx = np.arange(chunk.shape[0])
                chunk[idx, start + idx] = 0
                total += chunk.sum()
                start += chunk.shape[0]
        mean_distance = total / (n**2 - n)
        exponent = (
            math.log(n, 1.6) ** 1.8 * 0.16
            if self.density_exponent == "auto"
            else self.density_exponent
        )
        return (mean_distance**exponent) / n

    def _resample(self, X, y, sample_weight):
        self._validate_estimator()
        total_inp_samples = sum(self.sampling_strategy_.values())
        needed = getattr(self.nn_k_, "n_neighbors", 1)
        # each kept cluster gets ceil(n * weight) rows: at most n + n_clusters per class
        n_clusters = self.kmeans_estimator_.n_clusters
        out = NewRows(X, y, sum(n + n_clusters for n in self.sampling_strategy_.values() if n))
        start = 0
        for klass, n_samples in self.sampling_strategy_.items():
            if n_samples == 0:
                continue
            self._validate_k_neighbors(int(np.sum(y == klass)), klass)
            # refit for every class, as imbalanced-learn (matters for a RandomState)
            labels = self.kmeans_estimator_.fit_predict(X)
            is_class = y == klass
            valid, sparsities = [], []
            for cluster in range(self.kmeans_estimator_.n_clusters):
                members = np.flatnonzero(labels == cluster)
                if members.size == 0:
                    continue
                class_mean = is_class[members].mean()
                if self.cluster_balance_threshold_ == "auto":
                    threshold = n_samples / total_inp_samples / 2
                else:
                    threshold = self.cluster_balance_threshold_
                if class_mean < threshold:
                    continue
                if class_mean * members.size < needed:
                    continue
                class_members = members[is_class[members]]
                valid.append(class_members)
                sparsities.append(self._find_cluster_sparsity(X[class_members]))
            if not valid:
                raise RuntimeError(
                    f"No clusters found with sufficient samples of class {klass!r}. Try "
                    "lowering the cluster_balance_threshold or increasing the number of "
                    "clusters."
                )
            sparsities = np.array(sparsities)
            weights = sparsities / sparsities.sum()
            for members, weight in zip(valid, weights, strict=True):
                X_cluster_class = X[members]
                self._validate_k_neighbors(members.size, klass)
                nns = self._neighbours(X_cluster_class)
                n_cluster = int(math.ceil(n_samples * weight))
                rows, cols, steps = draw_samples(self.random_state, *nns.shape, n_cluster)
                stop = start + n_cluster
                make_samples(
                    X_cluster_class,
                    X_cluster_class,
                    nns,
                    rows,
                    cols,
                    steps,
                    out=out.X_new[start:stop],
                )
                out.y_new[start:stop] = klass
                start = stop
        return out.result(start)
