"""KNeighbors: NearestNeighbors semantics and use inside imbalanced-learn."""

import numpy as np
import pytest
from imblearn.over_sampling import ADASYN, SMOTE, BorderlineSMOTE
from imblearn.under_sampling import EditedNearestNeighbours, NearMiss
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors

from imbtab.neighbors import KNeighbors


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5))
    y = (rng.random(400) < 0.15).astype(int)
    X[y == 1] += 1.0
    return X, y


@pytest.mark.parametrize("query", [False, True])
def test_kneighbors_and_graph_match_sklearn(data, query):
    X, _ = data
    Xq = X[:37] + 0.01 if query else None
    ours = KNeighbors(n_neighbors=4).fit(X)
    ref = NearestNeighbors(n_neighbors=4, algorithm="brute").fit(X)
    d, i = ours.kneighbors(Xq)
    rd, ri = ref.kneighbors(Xq)
    np.testing.assert_array_equal(i, ri)
    np.testing.assert_allclose(d, rd, rtol=1e-9)
    np.testing.assert_array_equal(ours.kneighbors(Xq, 2, return_distance=False), ri[:, :2])
    for mode in ("connectivity", "distance"):
        g = ours.kneighbors_graph(Xq, mode=mode)
        rg = ref.kneighbors_graph(Xq, mode=mode)
        assert g.shape == rg.shape
        np.testing.assert_allclose(g.toarray(), rg.toarray(), rtol=1e-9)
    with pytest.raises(ValueError, match="mode"):
        ours.kneighbors_graph(Xq, mode="bogus")


def test_float32_kept_and_params(data):
    X, _ = data
    nn = KNeighbors(3, n_jobs=1).fit(X.astype(np.float32))
    d, _ = nn.kneighbors()
    assert d.dtype == np.float32
    assert nn.get_params() == {"n_neighbors": 3, "metric": "euclidean", "n_jobs": 1}
    nn2 = clone(nn).set_params(n_neighbors=2)
    assert nn2.n_neighbors == 2 and not hasattr(nn2, "n_samples_fit_")
    assert nn.n_features_in_ == 5 and nn.n_samples_fit_ == 400


def test_errors(data):
    X, _ = data
    nn = KNeighbors(3).fit(X[:4])
    with pytest.raises(ValueError, match="k=4"):
        nn.kneighbors(n_neighbors=4)  # only 3 rows once self is excluded
    nn.kneighbors(X[:2], n_neighbors=4)  # 4 fitted rows are enough for outside queries
    with pytest.raises(ValueError, match="features"):
        nn.kneighbors(X[:2, :3])
    with pytest.raises(ValueError, match="metric"):
        KNeighbors(metric="manhattan").fit(X)
    with pytest.raises(ValueError, match="n_neighbors"):
        KNeighbors(n_neighbors=0).fit(X)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        KNeighbors().kneighbors(X)


@pytest.mark.parametrize(
    "make",
    [
        lambda nn: SMOTE(k_neighbors=nn(6), random_state=0),
        lambda nn: BorderlineSMOTE(k_neighbors=nn(6), m_neighbors=nn(11), random_state=0),
        lambda nn: ADASYN(n_neighbors=nn(6), random_state=0),
        lambda nn: EditedNearestNeighbours(n_neighbors=nn(4)),
        lambda nn: NearMiss(version=1, n_neighbors=nn(3)),
    ],
)
def test_imblearn_accepts_kneighbors(data, make):
    X, y = data  # continuous, tie-free: neighbour sets are the same as imblearn's default
    Xr, yr = make(KNeighbors).fit_resample(X, y)
    Xs, ys = make(lambda k: NearestNeighbors(n_neighbors=k)).fit_resample(X, y)
    np.testing.assert_array_equal(yr, ys)
    np.testing.assert_allclose(Xr, Xs, rtol=1e-12)
