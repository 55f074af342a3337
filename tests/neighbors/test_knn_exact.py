"""Exactness of imbtab.neighbors.kneighbors against scikit-learn brute force."""

import numpy as np
import pytest
from knn_reference import brute_knn
from sklearn.neighbors import NearestNeighbors

from imbtab.neighbors import kneighbors, kneighbors_rows


def _sk(X, Y, k):
    nn = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(X if Y is None else Y)
    return nn.kneighbors(None if Y is None else X)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("self_query", [False, True])
@pytest.mark.parametrize("d", [3, 37])
def test_matches_sklearn_brute_tie_free(dtype, self_query, d):
    rng = np.random.default_rng(d)
    X = rng.normal(size=(700, d)).astype(dtype)
    Y = None if self_query else rng.normal(size=(900, d)).astype(dtype) + 0.3
    k = 7
    dist, ind = kneighbors(X, Y, k)
    ref_d, ref_i = _sk(X, Y, k)
    assert dist.dtype == dtype and ind.dtype == np.intp and ind.shape == (700, k)
    np.testing.assert_array_equal(ind, ref_i)
    if dtype == np.float64:
        np.testing.assert_allclose(dist, ref_d, rtol=1e-9)
    else:
        np.testing.assert_allclose(dist, ref_d, rtol=2e-6)
    # sorted ascending
    assert np.all(np.diff(dist, axis=1) >= 0)


def test_distances_exact_in_float64_for_float32_input():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 5)).astype(np.float32)
    dist, ind = kneighbors(X, k=4)
    d2, ref_i = brute_knn(X, X, 4, exclude=np.arange(300))
    np.testing.assert_array_equal(ind, ref_i)
    np.testing.assert_array_equal(dist, np.sqrt(d2).astype(np.float32))


@pytest.mark.parametrize("seed", range(4))
def test_documented_tie_order_on_integer_data(seed):
    # integer-valued data: many exactly tied distances; order is (distance, index)
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 7, size=(400, 3)).astype(float)
    Y = rng.integers(0, 7, size=(350, 3)).astype(float)
    for Q, R, excl in [(X, None, np.arange(400)), (X, Y, None)]:
        dist, ind = kneighbors(Q, R, 9)
        ref_d2, ref_i = brute_knn(Q, Q if R is None else R, 9, exclude=excl)
        np.testing.assert_array_equal(ind, ref_i)
        np.testing.assert_array_equal(dist, np.sqrt(ref_d2))
        # against sklearn: same distances; same index sets where the k-th distance is not
        # tied with the (k+1)-th
        sk_d, sk_i = _sk(Q, R, 9)
        np.testing.assert_allclose(dist, sk_d, atol=1e-7)
        ref_d2_10, _ = brute_knn(Q, Q if R is None else R, 10, exclude=excl)
        untied = ref_d2_10[:, 8] < ref_d2_10[:, 9]
        assert 10 < untied.sum() < len(untied) - 10  # both cases occur
        for a, b in zip(ind[untied], sk_i[untied], strict=True):
            assert set(a) == set(b)


def test_memory_layout_and_dtype_mix():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 6))
    Y = rng.normal(size=(250, 6))
    ref = kneighbors(X, Y, 5)
    for Xv, Yv in [(np.asfortranarray(X), Y), (X, np.asfortranarray(Y)), (X[:, ::1], Y)]:
        got = kneighbors(Xv, Yv, 5)
        np.testing.assert_array_equal(got[1], ref[1])
        np.testing.assert_array_equal(got[0], ref[0])
    # non-contiguous view
    Xw = np.repeat(X, 2, axis=1)[:, ::2]
    np.testing.assert_array_equal(kneighbors(Xw, Y, 5)[1], ref[1])
    # float32 queries against float64 reference -> float64
    d, i = kneighbors(X.astype(np.float32), Y, 5)
    assert d.dtype == np.float64
    # integer input -> float64
    d, i = kneighbors(np.arange(12).reshape(6, 2), k=2)
    assert d.dtype == np.float64
    # return_distance=False
    only = kneighbors(X, Y, 5, return_distance=False)
    np.testing.assert_array_equal(only, ref[1])


def test_self_exclusion_with_duplicate_rows():
    rng = np.random.default_rng(3)
    base = rng.normal(size=(50, 4))
    X = np.vstack([base, base, base[:10]])  # every row has at least one exact duplicate
    n = X.shape[0]
    dist, ind = kneighbors(X, k=3)
    assert not np.any(ind == np.arange(n)[:, None])
    assert np.all(dist[:, 0] == 0.0)
    # the first neighbour is the smallest-index duplicate other than the row itself
    for i in range(n):
        dups = [j for j in range(n) if j != i and np.array_equal(X[j], X[i])]
        assert ind[i, 0] == dups[0]
        assert set(ind[i, : len(dups)].tolist()) == set(dups[:3])


def test_kneighbors_rows_equals_full_query_subset():
    rng = np.random.default_rng(4)
    X = rng.integers(0, 3, size=(300, 2)).astype(np.float32)
    rows = np.array([5, 0, 299, 5, 17])
    d_all, i_all = kneighbors(X, k=6)
    d, i = kneighbors_rows(X, rows, 6)
    np.testing.assert_array_equal(i, i_all[rows])
    np.testing.assert_array_equal(d, d_all[rows])
    mask = np.zeros(300, dtype=bool)
    mask[[3, 7]] = True
    np.testing.assert_array_equal(
        kneighbors_rows(X, mask, 2, return_distance=False), i_all[[3, 7], :2]
    )


def test_deterministic_across_n_jobs_and_blocks(monkeypatch):
    import imbtab.neighbors._search as search

    rng = np.random.default_rng(5)
    X = rng.integers(0, 5, size=(1100, 3)).astype(float)
    ref = kneighbors(X, k=8, n_jobs=1)
    for n_jobs in (None, -1, 2):
        got = kneighbors(X, k=8, n_jobs=n_jobs)
        np.testing.assert_array_equal(got[1], ref[1])
        np.testing.assert_array_equal(got[0], ref[0])
    monkeypatch.setattr(search, "_RBLOCK", 37)  # many reference blocks, odd sizes
    got = kneighbors(X, k=8)
    np.testing.assert_array_equal(got[1], ref[1])


def test_n_jobs_restores_numba_threads():
    import numba

    before = numba.get_num_threads()
    kneighbors(np.eye(4), k=1, n_jobs=1)
    assert numba.get_num_threads() == before


def test_k_equals_reference_size():
    X = np.array([[0.0], [2.0], [1.0]])
    d, i = kneighbors(X, k=2)
    np.testing.assert_array_equal(i, [[2, 1], [2, 0], [0, 1]])
    d, i = kneighbors(X, X[:2], k=2)
    np.testing.assert_array_equal(i, [[0, 1], [1, 0], [0, 1]])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind", ["normal", "integer", "offset", "huge", "duplicates"])
def test_gemm_kd_and_direct_paths_identical(force, dtype, kind):
    rng = np.random.default_rng(11)
    if kind == "integer":  # ties everywhere: exercises the certificate fallback
        X = rng.integers(0, 3, size=(300, 4))
    elif kind == "offset":  # far from the origin: cancellation in |x|^2 + |y|^2 - 2xy
        X = 1e6 + rng.normal(size=(300, 4))
    elif kind == "huge":  # float32 keys overflow: rows fall back to float64
        X = 1e20 * rng.normal(size=(300, 5))
    elif kind == "duplicates":
        X = np.repeat(rng.normal(size=(100, 12)), 3, axis=0)
    else:
        X = rng.normal(size=(300, 12))
    X = X.astype(dtype)
    Y = X[::2] + (0 if kind == "integer" else dtype(0.25))
    force("direct")
    ref_self = kneighbors(X, k=7)
    ref_y = kneighbors(X, Y, k=7)
    ref_rows = kneighbors_rows(X, [4, 0, 299], k=3)
    for path in ("gemm", "kd"):
        force(path)
        for got, ref in [
            (kneighbors(X, k=7), ref_self),
            (kneighbors(X, Y, k=7), ref_y),
            (kneighbors_rows(X, [4, 0, 299], k=3), ref_rows),
        ]:
            np.testing.assert_array_equal(got[1], ref[1])
            np.testing.assert_array_equal(got[0], ref[0])
    d2, ind = brute_knn(X, X, 7, exclude=np.arange(len(X)))
    np.testing.assert_array_equal(ref_self[1], ind)


def test_gemm_path_matches_sklearn(force):
    force("gemm")
    rng = np.random.default_rng(12)
    X = rng.normal(size=(500, 30))
    Y = rng.normal(size=(800, 30))
    d, i = kneighbors(X, Y, 11)
    rd, ri = _sk(X, Y, 11)
    np.testing.assert_array_equal(i, ri)
    np.testing.assert_allclose(d, rd, rtol=1e-9)
    d1, i1 = kneighbors(X, Y, 11, n_jobs=1)  # other blocking, one thread
    np.testing.assert_array_equal(i1, i)
    np.testing.assert_array_equal(d1, d)


def test_default_path_choice():
    import imbtab.neighbors._search as search

    assert search._use_gemm(10_000, 10_000, 20)
    assert not search._use_gemm(10_000, 10_000, 3)
    assert not search._use_gemm(100, 100, 50)
    assert search._use_kd(10_000, 10_000, 3)
    assert not search._use_kd(10_000, 10_000, 7)
    assert not search._use_kd(16, 100_000, 4)  # too few queries to pay for the build
    assert not search._use_kd(10_000, 1000, 3)
