import numpy as np
import pandas as pd
import pytest
from imblearn.under_sampling import ClusterCentroids as ImbClusterCentroids
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.datasets import make_classification

import imbtab.under_sampling._prototype_generation._cluster_centroids as cc_module
from imbtab.under_sampling import ClusterCentroids


def _data(n_classes=2, n_samples=300):
    weights = [0.8, 0.2] if n_classes == 2 else [0.55, 0.3, 0.15]
    return make_classification(
        n_samples=n_samples,
        n_features=5,
        n_informative=3,
        n_classes=n_classes,
        weights=weights,
        random_state=0,
    )


def _seed(kind):
    return np.random.RandomState(7) if kind == "state" else kind


def _run(cls, X, y, **params):
    sampler = cls(**params)
    X_res, y_res = sampler.fit_resample(X, y)
    return sampler, X_res, y_res


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("voting", ["soft", "auto"])
@pytest.mark.parametrize("seed", [0, "state"])
@pytest.mark.parametrize("strategy", ["auto", "all", "majority"])
def test_soft_matches_imblearn(n_classes, voting, seed, strategy):
    X, y = _data(n_classes)
    params = dict(voting=voting, sampling_strategy=strategy)
    ours, X_a, y_a = _run(ClusterCentroids, X, y, random_state=_seed(seed), **params)
    _, X_b, y_b = _run(ImbClusterCentroids, X, y, random_state=_seed(seed), **params)
    assert ours.voting_ == "soft"
    assert X_a.shape[0] < X.shape[0]
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)
    assert not hasattr(ours, "sample_indices_")


def _assert_hard_equal_up_to_ties(ours, X, y, X_a, y_a, X_b, y_b):
    """Same rows as imbalanced-learn, except where two rows are equidistant to a centroid."""
    np.testing.assert_array_equal(y_a, y_b)
    np.testing.assert_array_equal(X_a, X[ours.sample_indices_])
    differ = np.flatnonzero((X_a != X_b).any(axis=1))
    assert differ.size <= 0.1 * y_a.size
    # each differing output row replaces a centroid of a resampled class: recompute it
    soft = ClusterCentroids(
        voting="soft", random_state=ours.random_state, sampling_strategy=ours.sampling_strategy
    )
    X_soft, _ = soft.fit_resample(X, y)
    for i in differ:
        d_a = np.linalg.norm(X_a[i] - X_soft[i])
        d_b = np.linalg.norm(X_b[i] - X_soft[i])
        np.testing.assert_allclose(d_a, d_b, rtol=1e-9)
        # a tie: ours is the smaller original row index
        row_b = np.flatnonzero((X == X_b[i]).all(axis=1))[0]
        assert ours.sample_indices_[i] < row_b


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("strategy", ["auto", "all"])
def test_hard_matches_imblearn_up_to_ties(n_classes, strategy):
    X, y = _data(n_classes)
    params = dict(voting="hard", sampling_strategy=strategy, random_state=0)
    ours, X_a, y_a = _run(ClusterCentroids, X, y, **params)
    _, X_b, y_b = _run(ImbClusterCentroids, X, y, **params)
    _assert_hard_equal_up_to_ties(ours, X, y, X_a, y_a, X_b, y_b)


def test_hard_matches_imblearn_exactly_without_two_row_clusters():
    # few clusters per class: no centroid is a midpoint of two rows
    X, y = _data(3, n_samples=600)
    strategy = {0: 20, 1: 15}
    params = dict(voting="hard", sampling_strategy=strategy, random_state=0)
    ours, X_a, y_a = _run(ClusterCentroids, X, y, **params)
    ref, X_b, y_b = _run(ImbClusterCentroids, X, y, **params)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)
    assert np.sum(y_a == 0) == 20 and np.sum(y_a == 1) == 15


def test_hard_voting_sets_sample_indices_and_refit_soft_removes_them():
    X, y = _data(2)
    cc = ClusterCentroids(voting="hard", random_state=0)
    X_res, y_res = cc.fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X[cc.sample_indices_])
    np.testing.assert_array_equal(y_res, y[cc.sample_indices_])
    cc.set_params(voting="soft").fit_resample(X, y)
    assert not hasattr(cc, "sample_indices_")


def test_sparse_input_auto_is_hard_and_agrees_with_dense(monkeypatch):
    X, y = _data(3)
    X_sp = sparse.csr_matrix(X)
    cc = ClusterCentroids(random_state=0)
    X_res, y_res = cc.fit_resample(X_sp, y)
    assert cc.voting_ == "hard" and sparse.issparse(X_res)
    dense = ClusterCentroids(voting="hard", random_state=0)
    dense.fit_resample(X, y)
    np.testing.assert_array_equal(cc.sample_indices_, dense.sample_indices_)
    monkeypatch.setattr(cc_module, "_DENSE_CHUNK_ENTRIES", 40)  # many row chunks
    chunked = ClusterCentroids(random_state=0)
    chunked.fit_resample(X_sp, y)
    np.testing.assert_array_equal(chunked.sample_indices_, dense.sample_indices_)
    # soft voting on sparse input: centroids as a sparse matrix, as imbalanced-learn
    soft = ClusterCentroids(voting="soft", random_state=0)
    X_soft, y_soft = soft.fit_resample(X_sp, y)
    _, X_ref, y_ref = _run(ImbClusterCentroids, X_sp, y, voting="soft", random_state=0)
    assert sparse.issparse(X_soft)
    np.testing.assert_allclose(X_soft.toarray(), X_ref.toarray(), rtol=1e-12)
    np.testing.assert_array_equal(y_soft, y_ref)


def test_pandas_soft_and_hard():
    X, y = _data(3)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    frame.index = frame.index + 1000
    names = np.array(["ant", "bee", "cat"])
    series = pd.Series(names[y], index=frame.index, name="label")
    soft = ClusterCentroids(voting="soft", random_state=0)
    X_res, y_res = soft.fit_resample(frame, series)
    _, X_ref, y_ref = _run(ImbClusterCentroids, frame, series, voting="soft", random_state=0)
    np.testing.assert_array_equal(X_res.to_numpy(), np.asarray(X_ref))
    np.testing.assert_array_equal(y_res.to_numpy(), np.asarray(y_ref))
    minority = frame.index[y == 2]
    kept_original = X_res.index[np.isin(X_res.index, frame.index)]
    assert kept_original.equals(minority)  # untouched class keeps its labels
    assert X_res.index.is_unique and y_res.index.equals(X_res.index)
    hard = ClusterCentroids(voting="hard", random_state=0)
    X_hard, _ = hard.fit_resample(frame, series)
    np.testing.assert_array_equal(X_hard.index, frame.index[hard.sample_indices_])


def test_sample_weight():
    X, y = _data(2)
    weights = np.linspace(1.0, 3.0, y.size)
    hard = ClusterCentroids(voting="hard", random_state=0)
    _, _, w_hard = hard.fit_resample(X, y, sample_weight=weights, return_sample_weight=True)
    np.testing.assert_array_equal(w_hard, weights[hard.sample_indices_])
    soft = ClusterCentroids(voting="soft", random_state=0)
    _, y_res, w_soft = soft.fit_resample(X, y, sample_weight=weights, return_sample_weight=True)
    # a centroid carries the mean weight of its cluster's rows
    labels = soft.estimator_.labels_
    w_major = weights[y == 0]
    expected = [w_major[labels == c].mean() for c in range(np.sum(y == 1))]
    np.testing.assert_allclose(w_soft[y_res == 0], expected, rtol=1e-12)
    assert np.ptp(w_soft[y_res == 0]) > 0
    np.testing.assert_array_equal(w_soft[y_res == 1], weights[y == 1])
    # without weights the returned weights are ones
    _, _, ones = soft.fit_resample(X, y, return_sample_weight=True)
    np.testing.assert_array_equal(ones, 1.0)


@pytest.mark.parametrize("voting", ["soft", "hard"])
def test_custom_estimator_matches_imblearn(voting):
    X, y = _data(3)
    params = dict(
        estimator=MiniBatchKMeans(n_init=1, batch_size=64, random_state=3),
        voting=voting,
        sampling_strategy={0: 30, 1: 20},
        random_state=0,
    )
    _, X_a, y_a = _run(ClusterCentroids, X, y, **params)
    _, X_b, y_b = _run(ImbClusterCentroids, X, y, **params)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)


class _NoCentres(BaseEstimator):
    def __init__(self, n_clusters=2):
        self.n_clusters = n_clusters

    def fit(self, X, y=None):
        return self

    def predict(self, X):
        return np.zeros(len(X), dtype=int)


class _NoNClusters(BaseEstimator):
    def fit(self, X, y=None):
        return self

    def predict(self, X):
        return np.zeros(len(X), dtype=int)


def test_clear_errors():
    X, y = _data(2)
    with pytest.raises(ValueError, match="n_clusters"):
        ClusterCentroids(estimator=_NoNClusters()).fit_resample(X, y)
    with pytest.raises(RuntimeError, match="cluster_centers_"):
        ClusterCentroids(estimator=_NoCentres()).fit_resample(X, y)
    with pytest.raises(ValueError, match="voting"):
        ClusterCentroids(voting="median").fit_resample(X, y)
    with pytest.raises(ValueError, match="estimator"):
        ClusterCentroids(estimator="kmeans").fit_resample(X, y)


def test_default_estimator_is_kmeans_and_int_dtype_promotes():
    X, y = _data(2)
    X_int = np.round(X * 100).astype(np.int64)
    cc = ClusterCentroids(random_state=0)
    X_res, _ = cc.fit_resample(X_int, y)
    assert isinstance(cc.estimator_, KMeans)
    _, X_ref, _ = _run(ImbClusterCentroids, X_int, y, random_state=0)
    assert X_res.dtype == X_ref.dtype == np.float64
    np.testing.assert_array_equal(X_res, X_ref)
