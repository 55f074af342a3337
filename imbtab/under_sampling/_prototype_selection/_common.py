"""Shared pieces of the neighbour-based cleaning samplers.

Labels are handled as integer codes (``np.unique`` order, so the smallest code is the
smallest label, as in imbalanced-learn's votes). Neighbour searches go through
:mod:`imbtab.neighbors`; a user-given neighbours object (anything with ``kneighbors``)
is used the way imbalanced-learn uses it.
"""

from __future__ import annotations

import numbers
from collections import Counter

import numpy as np
from sklearn.base import clone
from sklearn.utils._param_validation import HasMethods, Interval

from imbtab.base import BaseCleaningSampler
from imbtab.neighbors import kneighbors_rows

__all__ = [
    "class_minority",
    "check_enough_samples",
    "encode",
    "vote",
    "SeededSelectionSampler",
]


def encode(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted class labels and the integer code of every row."""
    classes, codes = np.unique(y, return_inverse=True)
    return classes, codes.ravel().astype(np.intp)


def class_minority(y: np.ndarray):
    """The minority label exactly as imbalanced-learn picks it.

    ``min(Counter(y), key=...)``: among tied counts, the label seen first in ``y``.
    """
    stats = Counter(y)
    return min(stats, key=stats.get)


def check_enough_samples(k: int, n_available: int, what: str) -> None:
    """Raise the contract's error when fewer than ``k`` neighbours exist."""
    if k > n_available:
        raise ValueError(
            f"n_neighbors={k} neighbours are needed but {what} has only {n_available} "
            f"sample(s) to draw them from; lower n_neighbors."
        )


def vote(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Most frequent code per row, ties to the smallest code (scipy ``mode`` / sklearn)."""
    counts = np.zeros((labels.shape[0], n_classes), dtype=np.intp)
    rows = np.repeat(np.arange(labels.shape[0]), labels.shape[1])
    np.add.at(counts, (rows, labels.ravel()), 1)
    return counts.argmax(axis=1)


def is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def object_neighbors(nn, X: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Neighbours of ``X[rows]`` from a user object, imbalanced-learn's way.

    The object is cloned, fit on all of ``X`` and queried; the first column (the row
    itself on tie-free data) is dropped.
    """
    est = clone(nn).fit(X)
    return est.kneighbors(X[rows], return_distance=False)[:, 1:]


def exact_neighbors(X, rows, k, n_jobs):
    """Indices of the k nearest rows of ``X[rows]`` in ``X`` (own index excluded)."""
    return kneighbors_rows(X, rows, k, return_distance=False, n_jobs=n_jobs)


class SeededSelectionSampler(BaseCleaningSampler):
    """Parameters shared by the rules that grow a store from random seeds (CNN, OSS)."""

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "n_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
            None,
        ],
        "n_seeds_S": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        n_neighbors=None,
        n_seeds_S=1,
        n_jobs=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.n_neighbors = n_neighbors
        self.n_seeds_S = n_seeds_S
        self.n_jobs = n_jobs
