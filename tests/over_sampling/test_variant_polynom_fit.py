"""PolynomFitSMOTE: the four topologies place points where the paper says."""

import numpy as np
import pytest

from imbtab.over_sampling import PolynomFitSMOTE
from imbtab.over_sampling._variants._polynom_fit import pair_from_index, spread_counts


def _data(n_min=12, d=3, seed=0):
    rng = np.random.RandomState(seed)
    X = np.vstack([rng.normal(0, 1, size=(60, d)), rng.normal(3, 1, size=(n_min, d))])
    y = np.array([0] * 60 + [1] * n_min)
    return X, y


def _sorted_rows(A):
    return A[np.lexsort(A.T[::-1])]


@pytest.mark.parametrize("m", [2, 3, 7, 50])
def test_pair_from_index_matches_enumeration(m):
    i, j = np.triu_indices(m, k=1)
    ii, jj = pair_from_index(np.arange(len(i)), m)
    np.testing.assert_array_equal(ii, i)
    np.testing.assert_array_equal(jj, j)


def test_spread_counts_exact_and_even():
    rng = np.random.RandomState(0)
    seg, counts = spread_counts(103, 10, rng)
    assert counts.sum() == 103 and set(counts.tolist()) == {10, 11}
    seg, counts = spread_counts(7, 1000, rng)
    assert counts.sum() == 7 and len(np.unique(seg)) == 7


def test_star_points_evenly_spaced_towards_the_mean():
    X, y = _data()
    X_min = X[y == 1]
    n_new = 60 - 12  # 4 per minority row
    X_res, _ = PolynomFitSMOTE(topology="star", random_state=0).fit_resample(X, y)
    mean = X_min.mean(axis=0)
    expected = np.vstack([X_min + j / 5 * (mean - X_min) for j in range(1, 5)])
    np.testing.assert_allclose(_sorted_rows(X_res[len(X) :]), _sorted_rows(expected))
    assert X_res.shape[0] - len(X) == n_new


def test_star_remainder_on_segments_to_the_mean():
    X, y = _data(n_min=11)
    X_min = X[y == 1]
    new = PolynomFitSMOTE(topology="star", random_state=0).fit_resample(X, y)[0][len(X) :]
    assert len(new) == 49  # 4 each + 5 rows with a fifth point
    mean = X_min.mean(axis=0)
    # every new row lies strictly inside a segment row -> mean
    on = []
    for x in X_min:
        t = (new - x) @ (mean - x) / np.dot(mean - x, mean - x)
        resid = np.linalg.norm(new - (x + t[:, None] * (mean - x)), axis=1)
        on.append((resid < 1e-9) & (t > 0) & (t < 1))
    assert np.all(np.any(on, axis=0))


def test_bus_points_on_consecutive_segments():
    X, y = _data(n_min=13)
    X_min = X[y == 1]
    new = PolynomFitSMOTE(topology="bus", random_state=0).fit_resample(X, y)[0][len(X) :]
    assert len(new) == 47  # 12 segments: 3 or 4 points each
    A, B = X_min[:-1], X_min[1:]
    expected_3 = np.vstack([A + j / 4 * (B - A) for j in range(1, 4)])
    expected_4 = np.vstack([A + j / 5 * (B - A) for j in range(1, 5)])
    cand = np.vstack([expected_3, expected_4])
    d = np.min(np.linalg.norm(new[:, None] - cand[None], axis=2), axis=1)
    assert np.all(d < 1e-9)


def test_mesh_midpoints_of_distinct_pairs():
    X, y = _data(n_min=20)  # 190 pairs > 40 new rows
    X_min = X[y == 1]
    new = PolynomFitSMOTE(topology="mesh", random_state=0).fit_resample(X, y)[0][len(X) :]
    i, j = np.triu_indices(20, k=1)
    mids = (X_min[i] + X_min[j]) / 2
    dist = np.linalg.norm(new[:, None] - mids[None], axis=2)
    which = np.argmin(dist, axis=1)
    assert np.all(dist[np.arange(len(new)), which] < 1e-9)
    assert len(np.unique(which)) == len(new) == 40


def test_mesh_many_points_per_pair():
    X, y = _data(n_min=5)  # 10 pairs, 55 new rows -> 5 or 6 per pair
    new = PolynomFitSMOTE(topology="mesh", random_state=0).fit_resample(X, y)[0][len(X) :]
    assert len(new) == 55


def test_polynomial_new_rows_on_the_fitted_curve():
    rng = np.random.RandomState(0)
    m = 30
    s = np.linspace(-1, 1, m)
    X_min = np.column_stack([s, 1 + 2 * s - 3 * s**2, 0.5 * s**2 + s])
    X = np.vstack([rng.normal(5, 1, size=(80, 3)), X_min])
    y = np.array([0] * 80 + [1] * m)
    new = PolynomFitSMOTE(topology="polynomial", degree=2, random_state=0).fit_resample(X, y)[0]
    new = new[len(X) :]
    assert len(new) == 50
    t = new[:, 0]
    np.testing.assert_allclose(new[:, 1], 1 + 2 * t - 3 * t**2, atol=1e-9)
    np.testing.assert_allclose(new[:, 2], 0.5 * t**2 + t, atol=1e-9)
    assert t.min() >= -1 and t.max() <= 1 and np.ptp(t) > 1.5


def test_polynomial_needs_degree_plus_one_rows():
    X, y = _data(n_min=3)
    with pytest.raises(ValueError, match=r"class 1 has 3 sample\(s\).*degree \+ 1"):
        PolynomFitSMOTE(topology="polynomial", degree=3).fit_resample(X, y)
