"""ProWSyn: proximity levels (exact against a brute-force loop) and level weights."""

import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from imbtab.over_sampling import ProWSyn
from imbtab.over_sampling._variants._common import allocate
from imbtab.over_sampling._variants._prowsyn import proximity_levels


def _brute_levels(X_maj, X_min, K, L):
    level = np.zeros(len(X_min), dtype=int)
    for lev in range(1, L):
        left = np.flatnonzero(level == 0)
        if left.size == 0:
            break
        nn = NearestNeighbors(n_neighbors=min(K, left.size), algorithm="brute").fit(X_min[left])
        level[left[np.unique(nn.kneighbors(X_maj)[1])]] = lev
    level[level == 0] = L
    return level


@pytest.mark.parametrize("K,L", [(5, 5), (2, 6), (3, 2), (1, 4), (4, 1)])
def test_levels_match_brute_force(K, L):
    rng = np.random.RandomState(K * 10 + L)
    X_maj = rng.normal(size=(400, 3))
    X_min = rng.normal(0.8, 1.0, size=(60, 3))
    np.testing.assert_array_equal(
        proximity_levels(X_maj, X_min, K, L), _brute_levels(X_maj, X_min, K, L)
    )


def test_levels_with_list_fallback_match_brute_force():
    # many majority rows around a small class: the per-row lists run out quickly
    rng = np.random.RandomState(0)
    X_maj = rng.normal(size=(800, 2)) * 3
    X_min = rng.normal(size=(25, 2))
    np.testing.assert_array_equal(
        proximity_levels(X_maj, X_min, 2, 8), _brute_levels(X_maj, X_min, 2, 8)
    )


def test_planted_levels_and_exponential_weights():
    # 1-D: majority on the left, minority at 1, 2, ..., 20: level l = {2l - 1, 2l}
    X_min = np.arange(1.0, 21.0)[:, None]
    X_maj = -np.linspace(1, 30, 50)[:, None]
    X = np.vstack([X_maj, X_min])
    y = np.array([0] * 50 + [1] * 20)
    theta = 0.7
    sampler = ProWSyn(n_neighbors=2, n_levels=5, theta=theta, random_state=0)
    new = sampler.fit_resample(X, y)[0][len(X) :, 0]
    levels = sampler.levels_[1]
    np.testing.assert_array_equal(levels, [1, 1, 2, 2, 3, 3, 4, 4] + [5] * 12)
    expected = allocate(30, np.exp(-theta * np.arange(5)))
    np.testing.assert_array_equal(sampler.samples_per_level_[1], expected)
    # every new row lies between two rows of one level: count them per level
    bounds = [(1, 2), (3, 4), (5, 6), (7, 8), (9, 20)]
    counts = [np.sum((new >= lo) & (new <= hi)) for lo, hi in bounds]
    assert counts == expected.tolist()
    assert expected[0] > expected[1] > expected[2]


def test_single_row_levels_give_their_weight_to_the_others():
    X_min = np.arange(1.0, 9.0)[:, None]
    X_maj = -np.linspace(1, 5, 10)[:, None]
    X = np.vstack([X_maj, X_min])
    y = np.array([0] * 10 + [1] * 8)
    sampler = ProWSyn(n_neighbors=1, n_levels=4, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(sampler.levels_[1], [1, 2, 3, 4, 4, 4, 4, 4])
    np.testing.assert_array_equal(sampler.samples_per_level_[1], [0, 0, 0, 2])
    assert np.all(X_res[len(X) :, 0] >= 4)
