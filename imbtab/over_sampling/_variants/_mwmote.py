"""MWMOTE: majority weighted minority over-sampling (Barua, Islam, Yao & Murase, 2014)."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from imblearn.utils import Substitution
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.utils._param_validation import Interval

from imbtab.neighbors import kneighbors
from imbtab.over_sampling._variants._common import VariantOverSampler, check_class_size, label_repr
from imbtab.utils._docstring import N_JOBS, RANDOM_STATE, RESAMPLE_CONTRACT

# classes up to this size get the exact average-linkage clustering of the paper; larger
# classes cluster this many random anchor rows exactly and give every row the cluster of
# its nearest anchor (O(n * m) time, O(m^2) memory)
_EXACT_LINKAGE_MAX = 4000


def average_linkage_labels(X, threshold, rng, n_jobs=None) -> np.ndarray:
    """Average-linkage clusters of ``X`` cut at ``threshold`` (distance between clusters).

    Exact (scipy) up to ``_EXACT_LINKAGE_MAX`` rows. Above, ``_EXACT_LINKAGE_MAX``
    anchor rows drawn at random (with ``rng``) are clustered exactly and every row takes
    the cluster of its nearest anchor.
    """
    n = X.shape[0]
    if n == 1 or threshold <= 0:
        return np.arange(n)
    if n <= _EXACT_LINKAGE_MAX:
        return fcluster(linkage(X, method="average"), t=threshold, criterion="distance") - 1
    anchors = np.sort(rng.choice(n, size=_EXACT_LINKAGE_MAX, replace=False))
    anchor_labels = average_linkage_labels(X[anchors], threshold, rng)
    nearest = kneighbors(X, X[anchors], k=1, return_distance=False, n_jobs=n_jobs)[:, 0]
    labels = anchor_labels[nearest]
    return np.unique(labels, return_inverse=True)[1]


@Substitution(
    sampling_strategy=VariantOverSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    n_jobs=N_JOBS,
    contract=RESAMPLE_CONTRACT,
)
class MWMOTE(VariantOverSampler):
    """MWMOTE: sample hard-to-learn minority rows, interpolate within their cluster.

    For the class being grown (the "minority", every other row "majority"):

    1. drop the rows whose ``k1`` nearest neighbours (in all the data) are all majority
       (noise), leaving the filtered minority;
    2. the ``k2`` nearest majority rows of every filtered minority row are the
       borderline majority;
    3. the ``k3`` nearest minority rows of every borderline majority row are the
       informative minority;
    4. a borderline majority row ``y`` and one of its ``k3`` nearest minority rows ``x``
       have closeness ``C(y, x) = min(d / ||y - x||, cf_th) / cf_th * cmax`` (``d`` the
       number of features) and information weight ``C(y, x)^2 / sum_x' C(y, x')``; a
       row's selection weight is the sum of its information weights;
    5. the class is clustered by average linkage, cut at ``cp`` times the mean distance
       of a filtered minority row to its nearest filtered minority row;
    6. each new row draws ``x`` with probability proportional to its selection weight,
       a random other row ``z`` of the cluster of ``x`` (``x`` itself if alone), and is
       ``x + u * (z - x)``, ``u ~ U[0, 1)``.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    k1 : int, default=5
        Neighbours (in all the data) for the noise filter.

    k2 : int, default=3
        Nearest majority rows of each filtered minority row.

    k3 : int, default=5
        Nearest minority rows of each borderline majority row. The paper suggests half
        the class size, which costs O(n_class^2); 5 is the reference library's default.

    cf_th : float, default=5.0
        Cut-off of the closeness factor.

    cmax : float, default=2.0
        Largest closeness factor.

    cp : float, default=3.0
        Clustering threshold factor.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows added per class.
    selection_probabilities_ : dict
        For each grown class, the selection probability of each of its rows (data
        order; zero outside the informative minority).
    clusters_ : dict
        For each grown class, the cluster label of each of its rows.
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
    (one-vs-rest), in sorted label order; exactly ``sampling_strategy_[c]`` rows are
    added. If every row of the class is noise a ``ValueError`` is raised (the reference
    implementation returns the input unchanged). A class needs at least 2 rows.

    Cost: one search of the ``max(k1, k2)`` nearest majority rows of the class's rows
    (which also settles the noise filter), small searches within the class, and the
    clustering of the class only. For classes over 4,000 rows the average linkage runs
    exactly on 4,000 random anchor rows of the class and every other row joins the
    cluster of its nearest anchor (O(n) instead of O(n^2) memory); the reference
    implementation uses k-means instead.

    References
    ----------
    .. [1] S. Barua, M. M. Islam, X. Yao and K. Murase, "MWMOTE--Majority Weighted
       Minority Oversampling Technique for Imbalanced Data Set Learning", IEEE
       Transactions on Knowledge and Data Engineering 26(2) (2014), pp. 405-425.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.over_sampling import MWMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> X_res, y_res = MWMOTE(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 897), (1, 897)]
    """

    _parameter_constraints: dict = {
        **VariantOverSampler._parameter_constraints,
        "k1": [Interval(Integral, 1, None, closed="left")],
        "k2": [Interval(Integral, 1, None, closed="left")],
        "k3": [Interval(Integral, 1, None, closed="left")],
        "cf_th": [Interval(Real, 0, None, closed="neither")],
        "cmax": [Interval(Real, 0, None, closed="neither")],
        "cp": [Interval(Real, 0, None, closed="neither")],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k1=5,
        k2=3,
        k3=5,
        cf_th=5.0,
        cmax=2.0,
        cp=3.0,
        n_jobs=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.k1 = k1
        self.k2 = k2
        self.k3 = k3
        self.cf_th = cf_th
        self.cmax = cmax
        self.cp = cp
        self.n_jobs = n_jobs

    def _start_fit(self):
        self.selection_probabilities_ = {}
        self.clusters_ = {}

    def _noise(self, X_min, X_maj, min_rows, maj_rows, d_maj, i_maj, d_mm, i_mm):
        """Rows whose k1 nearest neighbours in all the data are all majority."""
        k1 = self.k1
        if X_maj.shape[0] < k1:
            return np.zeros(X_min.shape[0], dtype=bool)
        if X_min.shape[0] == 1:
            return np.ones(1, dtype=bool)
        # the k1-th nearest majority row comes before the nearest minority row
        dk, ik = d_maj[:, k1 - 1], maj_rows[i_maj[:, k1 - 1]]
        d1, i1 = d_mm[:, 0], min_rows[i_mm[:, 0]]
        return (dk < d1) | ((dk == d1) & (ik < i1))

    def _generate(self, X, is_min, klass, n_new, rng):
        min_rows, maj_rows = np.flatnonzero(is_min), np.flatnonzero(~is_min)
        X_min, X_maj = X[min_rows], X[maj_rows]
        n_min, n_maj, d = X_min.shape[0], X_maj.shape[0], X.shape[1]
        check_class_size(klass, n_min, 2, "MWMOTE", "two rows to interpolate")
        k_maj = min(max(self.k1, self.k2), n_maj)
        d_maj, i_maj = kneighbors(X_min, X_maj, k=k_maj, n_jobs=self.n_jobs)
        d_mm, i_mm = kneighbors(X_min, k=1, n_jobs=self.n_jobs)
        noise = self._noise(X_min, X_maj, min_rows, maj_rows, d_maj, i_maj, d_mm, i_mm)
        filtered = np.flatnonzero(~noise)
        if filtered.size == 0:
            raise ValueError(
                f"MWMOTE cannot grow class {label_repr(klass)}: all its rows are noise (their "
                f"k1={self.k1} nearest neighbours all belong to other classes)."
            )
        # borderline majority and informative minority
        border = np.unique(i_maj[filtered, : min(self.k2, k_maj)])
        k3 = min(self.k3, n_min)
        d_bm, i_bm = kneighbors(X_maj[border], X_min, k=k3, n_jobs=self.n_jobs)
        with np.errstate(divide="ignore"):
            closeness = np.minimum(d / d_bm, self.cf_th) / self.cf_th * self.cmax
        info = closeness**2 / closeness.sum(axis=1, keepdims=True)
        weight = np.bincount(i_bm.ravel(), weights=info.ravel(), minlength=n_min)
        prob = weight / weight.sum()
        self.selection_probabilities_[klass] = prob
        # clusters of the class
        if filtered.size > 1:
            d_ff = kneighbors(X_min[filtered], k=1, n_jobs=self.n_jobs)[0]
            threshold = float(np.mean(d_ff)) * self.cp
        else:
            threshold = 0.0
        labels = average_linkage_labels(X_min, threshold, rng, n_jobs=self.n_jobs)
        self.clusters_[klass] = labels
        # generation
        base = rng.choice(n_min, size=n_new, p=prob)
        order = np.argsort(labels, kind="stable")
        sizes = np.bincount(labels)
        starts = np.cumsum(sizes) - sizes
        lab = labels[base]
        # a random other member of the cluster (the row itself if it is alone)
        rank = np.empty(n_min, dtype=np.int64)
        rank[order] = np.arange(n_min) - starts[labels[order]]
        others = np.maximum(sizes[lab] - 1, 1)
        pick = np.floor(rng.uniform(size=n_new) * others).astype(np.int64)
        pick += (pick >= rank[base]) & (sizes[lab] > 1)
        partner = order[starts[lab] + pick]
        A = X_min[base]
        X_new = A + rng.uniform(size=(n_new, 1)) * (X_min[partner] - A)
        return X_new, np.where(np.all(X_new == A, axis=1), base, -1)
