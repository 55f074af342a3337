"""Vectorised objective scans over decision thresholds and per-class offsets.

Binary: sort the scores once, accumulate weighted true/false positive counts, and
evaluate a count-based objective at every distinct threshold in one pass.
Multiclass: coordinate ascent on additive offsets of per-class scores; for each
class the argmax changes only at breakpoints, so confusion counts are again
cumulative sums along the sorted breakpoints.

Generic label metrics (any ``metric(y_true, y_pred)`` or label scorer) fall back
to evaluation on a bounded candidate set.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    get_scorer,
    log_loss,
    roc_auc_score,
)

#: count-based objectives evaluated in one vectorised pass (binary)
BINARY_COUNT_OBJECTIVES = {
    "f1",
    "f2",
    "f0.5",
    "precision",
    "recall",
    "balanced_accuracy",
    "gmean",
    "mcc",
    "accuracy",
    "cost",
    "recall_at_precision",
    "precision_at_recall",
    "alert_rate",
}
CONSTRAINED_OBJECTIVES = {"recall_at_precision", "precision_at_recall", "alert_rate"}
#: count-based objectives for the multiclass offset search (macro averages)
MULTICLASS_COUNT_OBJECTIVES = {
    "f1",
    "f2",
    "f0.5",
    "precision",
    "recall",
    "balanced_accuracy",
    "gmean",
    "mcc",
    "accuracy",
    "cost",
}
_RANKING_PATTERN = re.compile(r"roc_auc|average_precision|log_loss|brier|auc|top_k")
_RANKING_FUNCS = (roc_auc_score, average_precision_score, log_loss, brier_score_loss)
_MAX_GENERIC_CANDIDATES = 200


def _ranking_error(name: str) -> ValueError:
    return ValueError(
        f"objective={name!r} is a ranking or probability metric: it does not depend on the "
        "decision threshold, so it cannot be used to tune one. Use a label metric such as "
        "'f1', 'balanced_accuracy', 'mcc', or a constrained objective "
        "('recall_at_precision', 'precision_at_recall', 'alert_rate')."
    )


class _FixedPredictions(ClassifierMixin, BaseEstimator):
    """Classifier whose ``predict`` returns stored labels indexed by the row numbers in X.

    Used to call a label scorer on already-thresholded predictions. It deliberately has
    no ``predict_proba`` or ``decision_function``, so ranking scorers fail loudly.
    """

    def __init__(self, classes=None, labels=None):
        self.classes = classes
        self.labels = labels

    def fit(self, X, y=None):  # pragma: no cover - never fitted
        return self

    @property
    def classes_(self):
        return self.classes

    def predict(self, X):
        return self.labels[np.asarray(X, dtype=np.intp).ravel()]


def _is_scorer(obj: Callable) -> bool:
    try:
        params = list(inspect.signature(obj).parameters)
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return False
    return bool(params) and params[0] == "estimator"


def resolve_generic_metric(objective, classes: np.ndarray) -> Callable:
    """Return ``metric(y_true, y_pred, sample_weight) -> float`` for a generic objective.

    Raises a ValueError for ranking metrics (names, known functions, or scorers that need
    ``predict_proba`` / ``decision_function``).
    """
    if isinstance(objective, str):
        if _RANKING_PATTERN.search(objective):
            raise _ranking_error(objective)
        try:
            scorer = get_scorer(objective)
        except ValueError as exc:
            raise ValueError(
                f"Unknown objective {objective!r}. Use one of "
                f"{sorted(BINARY_COUNT_OBJECTIVES)}, a scikit-learn scorer name, a label "
                "metric callable metric(y_true, y_pred) or a scorer."
            ) from exc
        name = objective
    elif callable(objective):
        if objective in _RANKING_FUNCS:
            raise _ranking_error(objective.__name__)
        if not _is_scorer(objective):
            metric = objective

            def call_metric(y_true, y_pred, sample_weight=None):
                if sample_weight is None:
                    return float(metric(y_true, y_pred))
                return float(metric(y_true, y_pred, sample_weight=sample_weight))

            return call_metric
        scorer = objective
        name = repr(objective)
    else:
        raise TypeError(f"objective must be a string or a callable, got {objective!r}.")

    def call_scorer(y_true, y_pred, sample_weight=None):
        est = _FixedPredictions(classes=classes, labels=np.asarray(y_pred))
        rows = np.arange(len(y_true)).reshape(-1, 1)
        if sample_weight is None:
            return float(scorer(est, rows, y_true))
        return float(scorer(est, rows, y_true, sample_weight=sample_weight))

    # probe: a ranking scorer needs predict_proba / decision_function and fails here
    probe = np.asarray(classes)[np.arange(2 * len(classes)) % len(classes)]
    try:
        call_scorer(probe, probe)
    except AttributeError as exc:
        raise _ranking_error(name) from exc
    except Exception:  # noqa: BLE001 - other failures surface later with full data
        pass
    return call_scorer


def _safe_div(num, den):
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _fbeta(tp, pred, true, beta):
    b2 = beta * beta
    return _safe_div((1 + b2) * tp, b2 * true + pred)


def _beta_of(name: str) -> float | None:
    return {"f1": 1.0, "f2": 2.0, "f0.5": 0.5}.get(name)


def binary_count_scores(
    name: str,
    tp: np.ndarray,
    fp: np.ndarray,
    n_pos: float,
    n_neg: float,
    *,
    constraint: float | None = None,
    cost_matrix: np.ndarray | None = None,
) -> np.ndarray:
    """Objective value (to maximise) for arrays of weighted tp / fp counts.

    ``cost_matrix`` is 2x2 in (negative, positive) order, rows true, columns predicted.
    Infeasible thresholds of constrained objectives get ``-inf``.
    """
    fn = n_pos - tp
    tn = n_neg - fp
    pred = tp + fp
    beta = _beta_of(name)
    if beta is not None:
        return _fbeta(tp, pred, n_pos, beta)
    if name == "precision":
        return _safe_div(tp, pred)
    if name == "recall":
        return _safe_div(tp, n_pos) + 0 * fp
    if name == "balanced_accuracy":
        return 0.5 * (_safe_div(tp, n_pos) + _safe_div(tn, n_neg))
    if name == "gmean":
        return np.sqrt(_safe_div(tp, n_pos) * _safe_div(tn, n_neg))
    if name == "accuracy":
        return _safe_div(tp + tn, n_pos + n_neg)
    if name == "mcc":
        den = np.sqrt(pred * (tp + fn) * (tn + fp) * (tn + fn))
        return _safe_div(tp * tn - fp * fn, den)
    if name == "cost":
        c = cost_matrix
        return -(c[0, 0] * tn + c[0, 1] * fp + c[1, 0] * fn + c[1, 1] * tp) / (n_pos + n_neg)
    precision = _safe_div(tp, pred)
    recall = _safe_div(tp, n_pos)
    if name == "recall_at_precision":
        # ties in recall are broken towards higher precision
        return np.where(precision >= constraint, recall + 1e-9 * precision, -np.inf)
    if name == "precision_at_recall":
        return np.where(recall >= constraint, precision, -np.inf)
    if name == "alert_rate":
        rate = _safe_div(pred, n_pos + n_neg)
        return np.where(rate <= constraint + 1e-12, rate, -np.inf)
    raise ValueError(f"Unknown count objective {name!r}.")  # pragma: no cover


def binary_curve(
    y_pos: np.ndarray, scores: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Thresholds and cumulative weighted (tp, fp) at every distinct score.

    Candidate ``j`` predicts positive for ``score >= thresholds[j]``; thresholds lie at the
    midpoint between consecutive distinct scores (the last one at the minimum score), in
    decreasing order.
    """
    order = np.argsort(-scores, kind="mergesort")
    s = scores[order]
    yp = y_pos[order]
    w = weights[order]
    tp_c = np.cumsum(w * yp)
    fp_c = np.cumsum(w * ~yp)
    last = np.r_[np.flatnonzero(np.diff(s)), s.size - 1]
    thresholds = s[last].astype(float)
    thresholds[:-1] = 0.5 * (s[last[:-1]] + s[last[:-1] + 1])
    return thresholds, tp_c[last], fp_c[last]


def best_binary_threshold(
    y_pos: np.ndarray,
    scores: np.ndarray,
    weights: np.ndarray,
    objective,
    *,
    classes: np.ndarray,
    pos_index: int,
    constraint: float | None = None,
    cost_matrix: np.ndarray | None = None,
) -> tuple[float, float, bool]:
    """Return (threshold, objective value, feasible) maximising the objective."""
    thresholds, tp, fp = binary_curve(y_pos, scores, weights)
    n_pos = float(np.sum(weights * y_pos))
    n_neg = float(np.sum(weights * ~y_pos))
    if isinstance(objective, str) and objective in BINARY_COUNT_OBJECTIVES:
        values = binary_count_scores(
            objective, tp, fp, n_pos, n_neg, constraint=constraint, cost_matrix=cost_matrix
        )
        feasible = bool(np.isfinite(values).any())
        if not feasible:
            # constraint cannot be met: fall back to the best precision (resp. recall)
            fallback = {
                "recall_at_precision": "precision",
                "precision_at_recall": "recall",
                "alert_rate": "precision",
            }[objective]
            values = binary_count_scores(fallback, tp, fp, n_pos, n_neg)
            if objective == "alert_rate":  # smallest alert set
                values = -(tp + fp)
        best = int(np.argmax(values))
        return float(thresholds[best]), float(values[best]), feasible
    metric = objective  # already resolved generic metric
    idx = np.arange(thresholds.size)
    if idx.size > _MAX_GENERIC_CANDIDATES:
        idx = np.unique(np.linspace(0, idx.size - 1, _MAX_GENERIC_CANDIDATES).round().astype(int))
    neg_label, pos_label = classes[1 - pos_index], classes[pos_index]
    y_true = np.where(y_pos, pos_label, neg_label)
    values = np.array(
        [
            metric(y_true, np.where(scores >= thresholds[j], pos_label, neg_label), weights)
            for j in idx
        ]
    )
    best = int(np.argmax(values))
    return float(thresholds[idx[best]]), float(values[best]), True


def multiclass_count_scores(
    name: str,
    tp: np.ndarray,
    pred: np.ndarray,
    true: np.ndarray,
    *,
    cost: np.ndarray | None = None,
) -> np.ndarray:
    """Macro objective for per-class arrays ``tp``/``pred`` of shape (m, K)."""
    total = true.sum()
    beta = _beta_of(name)
    if beta is not None:
        return _fbeta(tp, pred, true, beta).mean(axis=1)
    if name == "precision":
        return _safe_div(tp, pred).mean(axis=1)
    if name in ("recall", "balanced_accuracy"):
        return _safe_div(tp, true).mean(axis=1)
    if name == "gmean":
        return np.prod(_safe_div(tp, true), axis=1) ** (1.0 / tp.shape[1])
    if name == "accuracy":
        return tp.sum(axis=1) / total
    if name == "mcc":
        c = tp.sum(axis=1)
        num = c * total - pred @ true
        den = np.sqrt((total**2 - (pred**2).sum(axis=1)) * (total**2 - (true**2).sum()))
        return _safe_div(num, den)
    if name == "cost":
        return -cost / total
    raise ValueError(f"Unknown multiclass objective {name!r}.")  # pragma: no cover


def _argmax_labels(scores: np.ndarray) -> np.ndarray:
    return np.argmax(scores, axis=1)


def _offset_sweep(scores, offsets, k, y, w, n_classes, objective, cost_matrix, classes):
    """Best offset for class k given the others (``offsets[k]`` must be 0).

    Returns the new absolute offset of class k and the objective value there.
    """
    adj = scores + offsets
    others = adj.copy()
    others[:, k] = -np.inf
    o = np.argmax(others, axis=1)
    best_other = others[np.arange(len(y)), o]
    # class k wins iff scores[:, k] + delta > best_other  <=>  delta > b
    b = best_other - scores[:, k]
    finite = np.isfinite(b)
    order = np.argsort(b, kind="mergesort")
    order = order[finite[order]]
    bs = b[order]
    ys, os_, ws = y[order], o[order], w[order]
    true = np.bincount(y, weights=w, minlength=n_classes)
    # base state: every sample predicted o_i (delta = -inf); samples with b = -inf always k
    always_k = ~finite
    base_pred_lab = np.where(always_k, k, o)
    tp0 = np.bincount(y[base_pred_lab == y], weights=w[base_pred_lab == y], minlength=n_classes)
    pred0 = np.bincount(base_pred_lab, weights=w, minlength=n_classes)
    m = bs.size
    # group equal breakpoints: candidate after each distinct value
    last = np.r_[np.flatnonzero(np.diff(bs)), m - 1] if m else np.array([], dtype=int)
    cand = np.r_[-np.inf, bs[last]] if m else np.array([-np.inf])
    # offsets just above each breakpoint: midpoint to the next distinct one
    deltas = np.empty(cand.size)
    if m:
        nxt = np.r_[bs[last[1:]], bs[last[-1]] + 1.0]
        deltas[1:] = 0.5 * (bs[last] + nxt)
        deltas[0] = bs[0] - 1.0
    else:
        deltas[0] = 0.0
    if isinstance(objective, str):
        onehot_y = np.zeros((m, n_classes))
        onehot_y[np.arange(m), ys] = ws
        onehot_o = np.zeros((m, n_classes))
        onehot_o[np.arange(m), os_] = ws
        d_tp = -onehot_y * (ys == os_)[:, None]
        d_tp[:, k] += ws * (ys == k)
        d_pred = -onehot_o
        d_pred[:, k] += ws
        tp = np.vstack([tp0, tp0 + np.cumsum(d_tp, axis=0)[last]])
        pred = np.vstack([pred0, pred0 + np.cumsum(d_pred, axis=0)[last]])
        cost = None
        if objective == "cost":
            c0 = float(np.sum(w * cost_matrix[y, base_pred_lab]))
            d_cost = ws * (cost_matrix[ys, k] - cost_matrix[ys, os_])
            cost = np.r_[c0, c0 + np.cumsum(d_cost)[last]]
        values = multiclass_count_scores(objective, tp, pred, true, cost=cost)
        best = int(np.argmax(values))
        return float(deltas[best]), float(values[best])
    idx = np.arange(deltas.size)
    if idx.size > _MAX_GENERIC_CANDIDATES:
        idx = np.unique(np.linspace(0, idx.size - 1, _MAX_GENERIC_CANDIDATES).round().astype(int))
    values = []
    for j in idx:
        trial = offsets.copy()
        trial[k] = deltas[j]
        lab = _argmax_labels(scores + trial)
        values.append(objective(classes[y], classes[lab], w))
    values = np.asarray(values)
    best = int(np.argmax(values))
    return float(deltas[idx[best]]), float(values[best])


def best_multiclass_offsets(
    scores: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    objective,
    *,
    classes: np.ndarray,
    init: np.ndarray,
    reference: int,
    cost_matrix: np.ndarray | None = None,
    max_sweeps: int = 10,
) -> tuple[np.ndarray, float]:
    """Coordinate ascent on additive per-class offsets; ``reference`` stays fixed.

    ``scores`` has shape (n, K) (log-probabilities or decision scores); ``y`` holds class
    indices. Returns the offsets (reference offset equal to ``init[reference]``) and the
    objective value. Each coordinate step is exact over all breakpoints for count
    objectives, so the objective never decreases.
    """
    n_classes = scores.shape[1]
    offsets = np.asarray(init, dtype=float).copy()
    value = -np.inf
    for _ in range(max_sweeps):
        changed = False
        for k in range(n_classes):
            if k == reference:
                continue
            base = offsets.copy()
            base_k = base[k]
            base[k] = 0.0
            new_k, val = _offset_sweep(
                scores, base, k, y, w, n_classes, objective, cost_matrix, classes
            )
            if val > value + 1e-12:
                offsets[k] = new_k
                value = val
                changed = changed or not np.isclose(new_k, base_k)
        if not changed:
            break
    if not np.isfinite(value):
        value = evaluate_multiclass(scores, y, w, offsets, objective, classes, cost_matrix)
    return offsets, float(value)


def evaluate_multiclass(scores, y, w, offsets, objective, classes, cost_matrix=None) -> float:
    """Objective of the offset decision ``argmax(scores + offsets)``."""
    lab = _argmax_labels(scores + offsets)
    n_classes = scores.shape[1]
    if isinstance(objective, str):
        hit = lab == y
        tp = np.bincount(y[hit], weights=w[hit], minlength=n_classes)[None, :]
        pred = np.bincount(lab, weights=w, minlength=n_classes)[None, :]
        true = np.bincount(y, weights=w, minlength=n_classes)
        cost = None
        if objective == "cost":
            cost = np.array([np.sum(w * cost_matrix[y, lab])])
        return float(multiclass_count_scores(objective, tp, pred, true, cost=cost)[0])
    return float(objective(classes[y], classes[lab], w))
