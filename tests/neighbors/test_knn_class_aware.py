"""Class-aware neighbour primitives against their brute-force definitions."""

import numpy as np
import pytest
from imblearn.under_sampling import TomekLinks
from knn_reference import brute_count_other, brute_tomek

import imbtab.neighbors._packed_cells as packed_cells
import imbtab.neighbors._screen as screen
from imbtab.neighbors import count_other_class, has_other_class_within_k, mutual_nearest_pairs
from imbtab.neighbors._validation import check_points, numba_threads


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


@pytest.mark.parametrize("k", [1, 4])
@pytest.mark.parametrize("share", [0.02, 0.3])
def test_screen_path_is_taken_and_exact(monkeypatch, k, share):
    # integer data (many exact ties), a majority large enough for the screen; with
    # share=0.3 the other classes are too large for the default screen, so it is forced
    X, y = _data(seed=5, n=1500, minority=share, n_classes=3)
    monkeypatch.setattr(screen, "_MIN_ROWS", 100)
    monkeypatch.setattr(screen, "_CELL_SIZE", 60)
    monkeypatch.setattr(screen, "_MAX_OTHER_FRACTION", 1.0)
    calls = []
    real = screen.screen_rows

    def spy(X, codes, rows, *args, **kwargs):
        left, d_o, j_o, cells = real(X, codes, rows, *args, **kwargs)
        calls.append((len(rows), len(left), d_o is not None))
        return left, d_o, j_o, cells

    monkeypatch.setattr(screen, "screen_rows", spy)
    got = has_other_class_within_k(X, y, k)
    np.testing.assert_array_equal(got, brute_count_other(X, y, k, np.arange(len(y))) > 0)
    ran = [c for c in calls if c[2]]
    assert ran, "the screen did not run"
    assert any(n_left < n_rows for n_rows, n_left, _ in ran)  # it settled rows


@pytest.mark.parametrize("counted", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_other_class_within_k_matches_brute_on_ties(monkeypatch, seed, counted):
    # the three exact resolutions of the rows the screen leaves (counting the class rows
    # over the cells; searching whole X; searching the own class) against brute force;
    # searches split in chunks of query rows
    if not counted:
        monkeypatch.setattr(packed_cells, "MAX_CELLS", 0)
    monkeypatch.setattr(screen, "_MIN_ROWS", 50)
    monkeypatch.setattr(screen, "_CHUNK", 97)
    monkeypatch.setattr(screen, "_CELL_SIZE", 40)
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 5, size=(900, 2)).astype(float)
    y = (rng.random(900) < (0.1 if seed % 2 else 0.45)).astype(int)
    Xc = check_points(X)
    for frac in (0.25, 1.0):
        for k in (1, 2, 5):
            for c in (0, 1):
                rows = np.flatnonzero(y == c)
                with numba_threads(1) as nt:
                    got = screen.other_class_within_k(Xc, y, rows, k, nt, max_other_fraction=frac)
                ref = brute_count_other(X, y, k, rows) > 0
                np.testing.assert_array_equal(got, ref)


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


def test_shared_bounds_skip_far_rows_and_stay_exact(monkeypatch):
    # a tight, far-away class screened after the large one only searches the few
    # large-class rows that come close (none here); on integer data with ties
    monkeypatch.setattr(screen, "_MIN_ROWS", 50)
    monkeypatch.setattr(screen, "_CELL_SIZE", 40)
    monkeypatch.setattr(screen, "_MAX_OTHER_FRACTION", 1.0)
    rng = np.random.default_rng(0)
    X = rng.integers(0, 40, size=(2000, 2)).astype(float)
    y = np.zeros(2000, dtype=np.int64)
    X[:300] = rng.integers(0, 3, size=(300, 2)) + 100.0
    y[:300] = 1
    X[300:310] = X[:10] + 0.5  # a few large-class rows right next to the tight class
    refs = []
    real = screen._knn_sq

    def spy(Q, R, excl, k, nt, *args):
        refs.append(R.shape[0])
        return real(Q, R, excl, k, nt, *args)

    monkeypatch.setattr(screen, "_knn_sq", spy)
    Xc = check_points(X)
    near2 = np.zeros(len(y))
    for k in (1, 3):
        for c in (0, 1):
            rows = np.flatnonzero(y == c)
            refs.clear()
            with numba_threads(1) as nt:
                got = screen.other_class_within_k(Xc, y, rows, k, nt, near2=near2)
            np.testing.assert_array_equal(got, brute_count_other(X, y, k, rows) > 0)
            if c == 1:
                # the nearest-other search of class 1 used only the close rows
                assert min(refs) <= 10 < (y == 0).sum()
        # bounds stay valid lower bounds of the squared distance to the other class
        for c in (0, 1):
            rows = np.flatnonzero(y == c)
            other = np.flatnonzero(y != c)
            d2 = ((X[rows][:, None, :] - X[other][None]) ** 2).sum(-1).min(axis=1)
            assert (near2[rows] <= d2).all()


@pytest.mark.parametrize("n, share", [(5000, 0.1), (5000, 0.6), (3000, 0.1), (9000, 0.45)])
def test_screen_applies_says_whether_the_screen_runs(n, share):
    rng = np.random.default_rng(0)
    X = check_points(rng.normal(size=(n, 2)))
    y = (rng.random(n) < share).astype(np.int64)
    for c in (0, 1):
        rows = np.flatnonzero(y == c)
        with numba_threads(1) as nt:
            _, d_o, _, _ = screen.screen_rows(X, y, rows, 1, nt)
        assert screen.screen_applies(y, rows, 1) == (d_o is not None)
