import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn.under_sampling import NearMiss as ImbNearMiss
from scipy import sparse
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors

import imbtab.under_sampling._nearmiss as nearmiss_module
from imbtab.neighbors import KNeighbors
from imbtab.under_sampling import NearMiss


def _data(n_classes=2, n_samples=500, n_features=6, random_state=0):
    weights = [0.8, 0.2] if n_classes == 2 else [0.55, 0.3, 0.15]
    return make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=4,
        n_classes=n_classes,
        weights=weights,
        random_state=random_state,
    )


def _both(X, y, **params):
    ours = NearMiss(**params)
    ref = ImbNearMiss(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # NearMiss-3 "fewer rows" warning
        X_a, y_a = ours.fit_resample(X, y)
        X_b, y_b = ref.fit_resample(X, y)
    return ours, ref, (X_a, y_a), (X_b, y_b)


def _assert_same(ours, ref, res_a, res_b):
    assert ours.sample_indices_.size > 0
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    np.testing.assert_array_equal(np.asarray(res_a[0]), np.asarray(res_b[0]))
    np.testing.assert_array_equal(np.asarray(res_a[1]), np.asarray(res_b[1]))


@pytest.mark.parametrize("version", [1, 2, 3])
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(
    "strategy", ["auto", "all", "majority", "not majority", {"dict": True}, "callable"]
)
def test_matches_imblearn(version, n_classes, strategy):
    X, y = _data(n_classes)
    counts = np.bincount(y)
    if isinstance(strategy, dict):
        strategy = {0: counts[0] // 2, 1: counts[1] - 5}
    elif strategy == "callable":

        def strategy(y):
            return {0: int(np.sum(y == 0)) // 3}

    _assert_same(*_both(X, y, version=version, sampling_strategy=strategy))


@pytest.mark.parametrize("version", [1, 2, 3])
@pytest.mark.parametrize("n_neighbors, n_neighbors_ver3", [(1, 1), (5, 2), (10, 6)])
def test_matches_imblearn_neighbourhood_sizes(version, n_neighbors, n_neighbors_ver3):
    X, y = _data(3, n_features=20, random_state=1)
    params = dict(version=version, n_neighbors=n_neighbors, n_neighbors_ver3=n_neighbors_ver3)
    _assert_same(*_both(X, y, **params))


@pytest.mark.parametrize("version", [1, 2, 3])
def test_float_strategy_binary(version):
    X, y = _data(2)
    _assert_same(*_both(X, y, version=version, sampling_strategy=0.6))


@pytest.mark.parametrize("version", [1, 2, 3])
def test_minority_is_first_met_least_frequent_class(version):
    # two classes share the smallest count: imbalanced-learn takes the first met in y
    X, y = _data(3, n_samples=300)
    y = y.copy()
    counts = np.bincount(y)
    small = np.argsort(counts)[:2]
    rows = np.flatnonzero(y == small[1])
    y[rows[: counts[small[1]] - counts[small[0]]]] = np.argmax(counts)
    assert np.bincount(y)[small[0]] == np.bincount(y)[small[1]]
    _assert_same(*_both(X, y, version=version))


@pytest.mark.parametrize("version", [1, 2, 3])
def test_pandas_and_string_labels(version):
    X, y = _data(3)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    frame.index = frame.index * 2 + 11
    names = np.array(["ant", "bee", "cat"])
    series = pd.Series(names[y], index=frame.index, name="label")
    ours, ref, (X_a, y_a), (X_b, y_b) = _both(frame, series, version=version)
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    assert isinstance(X_a, pd.DataFrame) and isinstance(y_a, pd.Series)
    assert X_a.index.equals(frame.index[ours.sample_indices_])
    assert y_a.index.equals(X_a.index)
    np.testing.assert_array_equal(X_a.to_numpy(), np.asarray(X_b))
    np.testing.assert_array_equal(y_a.to_numpy(), np.asarray(y_b))
    # the string labels give the same rows as the integer codes
    int_res = NearMiss(version=version)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        int_res.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, int_res.sample_indices_)


@pytest.mark.parametrize("version", [1, 2, 3])
@pytest.mark.parametrize("nn", ["imbtab", "sklearn"])
def test_neighbours_objects(version, nn):
    X, y = _data(3)
    cls = KNeighbors if nn == "imbtab" else NearestNeighbors
    make = lambda k: cls(n_neighbors=k)  # noqa: E731
    ours = NearMiss(version=version, n_neighbors=make(4), n_neighbors_ver3=make(2))
    ref = ImbNearMiss(version=version, n_neighbors=4, n_neighbors_ver3=2)
    by_int = NearMiss(version=version, n_neighbors=4, n_neighbors_ver3=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for sampler in (ours, ref, by_int):
            sampler.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    np.testing.assert_array_equal(by_int.sample_indices_, ref.sample_indices_)
    assert ours.nn_.n_neighbors == 4
    assert ours.nn_ is not ours.n_neighbors  # cloned


@pytest.mark.parametrize("version", [1, 2, 3])
def test_blocked_paths_and_n_jobs_give_the_same_rows(version, monkeypatch):
    X, y = _data(3, n_features=8, random_state=3)
    expected = NearMiss(version=version).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        expected.fit_resample(X, y)
        monkeypatch.setattr(nearmiss_module, "_QUERY_CHUNK", 64)
        for n_jobs in (1, 2):
            got = NearMiss(version=version, n_jobs=n_jobs)
            got.fit_resample(X, y)
            np.testing.assert_array_equal(got.sample_indices_, expected.sample_indices_)


def test_float32_input_keeps_dtype():
    X, y = _data(2)
    X32 = X.astype(np.float32)
    for version in (1, 2, 3):
        sampler = NearMiss(version=version)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            X_res, _ = sampler.fit_resample(X32, y)
        assert X_res.dtype == np.float32
        np.testing.assert_array_equal(X_res, X32[sampler.sample_indices_])


def test_nearmiss3_warns_when_keeping_fewer_rows():
    X, y = _data(2)
    with pytest.warns(UserWarning, match="NearMiss-3 keeps"):
        _, y_res = NearMiss(version=3, n_neighbors_ver3=1).fit_resample(X, y)
    assert np.sum(y_res == 0) < np.sum(y_res == 1)


@pytest.mark.parametrize("version", [1, 3])
def test_neighbourhood_larger_than_minority_is_a_clear_error(version):
    X, y = _data(2, n_samples=200)
    y = y.copy()
    y[np.flatnonzero(y == 1)[2:]] = 0  # minority of 2 rows
    with pytest.raises(ValueError, match=r"class 1 has 2 sample\(s\).*n_neighbors=3"):
        NearMiss(version=version).fit_resample(X, y)


def test_version2_uses_all_minority_rows_when_fewer_than_n_neighbors():
    # as imbalanced-learn: the k farthest of 2 minority rows are both of them
    X, y = _data(2, n_samples=200)
    y = y.copy()
    y[np.flatnonzero(y == 1)[2:]] = 0
    _assert_same(*_both(X, y, version=2, n_neighbors=5))


def test_n_neighbors_ver3_larger_than_class_is_a_clear_error():
    X, y = _data(2, n_samples=200)
    with pytest.raises(ValueError, match="n_neighbors_ver3=500"):
        NearMiss(version=3, n_neighbors_ver3=500).fit_resample(X, y)


def test_bad_parameters_and_sparse_input():
    X, y = _data(2)
    with pytest.raises(ValueError, match="version"):
        NearMiss(version=4).fit_resample(X, y)
    with pytest.raises(ValueError, match="n_neighbors"):
        NearMiss(n_neighbors=0).fit_resample(X, y)
    with pytest.raises(TypeError, match="sparse"):
        NearMiss().fit_resample(sparse.csr_matrix(X), y)


def test_sample_weight_follows_the_kept_rows():
    X, y = _data(3)
    weights = np.linspace(0.5, 2.0, y.size)
    sampler = NearMiss(version=2)
    X_res, y_res, w_res = sampler.fit_resample(
        X, y, sample_weight=weights, return_sample_weight=True
    )
    np.testing.assert_array_equal(w_res, weights[sampler.sample_indices_])
    np.testing.assert_array_equal(y_res, y[sampler.sample_indices_])


def test_version2_more_neighbours_than_minority_rows_matches_imblearn():
    # imbalanced-learn sums dist[:, -k:] over all n_minority neighbours when k > n_minority
    X, y = _data(2, n_samples=200, random_state=5)
    keep = np.concatenate([np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:4]])
    X, y = X[keep], y[keep]
    _assert_same(*_both(X, y, version=2, n_neighbors=7))


def test_uses_only_the_public_engine_api():
    import inspect

    source = inspect.getsource(nearmiss_module)
    assert "neighbors._" not in source and "njit" not in source
