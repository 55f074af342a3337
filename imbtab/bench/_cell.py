"""One benchmark cell: preprocess, fit, predict and score one (dataset, method, fold, repeat)."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
import traceback
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from imbtab.bench._preprocess import make_preprocessor
from imbtab.bench._registry import MethodSpec, NotApplicable, build_estimator

__all__ = ["METRICS", "CellKey", "fold_indices", "run_cell", "score_predictions"]


def _confusion(y, p) -> tuple[float, float, float, float]:
    y = np.asarray(y, dtype=bool)
    p = np.asarray(p, dtype=bool)
    tp = float(np.count_nonzero(y & p))
    fn = float(np.count_nonzero(y & ~p))
    fp = float(np.count_nonzero(~y & p))
    tn = float(y.size - tp - fn - fp)
    return tp, fp, tn, fn


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else 0.0


def _fbeta(tp, fp, tn, fn, beta2: float) -> float:
    return _ratio((1 + beta2) * tp, (1 + beta2) * tp + beta2 * fn + fp)


def _mcc(tp, fp, tn, fn) -> float:
    den = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
    return (tp * tn - fp * fn) / np.sqrt(den) if den > 0 else 0.0


# label metrics from the confusion counts: same values as scikit-learn / imbalanced-learn
# (zero_division=0, MCC 0 when undefined), without their per-call validation cost
_LABEL_METRICS = {
    "f1": lambda tp, fp, tn, fn: _fbeta(tp, fp, tn, fn, 1.0),
    "f2": lambda tp, fp, tn, fn: _fbeta(tp, fp, tn, fn, 4.0),
    "balanced_accuracy": lambda tp, fp, tn, fn: (_ratio(tp, tp + fn) + _ratio(tn, tn + fp)) / 2,
    "gmean": lambda tp, fp, tn, fn: float(np.sqrt(_ratio(tp, tp + fn) * _ratio(tn, tn + fp))),
    "mcc": _mcc,
}
_SCORE_METRICS = {
    "average_precision": average_precision_score,
    "roc_auc": roc_auc_score,
}
#: Metrics computed per cell (``brier`` needs probabilities; lower is better for it only).
METRICS: tuple[str, ...] = (
    "average_precision",
    "roc_auc",
    "f1",
    "f2",
    "balanced_accuracy",
    "gmean",
    "mcc",
    "brier",
)
LOWER_IS_BETTER = frozenset({"brier", "fit_time", "predict_time"})


@dataclass(frozen=True, order=True)
class CellKey:
    """The unique key of a cell in the results store."""

    dataset: str
    method: str
    fold: int
    repeat: int
    seed: int


class CellTimeout(BaseException):
    """The cell ran longer than the time limit (a BaseException so estimators cannot swallow it)."""


def derived_seed(seed: int, repeat: int) -> int:
    """Seed of repeat ``repeat`` (fold split and estimator ``random_state``)."""
    return int(np.random.SeedSequence([seed, repeat]).generate_state(1)[0] % (2**31 - 1))


def fold_indices(
    y: np.ndarray, n_folds: int, seed: int, repeat: int, fold: int
) -> tuple[np.ndarray, np.ndarray]:
    """Train and test indices of one stratified fold."""
    cv = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=derived_seed(seed, repeat))
    for i, split in enumerate(cv.split(np.zeros(len(y)), y)):
        if i == fold:
            return split
    raise ValueError(f"fold {fold} out of range for {n_folds} folds")


def score_predictions(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    y_score: np.ndarray | None,
    *,
    is_proba: bool = True,
    metrics: tuple[str, ...] = METRICS,
) -> dict[str, float]:
    """Compute the requested metrics from labels and positive-class scores.

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (n_samples,)
        True and predicted 0/1 labels.
    y_score : ndarray of shape (n_samples,) or None
        Positive-class probability (or decision score when ``is_proba=False``).
    is_proba : bool, default=True
        Whether ``y_score`` is a probability (the Brier score needs one).
    metrics : tuple of str
        Names from :data:`METRICS`.

    Returns
    -------
    dict
        Metric name to value (NaN when it cannot be computed).

    Examples
    --------
    >>> import numpy as np
    >>> from imbtab.bench import score_predictions
    >>> s = score_predictions(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]),
    ...                       np.array([0.1, 0.6, 0.7, 0.9]), metrics=("f1", "roc_auc"))
    >>> round(s["f1"], 3), s["roc_auc"]
    (0.8, 1.0)
    """
    out: dict[str, float] = {}
    y_true = np.asarray(y_true)
    two_classes = 0 < np.count_nonzero(y_true) < y_true.size
    counts = _confusion(y_true, y_pred)
    for name in metrics:
        value = float("nan")
        if name in _LABEL_METRICS:
            value = _LABEL_METRICS[name](*counts)
        elif name in _SCORE_METRICS:
            if y_score is not None and two_classes:
                value = _SCORE_METRICS[name](y_true, y_score)
        elif name == "brier":
            if y_score is not None and is_proba:
                value = float(np.mean((np.asarray(y_score, dtype=float) - y_true) ** 2))
        else:
            raise ValueError(f"unknown metric {name!r}; choose from {METRICS}")
        out[name] = float(value)
    return out


def _reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _peak_rss_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    except (ImportError, OSError):  # pragma: no cover - non-POSIX
        return float("nan")


def _positive_scores(est, X) -> tuple[np.ndarray | None, bool]:
    if hasattr(est, "predict_proba"):
        try:
            proba = np.asarray(est.predict_proba(X))
        except (AttributeError, NotImplementedError):
            proba = None
        if proba is not None:
            classes = list(getattr(est, "classes_", [0, 1]))
            col = classes.index(1) if 1 in classes else proba.shape[1] - 1
            return proba[:, col], True
    if hasattr(est, "decision_function"):
        return np.asarray(est.decision_function(X)).ravel(), False
    return None, False


def _fit_and_score(
    X: pd.DataFrame, y: np.ndarray, spec: MethodSpec, key: CellKey, n_folds: int, metrics
) -> dict:
    train, test = fold_indices(y, n_folds, key.seed, key.repeat, key.fold)
    seed = derived_seed(key.seed, key.repeat)
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    prep = make_preprocessor(mode=spec.preprocess)
    X_train = prep.fit_transform(X.iloc[train])
    X_test = prep.transform(X.iloc[test])
    context: dict = {}
    if spec.preprocess == "ordinal":
        n_all, n_cat = X_train.shape[1], prep.n_categorical_
        context["categorical_indices"] = list(range(n_all - n_cat, n_all))
    prep_time = time.perf_counter() - t0
    est = build_estimator(spec, seed, context)
    t0 = time.perf_counter()
    est.fit(X_train, y[train])
    fit_time = time.perf_counter() - t0
    t0 = time.perf_counter()
    y_pred = np.asarray(est.predict(X_test)).astype(np.int64)
    y_score, is_proba = _positive_scores(est, X_test)
    predict_time = time.perf_counter() - t0
    cpu_time = time.process_time() - cpu0
    row = score_predictions(y[test], y_pred, y_score, is_proba=is_proba, metrics=metrics)
    row.update(
        prep_time=prep_time,
        fit_time=fit_time,
        predict_time=predict_time,
        cpu_time=cpu_time,
        n_train=len(train),
        n_test=len(test),
    )
    return row


def _alarm_handler(signum, frame):
    raise CellTimeout()


def run_cell(
    key: CellKey,
    X: pd.DataFrame,
    y: np.ndarray,
    spec: MethodSpec,
    *,
    n_folds: int,
    metrics: tuple[str, ...] = METRICS,
    timeout: float | None = None,
) -> dict:
    """Run one cell and return its result row (never raises for a failing method).

    The row holds the key fields, ``status`` (``"ok"``, ``"failed"``, ``"timeout"`` or
    ``"n/a"``), the metrics, ``prep_time``, ``fit_time``, ``predict_time`` (seconds),
    ``cpu_time`` (CPU seconds of the worker process for preprocessing, fit and predict, so
    comparable on a loaded machine), ``cell_cpu_time`` (the whole cell, scoring included),
    ``peak_rss_mb`` (peak resident memory of the worker process during the cell on Linux,
    else its lifetime peak), ``error`` (traceback), ``host``, ``pid`` and times.

    A time limit interrupts the cell with ``SIGALRM`` when it runs in a process's main
    thread (sequential runs and joblib worker processes); otherwise (Dask worker threads)
    the cell runs in a helper thread that is abandoned when the limit passes. Either way,
    code stuck inside a C extension is only stopped once it returns to Python.
    """
    started = time.time()
    cell_cpu0 = time.process_time()
    row: dict = {
        "dataset": key.dataset,
        "method": key.method,
        "fold": key.fold,
        "repeat": key.repeat,
        "seed": key.seed,
        "status": "ok",
        "error": None,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "started_at": started,
    }
    _reset_peak_rss()

    def work() -> dict:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _fit_and_score(X, y, spec, key, n_folds, metrics)

    try:
        if not timeout:
            result = work()
        elif threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
            previous = signal.signal(signal.SIGALRM, _alarm_handler)
            signal.setitimer(signal.ITIMER_REAL, float(timeout))
            try:
                result = work()
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        else:
            box: dict = {}

            def target():
                try:
                    box["result"] = work()
                except BaseException as exc:  # noqa: BLE001 - re-raised below
                    box["error"] = exc

            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            thread.join(timeout)
            if thread.is_alive():
                raise CellTimeout()
            if "error" in box:
                raise box["error"]
            result = box["result"]
        row.update(result)
    except CellTimeout:
        row["status"] = "timeout"
        row["error"] = f"cell exceeded the time limit of {timeout} s"
    except NotApplicable as exc:
        row["status"] = "n/a"
        row["error"] = str(exc)
    except Exception:  # noqa: BLE001 - every failure is recorded, the run goes on
        row["status"] = "failed"
        row["error"] = traceback.format_exc()
    row["peak_rss_mb"] = _peak_rss_mb()
    row["finished_at"] = time.time()
    row["cell_cpu_time"] = time.process_time() - cell_cpu0
    return row
