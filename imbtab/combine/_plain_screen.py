"""ENN's exact screen for a class SMOTE did not over-sample, through the segments.

The screen of :func:`imbtab.neighbors._screen.screen_rows` compares, for every row of
a class, an upper bound on its k-th same-class neighbour distance (from a Voronoi
partition of the class) with the distance to the nearest other-class row, found by a
search over all other-class rows. In SMOTE's output the other classes are mostly
synthetic rows, so that search costs as much as a k-NN search of the whole output. Here
it goes through the segments instead (:func:`imbtab.combine._bounds.nearest_other_within`):
one product with the other-class *original* rows, then the few segments that come
within the row's bound, whose synthetic rows get exact distances. The rest is the
screen's: rows whose nearest other-class row is within their bound try the nearest
cells, and the rows still open get an exact k-th same-class neighbour.
"""

from __future__ import annotations

import numpy as np

from imbtab.combine._bounds import Segments, kth_on_segments, nearest_other_within
from imbtab.neighbors._closer import closer_rows_reach_k
from imbtab.neighbors._screen import _N_PROBE, _Cells, _Rows
from imbtab.neighbors._search import _knn_sq

__all__ = ["impure_over_sampled_rows", "impure_plain_rows", "plain_class_applies"]

_MIN_ROWS = 4000  # smaller classes go through the cleaner's own screen
_MAX_OTHER_ORIGINAL = 0.25  # ... as do classes whose other original rows are many


def plain_class_applies(segs: Segments, klass, k: int) -> bool:
    """Whether :func:`impure_plain_rows` handles class ``klass`` (no synthetic rows)."""
    rows = segs.codes == klass
    original = ~segs.is_synthetic
    n_rows = int(rows.sum())
    n_other = int((original & ~rows).sum())
    return (
        not np.any(rows & segs.is_synthetic)
        and n_rows >= _MIN_ROWS
        and n_rows - 1 >= k
        and 0 < n_other <= _MAX_OTHER_ORIGINAL * int(original.sum())
    )


def impure_plain_rows(segs: Segments, klass, k: int, nt: int, near2: np.ndarray) -> np.ndarray:
    """Positions in ``Z`` of the rows of ``klass`` with an other-class row among their k-NN.

    Same tie rule as the engine (squared distance, then the smaller position; own
    position excluded). ``near2`` receives, for the rows of the class, a lower bound on
    their squared distance to the other classes (for the screens of the other classes).
    """
    Z = segs.Z
    rows = np.flatnonzero(segs.codes == klass)
    cells = _Cells(_Rows(Z, rows), nt)
    own = cells.own_bound(k)
    lb, d_o, j_o = nearest_other_within(segs, rows, own)
    # d_o is exact where it is within own; elsewhere the nearest is farther than own
    open_ = np.flatnonzero(~(d_o > own))
    near2[rows] = np.maximum(lb, own)
    del lb, own
    d_o, j_o = d_o[open_], j_o[open_]  # only the open rows' are needed from here on
    near2[rows[open_]] = d_o
    if open_.size:
        # exact probes: packing now would hold the class's float32 copy through the
        # probe's temporaries (over 4x the input at 1M rows, measured)
        keep = ~(d_o > cells.probe_bound(open_, k, _N_PROBE, pack=False))
        open_, d_o, j_o = open_[keep], d_o[keep], j_o[keep]
    if open_.size == 0:
        return rows[:0]
    q = rows[open_]
    pure = closer_rows_reach_k(cells, open_, d_o, j_o, k)
    if pure is not None:
        return q[~pure]
    if rows[-1] - rows[0] + 1 == rows.size:  # a block of Z (stacked class by class)
        Zc = Z[rows[0] : rows[-1] + 1]
    else:
        Zc = np.ascontiguousarray(Z[rows])
    d_k, j_k = _knn_sq(np.ascontiguousarray(Z[q]), Zc, open_.astype(np.int64), k, nt)
    d_k, j_k = d_k[:, k - 1], rows[j_k[:, k - 1]]
    impure = (d_o < d_k) | ((d_o == d_k) & (j_o < j_k))
    return q[impure]


def impure_over_sampled_rows(segs: Segments, classes, k: int, nt: int, near2) -> np.ndarray:
    """Positions in ``Z`` of the rows of ``classes`` with an other-class row among their k-NN.

    For classes SMOTE over-sampled: a row is pure when its lower bound ``near2`` on the
    distance to the other classes exceeds the k-th smallest distance to the same-class
    rows its segments name (:func:`imbtab.combine._bounds.kth_on_segments`); the few
    rows left get an exact k-NN search over all of ``Z`` (no copy of it).
    """
    rows = np.flatnonzero(np.isin(segs.codes, classes))
    if rows.size == 0:
        return rows
    own = kth_on_segments(segs, k, near2)
    q = rows[~(near2[rows] > own[rows])]
    if q.size == 0:
        return q
    _, ind = _knn_sq(np.ascontiguousarray(segs.Z[q]), segs.Z, q.astype(np.int64), k, nt)
    return q[(segs.codes[ind] != segs.codes[q][:, None]).any(axis=1)]
