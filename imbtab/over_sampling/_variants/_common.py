"""Helpers shared by the SMOTE variants: size checks, exact allocation, interpolation."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

from imbtab.base import BaseOverSampler, Resampled

__all__ = [
    "VariantOverSampler",
    "allocate",
    "check_class_size",
    "evenly_spaced_segments",
    "interpolate",
    "label_repr",
    "random_pairs",
]


def label_repr(klass) -> str:
    """``repr`` of a class label without numpy's type wrapper (``1``, not ``np.int64(1)``)."""
    return repr(klass.item() if isinstance(klass, np.generic) else klass)


def check_class_size(klass, n_class: int, needed: int, method: str, why: str) -> None:
    """Raise a ValueError naming the class when it is too small for ``method``."""
    if n_class < needed:
        raise ValueError(
            f"class {label_repr(klass)} has {n_class} sample(s); {method} needs at least {why} = {needed}."
        )


def allocate(n: int, weights: np.ndarray) -> np.ndarray:
    """Split ``n`` into integer counts proportional to ``weights`` that sum to exactly ``n``.

    Largest-remainder rounding; ties go to the earlier entry.
    """
    weights = np.asarray(weights, dtype=np.float64)
    share = n * weights / weights.sum()
    counts = np.floor(share).astype(np.int64)
    missing = n - int(counts.sum())
    if missing > 0:
        order = np.argsort(-(share - counts), kind="stable")
        counts[order[:missing]] += 1
    return counts


def interpolate(A: np.ndarray, B: np.ndarray, gaps: np.ndarray) -> np.ndarray:
    """``A + gaps * (B - A)`` row by row (``gaps`` of shape (n, 1) or (n, d))."""
    return A + gaps * (B - A)


def random_pairs(m: int, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random ordered pairs of distinct positions in ``range(m)`` (``m >= 2``)."""
    a = rng.randint(0, m, size=n)
    b = rng.randint(0, m - 1, size=n)
    b += b >= a
    return a, b


def evenly_spaced_segments(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Segment index and position ``j / (c + 1)``, ``j = 1..c``, for ``c = counts[s]`` points.

    Returns ``(segment, t)`` with one entry per point, segments in order.
    """
    counts = np.asarray(counts, dtype=np.int64)
    segment = np.repeat(np.arange(counts.shape[0]), counts)
    starts = np.cumsum(counts) - counts
    j = np.arange(segment.shape[0]) - starts[segment] + 1
    return segment, j / (counts[segment] + 1.0)


class VariantOverSampler(BaseOverSampler):
    """Grow each class of ``sampling_strategy_`` one-vs-rest with ``_generate``.

    Subclasses implement ``_generate(X, is_min, klass, n_new, rng)`` returning exactly
    ``n_new`` rows (float64) for class ``klass`` (``is_min`` marks its rows; every other
    row is "majority"), or a pair ``(X_new, copy_of)`` where ``copy_of[i]`` is the position
    within the class of the row that new row ``i`` copies exactly (``-1`` for a true
    synthetic row). A copy carries the weight of its row; other new rows the class-mean
    weight. Subclasses may set fitted attributes in ``_start_fit``.
    """

    def _start_fit(self) -> None:
        """Reset per-fit attributes (hook)."""

    def _generate(self, X, is_min, klass, n_new, rng):  # pragma: no cover - abstract
        raise NotImplementedError

    def _resample(self, X, y, sample_weight):
        rng = check_random_state(self.random_state)
        self._start_fit()
        X_float = X if X.dtype.kind == "f" else X.astype(np.float64)
        parts, labels, weights = [], [], []
        for klass, n_new in self.sampling_strategy_.items():
            if n_new == 0:
                continue
            is_min = y == klass
            X_new = self._generate(X_float, is_min, klass, int(n_new), rng)
            copy_of = None
            if isinstance(X_new, tuple):
                X_new, copy_of = X_new
                copies = copy_of >= 0
                X_new[copies] = X_float[np.flatnonzero(is_min)[copy_of[copies]]]  # exact
            if sample_weight is not None:
                w_min = sample_weight[is_min]
                w_new = np.full(n_new, w_min.mean())
                if copy_of is not None:
                    w_new[copy_of >= 0] = w_min[copy_of[copy_of >= 0]]
                weights.append(w_new)
            if X_new.shape[0] != n_new:  # pragma: no cover - internal invariant
                raise RuntimeError(f"{type(self).__name__} made {X_new.shape[0]} != {n_new} rows")
            parts.append(X_new)
            labels.append(np.full(n_new, klass, dtype=y.dtype))
        if parts:
            X_new = np.concatenate(parts).astype(X.dtype, copy=False)
            y_new = np.concatenate(labels)
        else:
            X_new = np.empty((0, X.shape[1]), dtype=X.dtype)
            y_new = np.empty(0, dtype=y.dtype)
        w_new = np.concatenate(weights) if weights else None
        return Resampled.append(X.shape[0], X_new, y_new, w_new)
