"""Distances from the rows of SMOTE's output to the other classes, through the segments.

A synthetic row ``s = a + t (b - a)`` lies on the segment between its parents ``a`` and
``b`` (original rows of its class), and for any point ``p``

    |s - p|^2 = (1 - t) |a - p|^2 + t |b - p|^2 - t (1 - t) |a - b|^2.

* **Original rows.** The other-class rows of the output are original rows and
  synthetic rows on other-class segments. Given the squared distances ``u, v`` from a
  row ``x`` to the two ends of a segment, the identity gives the squared distance to the
  whole segment in O(1) (minimise over ``t`` in [0, 1]). Since
  ``(1 - t) u + t v - t (1 - t) L >= min(u, v) - L / 4``, a segment can only come within
  a radius ``r`` if one of its ends ``e`` has ``|x - e|^2 - Lmax(e) / 4 < r``
  (``Lmax(e)``: the longest segment at ``e``). So one matrix product of the rows with the
  other-class original rows, plus a handful of segments per row, give (a) the squared
  distance to the union of the other-class rows and segments, a lower bound on the
  distance to every other-class row of the output, and (b) every other-class row within
  a given radius, whose exact distances are then computed directly.
* **Synthetic rows.** With ``m(e)`` such a bound for the parents,
  ``(1 - t) m(a) + t m(b) - t (1 - t) |a - b|^2`` bounds the squared distance from ``s``
  to every other-class row.

Bounds are lowered by a small relative margin, so rounding never makes them exceed the
distances the neighbour engine computes.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from imbtab.neighbors import kneighbors

__all__ = ["Segments", "nearest_other_within", "other_class_bounds"]

_CHUNK = 256  # query rows per task of the parallel scan
_REF_CHUNK = 131072  # reference rows copied at a time for the engine
_MARGIN = 1e-8  # relative safety margin of the bounds
_MAX_SHARE = 0.25  # bound a class only if it or its other classes hold at most this share


class Segments:
    """The segments of SMOTE's output, in positions of the stacked array ``Z``.

    Parameters
    ----------
    Z : ndarray of shape (n_rows, n_features)
        Original and synthetic rows.
    codes : ndarray of int
        Class code of every row of ``Z``.
    base, neighbour : ndarray of int
        Positions in ``Z`` of the parents of every synthetic row.
    steps : ndarray of float
        Steps of the synthetic rows.
    synthetic_at : ndarray of int
        Positions in ``Z`` of the synthetic rows.
    """

    def __init__(self, Z, codes, base, neighbour, steps, synthetic_at):
        self.Z, self.codes = Z, codes
        self.base, self.neighbour = base, neighbour
        self.steps = np.asarray(steps, dtype=np.float64)
        self.synthetic_at = synthetic_at
        self.is_synthetic = np.zeros(Z.shape[0], dtype=bool)
        self.is_synthetic[synthetic_at] = True
        self.sq = np.einsum("ij,ij->i", Z, Z)
        n = Z.shape[0]
        key = np.minimum(base, neighbour) * n + np.maximum(base, neighbour)
        keys, seg_of = np.unique(key, return_inverse=True)
        self.a, self.b = keys // n, keys % n
        diff = Z[self.a] - Z[self.b]
        self.length = np.einsum("ij,ij->i", diff, diff)
        self.klass = codes[self.a]
        # synthetic rows grouped by segment, in order along it
        along = np.where(base == self.a[seg_of], self.steps, 1.0 - self.steps)
        order = np.lexsort((along, seg_of))
        self.rows_ptr = np.searchsorted(seg_of[order], np.arange(keys.size + 1)).astype(np.int64)
        self.rows = synthetic_at[order].astype(np.int64)

    def around(self, klass, ref):
        """CSR incidence of the segments of classes other than ``klass`` at the rows ``ref``.

        Returns the segments' ends as positions in ``ref``, their ids, squared lengths,
        the incidence lists and a quarter of the longest segment at each row of ``ref``.
        """
        ids = np.flatnonzero(self.klass != klass)
        pos = np.full(self.Z.shape[0], -1, dtype=np.int64)
        pos[ref] = np.arange(ref.size)
        pa, pb = pos[self.a[ids]], pos[self.b[ids]]
        length = self.length[ids]
        ends = np.concatenate([pa, pb])
        order = np.argsort(ends, kind="stable")
        inc_seg = (order % max(ids.size, 1)).astype(np.int64)
        inc_ptr = np.searchsorted(ends[order], np.arange(ref.size + 1)).astype(np.int64)
        lmax4 = np.zeros(ref.size)
        np.maximum.at(lmax4, pa, length / 4.0)
        np.maximum.at(lmax4, pb, length / 4.0)
        return ids, pa, pb, length, inc_ptr, inc_seg, lmax4

    def margin(self, query, ref):
        return _MARGIN * (self.sq[query] + (self.sq[ref].max() if ref.size else 0.0))


@njit(cache=True)
def _sq_dist(Z, x, z):  # pragma: no cover
    s = 0.0
    for f in range(Z.shape[1]):
        w = Z[x, f] - Z[z, f]
        s += w * w
    return s


@njit(cache=True, parallel=True)
def _segment_scan(
    Z,
    query,
    RT,
    ref,
    margin,
    radius,
    inc_ptr,
    inc_seg,
    pa,
    pb,
    length,
    lmax4,
    ids,
    rows_ptr,
    rows,
    lb_out,
    d_out,
    j_out,
):  # pragma: no cover
    """Per query row: a lower bound on the squared distance to the other-class rows, and
    the nearest of them within ``radius`` (exact squared distance, smaller position on
    ties; ``inf``/-1 if none).

    ``RT = Z[ref].T`` (C-contiguous) holds the other-class original rows. The search
    radius shrinks to the best exact distance found. A segment is looked at when an end
    allows it to come below the radius or the best value so far, so the best value is
    the squared distance to the union of the points and segments.
    """
    m = query.shape[0]
    p = RT.shape[1]
    n_chunks = (m + _CHUNK - 1) // _CHUNK
    for c in prange(n_chunks):
        D = np.empty(p)
        for i in range(c * _CHUNK, min(m, (c + 1) * _CHUNK)):
            x = query[i]
            r = radius[i] + margin[i]
            best = np.inf
            bd = np.inf
            bj = -1
            # feature-major (vectorises over e); the same sum order as the engine's
            D[:] = 0.0
            for f in range(RT.shape[0]):
                xf = Z[x, f]
                for e in range(p):
                    w = xf - RT[f, e]
                    D[e] += w * w
            for e in range(p):
                if D[e] < best:
                    best = D[e]
            for e in range(p):
                u0 = D[e]
                if u0 <= r:
                    z = ref[e]
                    if u0 < bd or (u0 == bd and z < bj):
                        bd = u0
                        bj = z
                        r = min(r, bd + margin[i])
                if u0 - lmax4[e] <= max(r, best):
                    for q in range(inc_ptr[e], inc_ptr[e + 1]):
                        g = inc_seg[q]
                        u = D[pa[g]]
                        v = D[pb[g]]
                        L = length[g]
                        t = 0.0
                        if L > 0.0:
                            t = min(1.0, max(0.0, (u - v + L) / (2.0 * L)))
                        val = (1.0 - t) * u + t * v - t * (1.0 - t) * L
                        if val < best:
                            best = val
                        if val <= r:
                            sid = ids[g]
                            for a in range(rows_ptr[sid], rows_ptr[sid + 1]):
                                z = rows[a]
                                s = _sq_dist(Z, x, z)
                                if s < bd or (s == bd and z < bj):
                                    bd = s
                                    bj = z
                                    r = min(r, bd + margin[i])
            lb_out[i] = max(best - margin[i], 0.0)
            d_out[i] = bd
            j_out[i] = bj


def nearest_other_within(segs: Segments, query, radius):
    """Bounds and nearest other-class rows within ``radius`` for original rows of one class.

    ``query`` are positions in ``Z`` of original rows of one class; ``radius`` (squared)
    one value per row (``0`` for the bound alone).

    Returns
    -------
    lb : ndarray
        Lower bound on the squared distance to every other-class row.
    d_o, j_o : ndarray
        Exact squared distance and position of the nearest other-class row when it is
        within ``radius`` (``inf`` and -1 otherwise).
    """
    klass = segs.codes[query[0]]
    ref = np.flatnonzero((segs.codes != klass) & ~segs.is_synthetic)
    ids, pa, pb, length, inc_ptr, inc_seg, lmax4 = segs.around(klass, ref)
    lb = np.empty(query.size)
    d_o = np.empty(query.size)
    j_o = np.empty(query.size, dtype=np.int64)
    margin = segs.margin(query, ref)
    radius = np.asarray(radius, dtype=np.float64)
    _segment_scan(
        segs.Z, query.astype(np.int64), np.ascontiguousarray(segs.Z[ref].T), ref, margin, radius,
        inc_ptr, inc_seg, pa, pb, length, lmax4, ids, segs.rows_ptr, segs.rows, lb, d_o, j_o,
    )  # fmt: skip
    return lb, d_o, j_o


@njit(cache=True, parallel=True)
def _synthetic_bounds(Z, lb, base, neighbour, steps, out):  # pragma: no cover
    """``(1 - t) lb[a] + t lb[b] - t (1 - t) |a - b|^2``, lowered by a relative margin, >= 0."""
    for j in prange(base.shape[0]):
        t = steps[j]
        a = base[j]
        b = neighbour[j]
        ma = lb[a]
        mb = lb[b]
        L = 0.0
        for f in range(Z.shape[1]):
            diff = Z[a, f] - Z[b, f]
            L += diff * diff
        val = (1.0 - t) * ma + t * mb - t * (1.0 - t) * L
        out[j] = max(val - _MARGIN * (ma + mb + L), 0.0)


def _nearest_sq(Z, query, ref):
    """Squared distance from each row ``Z[query]`` to its nearest row ``Z[ref]``.

    The reference rows are copied a chunk at a time (no copy of them all at once).
    """
    Q = np.ascontiguousarray(Z[query])
    out = np.full(query.size, np.inf)
    for start in range(0, ref.size, _REF_CHUNK):
        d, _ = kneighbors(Q, Z[ref[start : start + _REF_CHUNK]], k=1)
        np.minimum(out, d[:, 0] ** 2, out=out)
    return out


def other_class_bounds(segs: Segments, skip=()) -> np.ndarray:
    """Lower bounds on the squared distance from each row of ``Z`` to the other classes.

    Original rows of the classes in ``skip`` are left at 0 (their caller computes them);
    so is a class when both it and its other classes are large (the product would cost
    as much as a search). Synthetic rows are bounded through their parents.
    """
    n = segs.Z.shape[0]
    original = ~segs.is_synthetic
    near2 = np.zeros(n)
    n_orig = int(original.sum())
    for c in np.unique(segs.codes[original]):
        if c in skip:
            continue
        query = np.flatnonzero(original & (segs.codes == c))
        ref = np.flatnonzero(original & (segs.codes != c))
        if ref.size == 0 or min(query.size, ref.size) > _MAX_SHARE * n_orig:
            continue
        if not np.any(segs.klass != c):
            d2 = _nearest_sq(segs.Z, query, ref)
            near2[query] = np.maximum(d2 - segs.margin(query, ref), 0.0)
            continue
        near2[query] = nearest_other_within(segs, query, np.zeros(query.size))[0]
    out = np.empty(segs.base.size)
    _synthetic_bounds(segs.Z, near2, segs.base, segs.neighbour, segs.steps, out)
    near2[segs.synthetic_at] = out
    return near2


@njit(cache=True)
def _on_segments(Z, base, neighbour, synthetic_at, rows_ptr, rows, out):  # pragma: no cover
    for j in range(base.shape[0]):
        s = synthetic_at[j]
        for p in (base[j], neighbour[j]):
            d = _sq_dist(Z, s, p)
            if d < out[s]:
                out[s] = d
            if d < out[p]:
                out[p] = d
    for g in range(rows_ptr.shape[0] - 1):
        for a in range(rows_ptr[g], rows_ptr[g + 1] - 1):
            s, t = rows[a], rows[a + 1]
            d = _sq_dist(Z, s, t)
            if d < out[s]:
                out[s] = d
            if d < out[t]:
                out[t] = d


def nearest_on_segments(segs: Segments) -> np.ndarray:
    """An upper bound on each row's squared distance to its nearest same-class row.

    A synthetic row, its parents and its neighbours along the same segment are rows of
    one class: the exact squared distances between them bound the nearest-neighbour
    distance of each (``inf`` for original rows that parent no synthetic row).
    """
    out = np.full(segs.Z.shape[0], np.inf)
    _on_segments(
        segs.Z, segs.base, segs.neighbour, segs.synthetic_at.astype(np.int64),
        segs.rows_ptr, segs.rows, out,
    )  # fmt: skip
    return out


@njit(cache=True)
def _insert(best, r, d):  # pragma: no cover
    k = best.shape[1]
    if d >= best[r, k - 1]:
        return
    p = k - 1
    while p > 0 and best[r, p - 1] > d:
        best[r, p] = best[r, p - 1]
        p -= 1
    best[r, p] = d


@njit(cache=True)
def _kth_on_segments(Z, base, neighbour, synthetic_at, rows_ptr, rows, k, best):  # pragma: no cover
    for j in range(base.shape[0]):
        s = synthetic_at[j]
        for p in (base[j], neighbour[j]):
            d = _sq_dist(Z, s, p)
            _insert(best, s, d)
            _insert(best, p, d)
    for g in range(rows_ptr.shape[0] - 1):
        for a in range(rows_ptr[g], rows_ptr[g + 1]):
            for b in range(a + 1, min(a + 1 + k, rows_ptr[g + 1])):
                d = _sq_dist(Z, rows[a], rows[b])
                _insert(best, rows[a], d)
                _insert(best, rows[b], d)


def kth_on_segments(segs: Segments, k: int) -> np.ndarray:
    """An upper bound on each row's squared distance to its k-th nearest same-class row.

    The k-th smallest exact squared distance to distinct rows of its class that the
    segments name: its parents and up to ``k`` rows on each side along its segment for
    a synthetic row, the synthetic rows it parents for an original row (``inf`` when
    fewer than ``k`` are named).
    """
    best = np.full((segs.Z.shape[0], k), np.inf)
    _kth_on_segments(
        segs.Z, segs.base, segs.neighbour, segs.synthetic_at.astype(np.int64),
        segs.rows_ptr, segs.rows, k, best,
    )  # fmt: skip
    return best[:, k - 1]
