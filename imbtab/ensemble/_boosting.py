"""AdaBoost-SAMME with resampling in every round: RUSBoost and SMOTEBoost."""

from __future__ import annotations

import numbers
import time

import numpy as np
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import has_fit_parameter
from sklearn_compat.base import _fit_context

from imbtab.ensemble._base import (
    COMMON_ATTRS_DOC,
    COMMON_PARAMS_DOC,
    FIT_PARAMS_DOC,
    SAMPLING_STRATEGY_CONSTRAINT,
    BaseImbalanceEnsemble,
    balance_class_weights,
    chunked_predict,
    fit_member,
    normalized_weights,
    resolve_target_counts,
)
from imbtab.ensemble._resample import class_rows, draw_rows, smote_grow

BOOST_WEIGHTS_DOC = """boost_weights : {"uniform", "balanced"}, default="uniform"
        Initial boosting distribution. ``"uniform"`` is the published algorithm: every row
        starts at ``1/n`` (times ``sample_weight``), so the weighted error is dominated by the
        larger classes. ``"balanced"`` starts every class at the same total weight, and each
        member's (re)sampled rows are rescaled per class to the distribution's class totals:
        the first member is the same as with ``"uniform"`` (its sample is balanced either
        way), but the error that weighs the members - and decides whether one is better than
        chance - becomes the balanced error. Use it when the imbalance is so high that a
        member trained on a balanced sample misclassifies more than half of the
        (uniformly weighted) larger-class rows, which stops ``"uniform"`` in its first
        round."""

BOOST_NOTES = """The boosting loop is our own discrete AdaBoost-SAMME (Zhu et al. 2009): in round
    ``m`` the member is fitted on a resampled set with the current boosting weights, its
    weighted error ``err`` is measured on *all* training rows, its weight is
    ``learning_rate * (log((1 - err) / err) + log(K - 1))`` and misclassified rows have their
    weight multiplied by ``exp(weight)``. A member no better than chance ends the loop (and
    is dropped); a perfect member ends it too. ``predict_proba`` is the softmax of the
    weighted vote, as in scikit-learn's ``AdaBoostClassifier``.

    The default base estimator is a depth-3 decision tree: SAMME assumes weak members whose
    weighted error stays clearly between 0 and ``1 - 1/K``; a perfect member ends the loop
    (with unpruned trees on SMOTE-grown data that happens within a few rounds), and stumps
    cannot express feature interactions. In the synthetic sweep of
    ``benchmarks/ensembles_quality.py --sweep`` depth 3 beat stumps on average precision on 3
    of 4 data sets; unpruned trees scored higher still there, so tune ``max_depth`` for your
    data. At very high imbalance the first member (fitted on a balanced sample, scored on all
    rows with uniform weights) can be worse than chance, which raises a clear error;
    ``boost_weights="balanced"`` (errors weighed per class), a shallower tree or a float
    ``sampling_strategy`` (keep more majority rows) helps."""


def _with_class_totals(y_fit, w_fit, totals):
    """``w_fit`` rescaled so that class ``c`` sums to ``totals[c]`` (classes present)."""
    have = np.bincount(y_fit, weights=w_fit, minlength=totals.shape[0])
    scale = np.divide(totals, have, out=np.zeros_like(totals), where=have > 0)
    return w_fit * scale[y_fit]


class _BaseSAMME(BaseImbalanceEnsemble):
    _kind = "under"

    def _default_estimator(self):
        return DecisionTreeClassifier(max_depth=3)

    def _member_output(self, estimator, X, weight):
        pred = np.asarray(estimator.predict(X), dtype=np.intp)
        out = np.zeros((X.shape[0], self.n_classes_))
        out[np.arange(X.shape[0]), pred] = weight
        return out

    def _samme_scores(self, summed, total_weight):
        """SAMME class scores: +1 for the predicted class, -1/(K-1) otherwise, averaged."""
        K = self.n_classes_
        vote = summed / max(total_weight, 1e-300)
        return (K * vote - 1.0) / (K - 1)

    def _output_to_proba(self, summed, total_weight):
        s = self._samme_scores(summed, total_weight)
        if self.n_classes_ == 2:
            dec = (s[:, 1] - s[:, 0]) / 2
            d = np.column_stack([-dec, dec])
        else:
            d = s / (self.n_classes_ - 1)
        d = d - d.max(axis=1, keepdims=True)
        e = np.exp(d)
        return e / e.sum(axis=1, keepdims=True)

    def decision_function(self, X):
        """The SAMME decision of the members (scikit-learn's ``AdaBoostClassifier`` convention).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Per-class score: the weighted mean over members of +1 for the predicted class and
            ``-1/(K-1)`` otherwise. Binary: the score of ``classes_[1]`` minus that of
            ``classes_[0]``.
        """
        s = self._samme_scores(self._raw_sum(X), self.estimator_weights_.sum())
        if self.n_classes_ == 2:
            return s[:, 1] - s[:, 0]
        return s

    def _round_data(self, X, y_enc, w, rows_by_class, targets, rng):  # pragma: no cover
        raise NotImplementedError

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, eval_set=None):
        """Run the boosting rounds.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels (two or more classes).
        {fit_params}

        Returns
        -------
        self : object
            The fitted ensemble.
        """
        X, y_enc, sample_weight, evals, n_existing = self._start_fit(X, y, sample_weight, eval_set)
        if not has_fit_parameter(self.estimator_, "sample_weight"):
            raise ValueError(
                f"{type(self).__name__} needs a base estimator whose fit accepts "
                f"sample_weight; {type(self.estimator_).__name__} does not."
            )
        K = self.n_classes_
        n = y_enc.shape[0]
        if n_existing:
            w = getattr(self, "_boost_weights", None)
            if w is None or w.shape[0] != n:
                raise ValueError("warm_start=True needs the same training rows as the first fit.")
            if getattr(self, "_stopped", False):
                w = None
        else:
            w = (
                np.full(n, 1.0 / n)
                if sample_weight is None
                else sample_weight / sample_weight.sum()
            )
            if self.boost_weights == "balanced":
                w = balance_class_weights(y_enc, w, K)
                w /= w.sum()
        self._stopped = False
        counts = np.bincount(y_enc, minlength=K)
        targets = resolve_target_counts(self.sampling_strategy, counts, self.classes_, self._kind)
        self.target_counts_ = dict(zip(self.classes_, targets.tolist(), strict=True))
        rows_by_class = class_rows(y_enc, K)
        weights = list(self.estimator_weights_)
        errors = list(getattr(self, "estimator_errors_", []))[:n_existing]
        for j, seed in enumerate(self._member_seeds(n_existing) if w is not None else []):
            i = n_existing + j
            rng = np.random.RandomState(seed)
            X_fit, y_fit, w_fit = self._round_data(X, y_enc, w, rows_by_class, targets, rng)
            if self.boost_weights == "balanced":
                w_fit = _with_class_totals(y_fit, w_fit, np.bincount(y_enc, weights=w, minlength=K))
            est, fit_time = fit_member(
                self.estimator_, X_fit, y_fit, normalized_weights(w_fit), seed
            )
            start = time.perf_counter()
            incorrect = chunked_predict(est, X, self.n_jobs) != y_enc
            err = float(np.average(incorrect, weights=w))
            if err >= 1.0 - 1.0 / K:
                if not weights:
                    hint = (
                        ' (boost_weights="balanced" weighs the error per class)'
                        if self.boost_weights == "uniform"
                        else ""
                    )
                    raise ValueError(
                        f"The base estimator's weighted error {err:.3f} is no better than chance "
                        f"(1 - 1/{K}) in the first round; {type(self).__name__} cannot be "
                        f"fitted{hint}."
                    )
                self._stopped = True
                break
            if err <= 0:
                alpha = 1.0
            else:
                alpha = self.learning_rate * (np.log((1 - err) / err) + np.log(K - 1))
            self.estimators_.append(est)
            weights.append(alpha)
            errors.append(err)
            self._log_rows.append(
                {
                    "member": i,
                    "estimator_weight": float(alpha),
                    "weighted_error": err,
                    "n_fit_samples": int(y_fit.shape[0]),
                    "fit_time": fit_time,
                    "update_time": time.perf_counter() - start,
                }
            )
            if err <= 0:
                self._stopped = True
                break
            w = w * np.exp(alpha * incorrect * (w > 0))
            w /= w.sum()
        self.estimator_weights_ = np.asarray(weights, dtype=np.float64)
        self.estimator_errors_ = np.asarray(errors, dtype=np.float64)
        self._boost_weights = w if self.warm_start else None
        return self._finish_fit(evals)

    fit.__doc__ = fit.__doc__.format(fit_params=FIT_PARAMS_DOC)


class RUSBoostClassifier(_BaseSAMME):
    __doc__ = f"""RUSBoost: AdaBoost-SAMME with random under-sampling in every round.

    Seiffert et al. (2010). Each round fits the member on every row of the smaller classes
    plus a uniform random sample of each larger class (``sampling_strategy``), weighted by
    the current boosting weights.

    Parameters
    ----------
    estimator : estimator object, default=None
        Base estimator; its ``fit`` must accept ``sample_weight``. ``None`` means
        ``DecisionTreeClassifier(max_depth=3)`` (see Notes).
    n_estimators : int, default=50
        Maximum number of boosting rounds.
    learning_rate : float, default=1.0
        Shrinks each member's weight.
    sampling_strategy : float, "auto", dict or callable, default="auto"
        Rows kept per class in each round, as in :class:`UnderBaggingClassifier`.
    replacement : bool, default=False
        Under-sample with replacement.
    {BOOST_WEIGHTS_DOC}
    {COMMON_PARAMS_DOC}

    Attributes
    ----------
    {COMMON_ATTRS_DOC}
    estimator_errors_ : ndarray of shape (n_members,)
        Weighted training error of each member.
    target_counts_ : dict
        Rows per class in each round.

    See Also
    --------
    SMOTEBoostClassifier : Grows the smaller classes with SMOTE in every round.

    Notes
    -----
    {BOOST_NOTES}

    ``n_jobs`` parallelises the per-round prediction on the training rows (rounds are
    sequential).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.ensemble import RUSBoostClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> clf = RUSBoostClassifier(n_estimators=5, random_state=0).fit(X, y)
    >>> clf.decision_function(X[:2]).shape
    (2,)
    """

    _parameter_constraints: dict = {
        **BaseImbalanceEnsemble._parameter_constraints,
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "sampling_strategy": SAMPLING_STRATEGY_CONSTRAINT,
        "replacement": ["boolean"],
        "boost_weights": [StrOptions({"uniform", "balanced"})],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=50,
        learning_rate=1.0,
        sampling_strategy="auto",
        replacement=False,
        boost_weights="uniform",
        n_jobs=None,
        random_state=None,
        warm_start=False,
        verbose=0,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.boost_weights = boost_weights
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose

    def _round_data(self, X, y_enc, w, rows_by_class, targets, rng):
        rows = draw_rows(rows_by_class, targets, rng, replacement=self.replacement, bootstrap=False)
        return X[rows], y_enc[rows], w[rows]


class SMOTEBoostClassifier(_BaseSAMME):
    __doc__ = f"""SMOTEBoost: AdaBoost-SAMME with SMOTE over-sampling in every round.

    Chawla et al. (2003). Each round grows the smaller classes to ``sampling_strategy`` with
    fresh SMOTE samples (:class:`imbtab.over_sampling.SMOTE`); synthetic rows get their
    class's mean boosting weight; the error is measured on the original rows only.

    Parameters
    ----------
    estimator : estimator object, default=None
        Base estimator; its ``fit`` must accept ``sample_weight``. ``None`` means
        ``DecisionTreeClassifier(max_depth=3)`` (see Notes).
    n_estimators : int, default=50
        Maximum number of boosting rounds.
    learning_rate : float, default=1.0
        Shrinks each member's weight.
    sampling_strategy : float, "auto", dict or callable, default="auto"
        Rows per class in each round, as in :class:`OverBaggingClassifier`.
    k_neighbors : int, default=5
        Neighbours of SMOTE (reduced automatically for classes with fewer rows).
    {BOOST_WEIGHTS_DOC}
    {COMMON_PARAMS_DOC}

    Attributes
    ----------
    {COMMON_ATTRS_DOC}
    estimator_errors_ : ndarray of shape (n_members,)
        Weighted training error of each member.
    target_counts_ : dict
        Rows per class in each round.

    See Also
    --------
    RUSBoostClassifier : Under-samples the larger classes in every round instead.

    Notes
    -----
    {BOOST_NOTES}

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.ensemble import SMOTEBoostClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> clf = SMOTEBoostClassifier(n_estimators=5, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    _kind = "over"
    _needs_finite = True
    _parameter_constraints: dict = {
        **BaseImbalanceEnsemble._parameter_constraints,
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "sampling_strategy": SAMPLING_STRATEGY_CONSTRAINT,
        "k_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "boost_weights": [StrOptions({"uniform", "balanced"})],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=50,
        learning_rate=1.0,
        sampling_strategy="auto",
        k_neighbors=5,
        boost_weights="uniform",
        n_jobs=None,
        random_state=None,
        warm_start=False,
        verbose=0,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.sampling_strategy = sampling_strategy
        self.k_neighbors = k_neighbors
        self.boost_weights = boost_weights
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose

    def _round_data(self, X, y_enc, w, rows_by_class, targets, rng):
        X_res, y_res = smote_grow(X, y_enc, targets, self.k_neighbors, rng.randint(2**31 - 1))
        K = targets.shape[0]
        means = np.bincount(y_enc, weights=w, minlength=K) / np.maximum(
            np.bincount(y_enc, minlength=K), 1
        )
        return X_res, y_res, np.concatenate([w, means[y_res[X.shape[0] :]]])
