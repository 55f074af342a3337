"""The k-d tree path (low dimensions): same neighbours and tie order as brute force."""

import numpy as np
import pytest
from knn_reference import brute_count_other, brute_knn

from imbtab.neighbors import count_other_class, kneighbors, kneighbors_rows


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("d", [1, 2, 3, 6])
@pytest.mark.parametrize("kind", ["normal", "integer", "duplicates"])
def test_kd_matches_brute_force(force, dtype, d, kind):
    rng = np.random.default_rng(d)
    if kind == "integer":  # many exact ties: the order must still be (distance, index)
        X = rng.integers(0, 3, size=(400, d))
    elif kind == "duplicates":
        X = np.repeat(rng.normal(size=(80, d)), 5, axis=0)
    else:
        X = rng.normal(size=(400, d))
    X = X.astype(dtype)
    Y = X[::3] + (0 if kind == "integer" else dtype(0.125))
    force("kd")
    for Q, R, excl in [(X, None, np.arange(len(X))), (Y, X, None), (X, Y, None)]:
        k = min(9, len(X) - 1 if R is None else len(R))
        dist, ind = kneighbors(Q, R, k)
        ref_d2, ref_i = brute_knn(Q, Q if R is None else R, k, exclude=excl)
        np.testing.assert_array_equal(ind, ref_i)
        np.testing.assert_array_equal(dist, np.sqrt(ref_d2).astype(dtype))
    rows = np.array([3, 0, 399, 3])
    _, ind = kneighbors_rows(X, rows, 4)
    np.testing.assert_array_equal(ind, brute_knn(X[rows], X, 4, exclude=rows)[1])


def test_kd_all_rows_and_tiny_sets(force):
    force("kd")
    rng = np.random.default_rng(7)
    X = rng.integers(0, 2, size=(40, 2)).astype(float)
    for k in (1, 39):  # k up to every other row
        np.testing.assert_array_equal(
            kneighbors(X, k=k)[1], brute_knn(X, X, k, exclude=np.arange(40))[1]
        )
    one = np.array([[0.0, 1.0]])
    np.testing.assert_array_equal(kneighbors(X[:5], one, 1)[1], np.zeros((5, 1), dtype=int))


def test_kd_chosen_automatically_and_equal_to_direct(force):
    import imbtab.neighbors._search as search

    rng = np.random.default_rng(8)
    X = rng.integers(0, 6, size=(6000, 3)).astype(float)  # big enough for the auto choice
    assert search._use_kd(6000, 6000, 3)
    auto = kneighbors(X, k=6)
    force("direct")
    direct = kneighbors(X, k=6)
    np.testing.assert_array_equal(auto[1], direct[1])
    np.testing.assert_array_equal(auto[0], direct[0])


def test_kd_class_aware_counts(force):
    force("kd")
    rng = np.random.default_rng(9)
    X = rng.integers(0, 4, size=(300, 2)).astype(float)
    y = rng.integers(0, 2, size=300)
    rows = np.arange(0, 300, 7)
    np.testing.assert_array_equal(
        count_other_class(X, y, 5, rows=rows), brute_count_other(X, y, 5, rows)
    )
