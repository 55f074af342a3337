"""Exact Euclidean k-nearest-neighbour search (functional API)."""

import numba
import numpy as np

from ._kernels import kd_build, knn_sq_direct, knn_sq_kdtree, refine_candidates, topk_gemm_chunk
from ._validation import check_k, check_points, check_rows, numba_threads

__all__ = ["kneighbors", "kneighbors_rows"]

_RBLOCK = 2048  # reference rows per packed block (direct path)
_GEMM_MIN_D = 9  # the BLAS path is used from this many features on (measured crossover 8-10)
_GEMM_MIN_WORK = 2_000_000  # nq * nr below which the direct path is always used
_PARALLEL_MIN_WORK = 1_000_000  # nq * nr * d below which one thread is used
_GEMM_QBLOCK = 256
_GEMM_RBLOCK = 256
_GEMM_CHUNK = 65536  # reference rows centred and packed at a time
_GEMM_EXTRA = 3  # candidates kept beyond k for the exact re-ranking
_CONVERT_ROWS = 65536  # float32 rows converted to float64 at a time (direct path)
_REFINE_ENTRIES = 1 << 21  # gathered candidate values per re-ranking block

_KD_MAX_D = 6  # the k-d tree is used up to this many features (measured: 6x the direct
# loop at d=6, 2-3x at d=8 but no gain on 20k rows, below the BLAS path from d=9 on)
_KD_MIN_REF = 2048  # ... from this many reference rows
_KD_MIN_QUERY_WORK = 2048  # ... and n_queries * d at least this (the build must pay)
_KD_LEAF = 32  # at most this many rows per leaf

_controller = None


def _blas_single_thread():
    """Context limiting BLAS to one thread (numba threads each call BLAS themselves)."""
    global _controller
    if _controller is None:
        import scipy.linalg.cython_blas  # noqa: F401  (the BLAS numba calls)
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")


def _use_gemm(nq, nr, d):
    return d >= _GEMM_MIN_D and nq * nr >= _GEMM_MIN_WORK


def _use_kd(nq, nr, d):
    return d <= _KD_MAX_D and nr >= _KD_MIN_REF and nq * d >= _KD_MIN_QUERY_WORK


def _knn_sq(Q, R, excl, k, n_threads, method="auto", *, farthest=False):
    """Squared distances and indices of the k nearest rows of R for each row of Q.

    ``Q`` and ``R`` are validated C-contiguous arrays of one dtype; ``excl[i]`` is the
    index in ``R`` that query ``i`` must skip (or -1). Call inside ``numba_threads``.
    ``method`` is "auto", "direct", "gemm" or "kd"; every method returns the same result
    (the k-d tree serves nearest-neighbour queries only).
    ``farthest=True`` returns the k farthest rows instead (distances descending, ties
    still by the smaller index).
    """
    nq, d = Q.shape
    nr = R.shape[0]
    if nq == 0:
        return np.empty((0, k)), np.empty((0, k), dtype=np.int64)
    if n_threads > 1 and nq * nr * d < _PARALLEL_MIN_WORK:
        # too small to pay for waking threads (and much slower on a busy machine)
        old = numba.get_num_threads()
        numba.set_num_threads(1)
        try:
            return _knn_sq(Q, R, excl, k, 1, method, farthest=farthest)
        finally:
            numba.set_num_threads(old)
    sgn = -1.0 if farthest else 1.0
    if not farthest and (method == "kd" or (method == "auto" and _use_kd(nq, nr, d))):
        return _knn_sq_kdtree(Q, R, excl, k, n_threads)
    if method == "gemm" or (method == "auto" and _use_gemm(nq, nr, d)):
        return _knn_sq_gemm(Q, R, excl, k, n_threads, sgn=sgn)
    return _knn_sq_direct(Q, R, excl, k, n_threads, sgn)


def _knn_sq_direct(Q, R, excl, k, n_threads, sgn=1.0):
    """Exact direct search; float32 data is converted to float64 block by block."""
    nq = Q.shape[0]
    nr = R.shape[0]
    out_d = np.full((nq, k), np.inf, dtype=np.float64)
    out_i = np.full((nq, k), -1, dtype=np.int64)
    qblock = int(max(1, min(64, -(-nq // (4 * n_threads)))))
    rblock = int(min(_RBLOCK, nr))
    if Q.dtype == np.float64 and R.dtype == np.float64:
        knn_sq_direct(Q, R, 0, excl, sgn, qblock, rblock, out_d, out_i)
    else:
        step = _CONVERT_ROWS
        for q0 in range(0, nq, step):
            q1 = min(nq, q0 + step)
            Qb = Q[q0:q1].astype(np.float64)
            for r0 in range(0, nr, step):
                Rb = R[r0 : r0 + step].astype(np.float64)
                knn_sq_direct(
                    Qb, Rb, r0, excl[q0:q1], sgn, qblock, rblock, out_d[q0:q1], out_i[q0:q1]
                )
    if sgn < 0:
        np.negative(out_d, out=out_d)
    return out_d, out_i


def _knn_sq_kdtree(Q, R, excl, k, n_threads):
    """Exact search with a k-d tree built on ``R`` (low dimensions)."""
    nq, d = Q.shape
    nr = R.shape[0]
    levels = int(np.ceil(np.log2(nr / _KD_LEAF))) if nr > _KD_LEAF else 0
    n_nodes = 2 ** (levels + 1) - 1
    R64 = R.astype(np.float64, copy=False)
    perm = np.empty(nr, dtype=np.int64)
    box_lo = np.empty((n_nodes, d), dtype=np.float64)
    box_hi = np.empty((n_nodes, d), dtype=np.float64)
    starts, ends = kd_build(R64, perm, box_lo, box_hi)
    Rs = R64[perm]
    del R64
    Q64 = Q.astype(np.float64, copy=False)
    out_d = np.empty((nq, k), dtype=np.float64)
    out_i = np.empty((nq, k), dtype=np.int64)
    qblock = int(max(1, min(64, -(-nq // (8 * n_threads)))))
    knn_sq_kdtree(Q64, Rs, perm, starts, ends, box_lo, box_hi, excl, qblock, out_d, out_i)
    return out_d, out_i


def _knn_sq_gemm(Q, R, excl, k, n_threads, work=np.float32, sgn=1.0):
    """BLAS-blocked candidate search, then exact re-ranking with a per-row certificate.

    The candidate search runs in ``work`` precision on data centred on the mean of
    ``R``; ``k + _GEMM_EXTRA`` candidates per row are re-ranked with exact distances.
    Rows whose certificate fails (near-ties at the candidate boundary) are redone in
    float64, then with the exact direct kernel, so the result is identical to the direct
    path whatever the data.
    """
    nq, d = Q.shape
    nr = R.shape[0]
    kk = min(k + _GEMM_EXTRA, nr)
    # huge values may overflow the work precision: those rows fail their certificate and
    # are redone, so the overflow warnings are expected and silenced
    with np.errstate(over="ignore", invalid="ignore"):
        top_d, top_i, qn, tol = _gemm_candidates(Q, R, excl, kk, n_threads, work, sgn)
    out_d = np.empty((nq, k), dtype=np.float64)
    out_i = np.empty((nq, k), dtype=np.int64)
    step = max(1, _REFINE_ENTRIES // (kk * d))
    for c0 in range(0, nq, step):
        c1 = min(nq, c0 + step)
        cand = top_i[c0:c1]
        G = R[cand].astype(np.float64, copy=False)
        Qb = Q[c0:c1].astype(np.float64, copy=False)
        refine_candidates(Qb, G, cand, k, sgn, out_d[c0:c1], out_i[c0:c1])
        del G, Qb
    # certificate: every reference row outside the candidate list has an approximate key
    # of at least the list's last key, so its exact signed squared distance is at least
    # sgn * qn + last key - tol; the k-th exact one must be strictly below that (no tie).
    with np.errstate(over="ignore", invalid="ignore"):
        bound = sgn * qn + top_d[:, kk - 1].astype(np.float64) - tol
        ok = sgn * out_d[:, k - 1] < bound
    short = top_i[:, kk - 1] < 0
    if short.any():
        # a list that never filled is fine only if it holds every admissible row
        avail = np.where((excl[short] >= 0) & (excl[short] < nr), nr - 1, nr)
        ok[short] = (top_i[short] >= 0).sum(axis=1) == avail
    bad = np.flatnonzero(~ok)
    if bad.size:
        if work != np.float64 and bad.size * nr >= _GEMM_MIN_WORK:
            bd, bi = _knn_sq_gemm(Q[bad], R, excl[bad], k, n_threads, np.float64, sgn)
        else:
            bd, bi = _knn_sq_direct(Q[bad], R, excl[bad], k, n_threads, sgn)
        out_d[bad] = bd
        out_i[bad] = bi
    return out_d, out_i


def _gemm_candidates(Q, R, excl, kk, n_threads, work, sgn=1.0):
    nq, d = Q.shape
    nr = R.shape[0]
    mu = R.mean(axis=0, dtype=np.float64)
    Qc = np.subtract(Q, mu, dtype=np.float64).astype(work, copy=False)
    qn = np.einsum("ij,ij->i", Qc, Qc, dtype=np.float64)
    if sgn < 0:  # keys -(|r|^2 - 2 q.r): rank by the largest distances (exact negation)
        np.negative(Qc, out=Qc)
    top_d = np.full((nq, kk), np.inf, dtype=work)
    top_i = np.full((nq, kk), -1, dtype=np.int64)
    qblock = int(max(1, min(_GEMM_QBLOCK, -(-nq // (2 * n_threads)))))
    rblock = int(min(_GEMM_RBLOCK, nr))
    max_rn = 0.0
    with _blas_single_thread():
        for c0 in range(0, nr, _GEMM_CHUNK):
            Rc = np.subtract(R[c0 : c0 + _GEMM_CHUNK], mu, dtype=np.float64)
            if work != np.float64:
                Rc = Rc.astype(work)
            rn = np.einsum("ij,ij->i", Rc, Rc, dtype=np.float64)
            max_rn = max(max_rn, float(rn.max()))
            rn_key = (rn if sgn > 0 else -rn).astype(work)
            topk_gemm_chunk(Qc, Rc, rn_key, c0, excl, qblock, rblock, top_d, top_i)
            del Rc, rn, rn_key
    del Qc
    # generous bound on |approximate key + qn - exact squared distance| (rounding of the
    # centred data, of the norms and of the dot products)
    tol = (16.0 * (d + 8) * float(np.finfo(work).eps)) * (qn + max_rn)
    return top_d, top_i, qn, tol


def _finish(d2, ind, dtype, return_distance):
    ind = ind.astype(np.intp, copy=False)
    if not return_distance:
        return ind
    return np.sqrt(d2).astype(dtype, copy=False), ind


def _same_dtype(X, Y):
    if X.dtype != Y.dtype:
        X = X.astype(np.float64, copy=False)
        Y = Y.astype(np.float64, copy=False)
    return X, Y


def kneighbors(X, Y=None, k=5, *, return_distance=True, n_jobs=None, farthest=False):
    """Exact Euclidean k nearest neighbours of each row of ``X`` among the rows of ``Y``.

    Neighbours are sorted by distance, ties broken by the smaller index in ``Y``, in every
    code path; the result does not depend on ``n_jobs``. With ``farthest=True`` the k
    *farthest* rows are returned instead (what NearMiss-2 needs), sorted by decreasing
    distance, ties again broken by the smaller index.

    Parameters
    ----------
    X : array-like of shape (n_queries, n_features)
        Query rows.
    Y : array-like of shape (n_reference, n_features), default=None
        Reference rows. ``None`` means ``X`` itself, and then each row's own index is
        excluded from its neighbours (by index, so duplicated rows are still found).
    k : int, default=5
        Number of neighbours; at most ``n_reference`` (``n_queries - 1`` when ``Y`` is None).
    return_distance : bool, default=True
        Also return the distances.
    n_jobs : int, default=None
        Number of threads. ``None`` uses numba's current thread count (all cores by
        default, or the limit set with :func:`numba_threads`), ``-1`` all cores.
    farthest : bool, default=False
        Return the k farthest rows (largest distances first) instead of the nearest.

    Returns
    -------
    dist : ndarray of shape (n_queries, k)
        Euclidean distances, float32 if both inputs are float32, else float64. Only
        returned when ``return_distance`` is True.
    ind : ndarray of shape (n_queries, k), dtype intp
        Row indices into ``Y``.

    Examples
    --------
    >>> import numpy as np
    >>> from imbtab.neighbors import kneighbors
    >>> X = np.array([[0.0], [1.0], [3.0], [1.0]])
    >>> dist, ind = kneighbors(X, k=2)
    >>> ind
    array([[1, 3],
           [3, 0],
           [1, 3],
           [1, 0]])
    >>> dist[0]
    array([1., 1.])
    >>> kneighbors(X, X[:2], k=2, farthest=True, return_distance=False)
    array([[1, 0],
           [0, 1],
           [0, 1],
           [0, 1]])
    """
    X = check_points(X, "X")
    if Y is None:
        R = X
        k = check_k(k, X.shape[0] - 1, "X (each row's own index excluded)")
        excl = np.arange(X.shape[0], dtype=np.int64)
    else:
        R = check_points(Y, "Y")
        if R.shape[1] != X.shape[1]:
            raise ValueError(
                f"X has {X.shape[1]} features but Y has {R.shape[1]}; they must match."
            )
        X, R = _same_dtype(X, R)
        k = check_k(k, R.shape[0], "Y")
        excl = np.full(X.shape[0], -1, dtype=np.int64)
    with numba_threads(n_jobs) as nt:
        d2, ind = _knn_sq(X, R, excl, k, nt, farthest=bool(farthest))
    return _finish(d2, ind, X.dtype, return_distance)


def kneighbors_rows(X, rows, k=5, *, return_distance=True, n_jobs=None, farthest=False):
    """Exact k nearest neighbours of the rows ``X[rows]`` among all rows of ``X``.

    Each query row's own index is excluded (duplicated rows are still found), so this is
    ``kneighbors(X, k=k)[..][rows]`` at a cost proportional to ``len(rows)``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        All rows.
    rows : array-like of int or bool mask
        Rows to query.
    k : int, default=5
        Number of neighbours, at most ``n_samples - 1``.
    return_distance : bool, default=True
        Also return the distances.
    n_jobs : int, default=None
        Number of threads (see :func:`kneighbors`).
    farthest : bool, default=False
        Return the k farthest rows instead (see :func:`kneighbors`).

    Returns
    -------
    dist : ndarray of shape (len(rows), k)
        Distances (dtype as in :func:`kneighbors`), when ``return_distance`` is True.
    ind : ndarray of shape (len(rows), k), dtype intp
        Indices into ``X``.

    Examples
    --------
    >>> import numpy as np
    >>> from imbtab.neighbors import kneighbors_rows
    >>> X = np.array([[0.0], [1.0], [3.0], [1.0]])
    >>> kneighbors_rows(X, [2, 3], k=1, return_distance=False)
    array([[1],
           [1]])
    """
    X = check_points(X, "X")
    rows = check_rows(rows, X.shape[0])
    k = check_k(k, X.shape[0] - 1, "X (each row's own index excluded)")
    with numba_threads(n_jobs) as nt:
        d2, ind = _knn_sq(X[rows], X, rows, k, nt, farthest=bool(farthest))
    return _finish(d2, ind, X.dtype, return_distance)
