"""ProWSyn: proximity-weighted synthetic over-sampling (Barua, Islam & Murase, 2013)."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from imblearn.utils import Substitution
from sklearn.utils._param_validation import Interval

from imbtab.neighbors import kneighbors
from imbtab.over_sampling._variants._common import (
    VariantOverSampler,
    allocate,
    check_class_size,
    random_pairs,
)
from imbtab.utils._docstring import N_JOBS, RANDOM_STATE, RESAMPLE_CONTRACT

# majority rows per neighbour query (bounds the temporary memory)
_CHUNK = 65536


def proximity_levels(X_maj, X_min, n_neighbors, n_levels, n_jobs=None) -> np.ndarray:
    """Proximity level (1 = closest to the other classes) of each row of ``X_min``.

    Level ``l < n_levels`` holds the rows that are among the ``n_neighbors`` nearest
    still-unassigned rows of ``X_min`` of some row of ``X_maj``; the rest get
    ``n_levels``. One search of each majority row's ``n_neighbors * (n_levels - 1)``
    nearest minority rows serves all levels: a row's nearest *unassigned* rows are the
    first unassigned entries of its sorted list. Rows whose list runs out get a fresh
    search among the unassigned rows.
    """
    n_min = X_min.shape[0]
    level = np.zeros(n_min, dtype=np.int64)
    if n_levels == 1 or X_maj.shape[0] == 0:
        level[:] = n_levels
        return level
    kk = min(n_min, n_neighbors * (n_levels - 1))
    ind = np.empty((X_maj.shape[0], kk), dtype=np.int32)
    for s in range(0, X_maj.shape[0], _CHUNK):
        ind[s : s + _CHUNK] = kneighbors(
            X_maj[s : s + _CHUNK], X_min, k=kk, return_distance=False, n_jobs=n_jobs
        )
    for lev in range(1, n_levels):
        remaining = level == 0
        n_left = int(remaining.sum())
        if n_left == 0:
            break
        k_lev = min(n_neighbors, n_left)
        avail = remaining[ind]
        taken = np.cumsum(avail, axis=1)
        chosen = ind[avail & (taken <= k_lev)]
        short = np.flatnonzero(taken[:, -1] < k_lev)
        picked = [chosen]
        if short.size:
            left = np.flatnonzero(remaining)
            for s in range(0, short.size, _CHUNK):
                rows = short[s : s + _CHUNK]
                nn = kneighbors(X_maj[rows], X_min[left], k=k_lev, return_distance=False)
                picked.append(left[nn.ravel()])
        level[np.unique(np.concatenate(picked))] = lev
    level[level == 0] = n_levels
    return level


@Substitution(
    sampling_strategy=VariantOverSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    n_jobs=N_JOBS,
    contract=RESAMPLE_CONTRACT,
)
class ProWSyn(VariantOverSampler):
    """ProWSyn: weight minority rows by their proximity level to the other classes.

    The rows of the class being grown are split into ``n_levels`` proximity levels:
    level 1 holds the ``n_neighbors`` nearest rows of the class of every other-class
    row; they are removed and the search repeats for levels 2, ..., ``n_levels - 1``;
    the remaining rows form the last level. Level ``l`` gets weight
    ``exp(-theta * (l - 1))`` and receives that share of the new rows; each new row
    interpolates, with a uniform gap, between two distinct random rows of its level.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    n_neighbors : int, default=5
        Rows of the class taken per other-class row at each level (K in the paper).

    n_levels : int, default=5
        Number of proximity levels (L in the paper).

    theta : float, default=1.0
        Decay of the level weights ``exp(-theta * (l - 1))``.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows added per class.
    levels_ : dict
        For each grown class, the proximity level of each of its rows (data order).
    samples_per_level_ : dict
        For each grown class, the number of rows added per level (index ``l - 1``).
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    imbtab.over_sampling.ADASYN : Weights from other-class neighbour counts.

    Notes
    -----
    {contract}

    Multiclass: each class of ``sampling_strategy_`` is grown against all other rows
    (one-vs-rest), in sorted label order. Exactly ``sampling_strategy_[c]`` rows are
    added: the per-level counts are the weights' shares rounded by largest remainder.
    A level with fewer than two rows cannot interpolate; its weight goes to the other
    levels (the reference implementation may loop or return the input unchanged). A
    class needs at least 2 rows.

    Cost: one search of the ``n_neighbors * (n_levels - 1)`` nearest rows of the class
    for every other-class row (computed in chunks; memory O(n_other * n_neighbors *
    n_levels) int32), never a matrix of all pairs; the reference implementation needs
    more than 100 GiB at 50,000 rows.

    References
    ----------
    .. [1] S. Barua, M. M. Islam and K. Murase, "ProWSyn: Proximity Weighted Synthetic
       Oversampling Technique for Imbalanced Data Set Learning", PAKDD 2013, LNCS 7819,
       pp. 317-328.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.over_sampling import ProWSyn
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> X_res, y_res = ProWSyn(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 897), (1, 897)]
    """

    _parameter_constraints: dict = {
        **VariantOverSampler._parameter_constraints,
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "n_levels": [Interval(Integral, 1, None, closed="left")],
        "theta": [Interval(Real, 0, None, closed="left")],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        n_neighbors=5,
        n_levels=5,
        theta=1.0,
        n_jobs=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.n_neighbors = n_neighbors
        self.n_levels = n_levels
        self.theta = theta
        self.n_jobs = n_jobs

    def _start_fit(self):
        self.levels_ = {}
        self.samples_per_level_ = {}

    def _generate(self, X, is_min, klass, n_new, rng):
        X_min = X[is_min]
        check_class_size(klass, X_min.shape[0], 2, "ProWSyn", "two rows to interpolate")
        level = proximity_levels(
            X[~is_min], X_min, self.n_neighbors, self.n_levels, n_jobs=self.n_jobs
        )
        self.levels_[klass] = level
        sizes = np.bincount(level, minlength=self.n_levels + 1)[1:]
        weights = np.exp(-self.theta * np.arange(self.n_levels))
        weights[sizes < 2] = 0.0
        if weights.sum() == 0:  # every level has a single row: pool them all
            level = np.ones_like(level)
            sizes = np.bincount(level, minlength=self.n_levels + 1)[1:]
            weights = np.zeros(self.n_levels)
            weights[0] = 1.0
        counts = allocate(n_new, weights)
        self.samples_per_level_[klass] = counts
        order = np.argsort(level, kind="stable")
        starts = np.concatenate([[0], np.cumsum(sizes)])
        parts = []
        for lev in np.flatnonzero(counts):
            members = order[starts[lev] : starts[lev + 1]]
            a, b = random_pairs(members.size, int(counts[lev]), rng)
            A, B = X_min[members[a]], X_min[members[b]]
            parts.append(A + rng.uniform(size=(A.shape[0], 1)) * (B - A))
        return np.concatenate(parts)
