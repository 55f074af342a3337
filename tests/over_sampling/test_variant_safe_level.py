"""SafeLevelSMOTE: safe levels and the gap range of each safe-level ratio."""

import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from imbtab.neighbors import kneighbors
from imbtab.over_sampling import SafeLevelSMOTE
from imbtab.over_sampling._variants._safe_level import (
    draw_safe_level_pairs,
    safe_level_gap_bounds,
)


def test_gap_bounds_table():
    sl_p = np.array([3, 0, 2, 4, 1, 5])
    sl_n = np.array([0, 0, 2, 2, 4, 5])
    lo, hi = safe_level_gap_bounds(sl_p, sl_n)
    np.testing.assert_allclose(lo, [0, 0, 0, 0, 0.75, 0])  # ratio<1 -> [1 - ratio, 1]
    np.testing.assert_allclose(hi, [0, 0, 1, 0.5, 1, 1])  # sl_n=0 -> 0; ratio>1 -> 1/ratio


@pytest.fixture(scope="module")
def overlapping():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(0, 1, size=(150, 3)), rng.normal(1.0, 1, size=(40, 3))])
    y = np.array([0] * 150 + [1] * 40)
    return X, y


def test_safe_levels_match_brute_force(overlapping):
    X, y = overlapping
    sampler = SafeLevelSMOTE(random_state=0).fit(X, y)
    sampler.fit_resample(X, y)
    ind = NearestNeighbors(n_neighbors=6).fit(X).kneighbors(X[y == 1])[1][:, 1:]
    np.testing.assert_array_equal(sampler.safe_levels_[1], (y[ind] == 1).sum(axis=1))
    assert len(np.unique(sampler.safe_levels_[1])) >= 3  # the test data has varied levels


def test_every_gap_in_its_ratio_range_and_ranges_covered(overlapping):
    X, y = overlapping
    X_min = X[y == 1]
    sampler = SafeLevelSMOTE(random_state=3)
    X_res, _ = sampler.fit_resample(X, y)
    sl = sampler.safe_levels_[1]
    nn = kneighbors(X_min, k=5, return_distance=False)
    n_new = len(X_res) - len(X)
    rows, partners, gaps = draw_safe_level_pairs(nn, sl, n_new, 3, np.random.RandomState(3))
    # the sampler's rows are exactly these draws
    P = X_min[rows]
    np.testing.assert_allclose(X_res[len(X) :], P + gaps * (X_min[partners] - P), rtol=1e-12)
    sl_p, sl_n = sl[rows], sl[partners]
    assert not np.any((sl_p == 0) & (sl_n == 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = sl_p / sl_n
    zero = sl_n == 0
    assert np.all(gaps[zero] == 0)
    np.testing.assert_array_equal(X_res[len(X) :][zero], P[zero])  # copy of p
    eq = ~zero & (ratio == 1)
    above = ~zero & (ratio > 1)
    below = ~zero & (ratio < 1)
    assert eq.any() and above.any() and below.any() and zero.any()
    assert np.all((gaps[eq] >= 0) & (gaps[eq] <= 1))
    assert np.all(gaps[above] >= 0) and np.all(gaps[above] <= 1 / ratio[above, None])
    assert np.all(gaps[below] >= 1 - ratio[below, None]) and np.all(gaps[below] <= 1)
    # gaps are per feature and fill their range
    rel = gaps[above] * ratio[above, None]
    assert rel.max() > 0.8 and rel.min() < 0.2
    assert np.std(gaps[eq], axis=1).mean() > 0.1


def test_all_noise_class_is_an_error():
    rng = np.random.RandomState(0)
    X_maj = rng.normal(size=(200, 2))
    X_min = X_maj[:6] + 1e-3  # each minority row sits on top of majority rows
    X_min[:, 0] += np.arange(6) * 50  # and far from each other
    X_maj2 = np.vstack([X_maj] + [X_min + rng.normal(0, 1e-4, X_min.shape) for _ in range(6)])
    X = np.vstack([X_maj2, X_min])
    y = np.array([0] * len(X_maj2) + [1] * 6)
    with pytest.raises(ValueError, match="safe level 0"):
        SafeLevelSMOTE(k_neighbors=3).fit_resample(X, y)
