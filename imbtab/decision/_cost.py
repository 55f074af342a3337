"""Bayes-optimal decisions under a cost matrix."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.utils import indexable
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.base import _fit_context

from ._common import (
    bayes_decision,
    check_cost_matrix,
    check_targets,
    copy_feature_attributes,
    route_fit_params,
)
from ._wrapper import InnerClassifierWrapper


class CostSensitiveClassifier(InnerClassifierWrapper):
    """Bayes-optimal decisions for a cost matrix, from (optionally calibrated) probabilities.

    ``predict`` returns ``argmin_j sum_i p_i(x) C[i, j]``, the class with the least expected
    cost. In the binary case with zero cost for correct decisions this is the threshold
    ``p >= c_fp / (c_fp + c_fn)`` (Elkan 2001). The decision is only as good as the
    probabilities: set ``calibration`` to calibrate them by cross-validation with
    :class:`~sklearn.calibration.CalibratedClassifierCV` (essential after resampling or
    class weights; or wrap the model in :class:`PriorCorrectedClassifier`).

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``predict_proba``.
    cost_matrix : array-like of shape (n_classes, n_classes)
        ``cost_matrix[i, j]`` is the cost of predicting ``classes_[j]`` when the true class
        is ``classes_[i]`` (rows true, columns predicted, as in a confusion matrix).
    calibration : {"sigmoid", "isotonic"} or None, default=None
        Calibrate the probabilities with ``CalibratedClassifierCV(method=calibration)``.
    cv : int, cross-validation splitter or iterable, default=5
        Folds of the calibration (``CalibratedClassifierCV``'s ``cv``).
    n_jobs : int, default=None
        Parallel calibration folds.

    Attributes
    ----------
    estimator_ : estimator
        The fitted (possibly calibrated) classifier.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    cost_matrix_ : ndarray of shape (n_classes, n_classes)
        Validated cost matrix.
    n_features_in_ : int
        Number of features seen during fit.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from imbtab.decision import CostSensitiveClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> clf = CostSensitiveClassifier(LogisticRegression(), [[0, 1], [10, 0]]).fit(X, y)
    >>> int((clf.predict(X) == 1).sum()) > int((y == 1).sum())
    True
    >>> clf.expected_cost(X[:2]).shape
    (2, 2)
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "cost_matrix": ["array-like"],
        "calibration": [StrOptions({"sigmoid", "isotonic"}), None],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
    }

    def __init__(self, estimator, cost_matrix, *, calibration=None, cv=5, n_jobs=None):
        self.estimator = estimator
        self.cost_matrix = cost_matrix
        self.calibration = calibration
        self.cv = cv
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the (calibrated) classifier.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to the estimator (routed when metadata routing is enabled).
        **fit_params : dict
            Further parameters for ``estimator.fit``.

        Returns
        -------
        self : CostSensitiveClassifier
            Fitted classifier.
        """
        X, y = indexable(X, y)
        y_arr, classes = check_targets(y, "CostSensitiveClassifier")
        y = y if getattr(y, "ndim", 0) == 1 and hasattr(y, "iloc") else y_arr
        if np.shape(self.cost_matrix)[:1] == (2,) and classes.size > 2:
            raise ValueError(
                "Only binary classification is supported with a 2x2 cost_matrix; y has "
                f"{classes.size} classes."
            )
        self.cost_matrix_ = check_cost_matrix(self.cost_matrix, classes.size)
        routed = route_fit_params(self, self.estimator, sample_weight, fit_params)
        if self.calibration is None:
            self.estimator_ = clone(self.estimator).fit(X, y, **routed.estimator)
        else:
            cal = CalibratedClassifierCV(
                clone(self.estimator), method=self.calibration, cv=self.cv, n_jobs=self.n_jobs
            )
            self.estimator_ = cal.fit(X, y, **routed.estimator)
        self.classes_ = np.asarray(self.estimator_.classes_)
        copy_feature_attributes(self, self.estimator_)
        return self

    def predict_proba(self, X):
        """Probabilities of the (calibrated) estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities.
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    def expected_cost(self, X):
        """Expected cost of predicting each class, ``predict_proba(X) @ cost_matrix``.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        cost : ndarray of shape (n_samples, n_classes)
            Expected cost of each decision.
        """
        return self.predict_proba(X) @ self.cost_matrix_

    def predict(self, X):
        """Least-expected-cost class.

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
        return self.classes_[bayes_decision(self.predict_proba(X), self.cost_matrix_)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # a 2x2 cost matrix defines a binary problem
        tags.classifier_tags.multi_class = np.shape(self.cost_matrix)[0] != 2
        return tags
