"""Exact test "are at least k rows of the class closer than this neighbour?", over cells.

The screen (:mod:`imbtab.neighbors._screen`) leaves rows whose nearest other-class row
``(d_o, j_o)`` it cannot place relative to their k-th nearest same-class row. A full
k-NN search of those rows over their class costs ``n_left * n_class`` distances and
a selection per pair. The question only needs a count of the class rows that come
before ``(d_o, j_o)`` (squared distance, then the smaller index), and the count can stop
at ``k``. This module answers it over the Voronoi cells of the screen:

* a cell ``j`` whose half-space ``{y : |y - c_j| <= |y - c_0|}`` (``c_0`` the centre of
  the query's own cell) lies farther than ``sqrt(d_o)`` from the query holds no row
  closer than ``d_o``, so it is skipped;
* the other cells are visited nearest centre first, by blocks of queries from
  neighbouring cells (each cell is loaded once for the block); their rows' squared
  distances are computed in float32 from centred data (a vectorised multiply-add over
  a cell), and only the rows within a rounding band around ``d_o`` get their exact
  float64 distance, summed as the neighbour engine sums it;
* a query stops as soon as ``k`` rows are found.

The float32 band is ``4 (d + 16) 2^-24 (|x|^2 + |y|^2)`` (centred norms), well above the
error of the float32 evaluation, so the count equals the one from exact distances.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["closer_rows_reach_k"]

_MAX_CELLS = 4096  # centre-to-centre distances kept as a dense (float32) matrix
_CHUNK = 65536  # class rows centred and converted at a time
_QBLOCK = 32  # queries per parallel task (they share each cell's load)
_REL = 1e-9  # relative slack of the half-space bound (rounding of the cell assignment)


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
    if cells.n_cells > _MAX_CELLS:
        return None
    X, rows = cells.Q.X, cells.Q.rows
    d = X.shape[1]
    members = cells.members
    sizes = np.array([m.size for m in members], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    order = np.concatenate(members).astype(np.int64)  # class positions in cell order
    at = np.empty(order.size, dtype=np.int64)
    at[order] = np.arange(order.size)
    mu = cells.centres.mean(axis=0)
    RT = np.empty((d, order.size), dtype=np.float32)
    rn = np.empty(order.size, dtype=np.float64)
    for a in range(0, order.size, _CHUNK):
        part = np.asarray(X[rows[order[a : a + _CHUNK]]], dtype=np.float64) - mu
        RT[:, a : a + part.shape[0]] = part.T
        rn[a : a + part.shape[0]] = np.einsum("ij,ij->i", part, part)
    cell_rn = np.zeros(sizes.size)
    np.maximum.at(cell_rn, np.repeat(np.arange(sizes.size), sizes), rn)
    C = cells.centres - mu
    # a bound on the raw squared norms of the rows and centres (scales the slack)
    raw = 2.0 * (float(np.max(rn)) + float(mu @ mu))
    pos = np.asarray(pos, dtype=np.int64)
    by_cell = np.argsort(cells.cell[pos], kind="stable")  # blocks of nearby queries
    p = pos[by_cell]
    found = np.zeros(pos.size, dtype=bool)
    _count_closer(
        X, rows[order], RT, rn.astype(np.float32), starts, cell_rn, np.ascontiguousarray(C.T),
        _centre_distances(C), mu, raw, rows[p], cells.cell[p], at[p],
        np.asarray(d_o, dtype=np.float64)[by_cell], np.asarray(j_o, dtype=np.int64)[by_cell],
        k, found,
    )  # fmt: skip
    out = np.empty(pos.size, dtype=bool)
    out[by_cell] = found
    return out


@njit(cache=True, parallel=True)
def _centre_distances(C):  # pragma: no cover
    """Distances between the centres, rounded up to float32 (an over-estimate is safe)."""
    m, d = C.shape
    out = np.empty((m, m), dtype=np.float32)
    for i in prange(m):
        for j in range(m):
            s = 0.0
            for f in range(d):
                w = C[i, f] - C[j, f]
                s += w * w
            out[i, j] = np.float32(np.sqrt(s) * (1.0 + 1e-6))
    return out


@njit(cache=True)
def _sq_exact(X, a, b):  # pragma: no cover
    """Squared distance of rows ``a`` and ``b`` of ``X``, summed as the engine sums it."""
    s = 0.0
    for f in range(X.shape[1]):
        w = np.float64(X[a, f]) - np.float64(X[b, f])
        s += w * w
    return s


@njit(cache=True)
def _cell_count(x2, RT, rn, a, m, acc, lo32, hi32):  # pragma: no cover
    """Float32 squared distances (minus the query's norm) to the rows of one cell, into
    ``acc``; how many fall below ``lo32`` and how many in ``[lo32, hi32]``."""
    d = x2.shape[0]
    d4 = d - d % 4
    buf = acc[:m]
    buf[:] = rn[a : a + m]
    for f in range(0, d4, 4):
        x0 = x2[f]
        x1 = x2[f + 1]
        x_2 = x2[f + 2]
        x3 = x2[f + 3]
        r0 = RT[f, a : a + m]
        r1 = RT[f + 1, a : a + m]
        r2 = RT[f + 2, a : a + m]
        r3 = RT[f + 3, a : a + m]
        for j in range(m):
            buf[j] += x0 * r0[j] + x1 * r1[j] + x_2 * r2[j] + x3 * r3[j]
    for f in range(d4, d):
        xf = x2[f]
        r = RT[f, a : a + m]
        for j in range(m):
            buf[j] += xf * r[j]
    sure = 0
    near = 0
    for j in range(m):
        sure += buf[j] < lo32
        near += buf[j] <= hi32
    return sure, near - sure


@njit(cache=True)
def _limits32(lo, hi):  # pragma: no cover
    """``lo``/``hi`` as float32, rounded outwards (values between are checked exactly)."""
    lo32 = np.float32(lo)
    if lo32 > lo:
        lo32 = np.nextafter(lo32, np.float32(-np.inf))
    hi32 = np.float32(hi)
    if hi32 < hi:
        hi32 = np.nextafter(hi32, np.float32(np.inf))
    return lo32, hi32


@njit(cache=True, parallel=True)
def _count_closer(
    X, ridx, RT, rn, starts, cell_rn, CT, cc, mu, raw, qrow, qcell, qat, d_o, j_o, k, out
):  # pragma: no cover
    """``out[i]``: at least ``k`` class rows before ``(d_o[i], j_o[i])`` for query ``i``.

    Class rows in cell order: ``ridx`` (index in ``X``), ``RT`` (centred, float32,
    feature-major), ``rn`` (centred squared norms); cell ``c`` is ``starts[c]:starts[c + 1]``
    with largest centred squared norm ``cell_rn[c]``. ``CT`` centred centres (feature-major),
    ``cc`` centre distances. Query ``i`` is row ``qrow[i]`` of ``X``, in cell ``qcell[i]``
    at position ``qat[i]`` of the cell order. Queries go in blocks of ``_QBLOCK`` (neighbours
    in space when sorted by cell): each cell a block needs is loaded once for all of them.
    """
    nq = qrow.shape[0]
    d = X.shape[1]
    n_cells = starts.shape[0] - 1
    width = 0
    for c in range(n_cells):
        width = max(width, starts[c + 1] - starts[c])
    rel = 4.0 * (d + 16) * 2.0**-24
    n_blocks = (nq + _QBLOCK - 1) // _QBLOCK
    for blk in prange(n_blocks):
        i0 = blk * _QBLOCK
        nb = min(nq, i0 + _QBLOCK) - i0
        x = np.empty(d)
        x2 = np.empty((nb, d), dtype=np.float32)
        qn = np.empty(nb)
        slack = np.empty(nb)
        dc = np.zeros(n_cells)
        key = np.empty(n_cells)
        need = np.zeros((nb, n_cells), dtype=np.bool_)
        count = np.zeros(nb, dtype=np.int64)
        acc = np.empty(width, dtype=np.float32)
        for q in range(nb):
            row = qrow[i0 + q]
            s2 = 0.0
            xr = 0.0
            for f in range(d):
                v = np.float64(X[row, f])
                xr += v * v
                x[f] = v - mu[f]
                s2 += x[f] * x[f]
                x2[q, f] = np.float32(-2.0 * x[f])
            qn[q] = s2
            slack[q] = _REL * (xr + raw)
            dc[:] = 0.0
            for f in range(d):
                xf = x[f]
                for c in range(n_cells):
                    w = xf - CT[f, c]
                    dc[c] += w * w
            if q == 0:
                key[:] = dc  # visit order: nearest centre to the block's first query first
            c0 = qcell[i0 + q]
            T = d_o[i0 + q]
            # a cell whose half-space lies beyond sqrt(T) holds no row closer than T
            for c in range(n_cells):
                num = dc[c] - dc[c0] - slack[q]
                if c == c0 or num <= 0.0:
                    need[q, c] = True
                else:
                    lb = num / (2.0 * np.float64(cc[c0, c]))
                    need[q, c] = lb * lb <= T
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
                lo32, hi32 = _limits32(T - qn[q] - band, T - qn[q] + band)
                sure, near = _cell_count(x2[q], RT, rn, a, m, acc, lo32, hi32)
                self_at = qat[i] - a
                if 0 <= self_at < m:
                    if acc[self_at] < lo32:
                        sure -= 1  # the query itself
                    elif acc[self_at] <= hi32:
                        near -= 1
                count[q] += sure
                if near > 0:
                    row = qrow[i]
                    for j in range(m):
                        v = acc[j]
                        if lo32 <= v <= hi32 and j != self_at:
                            r = ridx[a + j]
                            s = _sq_exact(X, row, r)
                            if s < T or (s == T and r < j_o[i]):
                                count[q] += 1
                if count[q] >= k:
                    out[i] = True
                    left -= 1
            if left == 0:
                break
