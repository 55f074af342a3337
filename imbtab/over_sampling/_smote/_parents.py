"""SMOTE's synthetic rows together with their parent rows (private; used by imbtab.combine).

Each synthetic row of :class:`~imbtab.over_sampling.SMOTE` is
``X[a] + t * (X[b] - X[a])`` for a base row ``a``, one of its same-class neighbours ``b``
and a step ``t`` in ``[0, 1)``. The combined samplers use ``(a, b, t)`` to bound the
distance from any point to a synthetic row by distances to its two parents.
"""

from __future__ import annotations

import numpy as np

from imbtab.over_sampling._smote.base import SMOTE

__all__ = ["n_synthetic", "smote_with_parents"]


def n_synthetic(smote: SMOTE) -> int:
    """Number of rows ``smote`` (with ``sampling_strategy_`` set) will create."""
    return int(sum(n for n in smote.sampling_strategy_.values() if n > 0))


def smote_with_parents(smote: SMOTE, X: np.ndarray, y: np.ndarray, outs: dict):
    """Write SMOTE's synthetic rows into ``outs`` and return their parents.

    The rows (and the order) of ``SMOTE._resample``, made by the same per-class step
    (``SMOTE._sample_class``): classes in the order of ``sampling_strategy_``.

    Parameters
    ----------
    smote : SMOTE
        A SMOTE (exactly that class) whose ``sampling_strategy_`` is set (e.g. by ``fit``).
    X : ndarray of shape (n_samples, n_features)
        Validated data.
    y : ndarray of shape (n_samples,)
        Labels.
    outs : dict
        For every class with rows to create, the array (of shape
        ``(sampling_strategy_[class], n_features)``, dtype of ``X``) its synthetic rows
        are written to.

    Returns
    -------
    base, neighbour : ndarray of int64
        Row indices in ``X`` of the two parents of every synthetic row, in SMOTE's
        output order (classes in the order of ``sampling_strategy_``).
    steps : ndarray of float64
        Interpolation steps.
    """
    todo = smote._classes_to_sample(y)
    n_new = sum(n for _, n, _ in todo)
    base = np.empty(n_new, dtype=np.int64)
    neighbour = np.empty(n_new, dtype=np.int64)
    steps_all = np.empty(n_new, dtype=np.float64)
    start = 0
    for klass, n_samples, class_rows in todo:
        nns, rows, cols, steps = smote._sample_class(X, class_rows, n_samples, outs[klass])
        stop = start + n_samples
        base[start:stop] = class_rows[rows]
        neighbour[start:stop] = class_rows[np.asarray(nns)[rows, cols]]
        steps_all[start:stop] = steps
        start = stop
    return base, neighbour, steps_all
