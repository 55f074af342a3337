"""Helpers shared by the decision meta-estimators."""

from __future__ import annotations

import numpy as np
from sklearn import get_config
from sklearn.utils import Bunch
from sklearn.utils.metadata_routing import process_routing
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d, has_fit_parameter


def estimator_has(attr: str):
    """``available_if`` check: the fitted ``estimator_`` (else ``estimator``) has ``attr``."""

    def check(self) -> bool:
        if hasattr(self, "estimator_"):
            getattr(self.estimator_, attr)
        else:
            getattr(self.estimator, attr)
        return True

    return check


def copy_feature_attributes(owner, estimator) -> None:
    """Expose the fitted ``estimator``'s ``n_features_in_`` / ``feature_names_in_`` on ``owner``."""
    for name in ("n_features_in_", "feature_names_in_"):
        if hasattr(estimator, name):
            setattr(owner, name, getattr(estimator, name))


def check_targets(y, owner: str):
    """Return ``(y as 1-D array, sorted classes)``; a column vector is raveled with a warning.

    Raises a ValueError naming the problem for empty y or fewer than two classes.
    """
    y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    classes = np.unique(y)
    if classes.size < 2:
        found = "no samples" if classes.size == 0 else f"only one class ({classes[0]!r})"
        raise ValueError(f"{owner} needs at least 2 classes in y; got {found}.")
    return y, classes


def routing_enabled() -> bool:
    return bool(get_config().get("enable_metadata_routing", False))


def route_fit_params(owner, estimator, sample_weight, fit_params) -> Bunch:
    """Return ``Bunch(estimator=..., splitter=...)`` of routed fit parameters.

    With metadata routing enabled this is :func:`process_routing`. Without it,
    ``fit_params`` go to ``estimator.fit`` unchanged and ``sample_weight`` is added when
    ``estimator.fit`` accepts it.
    """
    if routing_enabled():
        kwargs = dict(fit_params)
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        routed = process_routing(owner, "fit", **kwargs)
        return Bunch(
            estimator=dict(routed.estimator.fit),
            splitter=dict(routed.splitter.split) if "splitter" in routed else {},
        )
    est_params = dict(fit_params)
    if sample_weight is not None and has_fit_parameter(estimator, "sample_weight"):
        est_params["sample_weight"] = sample_weight
    return Bunch(estimator=est_params, splitter={})


def take_rows(X, idx):
    """Row subset of an array, sparse matrix or DataFrame."""
    if hasattr(X, "iloc"):
        return X.iloc[idx]
    if isinstance(X, list):
        return [X[i] for i in idx]
    return X[idx]


def check_weights(sample_weight, n_samples: int) -> np.ndarray:
    if sample_weight is None:
        return np.ones(n_samples)
    w = np.asarray(sample_weight, dtype=float).ravel()
    if w.shape[0] != n_samples:
        raise ValueError(f"sample_weight has {w.shape[0]} entries but X has {n_samples} samples.")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("sample_weight must be finite and non-negative.")
    return w


def check_cost_matrix(cost_matrix, n_classes: int) -> np.ndarray:
    """Validate a (n_classes, n_classes) cost matrix: rows true class, columns predicted."""
    c = np.asarray(cost_matrix, dtype=float)
    if c.shape != (n_classes, n_classes):
        raise ValueError(
            f"cost_matrix must have shape ({n_classes}, {n_classes}) (rows: true class, "
            f"columns: predicted class, in the order of classes_), got {c.shape}."
        )
    if not np.all(np.isfinite(c)):
        raise ValueError("cost_matrix must contain only finite values.")
    return c


def bayes_decision(proba: np.ndarray, cost_matrix: np.ndarray) -> np.ndarray:
    """Index of the class with the least expected cost, ``argmin_j sum_i p_i C[i, j]``."""
    return np.argmin(proba @ cost_matrix, axis=1)


def binary_cost_threshold(cost_matrix: np.ndarray, pos_index: int) -> float:
    """Probability threshold of the Bayes decision for a 2x2 cost matrix (Elkan 2001).

    Predict positive when ``p >= (c_fp - c_tn) / ((c_fp - c_tn) + (c_fn - c_tp))``.
    """
    neg = 1 - pos_index
    c_fp = cost_matrix[neg, pos_index] - cost_matrix[neg, neg]
    c_fn = cost_matrix[pos_index, neg] - cost_matrix[pos_index, pos_index]
    if c_fp + c_fn <= 0:
        raise ValueError(
            "cost_matrix must make errors costlier than correct decisions "
            "(c_fp - c_tn) + (c_fn - c_tp) > 0."
        )
    return float(c_fp / (c_fp + c_fn))
