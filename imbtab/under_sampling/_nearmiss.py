"""NearMiss under-sampling (versions 1, 2 and 3)."""

from __future__ import annotations

import numbers
import warnings
from collections import Counter

import numpy as np
from imblearn.utils import Substitution
from sklearn.base import clone
from sklearn.utils._param_validation import HasMethods, Interval

from imbtab.base import BaseUnderSampler, Resampled
from imbtab.neighbors import KNeighbors, kneighbors
from imbtab.utils._docstring import N_JOBS, RESAMPLE_CONTRACT

__all__ = ["NearMiss"]

# query rows per neighbour call: bounds the temporary copies of the class rows and the
# (rows x k) neighbour arrays
_QUERY_CHUNK = 65536


def _sum_distances(Q_rows, X, R, k, n_jobs, farthest=False):
    """Sum of the distances from each row ``X[Q_rows]`` to its ``k`` nearest (or farthest)
    rows of ``R``, added in increasing order of distance as imbalanced-learn does."""
    out = np.empty(Q_rows.size, dtype=np.float64)
    for start in range(0, Q_rows.size, _QUERY_CHUNK):
        part = Q_rows[start : start + _QUERY_CHUNK]
        dist, _ = kneighbors(X[part], R, k=k, n_jobs=n_jobs, farthest=farthest)
        if farthest:  # largest first: add from the smallest of the k, like dist[:, -k:]
            dist = dist[:, ::-1]
        out[start : start + part.size] = dist.astype(np.float64, copy=False).sum(axis=1)
    return out


def _label(klass) -> str:
    return repr(klass.item() if isinstance(klass, np.generic) else klass)


def _order(scores, farthest):
    """Stable order of ``scores``: ascending, or descending keeping ties in index order."""
    return np.argsort(-scores if farthest else scores, kind="stable")


@Substitution(
    sampling_strategy=BaseUnderSampler._sampling_strategy_docstring,
    n_jobs=N_JOBS,
    contract=RESAMPLE_CONTRACT,
)
class NearMiss(BaseUnderSampler):
    """Under-sample with the NearMiss heuristics (Mani and Zhang, 2003).

    A drop-in replacement for :class:`imblearn.under_sampling.NearMiss`: the same
    parameters and, on data without distance ties, the same kept rows in the same order.
    Every distance is measured to the *minority* class, so the cost follows
    ``n_majority x n_minority``, never ``n_samples ** 2``.

    Parameters
    ----------
    {sampling_strategy}

    version : {{1, 2, 3}}, default=1
        * 1: keep the rows of a class with the smallest mean distance to their
          ``n_neighbors`` nearest minority rows;
        * 2: keep the rows with the smallest mean distance to their ``n_neighbors``
          farthest minority rows;
        * 3: first keep, for each minority row, its ``n_neighbors_ver3`` nearest rows of
          the class, then among those keep the rows with the largest mean distance to
          their ``n_neighbors`` nearest minority rows (this may keep fewer rows than asked;
          a warning says so).

    n_neighbors : int or estimator object, default=3
        Number of minority neighbours averaged over. An object with ``kneighbors`` and
        ``kneighbors_graph`` (such as :class:`~imbtab.neighbors.KNeighbors`) is cloned
        and used as is, its ``n_neighbors`` giving the number.

    n_neighbors_ver3 : int or estimator object, default=3
        NearMiss-3's first step: number of nearest class rows kept per minority row.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows to keep per resampled class.
    nn_ : estimator object
        Neighbour estimator fitted on the minority class.
    nn_ver3_ : estimator object
        NearMiss-3 only: neighbour estimator fitted on the last resampled class.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Positions in ``X`` of the kept rows, class by class in sorted label order and,
        within a resampled class, in the order of the NearMiss criterion.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    RandomUnderSampler : Draw the kept rows at random.
    InstanceHardnessThreshold : Keep the rows a classifier finds easiest.

    Notes
    -----
    {contract}

    The "minority class" is the least frequent class (the first one met in ``y`` on a
    tie), as in imbalanced-learn; all distances are to its rows.

    **Cost.** NearMiss-1 runs one exact k-NN query of each resampled class against the
    minority rows (``n_class x n_minority`` distances, in chunks of rows so memory stays
    flat). NearMiss-2 needs the ``n_neighbors`` *farthest* minority rows of every row:
    one exact k-*farthest* query of the neighbour engine
    (:func:`~imbtab.neighbors.kneighbors` with ``farthest=True``: the same fused
    distance + top-k search, ``n_class x n_minority`` distances in chunks of rows), so
    memory is bounded by the chunk, not by the matrix imbalanced-learn builds in full
    (``n_class x n_minority`` neighbours sorted per row). NearMiss-3 queries the minority rows against the class
    (``n_minority x n_class``), then the few selected rows against the minority.

    **Differences from imbalanced-learn.** Sparse input is not supported (the neighbour
    engine is dense; a ``TypeError`` says so). A class smaller than the neighbourhood
    it needs raises a ``ValueError`` naming the class and its size before any search.
    Distances are exact, so on data with (near-)ties the order may differ from
    imbalanced-learn's, whose k-NN tie order depends on the tree or brute-force backend.

    References
    ----------
    .. [1] I. Mani, I. Zhang. "kNN approach to unbalanced data distributions: a case
       study involving information extraction," In Proceedings of workshop on learning
       from imbalanced datasets, 2003.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.under_sampling import NearMiss
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> X_res, y_res = NearMiss(version=2).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 103), (np.int64(1), 103)]
    """

    _parameter_constraints: dict = {
        **BaseUnderSampler._parameter_constraints,
        "version": [Interval(numbers.Integral, 1, 3, closed="both")],
        "n_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
        "n_neighbors_ver3": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        version=1,
        n_neighbors=3,
        n_neighbors_ver3=3,
        n_jobs=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.version = version
        self.n_neighbors = n_neighbors
        self.n_neighbors_ver3 = n_neighbors_ver3
        self.n_jobs = n_jobs

    # -- neighbour estimators ---------------------------------------------------------------
    def _make_nn(self, param):
        value = getattr(self, param)
        if isinstance(value, numbers.Integral):
            return KNeighbors(n_neighbors=int(value), n_jobs=self.n_jobs)
        nn = clone(value)
        if "n_jobs" in nn.get_params():
            nn.set_params(n_jobs=self.n_jobs)
        return nn

    @staticmethod
    def _check_size(k, klass, size, what):
        if k > size:
            raise ValueError(
                f"class {_label(klass)} has {size} sample(s); NearMiss needs {what}={k} "
                f"neighbours in it. Lower {what} or remove the class."
            )

    # -- resampling ---------------------------------------------------------------------
    def _resample(self, X, y, sample_weight):
        self.nn_ = self._make_nn("n_neighbors")
        if self.version == 3:
            self.nn_ver3_ = self._make_nn("n_neighbors_ver3")
        k = self.nn_.n_neighbors
        custom = not isinstance(self.n_neighbors, numbers.Integral)
        custom3 = not isinstance(self.n_neighbors_ver3, numbers.Integral)

        target_stats = Counter(y)
        class_minority = min(target_stats, key=target_stats.get)
        minority_rows = np.flatnonzero(y == class_minority)
        n_minority = minority_rows.size
        X_min = X[minority_rows]

        # clear errors before any search
        if self.version in (1, 3):
            self._check_size(k, class_minority, n_minority, "n_neighbors")
        k3 = self.nn_ver3_.n_neighbors if self.version == 3 else None
        if self.version == 3:
            for klass in self.sampling_strategy_:
                self._check_size(k3, klass, target_stats[klass], "n_neighbors_ver3")
        self.nn_.fit(X_min)

        kept = []
        for klass in np.unique(y):
            class_rows = np.flatnonzero(y == klass)
            if klass not in self.sampling_strategy_:
                kept.append(class_rows)
                continue
            n_samples = self.sampling_strategy_[klass]
            positions = np.arange(class_rows.size)
            if self.version == 1:
                if custom:
                    dist, _ = self.nn_.kneighbors(X[class_rows], n_neighbors=k)
                    scores = np.sum(dist[:, -k:], axis=1)
                else:
                    scores = _sum_distances(class_rows, X, X_min, k, self.n_jobs)
                order = _order(scores, farthest=False)
            elif self.version == 2:
                if custom:
                    dist, _ = self.nn_.kneighbors(X[class_rows], n_neighbors=n_minority)
                    scores = np.sum(dist[:, -k:], axis=1)
                else:
                    # imbalanced-learn sums dist[:, -k:] of all n_minority neighbours
                    k2 = min(k, n_minority)
                    scores = _sum_distances(class_rows, X, X_min, k2, self.n_jobs, farthest=True)
                order = _order(scores, farthest=False)
            else:
                X_class = X[class_rows]
                self.nn_ver3_.fit(X_class)
                if custom3:
                    _, ind = self.nn_ver3_.kneighbors(X_min)
                else:
                    _, ind = kneighbors(X_min, X_class, k=k3, n_jobs=self.n_jobs)
                del X_class
                positions = np.unique(ind.reshape(-1))
                if custom:
                    dist, _ = self.nn_.kneighbors(X[class_rows[positions]], n_neighbors=k)
                    scores = np.sum(dist[:, -k:], axis=1)
                else:
                    scores = _sum_distances(class_rows[positions], X, X_min, k, self.n_jobs)
                order = _order(scores, farthest=True)
                if order.size < n_samples:
                    warnings.warn(
                        f"NearMiss-3 keeps {order.size} row(s) of class {_label(klass)}, fewer "
                        f"than the {n_samples} asked: only {order.size} rows are among the "
                        f"n_neighbors_ver3={k3} nearest of a minority row.",
                        UserWarning,
                        stacklevel=2,
                    )
            kept.append(class_rows[positions[order[:n_samples]]])
        return Resampled.select(np.concatenate(kept))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags
