"""Cross-validated tuning of class weights."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.metrics import check_scoring, f1_score, make_scorer
from sklearn.model_selection import StratifiedKFold, check_cv, cross_validate
from sklearn.utils import check_random_state, indexable
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.validation import check_is_fitted, has_fit_parameter
from sklearn_compat.base import _fit_context

from ._common import (
    check_targets,
    check_weights,
    copy_feature_attributes,
    route_fit_params,
)
from ._wrapper import InnerClassifierWrapper, ScoreDelegationMixin

_MECHANISMS = ("scale_pos_weight", "class_weight", "sample_weight")


def _find_param(estimator, name: str) -> str | None:
    """Name of ``name`` in ``estimator.get_params()``, preferring the final pipeline step.

    LightGBM and XGBoost accept ``scale_pos_weight`` even when ``get_params`` does not
    list it (LightGBM passes unknown keyword parameters through).
    """
    keys = estimator.get_params(deep=True).keys()
    steps = getattr(estimator, "steps", None)
    final = steps[-1][1] if steps else estimator
    key = f"{steps[-1][0]}__{name}" if steps else name
    if key in keys:
        return key
    module = type(final).__module__.split(".")[0]
    if name == "scale_pos_weight" and module in ("lightgbm", "xgboost"):
        return key
    return None


def _final_fit_accepts_sample_weight(estimator) -> str | None:
    steps = getattr(estimator, "steps", None)
    if steps:
        return (
            f"{steps[-1][0]}__sample_weight"
            if has_fit_parameter(steps[-1][1], "sample_weight")
            else None
        )
    return "sample_weight" if has_fit_parameter(estimator, "sample_weight") else None


class ClassWeightTuner(ScoreDelegationMixin, InnerClassifierWrapper):
    """Cross-validated search of the class weights of a classifier.

    Binary: the minority class gets weight ``w = 1 + f (IR - 1)`` (majority 1), with IR the
    imbalance ratio ``n_majority / n_minority`` and ``f`` in ``grid``: ``f=0`` is the
    unweighted model and ``f=1`` the fully balanced one. Multiclass: class ``k`` gets
    ``(n_max / n_k) ** f`` (an exponent on inverse class frequency). Each ``f`` is scored
    by cross-validation and the best one is refitted on all data.

    The weights go through the estimator's own mechanism, detected from its parameters
    (the final step's for a pipeline): LightGBM/XGBoost ``scale_pos_weight`` (binary),
    then ``class_weight``, then ``sample_weight`` passed to ``fit``.

    Parameters
    ----------
    estimator : estimator instance
        Classifier (or pipeline ending in one).
    grid : array-like of float, default=(0, 0.25, 0.5, 0.75, 1)
        Values of ``f`` to try (non-negative).
    cv : int, cross-validation splitter or iterable, default=5
        Stratified K-fold (shuffled with ``random_state``) when an int.
    scoring : str, callable or None, default=None
        Scorer; None means F1 of the minority class (binary) or macro F1 (multiclass).
    mechanism : {"auto", "scale_pos_weight", "class_weight", "sample_weight"}, default="auto"
        How the weights are applied.
    n_jobs : int, default=None
        Parallel fold fits.
    random_state : int, RandomState instance or None, default=None
        Seeds the fold shuffling.

    Attributes
    ----------
    estimator_ : estimator
        Estimator refitted on all data with the best weights.
    best_f_ : float
        Chosen ``f``.
    class_weight_ : dict
        Chosen weight of each class.
    best_score_ : float
        Mean cross-validated score of ``best_f_``.
    cv_results_ : dict
        ``f``, ``mean_score`` and ``std_score`` arrays over the grid.
    mechanism_ : str
        Mechanism used.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_features_in_ : int
        Number of features seen during fit.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from imbtab.decision import ClassWeightTuner
    >>> X, y = make_classification(n_samples=600, weights=[0.9], random_state=0)
    >>> tuner = ClassWeightTuner(LogisticRegression(), cv=3, random_state=0).fit(X, y)
    >>> tuner.mechanism_
    'class_weight'
    >>> sorted(tuner.class_weight_) == [0, 1]
    True
    """

    # sample_weight also weights the objective / priors computed here
    _consumes_fit_metadata = True

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "grid": ["array-like"],
        "cv": ["cv_object"],
        "scoring": [str, callable, None],
        "mechanism": [StrOptions({"auto", *_MECHANISMS})],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator,
        *,
        grid=(0.0, 0.25, 0.5, 0.75, 1.0),
        cv=5,
        scoring=None,
        mechanism="auto",
        n_jobs=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.grid = grid
        self.cv = cv
        self.scoring = scoring
        self.mechanism = mechanism
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _weights(self, f: float, classes, counts) -> dict:
        if classes.size == 2:
            minority = int(np.argmin(counts))
            ir = counts.max() / counts.min()
            w = np.ones(2)
            w[minority] = 1.0 + f * (ir - 1.0)
        else:
            w = (counts.max() / counts) ** f
        return {c: float(v) for c, v in zip(classes.tolist(), w, strict=True)}

    def _configure(self, weights: dict, classes, y_arr, base_sw):
        """Estimator and fit params applying ``weights``."""
        est = clone(self.estimator)
        if self.mechanism_ == "scale_pos_weight":
            # LightGBM/XGBoost weight the label encoded as 1, i.e. classes_[1]
            ratio = weights[classes[1].item()] / weights[classes[0].item()]
            est.set_params(**{self._param: ratio})
            return est, {}
        if self.mechanism_ == "class_weight":
            est.set_params(**{self._param: weights})
            return est, {}
        sw = np.array([weights[v] for v in y_arr.tolist()])
        if base_sw is not None:
            sw = sw * base_sw
        return est, {self._param: sw}

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Search the weights by cross-validation and refit.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Multiplied with the class weights when ``mechanism_`` is "sample_weight",
            otherwise passed to ``estimator.fit`` as is.
        **fit_params : dict
            Further parameters for ``estimator.fit``.

        Returns
        -------
        self : ClassWeightTuner
            Fitted tuner.
        """
        X, y = indexable(X, y)
        y_arr, classes = check_targets(y, "ClassWeightTuner")
        y = y if getattr(y, "ndim", 0) == 1 and hasattr(y, "iloc") else y_arr
        counts = np.array([np.sum(y_arr == c) for c in classes])
        grid = np.asarray(self.grid, dtype=float).ravel()
        if grid.size == 0 or np.any(grid < 0) or not np.all(np.isfinite(grid)):
            raise ValueError(
                f"grid must be a non-empty list of non-negative numbers, got {self.grid!r}."
            )
        base_sw = None if sample_weight is None else check_weights(sample_weight, y_arr.shape[0])

        mech = self.mechanism
        self._param = None
        order = _MECHANISMS if mech == "auto" else (mech,)
        for m in order:
            if m == "scale_pos_weight" and classes.size != 2:
                continue
            param = (
                _final_fit_accepts_sample_weight(self.estimator)
                if m == "sample_weight"
                else _find_param(self.estimator, m)
            )
            if param is not None:
                mech, self._param = m, param
                break
        if self._param is None:
            raise ValueError(
                f"The estimator offers no way to apply class weights ({', '.join(order)}): "
                "it has neither a class_weight / scale_pos_weight parameter nor a fit "
                "method accepting sample_weight."
            )
        self.mechanism_ = mech

        if self.scoring is None:
            if classes.size == 2:
                pos = classes[int(np.argmin(counts))]
                scorer = make_scorer(f1_score, pos_label=pos)
            else:
                scorer = make_scorer(f1_score, average="macro")
        else:
            scorer = check_scoring(self.estimator, scoring=self.scoring)
        if isinstance(self.cv, Integral) or self.cv is None:
            cv = StratifiedKFold(
                n_splits=5 if self.cv is None else int(self.cv),
                shuffle=True,
                random_state=int(
                    check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
                ),
            )
        else:
            cv = check_cv(self.cv, y_arr, classifier=True)
        splits = list(cv.split(X, y_arr))

        means, stds = [], []
        for f in grid:
            weights = self._weights(f, classes, counts)
            est, extra = self._configure(weights, classes, y_arr, base_sw)
            routed = route_fit_params(self, est, None if extra else sample_weight, fit_params)
            params = {**routed.estimator, **extra}
            res = cross_validate(
                est,
                X,
                y,
                cv=splits,
                scoring=scorer,
                params=params,
                n_jobs=self.n_jobs,
                error_score="raise",
            )
            means.append(float(np.mean(res["test_score"])))
            stds.append(float(np.std(res["test_score"])))
        means = np.asarray(means)
        best = int(np.argmax(means))
        self.cv_results_ = {"f": grid, "mean_score": means, "std_score": np.asarray(stds)}
        self.best_f_ = float(grid[best])
        self.best_score_ = float(means[best])
        self.class_weight_ = self._weights(self.best_f_, classes, counts)
        est, extra = self._configure(self.class_weight_, classes, y_arr, base_sw)
        routed = route_fit_params(self, est, None if extra else sample_weight, fit_params)
        self.estimator_ = est.fit(X, y, **{**routed.estimator, **extra})
        self.classes_ = np.asarray(self.estimator_.classes_)
        copy_feature_attributes(self, self.estimator_)
        return self

    def predict(self, X):
        """Predict with the refitted estimator.

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
        return self.estimator_.predict(X)
