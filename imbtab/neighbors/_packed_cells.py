"""The rows of a Voronoi partition packed for exact searches that skip far cells.

:class:`PackedCells` lays out the rows of one class cell by cell, centred and in
float32, feature-major (a cell's distances to one query are a vectorised multiply-add),
with what the search kernels need to skip a cell and to check a float32 distance:

* **Skipping.** A row ``y`` of cell ``j`` is at least as close to ``c_j`` as to any
  other centre ``c_i``, so it lies in the half-space ``{y : |y - c_j|^2 <= |y - c_i|^2}``,
  whose distance from the query ``x`` is ``(|x - c_j|^2 - |x - c_i|^2) / (2 |c_j - c_i|)``;
  the largest over the centres nearest to ``x`` bounds the distance to the cell. The
  numerator is lowered by a relative slack (the cells were assigned with rounded
  distances) and the centre distances are rounded up, so the bound never exceeds the
  true distance.
* **Checking.** The float32 value ``|y|^2 - 2 x.y`` (centred) is within
  ``4 (d + 16) 2^-24 (|x|^2 + |y|^2)`` of the exact one; rows whose value falls within
  that band of a limit get their exact float64 distance, summed in feature order from
  the raw rows as the neighbour engine sums it.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["MAX_CELLS", "N_BOUND_CENTRES", "PackedCells"]

MAX_CELLS = 4096  # centre-to-centre distances are kept as a dense (float32) matrix
_CHUNK = 65536  # class rows centred and converted at a time
N_BOUND_CENTRES = 8  # centres whose half-spaces bound a cell (measured: 20 % fewer rows than 1)
_REL = 1e-9  # relative slack of the half-space bound (rounding of the cell assignment)


class PackedCells:
    """The rows of ``cells`` (a :class:`~imbtab.neighbors._screen._Cells`), packed.

    Attributes used by the kernels (see :meth:`args`): ``ridx`` (row of ``X`` at each
    packed position), ``RT`` (centred rows, float32, shape (d, n)), ``rn`` (their
    squared norms, float32), ``starts`` (cell ``c`` is ``starts[c]:starts[c + 1]``),
    ``cell_rn`` (largest squared norm per cell), ``CT`` (centred centres,
    feature-major), ``cc`` (centre distances, rounded up), ``mu`` (the centring),
    ``raw`` (a bound on the raw squared norms). ``at[p]`` is the packed position of
    class position ``p``.
    """

    def __init__(self, cells):
        # no reference to ``cells`` (which keeps this object): no cycle, freed with it
        X, rows = cells.Q.X, cells.Q.rows
        self.cell, self.rows = cells.cell, rows
        self.X = X
        d = X.shape[1]
        sizes = np.array([m.size for m in cells.members], dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        order = np.concatenate(cells.members).astype(np.int64)
        self.at = np.empty(order.size, dtype=np.int64)
        self.at[order] = np.arange(order.size)
        self.ridx = rows[order]
        self.mu = cells.centres.mean(axis=0)
        self.RT = np.empty((d, order.size), dtype=np.float32)
        rn = np.empty(order.size, dtype=np.float64)
        for a in range(0, order.size, _CHUNK):
            part = np.asarray(X[self.ridx[a : a + _CHUNK]], dtype=np.float64) - self.mu
            self.RT[:, a : a + part.shape[0]] = part.T
            rn[a : a + part.shape[0]] = np.einsum("ij,ij->i", part, part)
        self.cell_rn = np.zeros(sizes.size)
        np.maximum.at(self.cell_rn, np.repeat(np.arange(sizes.size), sizes), rn)
        self.rn = rn.astype(np.float32)
        # rows and centres (class rows) have raw squared norms at most this
        self.raw = 2.0 * (float(rn.max()) + float(self.mu @ self.mu))
        C = cells.centres - self.mu
        self.CT = np.ascontiguousarray(C.T)
        self.cc = _centre_distances(C)

    @staticmethod
    def applies(cells) -> bool:
        """Whether ``cells`` is small enough to pack (the centre distances are dense)."""
        return cells.n_cells <= MAX_CELLS

    def args(self):
        """The packed arrays, in the order the kernels take them."""
        return (
            self.X, self.ridx, self.RT, self.rn, self.starts, self.cell_rn, self.CT,
            self.cc, self.mu, self.raw,
        )  # fmt: skip

    def queries(self, pos):
        """Query order (by cell, so a block of queries is spatially close), and the
        queries' rows in ``X`` and packed positions in that order."""
        pos = np.asarray(pos, dtype=np.int64)
        by_cell = np.argsort(self.cell[pos], kind="stable")
        p = pos[by_cell]
        return by_cell, self.rows[p], self.at[p]


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
def sq_exact(X, a, b):  # pragma: no cover
    """Squared distance of rows ``a`` and ``b`` of ``X``, summed as the engine sums it."""
    s = 0.0
    for f in range(X.shape[1]):
        w = np.float64(X[a, f]) - np.float64(X[b, f])
        s += w * w
    return s


@njit(cache=True)
def band_rel(d):  # pragma: no cover
    """Relative width of the float32 band (times the centred squared norms)."""
    return 4.0 * (d + 16) * 2.0**-24


@njit(cache=True)
def centre_query(X, row, mu, x, x2):  # pragma: no cover
    """``x``: row ``row`` of ``X`` centred on ``mu``; ``x2``: ``-2 x`` in float32. Returns
    the centred and the raw squared norms."""
    qn = 0.0
    xr = 0.0
    for f in range(X.shape[1]):
        v = np.float64(X[row, f])
        xr += v * v
        x[f] = v - mu[f]
        qn += x[f] * x[f]
        x2[f] = np.float32(-2.0 * x[f])
    return qn, xr


@njit(cache=True)
def k_smallest(acc, m, skip, best):  # pragma: no cover
    """``best`` (length k, float64) receives the k smallest of ``acc[:m]`` other than
    ``acc[skip]``, ascending (``inf`` where there are fewer)."""
    k = best.shape[0]
    for t in range(k):
        best[t] = np.inf
    for j in range(m):
        v = np.float64(acc[j])
        if v < best[k - 1] and j != skip:
            t = k - 1
            while t > 0 and best[t - 1] > v:
                best[t] = best[t - 1]
                t -= 1
            best[t] = v


@njit(cache=True)
def prepare_query(X, row, mu, CT, raw, x2, dc):  # pragma: no cover
    """Centre query ``row``: ``x2`` receives ``-2 x`` (float32), ``dc`` the squared
    distances to the centres; returns the centred squared norm and the bound's slack."""
    x = np.empty(X.shape[1])
    qn, xr = centre_query(X, row, mu, x, x2)
    dc[:] = 0.0
    for f in range(X.shape[1]):
        xf = x[f]
        for c in range(CT.shape[1]):
            w = xf - CT[f, c]
            dc[c] += w * w
    return qn, _REL * (xr + raw)


@njit(cache=True)
def nearest_centres(dc, n):  # pragma: no cover
    """The ``n`` centres nearest to the query (``dc``: its squared distances to them)."""
    return np.argsort(dc)[: min(n, dc.shape[0])]


@njit(cache=True)
def halfspace_lb2(dc, near, c, cc, slack):  # pragma: no cover
    """Lower bound on the squared distance from the query to the rows of cell ``c``.

    A row of cell ``c`` is at least as close to ``c``'s centre as to any centre ``i``, so
    it lies in the half-space ``{y : |y - c_c|^2 <= |y - c_i|^2}``; the bound is the
    largest distance from the query to those half-spaces over the centres ``near``.
    """
    best = 0.0
    for t in range(near.shape[0]):
        i = near[t]
        if i == c:
            continue
        num = dc[c] - dc[i] - slack
        if num > 0.0:
            lb = num / (2.0 * np.float64(cc[i, c]))
            best = max(best, lb)
    return best * best


@njit(cache=True)
def cell_sq32(x2, RT, rn, a, m, acc):  # pragma: no cover
    """``acc[:m]``: float32 ``|y|^2 - 2 x.y`` for the rows ``a:a + m`` (centred)."""
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


@njit(cache=True)
def limits32(lo, hi):  # pragma: no cover
    """``lo``/``hi`` as float32, rounded outwards (values between are checked exactly)."""
    lo32 = np.float32(lo)
    if lo32 > lo:
        lo32 = np.nextafter(lo32, np.float32(-np.inf))
    hi32 = np.float32(hi)
    if hi32 < hi:
        hi32 = np.nextafter(hi32, np.float32(np.inf))
    return lo32, hi32


@njit(cache=True)
def widest(starts):  # pragma: no cover
    """Rows in the largest cell."""
    w = 0
    for c in range(starts.shape[0] - 1):
        w = max(w, starts[c + 1] - starts[c])
    return w


@njit(cache=True, parallel=True)
def probe_kth32(
    X, RT, rn, starts, cell_rn, mu, raw, q_row, q_at, p_query, p_slot, p_starts, k, cand
):  # noqa: E501  # pragma: no cover
    """Upper bounds on the k smallest squared distances of queries within the cells they probe.

    The pairs ``p_starts[c]:p_starts[c + 1]`` (query ``p_query``, slot ``p_slot``) probe
    cell ``c``; query ``i`` is row ``q_row[i]`` of ``X`` at packed position ``q_at[i]``
    (skipped in its own cell). ``cand[i, slot * k : slot * k + k]`` receives the k
    smallest float32 values plus the rounding band: each is at least the exact squared
    distance of its row, so the k-th smallest of a query's entries bounds its exact k-th
    nearest distance over the probed cells from above (``inf`` where a cell has fewer
    rows).
    """
    n_cells = p_starts.shape[0] - 1
    d = X.shape[1]
    rel = band_rel(d)
    for c in prange(n_cells):
        a = starts[c]
        m = starts[c + 1] - a
        if m == 0 or p_starts[c + 1] == p_starts[c]:
            continue
        acc = np.empty(m, dtype=np.float32)
        x = np.empty(d)
        x2 = np.empty(d, dtype=np.float32)
        best = np.empty(k)
        for p in range(p_starts[c], p_starts[c + 1]):
            i = p_query[p]
            qn, xr = centre_query(X, q_row[i], mu, x, x2)
            cell_sq32(x2, RT, rn, a, m, acc)
            k_smallest(acc, m, q_at[i] - a, best)  # the query skips itself
            band = rel * (qn + cell_rn[c]) + _REL * (xr + raw)
            s = p_slot[p] * k
            for t in range(k):
                cand[i, s + t] = best[t] + qn + band
    return cand
