"""Shared machinery of the imbalance ensembles.

Every ensemble in :mod:`imbtab.ensemble` (except the balanced random forest, which builds on
imbalanced-learn's) derives from :class:`BaseImbalanceEnsemble`. It gives them, once:

* validation of ``X``, ``y`` and ``sample_weight`` (the caller's weights are copied, never
  modified; constructor parameters are never modified either);
* label encoding (members are trained on ``0..K-1``; ``classes_`` holds the original labels);
* one seed per member drawn up front from ``random_state``, so the model does not depend on
  ``n_jobs``, and ``warm_start`` with an int ``random_state`` gives the same members as a
  single fit with the final ``n_estimators``;
* ``predict_proba`` as the (weighted) mean of the members' probabilities, ``predict`` as its
  arg-max and ``decision_function`` as log-odds;
* the optional evaluation set and the per-member ``training_log_`` DataFrame.
"""

from __future__ import annotations

import numbers
import time
from abc import abstractmethod
from contextlib import contextmanager

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import average_precision_score, balanced_accuracy_score, log_loss
from sklearn.preprocessing import label_binarize
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, has_fit_parameter
from sklearn_compat.utils.validation import validate_data

from imbtab.base import check_sample_weight

MAX_INT = np.iinfo(np.int32).max
_PREDICT_CHUNK = 65_536


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------
def set_random_states(estimator, seed: int):
    """Set every ``*random_state`` parameter of ``estimator`` (nested ones too) to ``seed``."""
    keys = [
        k
        for k in estimator.get_params(deep=True)
        if k == "random_state" or k.endswith("__random_state")
    ]
    if keys:
        estimator.set_params(**dict.fromkeys(keys, int(seed)))
    return estimator


_FAST_LGBM = {"enabled": True}


@contextmanager
def fast_lgbm_prediction(enabled: bool):
    """Switch the exact fast LightGBM predictor on or off inside the block (tests, benchmarks)."""
    old = _FAST_LGBM["enabled"]
    _FAST_LGBM["enabled"] = bool(enabled)
    try:
        yield
    finally:
        _FAST_LGBM["enabled"] = old


def fast_member_predictor(estimator, X):
    """Exact fast predictor of a LightGBM member for ``X``, or None (see ``_lgbm_predict``).

    The module (and numba with it) is imported only for LightGBM members.
    """
    if not _FAST_LGBM["enabled"] or not type(estimator).__module__.startswith("lightgbm."):
        return None
    from imbtab.ensemble._lgbm_predict import fast_predictor

    if getattr(X, "ndim", 0) != 2 or X.dtype not in (np.float32, np.float64):
        return None
    pred = fast_predictor(estimator)
    return pred if pred is not None and X.shape[1] == pred.n_features else None


def member_proba(estimator, X, n_classes: int) -> np.ndarray:
    """Probabilities of one member over all ``n_classes`` encoded classes.

    Members are fitted on encoded labels but may have seen only some of them; members
    without ``predict_proba`` vote with ``predict``. LightGBM members go through the exact
    fast predictor when eligible.
    """
    classes = np.asarray(estimator.classes_, dtype=np.intp)
    out = np.zeros((X.shape[0], n_classes))
    fast = fast_member_predictor(estimator, X)
    if fast is not None:
        out[:, classes] = fast.predict_proba(X)
    elif hasattr(estimator, "predict_proba"):
        out[:, classes] = estimator.predict_proba(X)
    else:
        pred = np.asarray(estimator.predict(X), dtype=np.intp)
        out[np.arange(X.shape[0]), pred] = 1.0
    return out


def chunked_proba_sum(estimators, X, n_classes, n_jobs=None, weights=None) -> np.ndarray:
    """Sum of member probabilities over row chunks, in threads (memory stays small)."""
    n = X.shape[0]
    if weights is None:
        weights = np.ones(len(estimators))
    bounds = list(range(0, n, _PREDICT_CHUNK)) + [n]

    def _chunk(lo, hi):
        Xc = X[lo:hi]
        acc = np.zeros((hi - lo, n_classes))
        for est, w in zip(estimators, weights, strict=True):
            acc += w * member_proba(est, Xc, n_classes)
        return acc

    if len(bounds) <= 2 or n_jobs in (None, 1):
        parts = [_chunk(lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]
    else:
        parts = Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(_chunk)(lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
        )
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def chunked_predict(estimator, X, n_jobs=None) -> np.ndarray:
    """``estimator.predict(X)`` as integers, over row chunks (threads with ``n_jobs``)."""
    bounds = list(range(0, X.shape[0], _PREDICT_CHUNK)) + [X.shape[0]]
    pairs = list(zip(bounds[:-1], bounds[1:], strict=True))
    if n_jobs in (None, 1) or len(pairs) == 1:
        parts = [estimator.predict(X[a:b]) for a, b in pairs]
    else:
        parts = Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(estimator.predict)(X[a:b]) for a, b in pairs
        )
    return np.asarray(np.concatenate(parts), dtype=np.intp)


def encode_labels(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(y, return_inverse=True)``, in O(n) for integer labels of small range."""
    if y.ndim == 1 and y.size and y.dtype.kind in "iub":
        lo, hi = int(y.min()), int(y.max())
        if hi - lo <= max(1 << 16, y.size) and -(1 << 62) < lo and hi < (1 << 62):
            shifted = y.astype(np.intp) - lo
            present = np.flatnonzero(np.bincount(shifted, minlength=hi - lo + 1))
            lookup = np.zeros(hi - lo + 1, dtype=np.intp)
            lookup[present] = np.arange(present.shape[0])
            classes = (present + lo).astype(y.dtype)
            return classes, lookup[shifted]
    return np.unique(y, return_inverse=True)


def normalized_weights(weights: np.ndarray | None) -> np.ndarray | None:
    """Rescale weights to mean one (LightGBM's hessian thresholds dislike tiny weights)."""
    if weights is None:
        return None
    total = weights.sum()
    if total <= 0:
        return weights
    return weights * (weights.shape[0] / total)


def balance_class_weights(y_enc: np.ndarray, weights: np.ndarray | None, n_classes: int):
    """Weights that give every present class the same total weight (mean weight one)."""
    w = np.ones(y_enc.shape[0]) if weights is None else weights.astype(np.float64, copy=True)
    totals = np.bincount(y_enc, weights=w, minlength=n_classes)
    present = totals > 0
    scale = np.zeros(n_classes)
    scale[present] = w.sum() / (present.sum() * totals[present])
    return w * scale[y_enc]


#: accepted values of the ensembles' ``sampling_strategy`` (read by resolve_target_counts)
SAMPLING_STRATEGY_CONSTRAINT = [
    Interval(numbers.Real, 0, 1, closed="right"),
    StrOptions({"auto"}),
    dict,
    callable,
]


def resolve_target_counts(sampling_strategy, counts: np.ndarray, classes, kind: str) -> np.ndarray:
    """Per-class target counts (encoded order) for ``kind`` in {"under", "over"}.

    * ``"auto"``: under - every class cut to the smallest class; over - every class grown to
      the largest.
    * float ``r`` in (0, 1]: under - every class cut to at most ``n_min / r`` rows (``r`` is the
      minority-to-majority ratio after resampling); over - every class grown to at least
      ``r * n_max`` rows.
    * dict ``{label: count}``: target counts; classes not listed keep their size.
    * callable: called with the original labels' counts as a dict, returns such a dict.
    """
    counts = np.asarray(counts, dtype=np.int64)
    if callable(sampling_strategy):
        sampling_strategy = sampling_strategy(
            {label: int(c) for label, c in zip(classes, counts, strict=True)}
        )
        if not isinstance(sampling_strategy, dict):
            raise TypeError("A callable sampling_strategy must return a dict {label: count}.")
    if isinstance(sampling_strategy, str):
        ratio = 1.0
    elif isinstance(sampling_strategy, numbers.Real):
        ratio = float(sampling_strategy)
    else:
        ratio = None
    if ratio is not None:
        if kind == "under":
            return np.minimum(counts, max(int(counts.min() / ratio), 1))
        return np.maximum(counts, int(np.ceil(ratio * counts.max())))
    target = counts.copy()
    lookup = {label: i for i, label in enumerate(classes)}
    for label, value in sampling_strategy.items():
        if label not in lookup:
            raise ValueError(
                f"sampling_strategy has a count for label {label!r}, which is not in y "
                f"(classes: {list(classes)})."
            )
        if not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(
                f"sampling_strategy counts must be positive integers; got {value!r} for {label!r}."
            )
        target[lookup[label]] = int(value)
    return target


def eval_scores(y_enc: np.ndarray, proba: np.ndarray) -> dict:
    """Metrics logged for an evaluation set: balanced accuracy, average precision, log loss."""
    n_classes = proba.shape[1]
    pred = proba.argmax(axis=1)
    scores = {"balanced_accuracy": balanced_accuracy_score(y_enc, pred)}
    if n_classes == 2:
        scores["average_precision"] = average_precision_score(y_enc == 1, proba[:, 1])
    else:
        Y = label_binarize(y_enc, classes=np.arange(n_classes))
        present = Y.sum(axis=0) > 0
        scores["average_precision"] = average_precision_score(
            Y[:, present], proba[:, present], average="macro"
        )
    scores["log_loss"] = log_loss(y_enc, np.clip(proba, 1e-15, 1.0), labels=np.arange(n_classes))
    return scores


def fit_member(estimator, X, y, sample_weight, seed):
    """Clone, seed and fit one member; returns (member, fit seconds)."""
    est = set_random_states(clone(estimator), seed)
    start = time.perf_counter()
    if sample_weight is None:
        est.fit(X, y)
    else:
        est.fit(X, y, sample_weight=sample_weight)
    return est, time.perf_counter() - start


# --------------------------------------------------------------------------------------------
# the base class
# --------------------------------------------------------------------------------------------
class BaseImbalanceEnsemble(ClassifierMixin, BaseEstimator):
    """Common base of the imbtab imbalance ensembles (not public)."""

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_jobs": [None, numbers.Integral],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
    }

    #: whether members are fitted on row subsets / synthetic rows that need numeric input
    _needs_finite = False

    # -- configuration ------------------------------------------------------------------------
    def _default_estimator(self):
        return DecisionTreeClassifier()

    def _get_estimator(self):
        return self._default_estimator() if self.estimator is None else self.estimator

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        est_tags = get_tags(self._get_estimator())
        tags.input_tags.allow_nan = est_tags.input_tags.allow_nan and not self._needs_finite
        tags.input_tags.sparse = False
        return tags

    # -- validation ---------------------------------------------------------------------------
    def _validate_fit_input(self, X, y, sample_weight, reset):
        allow_nan = self.__sklearn_tags__().input_tags.allow_nan
        X, y = validate_data(
            self,
            X=X,
            y=y,
            reset=reset,
            accept_sparse=False,
            dtype=[np.float64, np.float32],
            ensure_all_finite="allow-nan" if allow_nan else True,
            order="C",
        )
        check_classification_targets(y)
        if y.shape[0] < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 samples; got 1 sample (n_samples=1)."
            )
        classes, y_enc = encode_labels(y)
        if classes.shape[0] < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in y; "
                f"got only class {classes[0]!r}."
            )
        if not reset and not np.array_equal(classes, self.classes_):
            raise ValueError(
                "warm_start=True needs the same classes as the previous fit; got "
                f"{list(classes)} instead of {list(self.classes_)}."
            )
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, y.shape[0])  # always a copy
            if sample_weight.sum() <= 0:
                raise ValueError("sample_weight is all zero; at least one weight must be positive.")
            estimator = self._get_estimator()
            if not has_fit_parameter(estimator, "sample_weight"):
                raise ValueError(
                    f"The base estimator {type(estimator).__name__} does not accept "
                    "sample_weight in fit, so sample_weight cannot be used."
                )
        return X, y_enc.astype(np.intp), classes, sample_weight

    def _validate_eval_set(self, eval_set):
        if eval_set is None:
            return []
        if isinstance(eval_set, tuple):
            eval_set = [eval_set]
        out = []
        lookup = {label: i for i, label in enumerate(self.classes_)}
        for j, pair in enumerate(eval_set):
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise ValueError("eval_set must be a (X, y) pair or a list of such pairs.")
            X_val = self._validate_X(pair[0])
            y_val = np.asarray(pair[1])
            if y_val.shape[0] != X_val.shape[0]:
                raise ValueError(
                    f"eval_set[{j}] has {X_val.shape[0]} rows in X but {y_val.shape[0]} labels."
                )
            unknown = set(np.unique(y_val).tolist()) - set(lookup)
            if unknown:
                raise ValueError(f"eval_set[{j}] has labels not seen in y: {sorted(unknown)}.")
            out.append((X_val, np.array([lookup[v] for v in y_val.tolist()], dtype=np.intp)))
        return out

    def _validate_X(self, X):
        allow_nan = self.__sklearn_tags__().input_tags.allow_nan
        return validate_data(
            self,
            X=X,
            reset=False,
            accept_sparse=False,
            dtype=[np.float64, np.float32],
            ensure_all_finite="allow-nan" if allow_nan else True,
        )

    def _member_seeds(self, n_existing: int) -> np.ndarray:
        """Seeds of members ``n_existing .. n_estimators-1``, drawn up front.

        With an int ``random_state`` the seeds are the tail of the seeds a single fit with
        ``n_estimators`` members would draw, so warm starting gives the same members.
        """
        rng = check_random_state(self.random_state)
        if isinstance(self.random_state, numbers.Integral):
            return rng.randint(MAX_INT, size=self.n_estimators)[n_existing:]
        return rng.randint(MAX_INT, size=self.n_estimators - n_existing)

    def _start_fit(self, X, y, sample_weight, eval_set):
        """Validate, handle warm start; returns (X, y_enc, sample_weight, evals, n_existing)."""
        warm = self.warm_start and hasattr(self, "estimators_")
        X, y_enc, classes, sample_weight = self._validate_fit_input(X, y, sample_weight, not warm)
        if not warm:
            self.classes_ = classes
            self.n_classes_ = classes.shape[0]
            self.estimators_ = []
            self.estimator_weights_ = np.zeros(0)
            self._log_rows = []
        n_existing = len(self.estimators_)
        if self.n_estimators < n_existing:
            raise ValueError(
                f"n_estimators={self.n_estimators} must be at least the {n_existing} members "
                "already fitted when warm_start=True."
            )
        self.estimator_ = self._get_estimator()
        evals = self._validate_eval_set(eval_set)
        return X, y_enc, sample_weight, evals, n_existing

    def _finish_fit(self, evals):
        """Build ``training_log_`` (with the evaluation metrics of the growing ensemble)."""
        log = pd.DataFrame(self._log_rows)
        for j, (X_val, y_val) in enumerate(evals):
            running = np.zeros((X_val.shape[0], self.n_classes_))
            total = 0.0
            rows = []
            for est, w in zip(self.estimators_, self.estimator_weights_, strict=True):
                running += self._member_output(est, X_val, w)
                total += w
                proba = self._output_to_proba(running, total)
                rows.append({f"eval{j}_{k}": v for k, v in eval_scores(y_val, proba).items()})
            log = pd.concat([log, pd.DataFrame(rows)], axis=1)
        self.training_log_ = log
        self.n_estimators_ = len(self.estimators_)
        return self

    # -- combination of members (boosting overrides) ---------------------------------------
    def _member_output(self, estimator, X, weight):
        return weight * member_proba(estimator, X, self.n_classes_)

    def _output_to_proba(self, summed, total_weight):
        return summed / total_weight

    # -- public API -----------------------------------------------------------------------------
    @abstractmethod
    def fit(self, X, y, sample_weight=None, eval_set=None):  # pragma: no cover
        ...

    def _raw_sum(self, X):
        check_is_fitted(self, "estimators_")
        X = self._validate_X(X)
        summed = np.zeros((X.shape[0], self.n_classes_))
        for est, w in zip(self.estimators_, self.estimator_weights_, strict=True):
            summed += self._member_output(est, X, w)
        return summed

    def predict_proba(self, X):
        """Class probabilities: the weighted mean of the members' probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        summed = self._raw_sum(X)
        return self._output_to_proba(summed, self.estimator_weights_.sum())

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba` (clipped away from zero).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities (``-inf`` where a probability is zero).
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def decision_function(self, X):
        """Confidence scores: log-odds of the positive class, or log-probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Binary: ``log p1 - log p0`` (positive means ``classes_[1]``). Multiclass: the
            log-probabilities centred on their row mean; the arg-max is the prediction.
        """
        proba = np.clip(self.predict_proba(X), 1e-15, None)
        logp = np.log(proba)
        if self.n_classes_ == 2:
            return logp[:, 1] - logp[:, 0]
        return logp - logp.mean(axis=1, keepdims=True)

    def predict(self, X):
        """Class labels: the arg-max of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted labels.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


FIT_PARAMS_DOC = """sample_weight : array-like of shape (n_samples,), default=None
            Non-negative row weights, passed to every member's ``fit`` for the rows it is
            trained on. The caller's array is never modified.
        eval_set : (X, y) tuple or list of tuples, default=None
            Evaluation sets. After fitting, ``training_log_`` has the balanced accuracy,
            average precision (macro one-vs-rest for multiclass) and log loss of the
            ensemble of the first ``m`` members on each set, one row per member, in columns
            ``eval<j>_<metric>``."""

COMMON_PARAMS_DOC = """n_jobs : int, default=None
        Number of threads. ``None`` means 1 unless in a joblib context; ``-1`` means all
        cores. The fitted model does not depend on it: every member's seed is drawn up
        front from ``random_state``.
    random_state : int, RandomState instance or None, default=None
        Seeds the per-member seeds (each member's resampling and the base estimator's own
        ``random_state``).
    warm_start : bool, default=False
        Keep the fitted members and add new ones up to ``n_estimators`` on the next
        ``fit``. With an int ``random_state`` the result equals a single fit with the final
        ``n_estimators``.
    verbose : int, default=0
        Print one line per member when positive."""

COMMON_ATTRS_DOC = """estimator_ : estimator
        The base estimator the members are cloned from.
    estimators_ : list of estimators
        The fitted members (trained on encoded labels ``0..n_classes-1``).
    estimator_weights_ : ndarray of shape (n_members,)
        Weight of each member in the combination.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    n_estimators_ : int
        Number of fitted members.
    training_log_ : pandas.DataFrame
        One row per member: its training-set size, fit time and, with ``eval_set``, the
        metrics of the ensemble so far on each evaluation set.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names."""
