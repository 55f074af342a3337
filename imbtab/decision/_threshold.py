"""Decision-threshold tuning for binary and multiclass classifiers."""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import (
    StratifiedKFold,
    StratifiedShuffleSplit,
    check_cv,
    cross_validate,
)
from sklearn.utils import check_random_state, indexable
from sklearn.utils._param_validation import HasMethods, Interval, RealNotInt, StrOptions
from sklearn.utils.metadata_routing import MethodMapping
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.base import _fit_context

from ._common import (
    bayes_decision,
    binary_cost_threshold,
    check_cost_matrix,
    check_targets,
    check_weights,
    copy_feature_attributes,
    route_fit_params,
    take_rows,
)
from ._scan import (
    BINARY_COUNT_OBJECTIVES,
    CONSTRAINED_OBJECTIVES,
    MULTICLASS_COUNT_OBJECTIVES,
    best_binary_threshold,
    best_multiclass_offsets,
    binary_count_scores,
    evaluate_multiclass,
    resolve_generic_metric,
)
from ._wrapper import InnerClassifierWrapper, ScoreDelegationMixin

_EPS = 1e-12


def _no_score(estimator, X, y) -> float:
    """Placeholder scorer: cross_validate is only used to fit the fold models."""
    return 0.0


def _logit(p: float) -> float:
    p = min(max(p, _EPS), 1 - _EPS)
    return math.log(p / (1 - p))


def _expit(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


class ThresholdTuner(ScoreDelegationMixin, InnerClassifierWrapper):
    """Tune the decision rule of a classifier: a threshold (binary) or class offsets.

    The estimator is trained as usual; only the decision applied to its scores changes.

    * ``strategy="cv"`` (default): cross-validated search. Out-of-fold (OOF) scores of all
      folds (and repeats) are pooled and the objective is evaluated at **every distinct
      threshold** of the pooled scores (vectorised: one sort, cumulative confusion counts).
      Multiclass: additive offsets on the per-class log-probabilities (or decision scores),
      ``predict = argmax(log p + offsets)``, tuned by exact coordinate ascent on the pooled
      OOF probabilities, the majority class being the fixed reference.
    * ``strategy="prior"``: binary, predict positive when ``p >= pi`` (training prevalence);
      multiclass, ``argmax(p_k / pi_k)``. Needs ``predict_proba``.
    * ``strategy="cost"``: the Bayes decision of ``cost_matrix`` applied to the
      probabilities (binary threshold ``c_fp / (c_fp + c_fn)``). Needs ``predict_proba``;
      see :class:`CostSensitiveClassifier` to calibrate them first.

    **Few minority samples.** A plain CV threshold is noisy when the minority class is
    small. Three things guard against that: (1) when ``cv`` is an int or None the
    stratified K-fold is repeated ``n_repeats="auto"`` = ``min(5, ceil(100 / n_min))``
    times (``n_min`` is the smallest class count), so the pooled OOF set holds at least
    about 100 minority scores; (2) the threshold is chosen on the pooled OOF scores, not
    averaged over folds; (3) the chosen rule is shrunk toward the prior rule (threshold at
    the prevalence; multiclass offsets ``-log pi_k``; for ``objective="cost"`` the
    cost-optimal threshold) in log-odds space::

        w = n_min / (n_min + shrinkage)
        logit(threshold_) = w * logit(t_cv) + (1 - w) * logit(t_prior)

    With the default ``shrinkage=10``, 10 minority samples give ``w = 0.5`` and 1000 give
    ``w = 0.99``. ``shrinkage=0`` disables it. Shrinkage applies only to probability
    scores and never to the constrained objectives (it would break the constraint).

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``fit`` and ``predict_proba`` or ``decision_function``; may be a
        :class:`imbtab.pipeline.Pipeline` containing samplers.
    objective : str or callable, default="f1"
        What the threshold maximises on the OOF predictions. Count-based, evaluated
        exactly at every threshold: ``"f1"``, ``"f2"``, ``"f0.5"``, ``"precision"``,
        ``"recall"``, ``"balanced_accuracy"``, ``"gmean"``, ``"mcc"``, ``"accuracy"``,
        ``"cost"`` (minus the mean cost under ``cost_matrix``), and the constrained
        ``"recall_at_precision"`` (max recall with precision >= ``constraint``),
        ``"precision_at_recall"`` (max precision with recall >= ``constraint``) and
        ``"alert_rate"`` (flag the top ``constraint`` fraction). Multiclass objectives
        are macro averages; constrained ones are binary only. Any other scikit-learn
        scorer name, a label metric ``metric(y_true, y_pred)``, or a scorer (a callable
        whose first parameter is ``estimator``) is evaluated on up to 200 candidates.
        Ranking metrics (ROC AUC, average precision, log-loss, Brier) are refused.
    strategy : {"cv", "prior", "cost"}, default="cv"
        How the decision rule is set (see above).
    constraint : float in [0, 1], default=None
        Bound of the constrained objectives.
    cost_matrix : array-like of shape (n_classes, n_classes), default=None
        ``cost_matrix[i, j]`` is the cost of predicting ``classes_[j]`` when the truth is
        ``classes_[i]``. Needed by ``strategy="cost"`` and ``objective="cost"``.
    pos_label : int, float, bool or str, default=None
        Positive class of a binary problem; defaults to ``classes_[1]``.
    response_method : {"auto", "predict_proba", "decision_function"}, default="auto"
        Scores to threshold; "auto" prefers ``predict_proba``.
    cv : int, float, cross-validation splitter, iterable or "prefit", default=None
        None or an int: stratified K-fold (5 by default, shuffled with ``random_state``),
        repeated ``n_repeats`` times. A float in (0, 1): one stratified hold-out split of
        that test size. A splitter or iterable of splits is used as given. "prefit":
        ``estimator`` is already fitted and the rule is tuned on the data passed to
        ``fit``, which must then be held-out data (otherwise the threshold is tuned on
        training scores, which are optimistic); requires ``refit=False``.
    n_repeats : int or "auto", default="auto"
        Repeats of the K-fold when ``cv`` is None or an int (see above).
    shrinkage : float >= 0, default=10.0
        Pseudo-count of the shrinkage toward the prior rule (see above).
    refit : bool, default=True
        True: fit ``estimator`` on all of ``X`` after tuning (the threshold then comes
        from models trained on a fraction ``(K-1)/K`` of the data, which is the usual
        slight mismatch of cross-validated tuning). False: keep the model of the single
        split (``cv`` a float or a one-split splitter), whose hold-out part tuned the
        threshold, so no sample is used twice; with ``cv="prefit"`` the given estimator.
    n_jobs : int, default=None
        Parallel fold fits (joblib).
    random_state : int, RandomState instance or None, default=None
        Seeds the fold shuffling.

    Attributes
    ----------
    estimator_ : estimator
        The fitted classifier that produces the scores.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    pos_label_ : object
        Positive class (binary only, else None).
    threshold_ : float or None
        Final threshold on the positive-class score (binary); predict positive when
        ``score >= threshold_``.
    offsets_ : ndarray of shape (n_classes,) or None
        Final per-class offsets (multiclass).
    unshrunk_threshold_, unshrunk_offsets_ : float / ndarray or None
        The rule chosen on the pooled OOF scores before shrinkage.
    prior_threshold_, prior_offsets_ : float / ndarray or None
        The prior rule the shrinkage pulls toward.
    shrinkage_weight_ : float
        ``w`` above (1.0 when no shrinkage applies).
    cv_thresholds_ : ndarray of shape (n_splits,) or (n_splits, n_classes), or None
        The rule each fold alone would choose on its own OOF scores.
    threshold_spread_ : float or ndarray or None
        Standard deviation of ``cv_thresholds_`` across folds (per class for offsets).
    objective_score_ : float or None
        Objective of the final rule on the pooled OOF scores.
    constraint_satisfied_ : bool or None
        Whether a constrained objective could be met on the OOF scores (if not, a warning
        is issued and the best precision/recall rule is used instead).
    n_features_in_ : int
        Number of features seen by ``estimator_``.

    See Also
    --------
    sklearn.model_selection.TunedThresholdClassifierCV : binary-only, grid of thresholds.
    CostSensitiveClassifier : Bayes decision with optional calibration.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from imbtab.decision import ThresholdTuner
    >>> X, y = make_classification(n_samples=600, weights=[0.9], random_state=0)
    >>> tuner = ThresholdTuner(LogisticRegression(), objective="f1", random_state=0)
    >>> tuner = tuner.fit(X, y)
    >>> bool(0.0 < tuner.threshold_ < 0.5)
    True
    >>> tuner.cv_thresholds_.shape
    (10,)
    >>> tuner.predict(X[:3]).shape
    (3,)
    """

    # sample_weight also weights the objective / priors computed here
    _consumes_fit_metadata = True

    _parameter_constraints: dict = {
        "estimator": [
            HasMethods(["fit", "predict_proba"]),
            HasMethods(["fit", "decision_function"]),
        ],
        "objective": [str, callable],
        "strategy": [StrOptions({"cv", "prior", "cost"})],
        "constraint": [Interval(Real, 0, 1, closed="both"), None],
        "cost_matrix": ["array-like", None],
        "pos_label": [Real, str, "boolean", None],
        "response_method": [StrOptions({"auto", "predict_proba", "decision_function"})],
        "cv": [
            "cv_object",
            StrOptions({"prefit"}),
            Interval(RealNotInt, 0.0, 1.0, closed="neither"),
        ],
        "n_repeats": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "shrinkage": [Interval(Real, 0, None, closed="left")],
        "refit": ["boolean"],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator,
        *,
        objective="f1",
        strategy="cv",
        constraint=None,
        cost_matrix=None,
        pos_label=None,
        response_method="auto",
        cv=None,
        n_repeats="auto",
        shrinkage=10.0,
        refit=True,
        n_jobs=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.objective = objective
        self.strategy = strategy
        self.constraint = constraint
        self.cost_matrix = cost_matrix
        self.pos_label = pos_label
        self.response_method = response_method
        self.cv = cv
        self.n_repeats = n_repeats
        self.shrinkage = shrinkage
        self.refit = refit
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ------------------------------------------------------------------ helpers
    def _response_method_for(self, estimator) -> str:
        if self.response_method != "auto":
            return self.response_method
        return "predict_proba" if hasattr(estimator, "predict_proba") else "decision_function"

    def _scores(self, estimator, X) -> np.ndarray:
        """Positive-class score (binary) or (n, K) log-probabilities / decision scores."""
        out = getattr(estimator, self.response_method_)(X)
        out = np.asarray(out, dtype=float)
        if self._binary:
            if self.response_method_ == "predict_proba":
                return out[:, self._pos_index]
            out = out.ravel()
            return out if self._pos_index == 1 else -out
        if self.response_method_ == "predict_proba":
            return np.log(np.clip(out, 1e-300, None))
        return out

    def _make_splits(self, X, y, routed):
        if isinstance(self.cv, Real) and not isinstance(self.cv, Integral | bool):
            cv = StratifiedShuffleSplit(
                n_splits=1, test_size=self.cv, random_state=self.random_state
            )
            return list(cv.split(X, y))
        if self.cv is None or isinstance(self.cv, Integral):
            n_splits = 5 if self.cv is None else int(self.cv)
            n_min = int(np.min(np.unique(y, return_counts=True)[1]))
            if n_min < 2:
                raise ValueError(
                    "ThresholdTuner(strategy='cv') needs at least 2 samples of every "
                    f"class for stratified cross-validation; the smallest class has {n_min}."
                )
            if n_min < n_splits:
                warnings.warn(
                    f"The smallest class has only {n_min} samples; using {n_min} folds "
                    f"instead of {n_splits}.",
                    UserWarning,
                    stacklevel=3,
                )
                n_splits = n_min
            if self.n_repeats == "auto":
                n_repeats = int(min(5, max(1, math.ceil(100 / n_min))))
            else:
                n_repeats = int(self.n_repeats)
            rng = check_random_state(self.random_state)
            splits = []
            for _ in range(n_repeats):
                seed = int(rng.randint(np.iinfo(np.int32).max))
                skf = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
                splits.extend(skf.split(X, y))
            return splits
        cv = check_cv(self.cv, y, classifier=True)
        return list(cv.split(X, y, **routed.splitter))

    def _validate_objective(self):
        obj = self.objective
        count_set = BINARY_COUNT_OBJECTIVES if self._binary else MULTICLASS_COUNT_OBJECTIVES
        if isinstance(obj, str) and obj in CONSTRAINED_OBJECTIVES:
            if not self._binary:
                raise ValueError(
                    f"objective={obj!r} is defined for binary problems only; y has "
                    f"{len(self.classes_)} classes."
                )
            if self.constraint is None:
                raise ValueError(f"objective={obj!r} needs a `constraint` in [0, 1].")
        if isinstance(obj, str) and obj == "cost" and self.cost_matrix is None:
            raise ValueError("objective='cost' needs a cost_matrix.")
        if isinstance(obj, str) and obj in count_set:
            return obj
        return resolve_generic_metric(obj, self.classes_)

    # -------------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the estimator and tune the decision rule.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights the objective. It is also passed to ``estimator.fit``: through
            metadata routing when enabled (the estimator must request it), otherwise
            whenever ``estimator.fit`` accepts a ``sample_weight`` argument.
        **fit_params : dict
            Further parameters for ``estimator.fit`` (routed when metadata routing is
            enabled).

        Returns
        -------
        self : ThresholdTuner
            Fitted tuner.
        """
        X, y = indexable(X, y)
        y_arr, y_classes = check_targets(y, "ThresholdTuner")
        y = y if getattr(y, "ndim", 0) == 1 and hasattr(y, "iloc") else y_arr
        n_samples = y_arr.shape[0]
        weights = check_weights(sample_weight, n_samples)
        prefit = isinstance(self.cv, str) and self.cv == "prefit"
        if prefit:
            if self.refit:
                raise ValueError(
                    "cv='prefit' uses the given fitted estimator as is: set refit=False."
                )
            check_is_fitted(self.estimator)
            classes = np.asarray(self.estimator.classes_)
        else:
            classes = y_classes
        self.classes_ = classes
        self._binary = classes.size == 2
        if self._binary:
            pos = classes[1] if self.pos_label is None else self.pos_label
            if pos not in set(classes.tolist()):
                raise ValueError(f"pos_label={pos!r} is not one of the classes {classes}.")
            self.pos_label_ = pos
            self._pos_index = int(np.flatnonzero(classes == pos)[0])
        else:
            self.pos_label_ = None
            self._pos_index = None
        cost = None
        if self.cost_matrix is not None:
            cost = check_cost_matrix(self.cost_matrix, classes.size)
        self.cost_matrix_ = cost
        objective = self._validate_objective() if self.strategy == "cv" else None
        if self.strategy == "cost" and cost is None:
            raise ValueError("strategy='cost' needs a cost_matrix.")

        self.response_method_ = self._response_method_for(self.estimator)
        if not hasattr(self.estimator, self.response_method_):
            raise ValueError(
                f"The estimator has no {self.response_method_} method; choose another "
                "response_method."
            )
        proba = self.response_method_ == "predict_proba"
        if self.strategy in ("prior", "cost") and not proba:
            raise ValueError(
                f"strategy={self.strategy!r} needs probabilities: the estimator must have "
                "predict_proba and response_method must be 'auto' or 'predict_proba'."
            )

        routed = route_fit_params(self, self.estimator, sample_weight, fit_params)
        y_idx = np.searchsorted(classes, y_arr) if not prefit else _index_of(classes, y_arr)
        counts = np.bincount(y_idx, minlength=classes.size)
        prior = np.bincount(y_idx, weights=weights, minlength=classes.size)
        prior = prior / prior.sum()
        self._reset_rule()

        # ---------------- fit the estimator and collect scores
        if self.strategy != "cv":
            if prefit:
                self.estimator_ = self.estimator
            else:
                self.estimator_ = clone(self.estimator).fit(X, y, **routed.estimator)
            self.classes_ = np.asarray(self.estimator_.classes_)
            self._set_fixed_rule(prior, cost)
            copy_feature_attributes(self, self.estimator_)
            return self

        if prefit:
            self.estimator_ = self.estimator
            splits = [(None, np.arange(n_samples))]
            fold_models = [self.estimator]
        else:
            splits = self._make_splits(X, y_arr, routed)
            if not self.refit and len(splits) > 1:
                raise ValueError(
                    "refit=False keeps the model of a single train/validation split; with "
                    f"{len(splits)} splits use refit=True, or cv=<float> for a hold-out."
                )
            res = cross_validate(
                clone(self.estimator),
                X,
                y,
                cv=splits,
                params=routed.estimator,
                scoring=_no_score,
                return_estimator=True,
                n_jobs=self.n_jobs,
                error_score="raise",
            )
            fold_models = res["estimator"]
        parts = []
        for model, (_, test) in zip(fold_models, splits, strict=True):
            parts.append((self._scores(model, take_rows(X, test)), test))
        oof_scores = np.concatenate([p[0] for p in parts])
        oof_idx = np.concatenate([p[1] for p in parts])
        fold_id = np.concatenate([np.full(p[1].shape[0], i) for i, p in enumerate(parts)])
        oof_y = y_idx[oof_idx]
        oof_w = weights[oof_idx]

        if not prefit:
            if self.refit:
                self.estimator_ = clone(self.estimator).fit(X, y, **routed.estimator)
            else:
                self.estimator_ = fold_models[0]
        self._tune(oof_scores, oof_y, oof_w, fold_id, objective, prior, counts, cost, proba)
        copy_feature_attributes(self, self.estimator_)
        return self

    def _reset_rule(self):
        for name in (
            "threshold_",
            "offsets_",
            "unshrunk_threshold_",
            "unshrunk_offsets_",
            "prior_threshold_",
            "prior_offsets_",
            "cv_thresholds_",
            "threshold_spread_",
            "objective_score_",
            "constraint_satisfied_",
        ):
            setattr(self, name, None)
        self.shrinkage_weight_ = 1.0

    def _set_fixed_rule(self, prior, cost):
        if self._binary:
            if self.strategy == "prior":
                t = float(prior[self._pos_index])
            else:
                t = binary_cost_threshold(cost, self._pos_index)
            self.threshold_ = self.unshrunk_threshold_ = self.prior_threshold_ = t
        elif self.strategy == "prior":
            offsets = -np.log(np.clip(prior, _EPS, None))
            offsets -= offsets[int(np.argmax(prior))]
            self.offsets_ = self.unshrunk_offsets_ = self.prior_offsets_ = offsets

    def _tune(self, scores, y, w, fold_id, objective, prior, counts, cost, proba):
        n_folds = int(fold_id.max()) + 1
        n_min = int(counts.min())
        shrink_ok = proba and not (
            isinstance(objective, str) and objective in CONSTRAINED_OBJECTIVES
        )
        weight = n_min / (n_min + self.shrinkage) if (shrink_ok and self.shrinkage > 0) else 1.0
        if self._binary:
            y_pos = y == self._pos_index
            kw = dict(
                classes=self.classes_,
                pos_index=self._pos_index,
                constraint=self.constraint,
                cost_matrix=self._binary_cost(cost),
            )
            t_cv, _, feasible = best_binary_threshold(y_pos, scores, w, objective, **kw)
            self.constraint_satisfied_ = feasible if objective in CONSTRAINED_OBJECTIVES else None
            if not feasible:
                warnings.warn(
                    f"The constraint of objective={objective!r} ({self.constraint}) cannot "
                    "be met on the out-of-fold scores; using the closest feasible rule.",
                    UserWarning,
                    stacklevel=3,
                )
            fold_t = []
            for f in range(n_folds):
                m = fold_id == f
                if np.unique(y_pos[m]).size < 2:
                    fold_t.append(np.nan)
                    continue
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fold_t.append(
                        best_binary_threshold(y_pos[m], scores[m], w[m], objective, **kw)[0]
                    )
            self.cv_thresholds_ = np.asarray(fold_t)
            self.threshold_spread_ = float(np.nanstd(self.cv_thresholds_)) if n_folds > 1 else None
            self.unshrunk_threshold_ = t_cv
            if proba:
                if isinstance(objective, str) and objective == "cost":
                    t_prior = binary_cost_threshold(cost, self._pos_index)
                else:
                    t_prior = float(prior[self._pos_index])
                self.prior_threshold_ = t_prior
            if weight < 1.0:
                z = weight * _logit(t_cv) + (1 - weight) * _logit(self.prior_threshold_)
                self.threshold_ = _expit(z)
            else:
                self.threshold_ = t_cv
            self.shrinkage_weight_ = float(weight)
            self.objective_score_ = self._binary_value(y_pos, scores, w, objective, kw)
            return
        # ---------------- multiclass offsets
        reference = int(np.argmax(counts))
        n_classes = self.classes_.size
        inits = [np.zeros(n_classes)]
        prior_off = None
        if proba:
            prior_off = -np.log(np.clip(prior, _EPS, None))
            prior_off -= prior_off[reference]
            inits.append(prior_off)
            self.prior_offsets_ = prior_off
        if isinstance(objective, str) and objective == "cost":
            weight = 1.0

        def search(s, yy, ww):
            best = None
            for init in inits:
                off, val = best_multiclass_offsets(
                    s,
                    yy,
                    ww,
                    objective,
                    classes=self.classes_,
                    init=init,
                    reference=reference,
                    cost_matrix=cost,
                )
                if best is None or val > best[1] + 1e-12:
                    best = (off, val)
            return best[0]

        off_cv = search(scores, y, w)
        fold_off = []
        for f in range(n_folds):
            m = fold_id == f
            fold_off.append(search(scores[m], y[m], w[m]))
        self.cv_thresholds_ = np.vstack(fold_off)
        self.threshold_spread_ = self.cv_thresholds_.std(axis=0) if n_folds > 1 else None
        self.unshrunk_offsets_ = off_cv
        if weight < 1.0 and prior_off is not None:
            self.offsets_ = weight * off_cv + (1 - weight) * prior_off
        else:
            weight = 1.0
            self.offsets_ = off_cv
        self.shrinkage_weight_ = float(weight)
        self.objective_score_ = evaluate_multiclass(
            scores, y, w, self.offsets_, objective, self.classes_, cost
        )

    def _binary_cost(self, cost):
        if cost is None:
            return None
        order = [1 - self._pos_index, self._pos_index]
        return cost[np.ix_(order, order)]

    def _binary_value(self, y_pos, scores, w, objective, kw) -> float:
        pred = scores >= self.threshold_
        if isinstance(objective, str):
            tp = np.array([np.sum(w * (pred & y_pos))])
            fp = np.array([np.sum(w * (pred & ~y_pos))])
            value = binary_count_scores(
                objective,
                tp,
                fp,
                float(np.sum(w * y_pos)),
                float(np.sum(w * ~y_pos)),
                constraint=self.constraint,
                cost_matrix=kw["cost_matrix"],
            )[0]
            if objective == "recall_at_precision" and np.isfinite(value):
                value = float(tp[0] / max(np.sum(w * y_pos), _EPS))
            return float(value)
        pos, neg = self.classes_[self._pos_index], self.classes_[1 - self._pos_index]
        return float(objective(np.where(y_pos, pos, neg), np.where(pred, pos, neg), w))

    # ---------------------------------------------------------------- predict
    def predict(self, X):
        """Predict class labels with the tuned decision rule.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels.
        """
        check_is_fitted(self, "estimator_")
        if self._binary:
            s = self._scores(self.estimator_, X)
            pos, neg = self.classes_[self._pos_index], self.classes_[1 - self._pos_index]
            return np.where(s >= self.threshold_, pos, neg)
        if self.strategy == "cost":
            proba = self.estimator_.predict_proba(X)
            return self.classes_[bayes_decision(proba, self.cost_matrix_)]
        s = self._scores(self.estimator_, X)
        return self.classes_[np.argmax(s + self.offsets_, axis=1)]

    def get_metadata_routing(self):
        """Get metadata routing of this object.

        Returns
        -------
        routing : MetadataRouter
            ``sample_weight`` is consumed by the tuner itself (objective weights) and
            routed to ``estimator.fit`` if requested; ``groups`` to the splitter.
        """
        router = self._router()
        if not (isinstance(self.cv, str) or isinstance(self.cv, Real) or self.cv is None):
            router.add(
                splitter=check_cv(self.cv),
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        return router

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        return tags


def _index_of(classes: np.ndarray, y: np.ndarray) -> np.ndarray:
    lookup = {c: i for i, c in enumerate(classes.tolist())}
    try:
        return np.array([lookup[v] for v in y.tolist()], dtype=np.intp)
    except KeyError as exc:
        raise ValueError(f"y contains a label {exc.args[0]!r} unknown to the estimator.") from exc
