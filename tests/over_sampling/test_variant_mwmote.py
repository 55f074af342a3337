"""MWMOTE: noise filter, informative-minority weights (brute force) and clustering."""

import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from imbtab.over_sampling import MWMOTE
from imbtab.over_sampling._variants import _mwmote


def _brute_probabilities(X, y, k1=5, k2=3, k3=5, cf_th=5.0, cmax=2.0):
    X_min, X_maj = X[y == 1], X[y == 0]
    ind = NearestNeighbors(n_neighbors=k1 + 1).fit(X).kneighbors(X_min)[1][:, 1:]
    filtered = np.flatnonzero((y[ind] == 1).any(axis=1))
    border = np.unique(NearestNeighbors(n_neighbors=k2).fit(X_maj).kneighbors(X_min[filtered])[1])
    dist, near = NearestNeighbors(n_neighbors=k3).fit(X_min).kneighbors(X_maj[border])
    cf = np.minimum(X.shape[1] / dist, cf_th) / cf_th * cmax
    info = cf**2 / cf.sum(axis=1, keepdims=True)
    w = np.bincount(near.ravel(), weights=info.ravel(), minlength=len(X_min))
    return w / w.sum(), filtered


@pytest.fixture(scope="module")
def planted():
    rng = np.random.RandomState(0)
    X_maj = rng.normal(0, 1.5, size=(400, 2))
    X_min = np.vstack(
        [
            rng.normal([4.0, 0], 0.5, size=(30, 2)),  # a blob at the border
            [[-3.0, 0.0]],  # noise: deep inside the majority
        ]
    )
    X = np.vstack([X_maj, X_min])
    y = np.array([0] * 400 + [1] * 31)
    return X, y


def test_probabilities_match_brute_force(planted):
    X, y = planted
    sampler = MWMOTE(random_state=0)
    sampler.fit_resample(X, y)
    expected, filtered = _brute_probabilities(X, y)
    np.testing.assert_allclose(sampler.selection_probabilities_[1], expected, rtol=1e-10)
    assert 30 not in filtered  # the planted noise row is filtered out


def test_noise_and_far_rows_are_not_informative(planted):
    X, y = planted
    sampler = MWMOTE(random_state=0)
    new = sampler.fit_resample(X, y)[0][len(X) :]
    prob = sampler.selection_probabilities_[1]
    assert prob[30] == 0  # the minority row surrounded by majority
    assert np.all(prob[:30] >= 0) and prob[:30].sum() == pytest.approx(1.0)
    # rows near the majority weigh more than rows on the far side of the blob
    X_min = X[y == 1]
    near_side = X_min[:30, 0] < 4.0
    assert prob[:30][near_side].mean() > prob[:30][~near_side].mean()
    # the noise row is a cluster of its own, so it is never an interpolation partner
    labels = sampler.clusters_[1]
    assert labels[30] not in labels[:30]
    assert np.all(np.linalg.norm(new - [4.0, 0], axis=1) < 3)
    assert not np.any(np.linalg.norm(new - [-3.0, 0], axis=1) < 3)  # nothing near the noise


def test_anchor_clustering_agrees_on_separated_blobs(monkeypatch):
    rng = np.random.RandomState(0)
    centres = np.array([[0, 0], [10, 0], [0, 10]])
    X = np.vstack([rng.normal(c, 0.5, size=(100, 2)) for c in centres])
    exact = _mwmote.average_linkage_labels(X, 4.0, np.random.RandomState(0))
    monkeypatch.setattr(_mwmote, "_EXACT_LINKAGE_MAX", 60)
    approx = _mwmote.average_linkage_labels(X, 4.0, np.random.RandomState(0))
    truth = np.repeat([0, 1, 2], 100)
    for labels in (exact, approx):
        assert len(np.unique(labels)) == 3
        assert all(len(np.unique(labels[truth == c])) == 1 for c in range(3))


def test_all_noise_is_an_error():
    rng = np.random.RandomState(0)
    X_maj = rng.normal(0, 1, size=(300, 2))
    X_min = X_maj[[0, 100, 200]] + 1e-6  # each sits on a majority row
    X = np.vstack([X_maj, X_maj[[0, 100, 200]] - 1e-6, X_min])
    y = np.array([0] * 303 + [1] * 3)
    with pytest.raises(ValueError, match="all its rows are noise"):
        MWMOTE(k1=2).fit_resample(X, y)
