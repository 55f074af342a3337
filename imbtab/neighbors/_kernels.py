"""Numba kernels: fused blocked exact Euclidean distances and per-row top-k.

Every path computes the squared distance between two rows the same way: the sum over
features, in feature order, of ``(float64(x_f) - float64(y_f)) ** 2``. Two calls that
compare the same pair of rows therefore get bit-identical distances, which makes the tie
rule (distance first, then the smaller reference index) exact and consistent across the
plain search and the class-aware primitives.

Top-k lists are kept sorted in place on a *signed key* ``sgn * distance`` (``sgn = -1``
finds the farthest rows; multiplying by -1 is exact): a reference row enters a list only
if its key is strictly smaller than the current k-th key, and reference rows are visited
in increasing index order, so among equal distances the smaller index always stays ahead.

To keep the cold compile short, each kernel is compiled for one set of argument types
only: the exact kernels take float64 arrays (the callers convert float32 data block by
block), and only the BLAS candidate kernel exists in two precisions.
"""

import numpy as np
from numba import njit, prange

_SUB = 128  # columns per pre-checked sub-block in the top-k scans


@njit(cache=True, nogil=True)
def _insert(out_d, out_i, i, k, a, j):
    """Insert (a, j) into the sorted top-k list of row ``i`` (the list has room or a > a)."""
    p = k - 1
    while p > 0 and (out_i[i, p - 1] < 0 or out_d[i, p - 1] > a):
        out_d[i, p] = out_d[i, p - 1]
        out_i[i, p] = out_i[i, p - 1]
        p -= 1
    out_d[i, p] = a
    out_i[i, p] = j


@njit(parallel=True, cache=True)
def knn_sq_direct(Q, R, r_base, excl, sgn, qblock, rblock, out_d, out_i):
    """Merge the rows of ``R`` into the exact top-k lists of the rows of ``Q``.

    Parameters
    ----------
    Q : (nq, d) float64, C-contiguous
        Queries.
    R : (nr, d) float64, C-contiguous
        Reference rows; ``R[j]`` has the global index ``r_base + j``.
    r_base : int
        Global index of ``R[0]`` (lists persist across calls on consecutive blocks).
    excl : (nq,) int64
        Global reference index to skip for each query (``-1`` for none).
    sgn : float
        ``1.0`` for the nearest rows, ``-1.0`` for the farthest.
    qblock, rblock : int
        Query rows per parallel task and reference rows per packed block.
    out_d : (nq, k) float64
        Signed keys ``sgn * squared distance``, ascending (ties by index); empty slots
        hold ``+inf`` and ``-1`` in ``out_i`` (the caller initialises them).
    out_i : (nq, k) int64
        Global reference indices.
    """
    nq, d = Q.shape
    nr = R.shape[0]
    k = out_d.shape[1]
    nqb = (nq + qblock - 1) // qblock
    Rt = np.empty((d, rblock), dtype=np.float64)
    for r0 in range(0, nr, rblock):
        r1 = min(nr, r0 + rblock)
        m = r1 - r0
        for j in range(m):
            for f in range(d):
                Rt[f, j] = R[r0 + j, f]
        g0 = r_base + r0
        for b in prange(nqb):
            acc = np.empty(m, dtype=np.float64)
            i1 = min(nq, (b + 1) * qblock)
            for i in range(b * qblock, i1):
                for j in range(m):
                    acc[j] = 0.0
                for f in range(d):
                    x = Q[i, f]
                    for j in range(m):
                        t = x - Rt[f, j]
                        acc[j] += t * t
                if sgn < 0.0:
                    for j in range(m):
                        acc[j] = -acc[j]
                e = excl[i]
                worst = out_d[i, k - 1]
                full = out_i[i, k - 1] >= 0
                for t0 in range(0, m, _SUB):
                    t1 = min(m, t0 + _SUB)
                    if full:
                        cnt = 0
                        for j in range(t0, t1):  # vectorised pre-check
                            if acc[j] < worst:
                                cnt += 1
                        if cnt == 0:
                            continue
                    for j in range(t0, t1):
                        a = acc[j]
                        if a < worst or not full:
                            if g0 + j == e:
                                continue
                            _insert(out_d, out_i, i, k, a, g0 + j)
                            worst = out_d[i, k - 1]
                            full = out_i[i, k - 1] >= 0
    return out_d, out_i


@njit(parallel=True, cache=True)
def topk_gemm_chunk(Qc, Rc, rn, r_base, excl, qblock, rblock, top_d, top_i):
    """Merge one reference chunk into approximate top-kk lists using BLAS blocks.

    ``Qc`` (nq, d) and ``Rc`` (m, d) share one float dtype (also that of ``rn`` and
    ``top_d``) and are centred on the same point; ``rn`` holds the squared norms of
    ``Rc``. The ranking key of reference row ``j`` for query ``i`` is
    ``rn[j] - 2 <Qc[i], Rc[j]>`` (the squared distance minus ``|Qc[i]|^2``), an
    approximation that :func:`refine_candidates` corrects and certifies. (The caller
    negates ``Qc`` and ``rn`` to rank by the largest distances.) ``top_d``/``top_i``
    (nq, kk) persist across chunks; ``r_base`` is the global index of ``Rc[0]``.
    """
    nq = Qc.shape[0]
    m = Rc.shape[0]
    kk = top_d.shape[1]
    nqb = (nq + qblock - 1) // qblock
    for b in prange(nqb):
        i0 = b * qblock
        i1 = min(nq, i0 + qblock)
        nb = i1 - i0
        buf = np.empty(qblock * rblock, dtype=Qc.dtype)
        for s0 in range(0, m, rblock):
            s1 = min(m, s0 + rblock)
            w = s1 - s0
            G = buf[: nb * w].reshape((nb, w))
            np.dot(Qc[i0:i1], Rc[s0:s1].T, G)
            r = rn[s0:s1]
            for ii in range(nb):
                i = i0 + ii
                g = G[ii]
                e = excl[i]
                for jj in range(w):  # keys in place (vectorised)
                    g[jj] = r[jj] - (g[jj] + g[jj])
                # empty slots hold +inf, so "a < worst" also fills the list; a key that
                # overflowed to +inf is never kept (the row then fails its certificate)
                worst = top_d[i, kk - 1]
                for t0 in range(0, w, _SUB):
                    t1 = min(w, t0 + _SUB)
                    cnt = 0
                    for jj in range(t0, t1):  # vectorised pre-check: usually no entry
                        if g[jj] < worst:
                            cnt += 1
                    if cnt == 0:
                        continue
                    for jj in range(t0, t1):
                        a = g[jj]
                        if a < worst:
                            j = r_base + s0 + jj
                            if j == e:
                                continue
                            _insert(top_d, top_i, i, kk, a, j)
                            worst = top_d[i, kk - 1]
    return top_d, top_i


@njit(cache=True)
def refine_candidates(Q, G, cand, k, sgn, out_d, out_i):
    """Exact squared distances of the candidates, the first k sorted by (key, index).

    ``Q`` (n, d) float64 holds the queries, ``G`` (n, kk, d) float64 the candidate
    reference rows gathered per query, ``cand`` (n, kk) their indices (``-1`` ends a
    list that never filled). The sort key is ``sgn * distance``; ``out_d`` receives the
    squared distances (not signed).
    """
    n, kk = cand.shape
    d = Q.shape[1]
    for i in range(n):
        ex = np.empty(kk, dtype=np.float64)
        ix = np.empty(kk, dtype=np.int64)
        cnt = 0
        for t in range(kk):
            j = cand[i, t]
            if j < 0:
                break
            s = 0.0
            for f in range(d):
                z = Q[i, f] - G[i, t, f]
                s += z * z
            s *= sgn
            p = cnt
            while p > 0 and (ex[p - 1] > s or (ex[p - 1] == s and ix[p - 1] > j)):
                ex[p] = ex[p - 1]
                ix[p] = ix[p - 1]
                p -= 1
            ex[p] = s
            ix[p] = j
            cnt += 1
        for t in range(k):
            out_d[i, t] = sgn * ex[t]
            out_i[i, t] = ix[t]
    return out_d, out_i


# -- k-d tree (low dimensions) --------------------------------------------------------------


@njit(cache=True)
def kd_build(R, perm, box_lo, box_hi):
    """Build an implicit balanced k-d tree over the rows of ``R`` (float64, C).

    Node ``t`` has children ``2t + 1`` and ``2t + 2`` (``n_nodes = 2 ** (L + 1) - 1``,
    the last ``2 ** L`` nodes are leaves); a node's rows are the contiguous range
    ``perm[starts[t]:ends[t]]`` (the root holds all, a node splits its range at the
    middle after partially sorting it on the coordinate of largest spread).
    ``box_lo``/``box_hi`` (n_nodes, d) receive each node's tight bounding box. Returns
    ``(starts, ends)``.
    """
    n, d = R.shape
    n_nodes = box_lo.shape[0]
    for i in range(n):
        perm[i] = i
    # node ranges follow from the balanced layout: recompute them level by level
    starts = np.empty(n_nodes, dtype=np.int64)
    ends = np.empty(n_nodes, dtype=np.int64)
    starts[0] = 0
    ends[0] = n
    for t in range(n_nodes):
        s = starts[t]
        e = ends[t]
        for f in range(d):
            box_lo[t, f] = np.inf
            box_hi[t, f] = -np.inf
        for p in range(s, e):
            r = perm[p]
            for f in range(d):
                v = R[r, f]
                if v < box_lo[t, f]:
                    box_lo[t, f] = v
                if v > box_hi[t, f]:
                    box_hi[t, f] = v
        c = 2 * t + 1
        if c >= n_nodes:
            continue
        dim = 0
        spread = -1.0
        for f in range(d):
            w = box_hi[t, f] - box_lo[t, f]
            if w > spread:
                spread = w
                dim = f
        mid = (s + e) // 2
        _select(perm, R, dim, s, e, mid)
        starts[c] = s
        ends[c] = mid
        starts[c + 1] = mid
        ends[c + 1] = e
    return starts, ends


@njit(cache=True)
def _select(perm, R, dim, lo, hi, nth):
    """Partially sort ``perm[lo:hi]`` on ``R[:, dim]`` so position ``nth`` splits it."""
    while hi - lo > 1:
        a = R[perm[lo], dim]
        b = R[perm[(lo + hi) // 2], dim]
        c = R[perm[hi - 1], dim]
        pivot = max(min(a, b), min(max(a, b), c))  # median of three
        lt = lo
        i = lo
        gt = hi
        while i < gt:  # three-way partition: many equal keys stay linear
            v = R[perm[i], dim]
            if v < pivot:
                tmp = perm[lt]
                perm[lt] = perm[i]
                perm[i] = tmp
                lt += 1
                i += 1
            elif v > pivot:
                gt -= 1
                tmp = perm[gt]
                perm[gt] = perm[i]
                perm[i] = tmp
            else:
                i += 1
        if nth < lt:
            hi = lt
        elif nth >= gt:
            lo = gt
        else:
            return


@njit(cache=True, nogil=True)
def _box_lb(q, box_lo, box_hi, t, d):
    """Lower bound on the computed squared distance from ``q`` to any row of node ``t``.

    Summed in feature order from per-feature gaps no larger than the per-feature
    differences of any row in the box, so (rounding being monotone) it never exceeds the
    distance the exact kernels compute for such a row.
    """
    s = 0.0
    for f in range(d):
        x = q[f]
        if x < box_lo[t, f]:
            z = x - box_lo[t, f]
            s += z * z
        elif x > box_hi[t, f]:
            z = x - box_hi[t, f]
            s += z * z
    return s


@njit(parallel=True, cache=True)
def knn_sq_kdtree(Q, Rs, perm, starts, ends, box_lo, box_hi, excl, qblock, out_d, out_i):
    """Exact k nearest rows by a depth-first k-d tree search, same result as the scans.

    ``Rs`` holds the reference rows in tree order (``Rs[p] = R[perm[p]]``, float64).
    A node is skipped only when its box lower bound is strictly above the current k-th
    distance, and a row enters the list when it beats the k-th entry on (distance,
    index), so ties are resolved by the smaller index exactly as in the other paths.
    """
    nq, d = Q.shape
    k = out_d.shape[1]
    n_nodes = box_lo.shape[0]
    n_leaf0 = n_nodes // 2  # first leaf node
    nqb = (nq + qblock - 1) // qblock
    for b in prange(nqb):
        stack = np.empty(128, dtype=np.int64)
        lbs = np.empty(128, dtype=np.float64)
        i1 = min(nq, (b + 1) * qblock)
        for i in range(b * qblock, i1):
            for t in range(k):
                out_d[i, t] = np.inf
                out_i[i, t] = -1
            q = Q[i]
            e = excl[i]
            top = 0
            stack[0] = 0
            lbs[0] = 0.0
            top = 1
            while top > 0:
                top -= 1
                t = stack[top]
                full = out_i[i, k - 1] >= 0
                if full and lbs[top] > out_d[i, k - 1]:
                    continue
                if t >= n_leaf0:
                    for p in range(starts[t], ends[t]):
                        s = 0.0
                        for f in range(d):
                            z = q[f] - Rs[p, f]
                            s += z * z
                        j = perm[p]
                        if j == e:
                            continue
                        wd = out_d[i, k - 1]
                        wi = out_i[i, k - 1]
                        if wi < 0 or s < wd or (s == wd and j < wi):
                            m = k - 1
                            while m > 0 and (
                                out_i[i, m - 1] < 0
                                or out_d[i, m - 1] > s
                                or (out_d[i, m - 1] == s and out_i[i, m - 1] > j)
                            ):
                                out_d[i, m] = out_d[i, m - 1]
                                out_i[i, m] = out_i[i, m - 1]
                                m -= 1
                            out_d[i, m] = s
                            out_i[i, m] = j
                    continue
                c = 2 * t + 1
                la = _box_lb(q, box_lo, box_hi, c, d)
                lb = _box_lb(q, box_lo, box_hi, c + 1, d)
                if la <= lb:  # push the farther child first, visit the nearer next
                    stack[top] = c + 1
                    lbs[top] = lb
                    stack[top + 1] = c
                    lbs[top + 1] = la
                else:
                    stack[top] = c
                    lbs[top] = la
                    stack[top + 1] = c + 1
                    lbs[top + 1] = lb
                top += 2
    return out_d, out_i
