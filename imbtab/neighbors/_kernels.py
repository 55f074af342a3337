"""Numba kernels: fused blocked exact Euclidean distances and per-row top-k.

Every path computes the squared distance between two rows the same way: the sum over
features, in feature order, of ``(float64(x_f) - float64(y_f)) ** 2``. Two calls that
compare the same pair of rows therefore get bit-identical distances, which makes the tie
rule (distance first, then the smaller reference index) exact and consistent across the
plain search and the class-aware primitives.

Top-k lists are kept sorted in place: a reference row enters a list only if it is strictly
closer than the current k-th entry, and reference rows are visited in increasing index
order, so among equal distances the smaller index always stays ahead.
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
def knn_sq_direct(Q, R, excl, k, qblock, rblock, out_d, out_i):
    """Exact k nearest rows of ``R`` for every row of ``Q`` (squared distances).

    Parameters
    ----------
    Q : (nq, d) float32 or float64, C-contiguous
        Queries.
    R : (nr, d) same dtype as Q, C-contiguous
        Reference rows.
    excl : (nq,) int64
        Reference index to skip for each query (``-1`` for none).
    k : int
        Number of neighbours; ``k <= nr`` minus exclusions (checked by the caller).
    qblock, rblock : int
        Query rows per parallel task and reference rows per packed block.
    out_d : (nq, k) float64
        Squared distances, sorted ascending (ties by index).
    out_i : (nq, k) int64
        Reference indices.
    """
    nq, d = Q.shape
    nr = R.shape[0]
    for i in prange(nq):
        for t in range(k):
            out_d[i, t] = np.inf
            out_i[i, t] = -1
    nqb = (nq + qblock - 1) // qblock
    Rt = np.empty((d, rblock), dtype=np.float64)
    for r0 in range(0, nr, rblock):
        r1 = min(nr, r0 + rblock)
        m = r1 - r0
        for j in range(m):
            for f in range(d):
                Rt[f, j] = R[r0 + j, f]
        for b in prange(nqb):
            acc = np.empty(m, dtype=np.float64)
            i1 = min(nq, (b + 1) * qblock)
            for i in range(b * qblock, i1):
                for j in range(m):
                    acc[j] = 0.0
                for f in range(d):
                    x = np.float64(Q[i, f])
                    for j in range(m):
                        t = x - Rt[f, j]
                        acc[j] += t * t
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
                            if r0 + j == e:
                                continue
                            _insert(out_d, out_i, i, k, a, r0 + j)
                            worst = out_d[i, k - 1]
                            full = out_i[i, k - 1] >= 0
    return out_d, out_i


@njit(parallel=True, cache=True)
def sq_dist_pairs(A, B, ia, ib, out):
    """Exact squared distances ``||A[ia[t]] - B[ib[t]]||^2`` for every t."""
    d = A.shape[1]
    for t in prange(ia.shape[0]):
        s = 0.0
        u = ia[t]
        v = ib[t]
        for f in range(d):
            z = np.float64(A[u, f]) - np.float64(B[v, f])
            s += z * z
        out[t] = s
    return out


@njit(parallel=True, cache=True)
def topk_gemm_chunk(Qc, Rc, rn, r_base, excl, qblock, rblock, top_d, top_i):
    """Merge one reference chunk into approximate top-kk lists using BLAS blocks.

    ``Qc`` (nq, d) and ``Rc`` (m, d) share one float dtype (also that of ``rn`` and
    ``top_d``) and are centred on the same point; ``rn`` holds the squared norms of ``Rc``. The ranking key of reference row ``j`` for query
    ``i`` is ``rn[j] - 2 <Qc[i], Rc[j]>`` (the squared distance minus ``|Qc[i]|^2``), an
    approximation that :func:`refine_candidates` corrects and certifies. ``top_d``/``top_i``
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
                # overflowed to +inf is never kept (refine_candidates then rejects the row)
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


@njit(parallel=True, cache=True)
def refine_candidates(Q, R, excl, k, qn, tol, top_d, top_i, out_d, out_i, ok):
    """Exact distances for the candidates, sorted by (distance, index), and a certificate.

    ``ok[i]`` is True when no reference row outside the candidate list can be closer
    than, or tied with, the k-th exact neighbour: every such row has an approximate key
    of at least the list's last key, so its exact squared distance is at least
    ``qn[i] + top_d[i, -1] - tol[i]``.
    """
    nq, kk = top_i.shape
    d = Q.shape[1]
    nr = R.shape[0]
    for i in prange(nq):
        ex = np.empty(kk, dtype=np.float64)
        ix = np.empty(kk, dtype=np.int64)
        cnt = 0
        for t in range(kk):
            j = top_i[i, t]
            if j < 0:
                break
            s = 0.0
            for f in range(d):
                z = np.float64(Q[i, f]) - np.float64(R[j, f])
                s += z * z
            p = cnt
            while p > 0 and (ex[p - 1] > s or (ex[p - 1] == s and ix[p - 1] > j)):
                ex[p] = ex[p - 1]
                ix[p] = ix[p - 1]
                p -= 1
            ex[p] = s
            ix[p] = j
            cnt += 1
        for t in range(k):
            out_d[i, t] = ex[t]
            out_i[i, t] = ix[t]
        if top_i[i, kk - 1] < 0:
            # the list never filled: fine only if every admissible reference row is in it
            avail = nr - 1 if 0 <= excl[i] < nr else nr
            ok[i] = cnt == avail
        else:
            ok[i] = ex[k - 1] < qn[i] + top_d[i, kk - 1] - tol[i]
    return out_d, out_i, ok
