"""Row draws used inside the ensembles (positions only; no data copies until the end)."""

from __future__ import annotations

import numpy as np


def class_rows(y_enc: np.ndarray, n_classes: int) -> list[np.ndarray]:
    """Positions of each encoded class (ascending)."""
    if n_classes <= 8:
        return [np.flatnonzero(y_enc == c) for c in range(n_classes)]
    order = np.argsort(y_enc, kind="stable")
    counts = np.bincount(y_enc, minlength=n_classes)
    return np.split(order, np.cumsum(counts)[:-1])


def draw_rows(
    rows_by_class: list[np.ndarray],
    targets: np.ndarray,
    rng: np.random.RandomState,
    *,
    replacement: bool,
    bootstrap: bool,
) -> np.ndarray:
    """Draw ``targets[c]`` rows of each class ``c``.

    A class cut below its size is drawn with or without ``replacement``; a class grown above
    its size is drawn with replacement; a class kept at its size is bootstrapped when
    ``bootstrap`` else kept whole.
    """
    parts = []
    for rows, target in zip(rows_by_class, targets, strict=True):
        n = rows.shape[0]
        if n == 0:
            continue
        if target > n or (target == n and bootstrap) or (target < n and replacement):
            parts.append(rows[rng.randint(0, n, size=target)])
        elif target < n:
            parts.append(rows[np.sort(rng.choice(n, size=target, replace=False))])
        else:
            parts.append(rows)
    return np.concatenate(parts)


def smote_grow(X, y, targets: np.ndarray, k_neighbors: int, seed: int):
    """Grow each class of ``(X, y)`` to ``targets`` with SMOTE; returns ``(X_res, y_res)``.

    The original rows come first, then the synthetic ones. Classes with a single distinct
    row cannot be interpolated and are grown by copying rows instead.
    """
    counts = np.bincount(y, minlength=targets.shape[0])
    grow = {int(c): int(t) for c, (n, t) in enumerate(zip(counts, targets, strict=True)) if t > n}
    if not grow:
        return X, y
    rng = np.random.RandomState(seed)
    smote_classes = {}
    X_parts, y_parts = [X], [y]
    for c, target in grow.items():
        rows = np.flatnonzero(y == c)
        n_unique = np.unique(X[rows], axis=0).shape[0] if rows.size <= 5_000 else rows.size
        if n_unique < 2:
            extra = rows[rng.randint(0, rows.size, size=target - rows.size)]
            X_parts.append(X[extra])
            y_parts.append(y[extra])
        else:
            smote_classes[c] = (target, rows.size)
    X_out, y_out = np.concatenate(X_parts), np.concatenate(y_parts)
    if not smote_classes:
        return X_out, y_out
    # imported here: the over-sampling package loads numba, which only SMOTE-based ensembles need
    from imbtab.over_sampling import SMOTE

    k = min(k_neighbors, min(n for _, n in smote_classes.values()) - 1)
    strategy = {c: t for c, (t, _) in smote_classes.items()}
    X_res, y_res = SMOTE(sampling_strategy=strategy, k_neighbors=k, random_state=seed).fit_resample(
        X, y
    )
    new_X, new_y = np.asarray(X_res)[X.shape[0] :], np.asarray(y_res)[X.shape[0] :]
    return np.concatenate([X_out, new_X]), np.concatenate([y_out, new_y])
