"""Exact Euclidean k-nearest-neighbour search (functional API)."""

import numba
import numpy as np

from ._kernels import knn_sq_direct, refine_candidates, topk_gemm_chunk
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


def _knn_sq(Q, R, excl, k, n_threads, method="auto"):
    """Squared distances and indices of the k nearest rows of R for each row of Q.

    ``Q`` and ``R`` are validated C-contiguous arrays of one dtype; ``excl[i]`` is the
    index in ``R`` that query ``i`` must skip (or -1). Call inside ``numba_threads``.
    ``method`` is "auto", "direct" or "gemm"; every method returns the same result.
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
            return _knn_sq(Q, R, excl, k, 1, method)
        finally:
            numba.set_num_threads(old)
    if method == "gemm" or (method == "auto" and _use_gemm(nq, nr, d)):
        return _knn_sq_gemm(Q, R, excl, k, n_threads)
    return _knn_sq_direct(Q, R, excl, k, n_threads)


def _knn_sq_direct(Q, R, excl, k, n_threads):
    nq = Q.shape[0]
    out_d = np.empty((nq, k), dtype=np.float64)
    out_i = np.empty((nq, k), dtype=np.int64)
    qblock = int(max(1, min(64, -(-nq // (4 * n_threads)))))
    rblock = int(min(_RBLOCK, R.shape[0]))
    knn_sq_direct(Q, R, excl, k, qblock, rblock, out_d, out_i)
    return out_d, out_i


def _knn_sq_gemm(Q, R, excl, k, n_threads, work=np.float32):
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
        top_d, top_i, qn, tol = _gemm_candidates(Q, R, excl, kk, n_threads, work)
    out_d = np.empty((nq, k), dtype=np.float64)
    out_i = np.empty((nq, k), dtype=np.int64)
    ok = np.empty(nq, dtype=np.bool_)
    refine_candidates(Q, R, excl, k, qn, tol, top_d, top_i, out_d, out_i, ok)
    bad = np.flatnonzero(~ok)
    if bad.size:
        if work != np.float64 and bad.size * nr >= _GEMM_MIN_WORK:
            bd, bi = _knn_sq_gemm(Q[bad], R, excl[bad], k, n_threads, np.float64)
        else:
            bd, bi = _knn_sq_direct(Q[bad], R, excl[bad], k, n_threads)
        out_d[bad] = bd
        out_i[bad] = bi
    return out_d, out_i


def _gemm_candidates(Q, R, excl, kk, n_threads, work):
    nq, d = Q.shape
    nr = R.shape[0]
    mu = R.mean(axis=0, dtype=np.float64)
    Qc = np.subtract(Q, mu, dtype=np.float64).astype(work, copy=False)
    qn = np.einsum("ij,ij->i", Qc, Qc, dtype=np.float64)
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
            topk_gemm_chunk(Qc, Rc, rn.astype(work), c0, excl, qblock, rblock, top_d, top_i)
            del Rc, rn
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


def kneighbors(X, Y=None, k=5, *, return_distance=True, n_jobs=None):
    """Exact Euclidean k nearest neighbours of each row of ``X`` among the rows of ``Y``.

    Neighbours are sorted by distance, ties broken by the smaller index in ``Y``, in every
    code path; the result does not depend on ``n_jobs``.

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
        default), ``-1`` all cores.

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
        d2, ind = _knn_sq(X, R, excl, k, nt)
    return _finish(d2, ind, X.dtype, return_distance)


def kneighbors_rows(X, rows, k=5, *, return_distance=True, n_jobs=None):
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
        d2, ind = _knn_sq(X[rows], X, rows, k, nt)
    return _finish(d2, ind, X.dtype, return_distance)
