"""LightGBM classifier with a custom objective and correct probabilities."""

from __future__ import annotations

import numpy as np
from lightgbm import LGBMClassifier
from lightgbm.basic import LightGBMError
from scipy.special import expit, softmax
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

#: floor applied to the hessian so that Newton steps stay defined
HESS_FLOOR = 1e-9

_SPECIAL_PREDICT = ("raw_score", "pred_leaf", "pred_contrib")


class _BoundObjective:
    """Picklable ``objective(y_true, y_pred, weight)`` calling ``owner._grad_hess``."""

    def __init__(self, owner):
        self.owner = owner

    def __call__(self, y_true, y_pred, weight):
        grad, hess = self.owner._grad_hess(np.asarray(y_true), np.asarray(y_pred), weight)
        return grad, np.maximum(hess, HESS_FLOOR)


class _CustomObjectiveLGBMClassifier(LGBMClassifier):
    """Base: subclasses define ``_extra_params``, ``_grad_hess`` and ``_init_constant``.

    LightGBM gives callable objectives no starting score and returns raw margins from
    ``predict_proba``. Here ``fit`` passes a constant ``init_score`` (``init_score_``) and
    ``decision_function`` / ``predict_proba`` / ``predict`` add it back to the raw margin
    and apply the sigmoid (binary) or softmax (multiclass).
    """

    _extra_params: tuple = ()
    _supports_multiclass = True

    # ------------------------------------------------------------ to override
    def _grad_hess(self, y: np.ndarray, raw: np.ndarray, weight):  # pragma: no cover
        raise NotImplementedError

    def _init_constant(
        self, y: np.ndarray, weight, n_classes: int, sample_weight
    ):  # pragma: no cover
        raise NotImplementedError

    # ------------------------------------------------------------------- fit
    def _objective_callable(self):
        return _BoundObjective(self)

    def _process_params(self, stage):
        if stage == "fit":
            self._objective = self._objective_callable()
        params = super()._process_params(stage)
        for name in self._extra_params:
            params.pop(name, None)
        if stage == "fit" and getattr(self, "_no_pre_filter", False):
            params["feature_pre_filter"] = False
        return params

    def fit(self, X, y, sample_weight=None, init_score=None, **kwargs):
        """Fit the booster with the custom objective (see ``lightgbm.LGBMClassifier.fit``).

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        init_score : array-like, default=None
            Extra initial scores, added to the fitted constant ``init_score_``.
        **kwargs : dict
            Other ``LGBMClassifier.fit`` arguments.

        Returns
        -------
        self : estimator
            Fitted estimator.
        """
        if self.objective is not None:
            raise ValueError(
                f"{type(self).__name__} sets its own objective; got objective={self.objective!r}."
            )
        check_classification_targets(y)
        y_arr = np.asarray(y)
        if y_arr.ndim != 1:
            y_arr = y_arr.ravel()
        classes, y_enc = np.unique(y_arr, return_inverse=True)
        if classes.size < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes; got one class {classes}."
            )
        if classes.size > 2 and not self._supports_multiclass:
            raise ValueError(
                "Only binary classification is supported. The type of the target is "
                f"multiclass ({classes.size} classes) and {type(self).__name__} is binary only."
            )
        n = X.shape[0] if hasattr(X, "shape") else np.asarray(X).shape[0]
        if n != y_arr.shape[0]:
            raise ValueError(f"X has {n} samples but y has {y_arr.shape[0]}.")
        w = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        if w is not None and (w.shape != (n,) or not np.all(np.isfinite(w)) or np.any(w < 0)):
            raise ValueError("sample_weight must be n_samples finite non-negative numbers.")
        if w is not None and not np.any(w > 0):
            raise ValueError("All sample weights are zero: nothing to fit.")
        sw = w
        if self.class_weight is not None:  # LightGBM multiplies these into the weights
            cw = compute_sample_weight(self.class_weight, y_arr)
            w = cw if w is None else w * cw
        const = np.atleast_1d(np.asarray(self._init_constant(y_enc, w, classes.size, sw), float))
        self.init_score_ = const[0] if classes.size == 2 else const
        if classes.size == 2:
            init = np.full(n, const[0])
        else:
            init = np.tile(const, (n, 1))
        if init_score is not None:
            init = init + np.asarray(init_score, dtype=float).reshape(init.shape)
        try:
            return super().fit(X, y, sample_weight=sample_weight, init_score=init, **kwargs)
        except LightGBMError as exc:
            # With a callable objective LightGBM aborts when its feature pre-filter leaves
            # no usable feature (tiny data); without the pre-filter it fits constant trees
            # like the built-in objectives do.
            if "num_features" not in str(exc):
                raise
        self._no_pre_filter = True
        try:
            return super().fit(X, y, sample_weight=sample_weight, init_score=init, **kwargs)
        finally:
            self._no_pre_filter = False

    # --------------------------------------------------------------- predict
    def decision_function(self, X, **kwargs):
        """Margin including the initial score: log-odds (binary) or logits (multiclass).

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.
        **kwargs : dict
            Passed to ``LGBMClassifier.predict`` (e.g. ``num_iteration``).

        Returns
        -------
        margin : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Raw margin plus ``init_score_``.
        """
        check_is_fitted(self)
        raw = LGBMClassifier.predict_proba(self, X, raw_score=True, **kwargs)
        return np.asarray(raw, dtype=float) + self.init_score_

    def predict_proba(self, X, **kwargs):
        """Class probabilities: sigmoid / softmax of :meth:`decision_function`.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.
        **kwargs : dict
            Passed to ``LGBMClassifier.predict``; ``raw_score``, ``pred_leaf`` or
            ``pred_contrib`` return LightGBM's raw output unchanged.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities.
        """
        if any(kwargs.get(k) for k in _SPECIAL_PREDICT):
            return LGBMClassifier.predict_proba(self, X, **kwargs)
        margin = self.decision_function(X, **kwargs)
        if margin.ndim == 1:
            p = expit(margin)
            return np.column_stack([1.0 - p, p])
        return softmax(margin, axis=1)

    def predict(self, X, **kwargs):
        """Most probable class.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.
        **kwargs : dict
            Passed to ``LGBMClassifier.predict``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels.
        """
        if any(kwargs.get(k) for k in _SPECIAL_PREDICT):
            return LGBMClassifier.predict(self, X, **kwargs)
        return self.classes_[np.argmax(self.predict_proba(X, **kwargs), axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = self._supports_multiclass
        return tags
