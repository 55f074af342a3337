"""Exact test "are at least k rows of the class closer than this neighbour?", over cells.

The screen (:mod:`imbtab.neighbors._screen`) leaves rows whose nearest other-class row
``(d_o, j_o)`` it cannot place relative to their k-th nearest same-class row. A full
k-NN search of those rows over their class costs ``n_left * n_class`` distances and
a selection per pair. The question only needs a count of the class rows that come
before ``(d_o, j_o)`` (squared distance, then the smaller index), and the count can stop
at ``k``. It is answered over the screen's cells, packed by
:class:`~imbtab.neighbors._packed_cells.PackedCells`:

* a cell whose half-space lies farther than ``sqrt(d_o)`` from the query holds no row
  closer than ``d_o``, so it is skipped;
* the other cells are visited nearest centre first, by blocks of queries from
  neighbouring cells (each cell is loaded once for the block); their rows' distances
  are computed in float32, and only the rows within the rounding band around ``d_o``
  get their exact distance;
* a query stops as soon as ``k`` rows are found.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ._packed_cells import (
    N_BOUND_CENTRES,
    band_rel,
    cell_sq32,
    halfspace_lb2,
    limits32,
    nearest_centres,
    prepare_query,
    sq_exact,
    widest,
)

__all__ = ["closer_rows_reach_k"]

_QBLOCK = 32  # queries per parallel task (they share each cell's load)


def closer_rows_reach_k(cells, pos, d_o, j_o, k: int) -> np.ndarray | None:
    """Whether at least ``k`` rows of the class come before ``(d_o, j_o)`` for each query.

    Parameters
    ----------
    cells : imbtab.neighbors._screen._Cells
        A Voronoi partition of the rows of one class (``cells.Q`` wraps ``X`` and the
        class rows).
    pos : ndarray of int
        Positions, in the class rows, of the query rows (each query skips its own row).
    d_o : ndarray of float
        Exact squared distance of each query to its nearest other-class row (as the
        engine computes it).
    j_o : ndarray of int
        Index in ``X`` of that row (ties: a class row with the same distance comes
        before it when its index is smaller).
    k : int
        How many rows to find.

    Returns
    -------
    ndarray of bool or None
        ``True`` where the k nearest neighbours of the query are all of its class;
        ``None`` when the partition has too many cells for this test (the caller then
        searches).
    """
    packed = cells.packed()
    if packed is None:
        return None
    by_cell, qrow, qat = packed.queries(pos)
    found = np.zeros(by_cell.size, dtype=bool)
    _count_closer(
        *packed.args(), qrow, qat, np.asarray(d_o, dtype=np.float64)[by_cell],
        np.asarray(j_o, dtype=np.int64)[by_cell], k, N_BOUND_CENTRES, found,
    )  # fmt: skip
    out = np.empty(by_cell.size, dtype=bool)
    out[by_cell] = found
    return out


@njit(cache=True)
def _count_below(acc, m, lo32, hi32):  # pragma: no cover
    """How many of ``acc[:m]`` fall below ``lo32``, and how many in ``[lo32, hi32]``."""
    sure = 0
    near = 0
    for j in range(m):
        sure += acc[j] < lo32
        near += acc[j] <= hi32
    return sure, near - sure


@njit(cache=True, parallel=True)
def _count_closer(
    X, ridx, RT, rn, starts, cell_rn, CT, cc, mu, raw, qrow, qat, d_o, j_o, k, n_bound, out
):  # pragma: no cover
    """``out[i]``: at least ``k`` class rows before ``(d_o[i], j_o[i])`` for query ``i``.

    The packed arrays as :meth:`PackedCells.args`; query ``i`` is row ``qrow[i]`` of
    ``X``, at packed position ``qat[i]``. Queries go in blocks of
    ``_QBLOCK``: each cell a block needs is loaded once for all of them.
    """
    nq = qrow.shape[0]
    d = X.shape[1]
    n_cells = starts.shape[0] - 1
    rel = band_rel(d)
    n_blocks = (nq + _QBLOCK - 1) // _QBLOCK
    for blk in prange(n_blocks):
        i0 = blk * _QBLOCK
        nb = min(nq, i0 + _QBLOCK) - i0
        x2 = np.empty((nb, d), dtype=np.float32)
        qn = np.empty(nb)
        slack = np.empty(nb)
        dc = np.empty(n_cells)
        key = np.empty(n_cells)
        need = np.zeros((nb, n_cells), dtype=np.bool_)
        count = np.zeros(nb, dtype=np.int64)
        acc = np.empty(widest(starts), dtype=np.float32)
        for q in range(nb):
            qn[q], slack[q] = prepare_query(X, qrow[i0 + q], mu, CT, raw, x2[q], dc)
            if q == 0:
                key[:] = dc  # visit order: nearest centre to the block's first query first
            near = nearest_centres(dc, n_bound)
            for c in range(n_cells):
                need[q, c] = halfspace_lb2(dc, near, c, cc, slack[q]) <= d_o[i0 + q]
        left = nb
        for c in np.argsort(key):
            a = starts[c]
            m = starts[c + 1] - a
            for q in range(nb):
                if not need[q, c] or count[q] >= k:
                    continue
                i = i0 + q
                T = d_o[i]
                band = rel * (qn[q] + cell_rn[c]) + slack[q]
                lo32, hi32 = limits32(T - qn[q] - band, T - qn[q] + band)
                cell_sq32(x2[q], RT, rn, a, m, acc)
                sure, near = _count_below(acc, m, lo32, hi32)
                self_at = qat[i] - a
                if 0 <= self_at < m:
                    if acc[self_at] < lo32:
                        sure -= 1  # the query itself
                    elif acc[self_at] <= hi32:
                        near -= 1
                count[q] += sure
                if near > 0:
                    for j in range(m):
                        if lo32 <= acc[j] <= hi32 and j != self_at:
                            r = ridx[a + j]
                            s = sq_exact(X, qrow[i], r)
                            if s < T or (s == T and r < j_o[i]):
                                count[q] += 1
                if count[q] >= k:
                    out[i] = True
                    left -= 1
            if left == 0:
                break
