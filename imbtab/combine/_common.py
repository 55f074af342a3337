"""Shared steps of the combined samplers: SMOTE, then a selection on its output.

Two paths:

* :func:`oversample_then_select` (any SMOTE and cleaner): ``smote.fit_resample``, then
  ``cleaner.fit_resample`` on its output, as imbalanced-learn does.
* The direct path (imbtab's own SMOTE and cleaner on a float64 array): SMOTE writes its
  synthetic rows straight into one stacked array (:func:`stack_with_parents`), keeping
  their parent rows; the bounds of :mod:`imbtab.combine._bounds` tell the cleaner's exact
  screen which rows need no neighbour search; the kept rows are moved to the front of
  the same array in place (:func:`select_in_place`), which becomes the output. The
  data are copied once, into the stacked array.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from sklearn.base import clone

from imbtab.base import _STACK_X, Resampled
from imbtab.over_sampling import SMOTE
from imbtab.over_sampling._smote._parents import n_synthetic, smote_with_parents

__all__ = [
    "Stacked",
    "direct_path_applies",
    "oversample_then_select",
    "select_in_place",
    "smote_for",
    "stack_with_parents",
]


def oversample_then_select(smote, cleaner, X, y) -> Resampled:
    """Run ``smote`` on ``(X, y)``, then ``cleaner`` on its output; keep the cleaner's rows.

    Only the synthetic rows that survive the cleaning are carried on, so the output is
    built from ``X`` and those rows alone.
    """
    n = y.shape[0]
    X_s, y_s = smote.fit_resample(X, y)
    cleaner.fit_resample(X_s, y_s)
    rows = np.asarray(cleaner.sample_indices_, dtype=np.intp)
    synthetic = rows >= n
    kept_new = rows[synthetic] - n
    X_new = np.asarray(X_s[n:])[kept_new]
    y_new = np.asarray(y_s[n:])[kept_new]
    rows = rows.copy()
    rows[synthetic] = n + np.arange(kept_new.size)
    return Resampled(rows=rows, X_new=X_new, y_new=y_new)


def smote_for(owner) -> SMOTE:
    """The over-sampler to use: a clone of ``owner.smote``, or SMOTE with the owner's settings."""
    if owner.smote is not None:
        return clone(owner.smote)
    return SMOTE(sampling_strategy=owner.sampling_strategy, random_state=owner.random_state)


def direct_path_applies(smote, cleaner, cleaner_cls, X) -> bool:
    """Whether the direct path runs: imbtab's SMOTE and cleaner (exact classes), float64 X."""
    return (
        type(smote) is SMOTE
        and type(cleaner) is cleaner_cls
        and isinstance(X, np.ndarray)
        and X.dtype == np.float64
        and X.ndim == 2
    )


@dataclass
class Stacked:
    """SMOTE's output ``Z`` (original and synthetic rows in one array) and its bookkeeping.

    ``natural[i]`` is the position of row ``Z[i]`` in imbalanced-learn's stacking
    ``[X; synthetic rows]``: ``< n`` for an original row, ``n + j`` for synthetic row
    ``j`` (SMOTE's order). ``base``, ``neighbour`` and ``steps`` (SMOTE's order) give the
    parents of the synthetic rows, ``synthetic_at`` their positions in ``Z``.
    """

    Z: np.ndarray
    yZ: np.ndarray
    natural: np.ndarray
    n_samples: int
    base: np.ndarray
    neighbour: np.ndarray
    steps: np.ndarray
    synthetic_at: np.ndarray
    rebuild: object = None  # makes ``natural`` again after release_natural()

    def release_natural(self) -> None:
        """Free ``natural`` while the cleaner runs (:meth:`natural_rows` makes it again)."""
        if self.rebuild is not None:
            self.natural = None

    def natural_rows(self) -> np.ndarray:
        """``natural``, made again from the layout if it was released."""
        if self.natural is None:
            self.natural = self.rebuild()
        return self.natural

    def parents_in_z(self):
        """Positions in ``Z`` of the parents of the synthetic rows, and their steps."""
        where = np.empty(self.n_samples, dtype=np.int64)
        original = np.flatnonzero(self.natural < self.n_samples)
        where[self.natural[original]] = original
        return where[self.base], where[self.neighbour], self.steps


def stack_with_parents(smote: SMOTE, X, y, *, by_class: bool) -> Stacked:
    """Run ``smote`` (fitted on ``(X, y)`` here) straight into one stacked array.

    ``by_class=False`` stacks as imbalanced-learn does, ``[X; synthetic rows]``;
    ``by_class=True`` puts each class's original rows, then its synthetic rows, class by
    class in sorted label order (the order of ENN's output).
    """
    smote.fit(X, y)
    n, d = X.shape
    n_new = n_synthetic(smote)
    Z = np.empty((n + n_new, d), dtype=X.dtype)
    yZ = np.empty(n + n_new, dtype=y.dtype)
    counts = {c: int(k) for c, k in smote.sampling_strategy_.items() if k > 0}
    # synthetic rows of each class, in SMOTE's order (the order of sampling_strategy_)
    syn_start, start = {}, 0
    for c, k in counts.items():
        syn_start[c] = start
        start += k
    synthetic_at = np.empty(n_new, dtype=np.int64)
    outs = {}
    rebuild = None
    if by_class:
        at = 0
        for c in np.unique(y):
            rows = np.flatnonzero(y == c)
            # mode="clip" writes straight into Z (the default mode buffers a full copy)
            np.take(X, rows, axis=0, out=Z[at : at + rows.size], mode="clip")
            yZ[at : at + rows.size] = c
            at += rows.size
            k = counts.get(c, 0)
            if k:
                s = syn_start[c]
                outs[c] = Z[at : at + k]
                yZ[at : at + k] = c
                synthetic_at[s : s + k] = np.arange(at, at + k)
                at += k

        def rebuild():
            return _natural_by_class(y, counts, syn_start)

        natural = rebuild()
    else:
        Z[:n] = X
        yZ[:n] = y
        natural = np.arange(n + n_new)
        synthetic_at[:] = np.arange(n, n + n_new)
        for c, k in counts.items():
            s = n + syn_start[c]
            outs[c] = Z[s : s + k]
            yZ[s : s + k] = c
    base, neighbour, steps = smote_with_parents(smote, X, y, outs)
    return Stacked(Z, yZ, natural, n, base, neighbour, steps, synthetic_at, rebuild)


def _natural_by_class(y, counts, syn_start):
    """``natural`` of the class-by-class stacking: each class's rows of ``X``, then its
    synthetic rows (``n + `` their position in SMOTE's order)."""
    n = y.shape[0]
    parts = []
    for c in np.unique(y):
        parts.append(np.flatnonzero(y == c))
        k = counts.get(c, 0)
        if k:
            parts.append(np.arange(n + syn_start[c], n + syn_start[c] + k))
    return np.concatenate(parts).astype(np.int64, copy=False)


@njit(cache=True)
def _move_rows(Z, yZ, kept):  # pragma: no cover
    for i in range(kept.shape[0]):
        r = kept[i]
        if r != i:
            for f in range(Z.shape[1]):
                Z[i, f] = Z[r, f]
            yZ[i] = yZ[r]


def select_in_place(stacked: Stacked, kept: np.ndarray) -> Resampled:
    """Keep ``Z[kept]`` (``kept`` increasing), moving the rows to the front of ``Z``.

    The output arrays are views of the stacked arrays (no further copy of the data).
    """
    kept = np.asarray(kept, dtype=np.int64)
    if kept.size > 1 and np.any(np.diff(kept) <= 0):
        raise ValueError("kept rows must be increasing")  # pragma: no cover - internal
    n = stacked.n_samples
    natural = stacked.natural_rows()[kept]
    synthetic = natural >= n
    rows = natural.astype(np.intp)
    rows[synthetic] = n + np.arange(int(synthetic.sum()))
    y_new = stacked.yZ[kept[synthetic]]
    if not _STACK_X.get():
        # pandas output: the base builds the frame from X and the kept synthetic rows
        return Resampled(rows=rows, X_new=stacked.Z[kept[synthetic]], y_new=y_new)
    _move_rows(stacked.Z, stacked.yZ, kept)
    m = kept.size
    X_out, y_out = stacked.Z[:m], stacked.yZ[:m]
    where = np.flatnonzero(synthetic)
    if where.size and where[-1] - where[0] + 1 == where.size:
        X_new = X_out[where[0] : where[-1] + 1]
    else:
        X_new = X_out[where]
    return Resampled(rows=rows, X_new=X_new, y_new=y_new, X_all=X_out, y_all=y_out)
