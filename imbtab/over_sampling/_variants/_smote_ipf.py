"""SMOTE-IPF: SMOTE followed by the iterative-partitioning filter (Saez et al., 2015)."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from imblearn.utils import Substitution
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval

from imbtab.base import BaseOverSampler, Resampled
from imbtab.neighbors import kneighbors, numba_threads
from imbtab.over_sampling._smote.base import make_samples
from imbtab.over_sampling._variants._common import check_class_size, label_repr
from imbtab.over_sampling._variants._hist_tree import HistTreeFilter, apply_bins, bin_edges
from imbtab.utils._docstring import RANDOM_STATE, RESAMPLE_CONTRACT

# rounds of replacement for synthetic rows the filter removed
_MAX_REFILL_ROUNDS = 10


def stratified_partition(y: np.ndarray, n_parts: int, rng) -> np.ndarray:
    """Random part (0..n_parts-1) of every row, each class spread evenly over the parts."""
    part = np.empty(y.shape[0], dtype=np.int64)
    offset = 0
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        rows = rows[rng.permutation(rows.size)]
        part[rows] = (np.arange(rows.size) + offset) % n_parts
        offset += rows.size
    return part


# the default filter model: a size-limited CART, a stand-in for the paper's pruned C4.5
# that keeps each filter iteration linear in the rows (unpruned trees on 1/9 of the data
# overfit, flag many more rows and need many more iterations)
_MAX_DEPTH = 10
_MIN_SAMPLES_LEAF = 10


def _fit_one(estimator, X, y):
    return estimator.fit(X, y)


def _predict_one(model, X):
    return model.predict(X)


class _EstimatorFilter:
    """The filter's models for a user ``estimator``: clones fit on each part (threads)."""

    def __init__(self, estimator, n_jobs):
        self.estimator = estimator
        self.n_jobs = n_jobs

    def prepare(self, X):
        return X

    def fit(self, X, y, part, n_folds, rng):
        models = []
        for _ in range(n_folds):
            model = clone(self.estimator)
            if "random_state" in model.get_params():
                model.set_params(random_state=rng.randint(np.iinfo(np.int32).max))
            models.append(model)
        self.models_ = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(_fit_one)(model, X[part == f], y[part == f]) for f, model in enumerate(models)
        )
        return self

    def wrong_votes(self, X, y, rows=None):
        """Number of models that misclassify each row (of the rows ``rows`` if given)."""
        if rows is not None:
            X, y = X[rows], y[rows]
        preds = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(_predict_one)(model, X) for model in self.models_
        )
        wrong = np.zeros(y.shape[0], dtype=np.int64)
        for pred in preds:
            wrong += pred != y
        return wrong


class _HistFilter:
    """The default models: histogram CARTs (see ``_hist_tree``); rows are (X, codes)."""

    def __init__(self, X_all, y_all):
        self.edges = bin_edges(X_all)
        self.classes = np.unique(y_all)

    def prepare(self, X):
        return _Binned(np.ascontiguousarray(X, dtype=np.float64), apply_bins(X, self.edges))

    def encode(self, y):
        return np.searchsorted(self.classes, y).astype(np.int64)

    def fit(self, X, y, part, n_folds, rng):
        self.trees_ = HistTreeFilter(_MAX_DEPTH, _MIN_SAMPLES_LEAF).fit(
            X.values, X.codes, self.encode(y), part, n_folds, self.classes.size
        )
        return self

    def wrong_votes(self, X, y, rows=None):
        return self.trees_.wrong_votes(X.values, self.encode(y), rows)


class _Binned:
    """Rows as values and bin codes."""

    def __init__(self, values, codes):
        self.values = values
        self.codes = codes


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    contract=RESAMPLE_CONTRACT,
)
class SMOTEIPF(BaseOverSampler):
    """SMOTE followed by the iterative-partitioning noise filter (IPF).

    SMOTE (uniform gap between a random row of the class and one of its
    ``k_neighbors`` nearest same-class rows) grows every class of
    ``sampling_strategy_``; then IPF cleans the whole result (original and synthetic
    rows of every class): at each iteration the current rows are split at random into
    ``n_folds`` stratified parts, a clone of ``estimator`` is trained on each part, and
    a row is removed when more than half of the models misclassify it (majority vote).
    The filter stops after ``stop_iterations`` consecutive iterations that each remove
    fewer than ``stop_ratio`` times the number of rows it started with (or after
    ``max_iter`` iterations).

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    k_neighbors : int, default=5
        Same-class neighbours of the SMOTE step.

    n_folds : int, default=9
        Number of parts (and models) per filter iteration.

    stop_ratio : float, default=0.01
        An iteration is "stable" if it removes fewer than this fraction of the rows.

    stop_iterations : int, default=3
        Number of consecutive stable iterations that stop the filter.

    max_iter : int, default=100
        Largest number of filter iterations.

    estimator : classifier, default=None
        Model of the filter. ``None`` means imbtab's built-in histogram CART: Gini
        splits chosen on at most 256 quantile bins per feature (placed once, on the
        SMOTE output), the threshold then set exactly halfway between the two nearest
        values as an exact CART does; depth at most 10, at least 10 rows per leaf,
        majority class per leaf. It is a size-limited stand-in for the paper's pruned
        C4.5 (unpruned trees grown on a ninth of the data overfit, flag many more rows
        and need many more iterations), linear in the rows, with the ``n_folds`` trees
        grown in parallel. An estimator is cloned for every part, with a random state
        drawn from ``random_state`` when it has one (e.g.
        ``DecisionTreeClassifier(max_depth=10, min_samples_leaf=10)``, the exact-split
        CART of scikit-learn, more than 10 times slower on large data).

    n_jobs : int, default=None
        Number of threads. The neighbour search and the built-in trees run on numba
        threads (``None`` keeps numba's setting, all cores by default; ``-1`` all
        cores); a user ``estimator`` is fit and predicts in ``n_jobs`` joblib threads
        (``None`` means 1 unless in a joblib context). Results do not depend on it.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of synthetic rows added per class (all pass the filter).
    removed_indices_ : ndarray of int
        Positions in ``X`` of the original rows the filter removed.
    n_iter_ : int
        Number of filter iterations run.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    imbtab.combine.SMOTEENN : SMOTE followed by edited nearest neighbours.

    Notes
    -----
    {contract}

    Output: the kept original rows in order, then the synthetic rows, class by class
    in sorted label order. The filter removes original rows it judges noisy (of any
    class; see ``removed_indices_``), so a class can end with fewer rows than
    ``sampling_strategy`` asked. Exactly ``sampling_strategy_[c]`` synthetic rows of
    class ``c`` are returned: synthetic rows the filter removes are replaced by new
    SMOTE rows that the last iteration's models accept. If, after 10 rounds, not enough
    replacements are accepted, a ``UserWarning`` says how many rows are missing and
    fewer are returned (the reference implementation silently returns fewer rows).
    A class to grow needs at least ``k_neighbors + 1`` rows; ``n_folds`` must not exceed
    the number of rows.

    Cost: the k-NN searches are within each class; each filter iteration trains
    ``n_folds`` models on ``1 / n_folds`` of the rows each (in ``n_jobs`` threads) and
    predicts every row with all of them; the built-in trees cost O(rows x features) per
    depth level.

    References
    ----------
    .. [1] J. A. Saez, J. Luengo, J. Stefanowski and F. Herrera, "SMOTE-IPF: Addressing
       the noisy and borderline examples problem in imbalanced classification by a
       re-sampling method with filtering", Information Sciences 291 (2015),
       pp. 184-203.
    .. [2] T. M. Khoshgoftaar and P. Rebours, "Improving software quality prediction by
       noise filtering techniques", Journal of Computer Science and Technology 22(3)
       (2007), pp. 387-396.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.over_sampling import SMOTEIPF
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> sampler = SMOTEIPF(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> n_synthetic = len(y_res) - (len(y) - len(sampler.removed_indices_))
    >>> bool(n_synthetic == sampler.sampling_strategy_[1])
    True
    >>> sampler.removed_indices_.shape[0] > 0  # original rows judged noisy
    True
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "k_neighbors": [Interval(Integral, 1, None, closed="left")],
        "n_folds": [Interval(Integral, 2, None, closed="left")],
        "stop_ratio": [Interval(Real, 0, 1, closed="both")],
        "stop_iterations": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        n_folds=9,
        stop_ratio=0.01,
        stop_iterations=3,
        max_iter=100,
        estimator=None,
        n_jobs=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.k_neighbors = k_neighbors
        self.n_folds = n_folds
        self.stop_ratio = stop_ratio
        self.stop_iterations = stop_iterations
        self.max_iter = max_iter
        self.estimator = estimator
        self.n_jobs = n_jobs

    # -- SMOTE step --------------------------------------------------------------------
    def _smote(self, X_min, nn, n_new, rng):
        k = nn.shape[1]
        idx = rng.randint(0, X_min.shape[0] * k, size=n_new)
        rows, cols = np.divmod(idx, k)
        steps = rng.uniform(size=n_new)
        return make_samples(X_min, X_min, nn, rows, cols, steps, dtype=np.float64)

    # -- filter ------------------------------------------------------------------------
    def _filter(self, X, y, rng, models):
        """IPF on ``(X, y)`` (``X`` prepared by ``models``): the kept mask; ``models``
        ends fitted on the last iteration's parts."""
        keep = np.ones(y.shape[0], dtype=bool)
        limit = self.stop_ratio * y.shape[0]
        stable, n_iter, fitted = 0, 0, False
        part = np.empty(y.shape[0], dtype=np.int64)
        while n_iter < self.max_iter and stable < self.stop_iterations:
            n_iter += 1
            idx = np.flatnonzero(keep)
            if idx.size < self.n_folds:
                break
            part[:] = -1  # removed rows belong to no part
            part[idx] = stratified_partition(y[idx], self.n_folds, rng)
            models.fit(X, y, part, self.n_folds, rng)
            fitted = True
            noisy = models.wrong_votes(X, y, idx) * 2 > self.n_folds
            keep[idx[noisy]] = False
            stable = stable + 1 if noisy.sum() < limit else 0
        self.n_iter_ = n_iter
        return keep, fitted

    def _resample(self, X, y, sample_weight):
        rng = check_random_state(self.random_state)
        n, d = X.shape
        if n < self.n_folds:
            raise ValueError(f"SMOTEIPF needs at least n_folds = {self.n_folds} samples; got {n}.")
        X_float = X if X.dtype.kind == "f" else X.astype(np.float64)
        k = self.k_neighbors
        neighbours, parts, labels = {}, [], []
        grow = {c: int(n) for c, n in self.sampling_strategy_.items() if n > 0}
        for klass, n_new in grow.items():
            X_min = X_float[y == klass]
            check_class_size(klass, X_min.shape[0], k + 1, "SMOTEIPF", f"k_neighbors + 1 = {k} + 1")
            nn = kneighbors(X_min, k=k, return_distance=False, n_jobs=self.n_jobs)
            neighbours[klass] = (X_min, nn)
            parts.append(self._smote(X_min, nn, int(n_new), rng))
            labels.append(np.full(int(n_new), klass, dtype=y.dtype))
        X_syn = np.concatenate(parts) if parts else np.empty((0, d))
        y_syn = np.concatenate(labels) if labels else np.empty(0, dtype=y.dtype)
        X_all = np.concatenate([X_float, X_syn])
        y_all = np.concatenate([y, y_syn])
        if self.estimator is None:
            models = _HistFilter(X_all, y_all)
        else:
            models = _EstimatorFilter(self.estimator, self.n_jobs)
        with numba_threads(self.n_jobs):
            keep, fitted = self._filter(models.prepare(X_all), y_all, rng, models)
        self.removed_indices_ = np.flatnonzero(~keep[:n])
        kept_syn = keep[n:]
        X_out, y_out = [], []
        for klass, n_new in grow.items():
            mine = y_syn == klass
            accepted = [X_syn[mine & kept_syn]]
            missing = int(n_new) - accepted[0].shape[0]
            X_min, nn = neighbours[klass]
            for _ in range(_MAX_REFILL_ROUNDS if fitted else 0):
                if missing == 0:
                    break
                cand = self._smote(X_min, nn, missing, rng)
                labels_cand = np.full(missing, klass, dtype=y.dtype)
                with numba_threads(self.n_jobs):
                    ok = models.wrong_votes(models.prepare(cand), labels_cand)
                cand = cand[ok * 2 <= self.n_folds]
                accepted.append(cand)
                missing -= cand.shape[0]
            if missing:
                warnings.warn(
                    f"SMOTEIPF: the filter rejected too many synthetic rows of class "
                    f"{label_repr(klass)}; {missing} of the {int(n_new)} requested rows are missing.",
                    UserWarning,
                    stacklevel=2,
                )
            X_out.append(np.concatenate(accepted))
            y_out.append(np.full(X_out[-1].shape[0], klass, dtype=y.dtype))
        X_new = np.concatenate(X_out).astype(X.dtype, copy=False) if X_out else X_syn
        y_new = np.concatenate(y_out) if y_out else y_syn
        rows = np.concatenate([np.flatnonzero(keep[:n]), n + np.arange(X_new.shape[0])])
        return Resampled(rows=rows.astype(np.intp), X_new=X_new, y_new=y_new)
