"""Safe-Level-SMOTE (Bunkhumpornpat, Sinapiromsaran & Lursinsap, 2009)."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from imblearn.utils import Substitution
from sklearn.utils._param_validation import Interval

from imbtab.neighbors import count_other_class, kneighbors
from imbtab.over_sampling._variants._common import VariantOverSampler, check_class_size, label_repr
from imbtab.utils._docstring import N_JOBS, RANDOM_STATE, RESAMPLE_CONTRACT


def safe_level_gap_bounds(sl_p: np.ndarray, sl_n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper gap bounds of Safe-Level-SMOTE for safe levels ``sl_p``, ``sl_n``.

    ``sl_n == 0``: [0, 0]; ratio ``sl_p / sl_n`` = 1: [0, 1]; > 1: [0, 1/ratio];
    < 1: [1 - ratio, 1]. (Both zero is excluded by the caller.)
    """
    sl_p = np.asarray(sl_p, dtype=np.float64)
    sl_n = np.asarray(sl_n, dtype=np.float64)
    lo = np.zeros_like(sl_p)
    hi = np.ones_like(sl_p)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = sl_p / sl_n
    zero = sl_n == 0
    above = ~zero & (ratio > 1)
    below = ~zero & (ratio < 1)
    hi[zero] = 0.0
    hi[above] = sl_n[above] / sl_p[above]
    lo[below] = 1.0 - ratio[below]
    return lo, hi


def draw_safe_level_pairs(nn: np.ndarray, sl: np.ndarray, n_new: int, n_features: int, rng):
    """Base rows, partners and per-feature gaps of ``n_new`` Safe-Level-SMOTE samples.

    Pairs ``(p, nn[p, j])`` are drawn uniformly among those whose safe levels are not
    both zero; each gap is uniform in the pair's range (:func:`safe_level_gap_bounds`).
    """
    k = nn.shape[1]
    valid = ~((sl[:, None] == 0) & (sl[nn] == 0))
    candidates = np.flatnonzero(valid.ravel())
    if candidates.size == 0:
        raise ValueError(
            "every row of the class and all its neighbours have safe level 0 (they are "
            "surrounded by other classes), so no pair can make a sample."
        )
    pick = candidates[rng.randint(0, candidates.size, size=n_new)]
    rows, cols = np.divmod(pick, k)
    partners = nn[rows, cols]
    lo, hi = safe_level_gap_bounds(sl[rows], sl[partners])
    gaps = lo[:, None] + (hi - lo)[:, None] * rng.uniform(size=(n_new, n_features))
    return rows, partners, gaps


@Substitution(
    sampling_strategy=VariantOverSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    n_jobs=N_JOBS,
    contract=RESAMPLE_CONTRACT,
)
class SafeLevelSMOTE(VariantOverSampler):
    """Safe-Level-SMOTE: interpolate towards the safer end of each minority segment.

    The *safe level* of a row of the class being grown is the number of rows of that
    class among its ``k_neighbors`` nearest neighbours in the whole data. A synthetic row
    lies between a row ``p`` and one of its ``k_neighbors`` nearest same-class neighbours
    ``n``, ``p + gap * (n - p)``, with one gap per feature drawn uniformly from a range
    set by the ratio ``sl_p / sl_n`` of their safe levels:

    ========================  ===================
    case                      gap range
    ========================  ===================
    ``sl_n = 0``              0 (a copy of ``p``)
    ratio = 1                 [0, 1]
    ratio > 1                 [0, 1 / ratio]
    ratio < 1                 [1 - ratio, 1]
    ========================  ===================

    Pairs where both safe levels are 0 (both points surrounded by other classes) make
    no sample, as in the paper.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    k_neighbors : int, default=5
        Neighbours used both for the safe levels (in the whole data) and as
        interpolation partners (within the class).

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows added per class.
    safe_levels_ : dict
        For each grown class, the safe level of each of its rows (in data order).
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    imbtab.over_sampling.SMOTE : Uniform gaps on every segment.

    Notes
    -----
    {contract}

    Multiclass: each class of ``sampling_strategy_`` is grown against all other rows
    (one-vs-rest), in sorted label order. Exactly ``sampling_strategy_[c]`` rows are
    added for class ``c``: base pairs ``(p, n)`` are drawn uniformly with replacement
    among the pairs that can make a sample (the paper's loop over ``p`` adds at most one
    sample per row and pass, and the reference implementation may return fewer rows).
    If no pair can make a sample (every row of the class and its neighbours has safe
    level 0) a ``ValueError`` is raised rather than returning the input unchanged.
    A class needs at least ``k_neighbors + 1`` rows.

    Cost: one k-nearest-neighbour search of the class's rows among all rows, and one
    within the class; memory is O(n_class * k).

    References
    ----------
    .. [1] C. Bunkhumpornpat, K. Sinapiromsaran and C. Lursinsap, "Safe-Level-SMOTE:
       Safe-Level-Synthetic Minority Over-Sampling TEchnique for Handling the Class
       Imbalanced Problem", PAKDD 2009, LNCS 5476, pp. 475-482.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.over_sampling import SafeLevelSMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> X_res, y_res = SafeLevelSMOTE(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 897), (1, 897)]
    """

    _parameter_constraints: dict = {
        **VariantOverSampler._parameter_constraints,
        "k_neighbors": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [Integral, None],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, k_neighbors=5, n_jobs=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.k_neighbors = k_neighbors
        self.n_jobs = n_jobs

    def _start_fit(self):
        self.safe_levels_ = {}

    def _generate(self, X, is_min, klass, n_new, rng):
        k = self.k_neighbors
        min_rows = np.flatnonzero(is_min)
        check_class_size(
            klass, min_rows.size, k + 1, "SafeLevelSMOTE", f"k_neighbors + 1 = {k} + 1"
        )
        X_min = X[min_rows]
        nn = kneighbors(X_min, k=k, return_distance=False, n_jobs=self.n_jobs)
        sl = k - count_other_class(X, is_min, k, rows=min_rows, n_jobs=self.n_jobs)
        self.safe_levels_[klass] = sl
        try:
            rows, partners, gaps = draw_safe_level_pairs(nn, sl, n_new, X.shape[1], rng)
        except ValueError as exc:
            raise ValueError(
                f"SafeLevelSMOTE cannot grow class {label_repr(klass)}: {exc}"
            ) from None
        P = X_min[rows]
        # sl_n = 0 copies p; sl_p = 0 < sl_n (gap range [1, 1]) copies n
        copy_of = np.where(np.all(gaps == 0, axis=1), rows, -1)
        copy_of = np.where(np.all(gaps == 1, axis=1), partners, copy_of)
        return P + gaps * (X_min[partners] - P), copy_of
