"""SMOTENC and SMOTEN: exact equality with imbalanced-learn, pandas, high cardinality."""

import copy
import tracemalloc

import imblearn.over_sampling as ref
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import OneHotEncoder

from imbtab.over_sampling import SMOTEN, SMOTENC

CAT = [1, 3, 4]


def _mixed(n=400, n_classes=2, levels=(3, 5, 40), seed=0):
    weights = [0.8] if n_classes == 2 else [0.6, 0.25, 0.15]
    X, y = make_classification(
        n_samples=n,
        n_features=6,
        n_informative=4,
        n_classes=n_classes,
        weights=weights,
        random_state=seed,
    )
    rng = np.random.RandomState(seed)
    for j, n_levels in zip(CAT, levels, strict=True):
        X[:, j] = rng.randint(0, n_levels, n)
    return X, y


def _frame(X):
    frame = pd.DataFrame(X, columns=[f"c{j}" for j in range(X.shape[1])])
    for j in CAT:
        frame[f"c{j}"] = pd.Categorical([f"L{int(v):03d}" for v in X[:, j]])
    return frame


def _same(got, expected):
    np.testing.assert_array_equal(np.asarray(got[0]), np.asarray(expected[0]))
    np.testing.assert_array_equal(np.asarray(got[1]), np.asarray(expected[1]))


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("seed", [0, "rs"], ids=["int", "RandomState"])
def test_smotenc_same_output_as_imblearn(n_classes, seed):
    X, y = _mixed(n_classes=n_classes)
    rs = np.random.RandomState(4) if seed == "rs" else seed
    kw = {"categorical_features": CAT}
    expected = ref.SMOTENC(random_state=copy.deepcopy(rs), **kw).fit_resample(X, y)
    got = SMOTENC(random_state=copy.deepcopy(rs), **kw).fit_resample(X, y)
    _same(got, expected)


@pytest.mark.parametrize(
    "spec",
    ["auto", ["c1", "c3", "c4"], [False, True, False, True, True, False]],
    ids=["auto", "names", "mask"],
)
def test_smotenc_pandas(spec):
    X, y = _mixed(n_classes=3)
    frame = _frame(X)
    expected = ref.SMOTENC(categorical_features=spec, random_state=0).fit_resample(frame, y)
    got = SMOTENC(categorical_features=spec, random_state=0).fit_resample(frame, y)
    assert isinstance(got[0], pd.DataFrame)
    assert list(got[0].dtypes) == list(frame.dtypes)
    pd.testing.assert_frame_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])


def test_smotenc_auto_takes_string_columns():
    X, y = _mixed()
    frame = _frame(X)
    for j in CAT:
        frame[f"c{j}"] = frame[f"c{j}"].astype(str)  # plain strings, not category dtype
    X_res, _ = SMOTENC(categorical_features="auto", random_state=0).fit_resample(frame, y)
    expected, _ = ref.SMOTENC(categorical_features=CAT, random_state=0).fit_resample(
        frame.to_numpy(dtype=object), y
    )
    np.testing.assert_array_equal(X_res.to_numpy(dtype=object), expected)
    assert set(X_res["c4"]) <= set(frame["c4"])


def test_smotenc_encoder_and_neighbours_objects():
    X, y = _mixed(n_classes=3)
    kw = {
        "categorical_features": CAT,
        "categorical_encoder": OneHotEncoder(handle_unknown="ignore"),
        "k_neighbors": NearestNeighbors(n_neighbors=4),
        "random_state": 1,
    }
    _same(SMOTENC(**kw).fit_resample(X, y), ref.SMOTENC(**kw).fit_resample(X, y))
    bad = {**kw, "categorical_encoder": OneHotEncoder(drop="first")}
    with pytest.raises(ValueError, match="one column per category"):
        SMOTENC(**bad).fit_resample(X, y)


def test_smotenc_constant_continuous_class():
    # median std 0: the vote uses plain counts (imbalanced-learn's special case)
    X, y = _mixed()
    X[y == 1, 0] = 1.5
    X[y == 1, 2] = -0.5
    kw = {"categorical_features": CAT, "random_state": 0}
    _same(SMOTENC(**kw).fit_resample(X, y), ref.SMOTENC(**kw).fit_resample(X, y))


def test_smotenc_high_cardinality_small_memory():
    # 3 columns of 3,000 levels: imbalanced-learn's vote array would be
    # n_new * k * 9,000 floats (~3.4 GB here); ours stays small
    X, y = _mixed(n=10_000, levels=(3000, 3000, 3000))
    sampler = SMOTENC(categorical_features=CAT, random_state=0)
    sampler.fit_resample(X[:500], y[:500])  # compile outside the measurement
    tracemalloc.start()
    X_res, y_res = sampler.fit_resample(X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n_new = y_res.size - y.size
    assert n_new > 5000
    assert peak < 60 * 2**20, peak
    assert np.all(np.isin(X_res[y.size :, CAT], X[:, CAT]))
    # and the same rule as imbalanced-learn on a slice where it fits in memory
    X_small, y_small = X[:800], y[:800]
    kw = {"categorical_features": CAT, "random_state": 0}
    _same(
        SMOTENC(**kw).fit_resample(X_small, y_small),
        ref.SMOTENC(**kw).fit_resample(X_small, y_small),
    )


def test_smotenc_errors():
    X, y = _mixed()
    with pytest.raises(ValueError, match="only with categorical"):
        SMOTENC(categorical_features=list(range(6))).fit_resample(X, y)
    with pytest.raises(ValueError, match="only with numerical"):
        SMOTENC(categorical_features=[]).fit_resample(X, y)
    with pytest.raises(ValueError, match="should be a pandas.DataFrame"):
        SMOTENC(categorical_features="auto").fit_resample(X, y)
    X_nan = X.copy()
    X_nan[0, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SMOTENC(categorical_features=CAT).fit_resample(X_nan, y)
    small = np.concatenate([np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:3]])
    with pytest.raises(ValueError, match=r"(?s)sample.*neighbo"):
        SMOTENC(categorical_features=CAT).fit_resample(X[small], y[small])


def _nominal(n=300, n_classes=2, seed=0):
    rng = np.random.RandomState(seed)
    p = [0.7, 0.3] if n_classes == 2 else [0.6, 0.25, 0.15]
    y = rng.choice(n_classes, n, p=p)
    X = np.column_stack(
        [
            np.array([f"v{v}" for v in rng.randint(0, n_levels, n)], dtype=object)
            for n_levels in (4, 6, 8, 5, 7, 9)
        ]
    )
    return X, y


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("seed", [0, "rs"], ids=["int", "RandomState"])
@pytest.mark.parametrize("k", [5, "nn"])
def test_smoten_same_output_as_imblearn(n_classes, seed, k):
    X, y = _nominal(n_classes=n_classes)
    rs = np.random.RandomState(3) if seed == "rs" else seed
    k = NearestNeighbors(n_neighbors=4) if k == "nn" else k
    expected = ref.SMOTEN(random_state=copy.deepcopy(rs), k_neighbors=k).fit_resample(X, y)
    got = SMOTEN(random_state=copy.deepcopy(rs), k_neighbors=k).fit_resample(X, y)
    _same(got, expected)


def test_smoten_pandas():
    X, y = _nominal(n_classes=3)
    frame = pd.DataFrame(X, columns=list("abcdef")).astype("category")
    expected = ref.SMOTEN(random_state=0).fit_resample(frame, y)
    got = SMOTEN(random_state=0).fit_resample(frame, y)
    assert isinstance(got[0], pd.DataFrame)
    assert list(got[0].dtypes) == list(frame.dtypes)
    np.testing.assert_array_equal(got[0].to_numpy(), np.asarray(expected[0]))
    with pytest.raises(ValueError, match="missing"):
        SMOTEN().fit_resample(frame.astype(object).where(frame != "v1", None), y)
