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

The distances to the other-class original rows come from a matrix product of centred
rows in float32 (float64 for huge values; a direct loop when the reference rows are
too many for cache-sized blocks), parallel over blocks of query rows with one BLAS call
each. The product only chooses what to look at: every threshold is widened by a bound
on its rounding error, and every distance that is kept is recomputed directly, with the
engine's sum, so the rows found are those of an exact scan.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from imbtab.neighbors import kneighbors
from imbtab.neighbors._search import _blas_single_thread

__all__ = ["Segments", "kth_near_segments", "nearest_other_within", "other_class_bounds"]

_CHUNK = 256  # query rows per task of the parallel scan
_REF_CHUNK = 131072  # reference rows copied at a time for the engine
_MARGIN = 1e-8  # relative safety margin of the bounds
_MAX_SHARE = 0.25  # bound a class only if it or its other classes hold at most this share
_QBLOCK = 32  # query rows per BLAS product in the product scan
_MIN_QBLOCK = 4  # ... at least (else the direct scan runs)
_BLOCK_ENTRIES = 1 << 19  # at most this many products per block (4 MiB, stays in cache)
_TASKS = 64  # parallel tasks of the product scan (each allocates its block once)
_COL_ENTRIES = 1 << 21  # column minima kept per task while tasks x rows stay below
_SUB = 128  # reference rows per vectorised pre-check
_F32_MAX_SQ = 1e30  # float32 products only while squared norms stay below this


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
        # class -> (original rows of the other classes, lower bounds on their squared
        # distance to that whole class), left by nearest_other_within
        self.to_class = {}

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


@njit(cache=True)
def _segments_at(
    Z, x, e, D, r, tl, mg, best, bd, bj, inc_ptr, inc_seg, pa, pb, length, ids, rows_ptr, rows
):  # pragma: no cover
    """The segments with an end at reference row ``e``, for query row ``x``.

    ``D`` holds the (approximate, within ``tl``) squared distances from ``x`` to the
    reference rows. Each segment's distance from its ends' lowers ``best``; a segment
    within ``r + tl`` has its synthetic rows measured exactly, and one within ``r``
    that comes first (distance, then position) becomes ``(bd, bj)``, shrinking ``r`` to
    ``bd + mg``. Returns ``(best, bd, bj, r)``.
    """
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
        if val <= r + tl:
            sid = ids[g]
            for a in range(rows_ptr[sid], rows_ptr[sid + 1]):
                z = rows[a]
                s = _sq_dist(Z, x, z)
                if s <= r and (s < bd or (s == bd and z < bj)):
                    bd = s
                    bj = z
                    r = min(r, bd + mg)
    return best, bd, bj, r


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
                    best, bd, bj, r = _segments_at(
                        Z, x, e, D, r, 0.0, margin[i], best, bd, bj,
                        inc_ptr, inc_seg, pa, pb, length, ids, rows_ptr, rows,
                    )  # fmt: skip
            lb_out[i] = max(best - margin[i], 0.0)
            d_out[i] = bd
            j_out[i] = bj


def _gemm_qblock(p):
    """Query rows per product block for ``p`` reference rows (0: use the direct scan)."""
    q = min(_QBLOCK, _BLOCK_ENTRIES // max(p, 1))
    return q if q >= _MIN_QBLOCK else 0


def _product_tol_factors(d, work):
    """Factors ``(rel, abs_)`` of the error bound of the product scan in precision ``work``.

    The scan approximates the engine's ``sum_f (x_f - e_f)^2`` (float64, direct
    differences) by ``|x'|^2 + |e'|^2 - 2 x'.e'``, where ``x'``, ``e'`` are the rows
    centred on a common point and rounded to ``work``, the norms are float64 sums of
    the rounded values and the dot product is computed in ``work`` (any order). With
    ``u`` the unit roundoff of ``work`` and ``n = |x'|^2 + |e'|^2``:

    * rounding the centred rows moves each coordinate by at most ``u |x_f|`` (plus
      ``2^-150``-ish below the normal range), which changes ``|x - e|^2`` by at most
      ``4 u n`` (plus the absolute term);
    * the dot product errs by at most ``gamma_d |x'| |e'| <= d u n / 2`` (``d u`` per
      product of the normal range, a subnormal's half-ulp per product below it), the
      float64 norms, additions and the engine's own direct sum by a few float64 ulps of
      ``n``.

    The bound ``rel * n + abs_ * (1 + sqrt(n))`` with ``rel = 16 (d + 8) u`` (the
    engine's candidate tolerance) covers it all several times over.
    """
    info = np.finfo(work)
    rel = 16.0 * (d + 8) * float(info.eps)
    abs_ = 64.0 * (d + 8) * float(info.smallest_subnormal) if work == np.float32 else 0.0
    abs_ = max(abs_, 64.0 * (d + 8) * float(np.finfo(np.float64).smallest_subnormal))
    return rel, abs_


@njit(cache=True)
def _keys(D, g, rn, qi):  # pragma: no cover
    """``D <- qi + rn - 2 g`` in float64; returns the smallest entry (vectorised, eight
    running minima)."""
    acc = np.full(8, np.inf)
    n = D.shape[0]
    n8 = n - n % 8
    for e in range(0, n8, 8):
        for j in range(8):
            v = np.float64(g[e + j])
            w = qi + rn[e + j] - (v + v)
            D[e + j] = w
            a = acc[j]
            acc[j] = w if w < a else a
    best = np.inf
    for j in range(8):
        if acc[j] < best:
            best = acc[j]
    for e in range(n8, n):
        v = np.float64(g[e])
        w = qi + rn[e] - (v + v)
        D[e] = w
        if w < best:
            best = w
    return best


@njit(cache=True)
def _min_into(out, D, sub):  # pragma: no cover
    """``out <- min(out, D - sub)`` elementwise (vectorised)."""
    for e in range(D.shape[0]):
        v = D[e] - sub
        if v < out[e]:
            out[e] = v


@njit(cache=True)
def _count_below(D, sub, thr):  # pragma: no cover
    """How many ``D[e] - sub[e] <= thr`` (vectorised)."""
    cnt = 0
    for e in range(D.shape[0]):
        cnt += np.int64(D[e] - sub[e] <= thr)
    return cnt


@njit(cache=True, parallel=True)
def _segment_scan_gemm(
    Z,
    query,
    mu,
    R,
    rn,
    rel,
    abs_,
    ref,
    sq,
    ref_sq_max,
    radius,
    qblock,
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
    col,
):  # pragma: no cover
    """:func:`_segment_scan` with the distances to the reference rows from BLAS products.

    ``R`` holds the rows ``Z[ref] - mu`` rounded to the work precision (its dtype),
    ``rn`` their float64 squared norms. Blocks of ``qblock`` query rows are centred,
    rounded and multiplied with ``R`` (one BLAS call per block, in cache); the
    approximate distances ``|x'|^2 + rn - 2 x'.e'`` err by at most
    ``tol = rel * n + abs_ * (1 + sqrt(n))`` with ``n = |x'|^2 + max(rn)`` (see
    :func:`_product_tol_factors`). They only choose what to look at, every threshold
    widened by ``tol``: a reference row whose approximate distance is within the
    radius gets its exact distance (:func:`_sq_dist`, the engine's sum), and only exact
    distances within the radius are kept, so ``d_out``/``j_out`` are those of
    :func:`_segment_scan`. The lower bound is lowered by ``tol`` on top of the margin.
    ``col`` (``n_tasks`` rows of ``p``, or none) receives per task the smallest
    ``approximate distance - tol`` from each reference row to the query rows of the
    task: a lower bound on its distance to them. Call with BLAS limited to one thread.
    """
    m = query.shape[0]
    p = R.shape[0]
    d = Z.shape[1]
    max_rn = 0.0
    for e in range(p):
        max_rn = max(max_rn, rn[e])
    n_blocks = (m + qblock - 1) // qblock
    n_tasks = min(n_blocks, _TASKS)
    per_task = (n_blocks + n_tasks - 1) // max(n_tasks, 1)
    for task in prange(n_tasks):
        with_col = task < col.shape[0]
        Q = np.empty((qblock, d), dtype=R.dtype)
        buf = np.empty(qblock * p, dtype=R.dtype)
        D = np.empty(p)
        for blk in range(task * per_task, min(n_blocks, (task + 1) * per_task)):
            i0 = blk * qblock
            w = min(m, i0 + qblock) - i0
            for ii in range(w):
                for f in range(d):
                    Q[ii, f] = Z[query[i0 + ii], f] - mu[f]
            G = buf[: w * p].reshape((w, p))
            np.dot(Q[:w], R.T, G)
            for ii in range(w):
                i = i0 + ii
                x = query[i]
                qi = 0.0
                for f in range(d):
                    qf = np.float64(Q[ii, f])
                    qi += qf * qf
                nrm = qi + max_rn
                tl = rel * nrm + abs_ * (1.0 + np.sqrt(nrm))
                mg = _MARGIN * (sq[x] + ref_sq_max)  # Segments.margin
                best = _keys(D, G[ii], rn, qi)
                if with_col:
                    _min_into(col[task], D, tl)
                r = radius[i] + mg
                bd = np.inf
                bj = -1
                for t0 in range(0, p, _SUB):
                    t1 = min(p, t0 + _SUB)
                    if _count_below(D[t0:t1], lmax4[t0:t1], max(r, best) + tl) == 0:
                        continue
                    for e in range(t0, t1):
                        u0 = D[e]
                        if u0 - lmax4[e] > max(r, best) + tl:
                            continue
                        if u0 <= r + tl:
                            z = ref[e]
                            s = _sq_dist(Z, x, z)
                            if s <= r and (s < bd or (s == bd and z < bj)):
                                bd = s
                                bj = z
                                r = min(r, bd + mg)
                        best, bd, bj, r = _segments_at(
                            Z, x, e, D, r, tl, mg, best, bd, bj,
                            inc_ptr, inc_seg, pa, pb, length, ids, rows_ptr, rows,
                        )  # fmt: skip
                lb_out[i] = max(best - mg - tl, 0.0)
                d_out[i] = bd
                j_out[i] = bj


def _reference_block(Z, ref, work):
    """``(mu, R, rn)``: the rows ``Z[ref]`` centred on their mean and rounded to ``work``
    (``None`` when ``work`` cannot hold them), and their float64 squared norms."""
    mu = np.zeros(Z.shape[1])
    for start in range(0, ref.size, _REF_CHUNK):
        mu += Z[ref[start : start + _REF_CHUNK]].sum(axis=0)
    mu /= max(ref.size, 1)
    R = np.empty((ref.size, Z.shape[1]), dtype=work)
    for start in range(0, ref.size, _REF_CHUNK):  # no float64 copy of them all
        np.subtract(Z[ref[start : start + _REF_CHUNK]], mu, out=R[start : start + _REF_CHUNK],
                    casting="same_kind")  # fmt: skip
    rn = np.einsum("ij,ij->i", R, R, dtype=np.float64)
    return mu, R, rn


def nearest_other_within(segs: Segments, query, radius, work=None):
    """Bounds and nearest other-class rows within ``radius`` for original rows of one class.

    ``query`` are positions in ``Z`` of original rows of one class; ``radius`` (squared)
    one value per row (``0`` for the bound alone). ``work`` forces the precision of the
    product scan (``np.float32``, ``np.float64``, or ``"direct"`` for the scalar scan);
    the result is the same whatever it is, except for the lower bound's slack.

    Returns
    -------
    lb : ndarray
        Lower bound on the squared distance to every other-class row.
    d_o, j_o : ndarray
        Exact squared distance and position (the smaller one on ties) of the nearest
        other-class row when it is within ``radius``; otherwise ``d_o > radius`` (``inf``
        and -1 when no row came close enough to be measured).

    A scan of a whole class (``query`` all its rows) also leaves in ``segs.to_class``
    a lower bound on each reference row's squared distance to that class.
    """
    klass = segs.codes[query[0]]
    ref = np.flatnonzero((segs.codes != klass) & ~segs.is_synthetic)
    ids, pa, pb, length, inc_ptr, inc_seg, lmax4 = segs.around(klass, ref)
    lb = np.empty(query.size)
    d_o = np.empty(query.size)
    j_o = np.empty(query.size, dtype=np.int64)
    radius = np.asarray(radius, dtype=np.float64)
    query = query.astype(np.int64, copy=False)
    args = (inc_ptr, inc_seg, pa, pb, length, lmax4, ids, segs.rows_ptr, segs.rows, lb, d_o, j_o)
    qblock = _gemm_qblock(ref.size)
    ref_sq_max = float(segs.sq[ref].max()) if ref.size else 0.0
    scale = 4.0 * (segs.sq[query].max() + segs.sq[ref].max()) if ref.size else 0.0
    if work is None:
        # float32 products while squares of the (centred) data stay far from overflow
        work = np.float32 if scale < _F32_MAX_SQ else np.float64
    if work != "direct" and qblock and ref.size and np.isfinite(scale):
        mu, R, rn = _reference_block(segs.Z, ref, work)
        if np.isfinite(rn).all() and (work != np.float32 or rn.max() < _F32_MAX_SQ):
            rel, abs_ = _product_tol_factors(segs.Z.shape[1], work)
            n_tasks = min(-(-query.size // qblock), _TASKS)
            whole = query.size == np.count_nonzero(segs.codes == klass)
            keep = whole and n_tasks * ref.size <= _COL_ENTRIES
            col = np.full((n_tasks if keep else 0, ref.size), np.inf)
            with _blas_single_thread():
                _segment_scan_gemm(
                    segs.Z,
                    query,
                    mu,
                    R,
                    rn,
                    rel,
                    abs_,
                    ref,
                    segs.sq,
                    ref_sq_max,
                    radius,
                    qblock,
                    *args,
                    col,
                )
            if keep:
                # each other-class original row's distance to this whole class, bounded
                far = col.min(axis=0) - _MARGIN * (segs.sq[ref] + segs.sq[query].max())
                segs.to_class[klass] = (ref, np.maximum(far, 0.0))
            return lb, d_o, j_o
    # very many other-class rows, huge values, or asked for
    margin = segs.margin(query, ref)
    RT = np.ascontiguousarray(segs.Z[ref].T)
    _segment_scan(segs.Z, query, RT, ref, margin, radius, *args)
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


def _bound_from_scans(segs: Segments, klass, query):
    """Bounds for the rows ``query`` of ``klass`` from the scans of the other classes.

    ``None`` unless every other class was scanned whole by :func:`nearest_other_within`
    (which then left each of its reference rows' distance to that class).
    """
    others = [c for c in np.unique(segs.codes) if c != klass]
    if not others or any(c not in segs.to_class for c in others):
        return None
    out = np.full(query.size, np.inf)
    for c in others:
        ref, far = segs.to_class[c]
        at = np.searchsorted(ref, query)
        if not np.array_equal(ref[np.minimum(at, ref.size - 1)], query):
            return None  # pragma: no cover - the scans' references hold every such row
        np.minimum(out, far[at], out=out)
    return out


def other_class_bounds(segs: Segments, skip=(), near2=None) -> np.ndarray:
    """Lower bounds on the squared distance from each row of ``Z`` to the other classes.

    Original rows of the classes in ``skip`` are left as they are in ``near2`` (default
    0; their caller computes them); so is a class when both it and its other classes
    are large (the product would cost as much as a search). A class whose other classes
    were all scanned whole by :func:`nearest_other_within` takes the bounds those scans
    left. Synthetic rows are bounded through their parents.
    """
    n = segs.Z.shape[0]
    original = ~segs.is_synthetic
    if near2 is None:
        near2 = np.zeros(n)
    n_orig = int(original.sum())
    for c in np.unique(segs.codes[original]):
        if c in skip:
            continue
        query = np.flatnonzero(original & (segs.codes == c))
        known = _bound_from_scans(segs, c, query)
        if known is not None:
            near2[query] = known
            continue
        near2[query] = 0.0
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


def kth_on_segments(segs: Segments, k: int, near2=None) -> np.ndarray:
    """An upper bound on each row's squared distance to its k-th nearest same-class row.

    The k-th smallest exact squared distance to distinct rows of its class that the
    segments name: its parents and up to ``k`` rows on each side along its segment for
    a synthetic row, the synthetic rows it parents for an original row (``inf`` when
    fewer than ``k`` are named). With ``near2`` (lower bounds on the distance to the
    other classes), the rows of over-sampled classes that these bounds leave undecided
    (``near2 <= bound``) get the tighter bound of :func:`kth_near_segments`.
    """
    best = np.full((segs.Z.shape[0], k), np.inf)
    _kth_on_segments(
        segs.Z, segs.base, segs.neighbour, segs.synthetic_at.astype(np.int64),
        segs.rows_ptr, segs.rows, k, best,
    )  # fmt: skip
    own = best[:, k - 1]
    if near2 is not None and segs.klass.size:
        has_segments = np.zeros(int(segs.codes.max()) + 1, dtype=bool)
        has_segments[segs.klass] = True
        q = np.flatnonzero(has_segments[segs.codes] & ~(near2 > own))
        if q.size:
            own[q] = np.minimum(own[q], kth_near_segments(segs, q, k))
    return own


@njit(cache=True, parallel=True)
def _kth_near(Z, q, seg, k, a, b, uends, uptr, useg, rows_ptr, rows, out):  # pragma: no cover
    for i in prange(q.shape[0]):
        s = q[i]
        g = seg[i]
        n_ends = 1 if g < 0 else 2
        ends = np.empty(2, dtype=np.int64)
        ends[0] = s if g < 0 else a[g]
        ends[1] = b[g] if g >= 0 else s
        # how many candidates: the ends, and per segment at an end its ends and rows
        total = 2
        for t in range(n_ends):
            u = np.searchsorted(uends, ends[t])
            if u < uends.shape[0] and uends[u] == ends[t]:
                for p in range(uptr[u], uptr[u + 1]):
                    h = useg[p]
                    total += 2 + rows_ptr[h + 1] - rows_ptr[h]
        cand = np.empty(total, dtype=np.int64)
        c = 0
        for t in range(n_ends):
            cand[c] = ends[t]
            c += 1
            u = np.searchsorted(uends, ends[t])
            if u < uends.shape[0] and uends[u] == ends[t]:
                for p in range(uptr[u], uptr[u + 1]):
                    h = useg[p]
                    cand[c] = a[h]
                    cand[c + 1] = b[h]
                    c += 2
                    for r in range(rows_ptr[h], rows_ptr[h + 1]):
                        cand[c] = rows[r]
                        c += 1
        cand = np.sort(cand[:c])
        best = np.full(k, np.inf)
        prev = -1
        for t in range(c):
            z = cand[t]
            if z == prev or z == s:
                continue
            prev = z
            d = _sq_dist(Z, s, z)
            if d < best[k - 1]:
                p = k - 1
                while p > 0 and best[p - 1] > d:
                    best[p] = best[p - 1]
                    p -= 1
                best[p] = d
        out[i] = best[k - 1]


def kth_near_segments(segs: Segments, q, k: int) -> np.ndarray:
    """An upper bound on the squared distance from each row ``Z[q]`` to its k-th nearest
    same-class row, from the rows around it on the segments.

    The k-th smallest exact squared distance to the distinct rows (other than itself)
    of every segment that shares an end with the row's segment (a synthetic row) or
    ends at the row (an original row): their ends and all their synthetic rows. These
    are rows of its class; rows on neighbouring segments near a common end are often
    much closer than the rows :func:`kth_on_segments` names (``inf`` when fewer than
    ``k``).
    """
    q = np.asarray(q, dtype=np.int64)
    n = segs.Z.shape[0]
    seg = np.full(q.size, -1, dtype=np.int64)
    syn = segs.is_synthetic[q]
    if syn.any():
        order = np.argsort(segs.synthetic_at, kind="stable")
        j = order[np.searchsorted(segs.synthetic_at, q[syn], sorter=order)]
        lo = np.minimum(segs.base[j], segs.neighbour[j])
        hi = np.maximum(segs.base[j], segs.neighbour[j])
        seg[syn] = np.searchsorted(segs.a * n + segs.b, lo * n + hi)
    ends = np.concatenate([segs.a, segs.b])
    order = np.argsort(ends, kind="stable")
    uends, uptr = np.unique(ends[order], return_index=True)
    uptr = np.append(uptr, ends.size).astype(np.int64)
    useg = (order % max(segs.a.size, 1)).astype(np.int64)
    out = np.empty(q.size)
    _kth_near(
        segs.Z, q, seg, k, segs.a.astype(np.int64), segs.b.astype(np.int64),
        uends.astype(np.int64), uptr, useg, segs.rows_ptr, segs.rows, out,
    )  # fmt: skip
    return out
