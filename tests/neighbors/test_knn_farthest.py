"""The k farthest rows (``farthest=True``): brute-force reference incl. ties, every path."""

import numpy as np
import pytest
from knn_reference import sq_dists

from imbtab.neighbors import KNeighbors, kneighbors, kneighbors_rows, numba_threads


def brute_farthest(Q, R, k, exclude=None):
    """(squared distances, indices): largest distance first, ties by the smaller index."""
    D = sq_dists(Q, R)
    if exclude is not None:
        D[np.arange(len(exclude)), exclude] = -np.inf
    ind = np.argsort(-D, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(D, ind, axis=1), ind


@pytest.mark.parametrize("path", ["direct", "gemm"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind", ["normal", "integer", "offset", "duplicates"])
def test_farthest_matches_brute_force(force, path, dtype, kind):
    rng = np.random.default_rng(21)
    if kind == "integer":  # many exactly tied distances
        X = rng.integers(0, 3, size=(250, 4))
    elif kind == "offset":
        X = 1e6 + rng.normal(size=(250, 4))
    elif kind == "duplicates":
        X = np.repeat(rng.normal(size=(50, 12)), 5, axis=0)
    else:
        X = rng.normal(size=(250, 12))
    X = X.astype(dtype)
    Y = X[::3] + (0 if kind == "integer" else dtype(0.25))
    force(path)
    for Q, R, excl in [(X, None, np.arange(len(X))), (X, Y, None)]:
        dist, ind = kneighbors(Q, R, 6, farthest=True)
        ref_d2, ref_i = brute_farthest(Q, Q if R is None else R, 6, exclude=excl)
        np.testing.assert_array_equal(ind, ref_i)
        np.testing.assert_array_equal(dist, np.sqrt(ref_d2).astype(dtype))
        assert dist.dtype == dtype
        assert np.all(np.diff(dist, axis=1) <= 0)
    if kind == "integer":  # the tie rule is really exercised
        D = sq_dists(X, Y)
        top = np.sort(D, axis=1)[:, ::-1]
        assert np.mean(top[:, 5] == top[:, 6]) > 0.5
    rows = np.array([7, 0, 249, 7])
    d, i = kneighbors_rows(X, rows, 4, farthest=True)
    ref_d2, ref_i = brute_farthest(X[rows], X, 4, exclude=rows)
    np.testing.assert_array_equal(i, ref_i)
    np.testing.assert_array_equal(d, np.sqrt(ref_d2).astype(dtype))


def test_farthest_all_rows_is_reversed_nearest_on_tie_free_data():
    rng = np.random.default_rng(22)
    X = rng.normal(size=(40, 3))
    Y = rng.normal(size=(30, 3))
    dn, i_near = kneighbors(X, Y, 30)
    df, i_far = kneighbors(X, Y, 30, farthest=True)
    np.testing.assert_array_equal(i_far, i_near[:, ::-1])
    np.testing.assert_array_equal(df, dn[:, ::-1])


def test_farthest_large_block_and_threads(force):
    # several reference blocks and float32 conversion chunks; same result for any n_jobs
    import imbtab.neighbors._search as search

    rng = np.random.default_rng(23)
    X = rng.integers(0, 4, size=(900, 3)).astype(np.float32)
    force("direct")
    ref = brute_farthest(X, X, 5, exclude=np.arange(900))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search, "_RBLOCK", 37)
        mp.setattr(search, "_CONVERT_ROWS", 100)
        for n_jobs in (1, 2):
            d, i = kneighbors(X, k=5, farthest=True, n_jobs=n_jobs)
            np.testing.assert_array_equal(i, ref[1])
            np.testing.assert_array_equal(d, np.sqrt(ref[0]).astype(np.float32))


def test_farthest_gemm_certificate_fallback(force):
    # huge values overflow the float32 keys: rows are redone exactly
    force("gemm")
    rng = np.random.default_rng(24)
    X = 1e20 * rng.normal(size=(200, 5))
    d, i = kneighbors(X, k=4, farthest=True)
    ref_d2, ref_i = brute_farthest(X, X, 4, exclude=np.arange(200))
    np.testing.assert_array_equal(i, ref_i)


def test_farthest_k_checks():
    X = np.arange(6.0).reshape(3, 2)
    with pytest.raises(ValueError, match="k=3"):
        kneighbors(X, k=3, farthest=True)
    d, i = kneighbors(X, k=2, farthest=True)
    np.testing.assert_array_equal(i, [[2, 1], [0, 2], [0, 1]])


def test_numba_threads_is_public_and_restores():
    import numba

    before = numba.get_num_threads()
    with pytest.raises(RuntimeError), numba_threads(1) as n:
        assert n == 1 and numba.get_num_threads() == 1
        raise RuntimeError
    assert numba.get_num_threads() == before
    # the estimator is unaffected by the option (nearest only)
    X = np.arange(8.0).reshape(4, 2)
    np.testing.assert_array_equal(
        KNeighbors(n_neighbors=1).fit(X).kneighbors(return_distance=False), [[1], [0], [1], [2]]
    )
