"""Class-aware neighbour primitives against their brute-force definitions."""

import numpy as np
import pytest
from imblearn.under_sampling import TomekLinks
from knn_reference import brute_count_other, brute_tomek

import imbtab.neighbors._class_aware as ca
from imbtab.neighbors import count_other_class, has_other_class_within_k, mutual_nearest_pairs


def _data(seed, n=600, d=2, ties=True, minority=0.05, n_classes=2):
    rng = np.random.default_rng(seed)
    if ties:
        X = rng.integers(0, 12, size=(n, d)).astype(float)
    else:
        X = rng.normal(size=(n, d))
    p = [1 - minority] + [minority / (n_classes - 1)] * (n_classes - 1)
    y = rng.choice(np.arange(n_classes), size=n, p=p)
    # make the minority live in one corner so pruning can settle far majority rows
    X[y > 0] *= 0.5
    return X, y


CASES = [
    dict(seed=0),
    dict(seed=1, ties=False, d=4),
    dict(seed=2, n_classes=3, minority=0.2),
    dict(seed=3, n=1500, minority=0.03),  # large enough for the pruning path
    dict(seed=4, n=1500, ties=False, d=3, minority=0.02),
]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("k, path", [(1, "direct"), (3, "gemm"), (7, "direct")])
def test_count_and_within_k_match_brute(force, case, k, path):
    force(path)
    X, y = _data(**case)
    rows = np.arange(len(y))
    ref = brute_count_other(X, y, k, rows)
    np.testing.assert_array_equal(count_other_class(X, y, k), ref)
    np.testing.assert_array_equal(has_other_class_within_k(X, y, k), ref > 0)
    sub = np.flatnonzero(y > 0)[::2]
    np.testing.assert_array_equal(count_other_class(X, y, k, rows=sub), ref[sub])
    np.testing.assert_array_equal(has_other_class_within_k(X, y, k, rows=sub), ref[sub] > 0)


def test_pruning_path_is_taken_and_exact(monkeypatch):
    X, y = _data(seed=5, n=1500, minority=0.02)
    calls = []
    real = ca._prune

    def spy(*args):
        todo = real(*args)
        calls.append((len(args[1]), len(todo)))
        return todo

    monkeypatch.setattr(ca, "_prune", spy)
    k = 5
    got = has_other_class_within_k(X, y, k)
    np.testing.assert_array_equal(got, brute_count_other(X, y, k, np.arange(len(y))) > 0)
    assert calls, "the pruning path was not used"
    n_rows, n_left = calls[0]
    assert n_left < n_rows  # some rows were settled by the bound alone


def test_small_same_class_and_single_class_edge_cases():
    X = np.array([[0.0], [1.0], [2.0], [3.0], [10.0]])
    y = np.array([0, 0, 0, 0, 1])
    # class 1 has no same-class neighbour: any k >= 1 includes another class
    assert has_other_class_within_k(X, y, 1, rows=[4]).tolist() == [True]
    # labels can be strings
    ys = np.array(["a", "a", "a", "a", "b"])
    np.testing.assert_array_equal(
        count_other_class(X, ys, 4), brute_count_other(X, y, 4, np.arange(5))
    )
    # a single class: never an other-class neighbour
    assert not has_other_class_within_k(X, np.zeros(5), 2).any()
    assert count_other_class(X, np.zeros(5), 2).sum() == 0


@pytest.mark.parametrize("seed", range(4))
def test_mutual_nearest_pairs_match_brute(force, seed):
    force("gemm" if seed >= 2 else "direct")
    X, y = _data(seed, n=500, ties=seed % 2 == 0, minority=0.1, n_classes=2 + seed % 2)
    rows = np.flatnonzero(y > 0)
    i, j = mutual_nearest_pairs(X, y, rows)
    ri, rj = brute_tomek(X, y, rows)
    np.testing.assert_array_equal(i, ri)
    np.testing.assert_array_equal(j, rj)
    assert i.dtype == np.intp
    assert np.all(y[i] != y[j])


def test_mutual_nearest_pairs_agree_with_imblearn_tomek():
    X, y = _data(7, n=800, ties=False, d=3, minority=0.1)
    i, j = mutual_nearest_pairs(X, y, np.flatnonzero(y == 1))
    tl = TomekLinks().fit(X, y)
    tl.fit_resample(X, y)
    removed = np.setdiff1d(np.arange(len(y)), tl.sample_indices_)
    np.testing.assert_array_equal(np.sort(j), removed)
    assert len(i) > 0
