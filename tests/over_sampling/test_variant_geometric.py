"""GeometricSMOTE: samples inside the truncated, deformed hyper-sphere around their centre."""

import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from imbtab.over_sampling import GeometricSMOTE
from imbtab.over_sampling._variants._geometric import geometric_samples


def _parts(new, centers, surfaces):
    diff = surfaces - centers
    r = np.linalg.norm(diff, axis=1)
    axis = diff / r[:, None]
    rel = (new - centers) / r[:, None]
    par = np.einsum("ij,ij->i", rel, axis)
    perp = np.linalg.norm(rel - par[:, None] * axis, axis=1)
    return par, perp


@pytest.mark.parametrize("t", [1.0, 0.5, 0.0, -0.5, -1.0])
@pytest.mark.parametrize("deform", [0.0, 0.6, 1.0])
def test_samples_inside_truncated_deformed_sphere(t, deform):
    rng = np.random.RandomState(0)
    n, d = 4000, 4
    centers = rng.normal(size=(n, d))
    surfaces = centers + rng.normal(size=(n, d))
    new = geometric_samples(centers, surfaces, t, deform, np.random.RandomState(1))
    par, perp = _parts(new, centers, surfaces)
    eps = 1e-9
    # inside the (deformed) ball: ellipsoid with semi-axes 1 and 1 - deform
    if deform < 1:
        assert np.all(par**2 + (perp / (1 - deform)) ** 2 <= 1 + eps)
    else:
        assert np.all(perp <= eps)  # on the centre-to-surface line
        assert np.all(np.abs(par) <= 1 + eps)
    if t > 0:
        assert np.all(par >= t - 1 - eps)
        assert par.min() < t - 1 + 0.05  # the cut is reached
    elif t < 0:
        assert np.all(par <= t + 1 + eps)
        assert par.max() > t + 1 - 0.05
    else:
        assert par.min() < -0.9  # the whole ball
    if t >= 0:
        assert par.max() > 0.9
    else:
        assert par.min() < -0.9


def test_zero_radius_gives_the_centre():
    c = np.ones((3, 2))
    np.testing.assert_array_equal(geometric_samples(c, c, 1.0, 0.0, np.random.RandomState(0)), c)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(0, 1, size=(300, 3)), rng.normal(1.5, 0.7, size=(40, 3))])
    y = np.array([0] * 300 + [1] * 40)
    return X, y


@pytest.mark.parametrize("strategy", ["minority", "majority", "combined"])
def test_class_samples_inside_a_ball_of_the_strategy(data, strategy):
    X, y = data
    X_min, X_maj = X[y == 1], X[y == 0]
    X_res, _ = GeometricSMOTE(selection_strategy=strategy, random_state=0).fit_resample(X, y)
    new = X_res[len(X) :]
    r_min = NearestNeighbors(n_neighbors=6).fit(X_min).kneighbors(X_min)[0][:, -1]
    r_maj = NearestNeighbors(n_neighbors=1).fit(X_maj).kneighbors(X_min)[0][:, 0]
    radius = {"minority": r_min, "majority": r_maj, "combined": np.minimum(r_min, r_maj)}
    # a radius at most this for the centre's ball; min(r_min, r_maj) bounds "combined"
    # only loosely, so use the larger of the two there
    bound = radius[strategy] if strategy != "combined" else np.maximum(r_min, r_maj)
    dist = np.linalg.norm(new[:, None, :] - X_min[None, :, :], axis=2)
    assert np.all((dist <= bound[None, :] + 1e-9).any(axis=1))
    # and the majority strategy stays within each centre's nearest-majority distance,
    # far tighter than the minority balls here
    if strategy == "majority":
        assert not np.all((dist <= 0.3 * r_maj[None, :]).any(axis=1))


def test_majority_strategy_truncated_half_ball_faces_the_majority(data):
    X, y = data
    X_min, X_maj = X[y == 1], X[y == 0]
    sampler = GeometricSMOTE(selection_strategy="majority", truncation_factor=1.0, random_state=0)
    new = sampler.fit_resample(X, y)[0][len(X) :]
    j = NearestNeighbors(n_neighbors=1).fit(X_maj).kneighbors(X_min)[1][:, 0]
    ok = np.zeros(len(new), dtype=bool)
    for c, s in zip(X_min, X_maj[j], strict=True):
        cs = np.broadcast_to(c, new.shape)
        par, perp = _parts(new, cs, np.broadcast_to(s, new.shape))
        ok |= (par >= -1e-9) & (par**2 + perp**2 <= 1 + 1e-9)
    assert ok.all()
    # the other half ball (t = -1) is a different set: most samples fall outside
    flipped = GeometricSMOTE(selection_strategy="majority", truncation_factor=-1.0, random_state=0)
    new_f = flipped.fit_resample(X, y)[0][len(X) :]
    assert not np.allclose(new_f, new)
