"""LightGBM with the binary focal loss."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit, log_expit

from ._base import _CustomObjectiveLGBMClassifier


def focal_loss(y: np.ndarray, z: np.ndarray, gamma: float, alpha: float | None) -> np.ndarray:
    """Per-sample focal loss ``-a_t (1 - p_t)^gamma log p_t`` of raw scores ``z``.

    ``p = sigmoid(z)``; ``a_t`` is ``alpha`` for positives and ``1 - alpha`` for negatives
    (1 for both when ``alpha`` is None).
    """
    y = np.asarray(y, dtype=float)
    a1, a0 = (1.0, 1.0) if alpha is None else (alpha, 1.0 - alpha)
    p = expit(z)
    return -(y * a1 * (1 - p) ** gamma * log_expit(z) + (1 - y) * a0 * p**gamma * log_expit(-z))


def focal_grad_hess(
    y: np.ndarray, z: np.ndarray, gamma: float, alpha: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """Exact gradient and hessian of :func:`focal_loss` with respect to ``z``.

    For y = 1: ``g = a (1-p)^g [g p ln p + p - 1]``,
    ``h = a (1-p)^g p [(1-p)(g ln p + g + 1) - g (g p ln p + p - 1)]``; for y = 0 the
    mirror image with ``q = 1 - p``. With ``gamma = 0`` this is weighted cross-entropy.
    The hessian can be negative for ``gamma > 0``; callers clip it.
    """
    y = np.asarray(y, dtype=float)
    a1, a0 = (1.0, 1.0) if alpha is None else (alpha, 1.0 - alpha)
    p = expit(z)
    q = expit(-z)
    lp = log_expit(z)
    lq = log_expit(-z)
    u1 = gamma * p * lp + p - 1.0
    g1 = a1 * q**gamma * u1
    h1 = a1 * q**gamma * p * (q * (gamma * lp + gamma + 1.0) - gamma * u1)
    u0 = gamma * q * lq - p
    g0 = a0 * p**gamma * (p - gamma * q * lq)
    h0 = a0 * p**gamma * q * (p * (gamma * lq + gamma + 1.0) - gamma * u0)
    return y * g1 + (1 - y) * g0, y * h1 + (1 - y) * h0


class FocalLGBMClassifier(_CustomObjectiveLGBMClassifier):
    """LightGBM binary classifier trained with the focal loss (Lin et al. 2017).

    The loss ``-a_t (1 - p_t)^gamma log p_t`` down-weights well-classified samples. Its
    exact gradient and hessian are used (hessian clipped at ``1e-9``: it goes negative for
    ``gamma > 0``). Boosting starts from the constant minimising the (weighted) focal loss,
    stored in ``init_score_``, and ``predict_proba`` returns ``sigmoid(init_score_ +
    margin)``, real probabilities rather than LightGBM's raw margins. Focal-loss
    probabilities are typically under-confident; re-calibrate them if you need calibrated
    scores. Binary classification only.

    Parameters
    ----------
    gamma : float >= 0, default=2.0
        Focusing parameter; 0 gives (weighted) cross-entropy.
    alpha : float in (0, 1) or None, default=None
        Weight of the positive class (``1 - alpha`` for the negative); None weights both 1.
    **kwargs : dict
        Any ``lightgbm.LGBMClassifier`` parameter except ``objective``.

    Attributes
    ----------
    init_score_ : float
        Initial raw score.
    classes_ : ndarray of shape (2,)
        Class labels.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.objectives import FocalLGBMClassifier
    >>> X, y = make_classification(n_samples=400, weights=[0.9], random_state=0)
    >>> clf = FocalLGBMClassifier(gamma=2.0, n_estimators=20, verbose=-1, n_jobs=1).fit(X, y)
    >>> proba = clf.predict_proba(X)
    >>> bool(((proba >= 0) & (proba <= 1)).all())
    True
    """

    _extra_params = ("gamma", "alpha")
    _supports_multiclass = False

    def __init__(self, *, gamma=2.0, alpha=None, **kwargs):
        self.gamma = gamma
        self.alpha = alpha
        super().__init__(**kwargs)

    def _check_focal_params(self):
        if not (np.isscalar(self.gamma) and np.isfinite(self.gamma) and self.gamma >= 0):
            raise ValueError(f"gamma must be a non-negative number, got {self.gamma!r}.")
        if self.alpha is not None and not (np.isscalar(self.alpha) and 0 < self.alpha < 1):
            raise ValueError(f"alpha must be in (0, 1) or None, got {self.alpha!r}.")

    def _grad_hess(self, y, raw, weight):
        g, h = focal_grad_hess(y, raw, float(self.gamma), self.alpha)
        if weight is not None:
            g, h = g * weight, h * weight
        return g, h

    def _init_constant(self, y, weight, n_classes, sample_weight):
        self._check_focal_params()
        w = np.ones(y.shape[0]) if weight is None else weight

        def total(c):
            return float(np.sum(w * focal_loss(y, np.full(y.shape[0], c), self.gamma, self.alpha)))

        res = minimize_scalar(
            total, bounds=(-30.0, 30.0), method="bounded", options={"xatol": 1e-10}
        )
        return float(res.x)
