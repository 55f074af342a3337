"""LightGBM with the logit-adjusted cross-entropy (Menon et al., ICLR 2021)."""

from __future__ import annotations

import numpy as np
from scipy.special import expit, softmax

from ._base import _CustomObjectiveLGBMClassifier


def logit_adjusted_grad_hess(
    y: np.ndarray, raw: np.ndarray, log_prior: np.ndarray, tau: float
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient and (diagonal) hessian of cross-entropy on ``f + tau * log(prior)``.

    Binary (``raw`` 1-D, ``log_prior`` of length 2): the adjusted margin is
    ``f + tau * (log pi_1 - log pi_0)``. Multiclass: ``raw`` has shape (n, K).
    """
    y = np.asarray(y).astype(int)
    if raw.ndim == 1:
        s = expit(raw + tau * (log_prior[1] - log_prior[0]))
        return s - y, s * (1.0 - s)
    s = softmax(raw + tau * log_prior, axis=1)
    onehot = np.zeros_like(s)
    onehot[np.arange(y.shape[0]), y] = 1.0
    return s - onehot, s * (1.0 - s)


class LogitAdjustedLGBMClassifier(_CustomObjectiveLGBMClassifier):
    """LightGBM trained with the logit-adjusted loss, binary and multiclass.

    Training minimises cross-entropy on the adjusted logits ``f_k + tau log pi_k``, with
    ``pi`` the (weighted) training class frequencies (Menon et al. 2021). The model's own
    logits ``f`` then estimate ``log P(k | x) - tau log pi_k`` + const, so that
    ``predict = argmax f`` is the balanced (for ``tau=1``) decision, and ``predict_proba =
    softmax(f)`` (sigmoid in the binary case) are the probabilities under the tempered
    prior ``pi^(1 - tau)`` (uniform for ``tau=1``; with ``class_weight`` the weighted
    class masses divided by ``pi^tau``), stored as ``effective_prior_``. Wrap
    the model in :class:`imbtab.decision.PriorCorrectedClassifier` to get probabilities
    at the training prior back (it reads ``effective_prior_``).

    In the binary case with an unpenalised intercept the loss form equals the post-hoc
    threshold shift ``z > tau log(pi_1 / pi_0)``, so ``ThresholdTuner`` with
    ``strategy="prior"`` is the cheaper equivalent for a plain model.

    The gradient is exact; the hessian is the diagonal ``s (1 - s)`` of the softmax
    Jacobian (clipped at ``1e-9``). Boosting starts from the loss minimiser over constants,
    ``(1 - tau) log pi`` (``init_score_``). ``pi`` counts ``sample_weight`` but not
    ``class_weight``, which stays an extra re-weighting on top of the adjustment.

    Parameters
    ----------
    tau : float >= 0, default=1.0
        Strength of the adjustment; 0 is plain cross-entropy.
    **kwargs : dict
        Any ``lightgbm.LGBMClassifier`` parameter except ``objective``.

    Attributes
    ----------
    init_score_ : float or ndarray of shape (n_classes,)
        Initial raw score(s).
    log_prior_ : ndarray of shape (n_classes,)
        Log training class frequencies.
    effective_prior_ : ndarray of shape (n_classes,)
        Prior under which ``predict_proba`` is a posterior.
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.objectives import LogitAdjustedLGBMClassifier
    >>> X, y = make_classification(n_samples=400, weights=[0.9], random_state=0)
    >>> clf = LogitAdjustedLGBMClassifier(tau=1.0, n_estimators=20, verbose=-1, n_jobs=1).fit(X, y)
    >>> clf.effective_prior_.tolist()
    [0.5, 0.5]
    >>> clf.predict_proba(X[:2]).sum(axis=1).round(6).tolist()
    [1.0, 1.0]
    """

    _extra_params = ("tau",)

    def __init__(self, *, tau=1.0, **kwargs):
        self.tau = tau
        super().__init__(**kwargs)

    def _grad_hess(self, y, raw, weight):
        g, h = logit_adjusted_grad_hess(y, raw, self.log_prior_, float(self.tau))
        if weight is not None:
            w = weight if g.ndim == 1 else weight[:, None]
            g, h = g * w, h * w
        return g, h

    def _init_constant(self, y, weight, n_classes, sample_weight):
        if not (np.isscalar(self.tau) and np.isfinite(self.tau) and self.tau >= 0):
            raise ValueError(f"tau must be a non-negative number, got {self.tau!r}.")
        tau = float(self.tau)
        n = y.shape[0]
        # pi: class frequencies (sample-weighted); class_weight is a separate, deliberate
        # re-weighting that the adjustment must not undo
        freq = np.bincount(y, weights=sample_weight, minlength=n_classes)
        mass = np.bincount(y, weights=np.ones(n) if weight is None else weight, minlength=n_classes)
        if np.any(freq <= 0) or np.any(mass <= 0):
            raise ValueError("Every class needs a positive total sample weight.")
        self.log_prior_ = np.log(freq / freq.sum())
        log_mass = np.log(mass / mass.sum())
        # constant minimiser: softmax(c + tau log pi) = mass  =>  c = log mass - tau log pi
        const = log_mass - tau * self.log_prior_
        eff = np.exp(const - const.max())
        self.effective_prior_ = eff / eff.sum()
        if n_classes == 2:
            return float(const[1] - const[0])
        return const - const.mean()
