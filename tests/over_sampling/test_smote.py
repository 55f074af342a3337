"""SMOTE, BorderlineSMOTE, SVMSMOTE, KMeansSMOTE: exact equality with imbalanced-learn."""

import copy
import warnings

import imblearn.over_sampling as ref
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors

import imbtab.over_sampling as ours
from imbtab.neighbors import KNeighbors
from imbtab.over_sampling._smote.base import draw_samples, make_samples


def _binary(n=400, seed=1):
    return make_classification(n_samples=n, n_features=6, weights=[0.85], random_state=seed)


def _multiclass(n=500, seed=0):
    return make_classification(
        n_samples=n,
        n_features=6,
        n_informative=4,
        n_classes=3,
        weights=[0.6, 0.25, 0.15],
        class_sep=0.8,
        random_state=seed,
    )


CASES = [
    ("SMOTE", {}),
    ("BorderlineSMOTE", {}),
    ("BorderlineSMOTE", {"kind": "borderline-2"}),
    ("SVMSMOTE", {}),
    ("KMeansSMOTE", {"kmeans_estimator": 3, "cluster_balance_threshold": 0.05}),
]
IDS = [name + ("-" + "-".join(map(str, kw.values())) if kw else "") for name, kw in CASES]


def _run(module, name, kw, X, y, rs):
    return getattr(module, name)(random_state=copy.deepcopy(rs), **kw).fit_resample(X, y)


def _assert_same(a, b):
    np.testing.assert_array_equal(np.asarray(a[0]), np.asarray(b[0]))
    np.testing.assert_array_equal(np.asarray(a[1]), np.asarray(b[1]))


@pytest.mark.parametrize(("name", "kw"), CASES, ids=IDS)
@pytest.mark.parametrize("data", ["binary", "multiclass"])
@pytest.mark.parametrize("seed", [0, "rs"], ids=["int", "RandomState"])
def test_same_output_as_imblearn(name, kw, data, seed):
    X, y = _binary() if data == "binary" else _multiclass()
    rs = np.random.RandomState(7) if seed == "rs" else seed
    expected = _run(ref, name, kw, X, y, rs)
    got = _run(ours, name, kw, X, y, rs)
    _assert_same(got, expected)
    assert got[0].dtype == expected[0].dtype


@pytest.mark.parametrize(("name", "kw"), CASES, ids=IDS)
def test_same_output_as_imblearn_pandas(name, kw):
    X, y = _multiclass()
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    series = pd.Series(y, name="target")
    expected = _run(ref, name, kw, frame, series, 0)
    got = _run(ours, name, kw, frame, series, 0)
    assert isinstance(got[0], pd.DataFrame) and isinstance(got[1], pd.Series)
    assert list(got[0].columns) == list(frame.columns) and got[1].name == "target"
    _assert_same((got[0].to_numpy(), got[1].to_numpy()), (expected[0], expected[1]))
    pd.testing.assert_index_equal(got[0].index, pd.RangeIndex(len(got[1])))


@pytest.mark.parametrize(
    "strategy",
    [0.5, "minority", "not majority", "all", {1: 300, 2: 200}, lambda y: {2: 150}],
    ids=["float", "minority", "not-majority", "all", "dict", "callable"],
)
def test_sampling_strategy_forms(strategy):
    X, y = _binary() if isinstance(strategy, float) else _multiclass()
    expected = ref.SMOTE(sampling_strategy=strategy, random_state=3).fit_resample(X, y)
    got = ours.SMOTE(sampling_strategy=strategy, random_state=3).fit_resample(X, y)
    _assert_same(got, expected)


def test_float32_and_large_int_input():
    X, y = _multiclass()
    X32 = X.astype(np.float32)
    expected = ref.SMOTE(random_state=0).fit_resample(X32, y)
    got = ours.SMOTE(random_state=0).fit_resample(X32, y)
    assert got[0].dtype == np.float32
    _assert_same(got, expected)
    # integers with a wide range (no distance ties): cast back to int as imblearn
    Xi = (X * 1e6).astype(np.int64)
    expected = ref.SMOTE(random_state=0).fit_resample(Xi, y)
    got = ours.SMOTE(random_state=0).fit_resample(Xi, y)
    assert got[0].dtype == np.int64
    _assert_same(got, expected)


@pytest.mark.parametrize("nn", [NearestNeighbors(n_neighbors=4), KNeighbors(n_neighbors=4)])
@pytest.mark.parametrize(("name", "kw"), CASES[:3], ids=IDS[:3])
def test_neighbours_objects(nn, name, kw):
    X, y = _multiclass()
    kw = {**kw, "k_neighbors": nn}
    if name == "BorderlineSMOTE":
        kw["m_neighbors"] = clone_nn(nn, 8)
    expected = _run(ref, name, kw, X, y, 0)
    got = _run(ours, name, kw, X, y, 0)
    _assert_same(got, expected)


def clone_nn(nn, k):
    return type(nn)(n_neighbors=k)


def test_k_neighbors_larger_than_class():
    X, y = _binary(n=200)
    small = np.concatenate([np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:4]])
    for sampler in [
        ours.SMOTE(k_neighbors=5),
        ours.BorderlineSMOTE(k_neighbors=5),
        ours.SVMSMOTE(k_neighbors=5),
        ours.KMeansSMOTE(k_neighbors=5),
    ]:
        with pytest.raises(ValueError, match=r"(?s)sample.*neighbo"):
            sampler.fit_resample(X[small], y[small])


def test_sample_weight_of_synthetic_rows_is_class_mean():
    X, y = _multiclass()
    w = np.random.RandomState(0).uniform(0.5, 2.0, size=y.size)
    X_res, y_res, w_res = ours.SMOTE(random_state=0).fit_resample(
        X, y, sample_weight=w, return_sample_weight=True
    )
    np.testing.assert_array_equal(w_res[: y.size], w)
    for klass in (1, 2):
        new = y_res[y.size :] == klass
        assert new.any()
        np.testing.assert_allclose(w_res[y.size :][new], w[y == klass].mean())


def test_borderline_without_danger_warns_and_adds_nothing():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(0, 1, (200, 2)), rng.normal(50, 1, (20, 2))])
    y = np.array([0] * 200 + [1] * 20)
    with pytest.warns(UserWarning, match="danger"):
        X_res, y_res = ours.BorderlineSMOTE(random_state=0).fit_resample(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = ref.BorderlineSMOTE(random_state=0).fit_resample(X, y)
    _assert_same((X_res, y_res), expected)
    assert y_res.size == y.size


def test_make_samples_matches_formula():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 4))
    nns = rng.randint(0, 30, size=(30, 3))
    rows, cols, steps = draw_samples(0, 30, 3, 50, step_size=-0.5)
    assert np.all(steps <= 0) and np.all(steps > -0.5)
    expected = X[rows] + steps[:, None] * (X[nns[rows, cols]] - X[rows])
    np.testing.assert_array_equal(make_samples(X, X, nns, rows, cols, steps), expected)
    scale = rng.uniform(size=50)
    expected = X[rows] + steps[:, None] * ((X[nns[rows, cols]] - X[rows]) * scale[:, None])
    np.testing.assert_array_equal(
        make_samples(X, X, nns, rows, cols, steps, diff_scale=scale), expected
    )


def test_draw_samples_stream_order():
    rng = np.random.RandomState(5)
    idx = rng.randint(0, 12, size=7)
    u = rng.uniform(size=7)
    rows, cols, steps = draw_samples(5, 4, 3, 7)
    np.testing.assert_array_equal(rows, idx // 3)
    np.testing.assert_array_equal(cols, idx % 3)
    np.testing.assert_array_equal(steps, u)


def test_new_rows_lie_between_a_row_and_its_neighbour():
    X, y = _binary()
    X_res, y_res = ours.SMOTE(random_state=0, k_neighbors=3).fit_resample(X, y)
    X_min = X[y == 1]
    new = X_res[y.size :]
    # interpolation never leaves the bounding box of the class
    lo, hi = X_min.min(axis=0), X_min.max(axis=0)
    assert np.all(new >= lo - 1e-12) and np.all(new <= hi + 1e-12)
