"""Contract tests shared by the SMOTE variants: counts, determinism, multiclass, weights."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from imbtab.over_sampling import (
    MWMOTE,
    SMOTEIPF,
    GeometricSMOTE,
    PolynomFitSMOTE,
    ProWSyn,
    SafeLevelSMOTE,
)

GROWERS = [
    SafeLevelSMOTE(random_state=0),
    GeometricSMOTE(random_state=0),
    GeometricSMOTE(selection_strategy="minority", truncation_factor=-0.5, random_state=0),
    GeometricSMOTE(selection_strategy="majority", deformation_factor=0.5, random_state=0),
    PolynomFitSMOTE(topology="star", random_state=0),
    PolynomFitSMOTE(topology="bus", random_state=0),
    PolynomFitSMOTE(topology="mesh", random_state=0),
    PolynomFitSMOTE(topology="polynomial", degree=3, random_state=0),
    ProWSyn(random_state=0),
    MWMOTE(random_state=0),
]
ALL = [*GROWERS, SMOTEIPF(n_folds=5, random_state=0)]


def _ids(samplers):
    return [repr(s) for s in samplers]


@pytest.fixture(scope="module")
def binary():
    return make_classification(
        n_samples=400,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        weights=[0.85, 0.15],
        random_state=1,
    )


@pytest.fixture(scope="module")
def multiclass():
    return make_classification(
        n_samples=500,
        n_features=5,
        n_informative=4,
        n_redundant=0,
        n_classes=3,
        weights=[0.6, 0.3, 0.1],
        n_clusters_per_class=1,
        random_state=2,
    )


@pytest.mark.parametrize("sampler", GROWERS, ids=_ids(GROWERS))
def test_exact_counts_binary_and_originals_first(sampler, binary):
    X, y = binary
    X_res, y_res = sampler.fit_resample(X, y)
    counts = Counter(y.tolist())
    assert Counter(y_res.tolist()) == {0: counts[0], 1: counts[0]}
    np.testing.assert_array_equal(X_res[: len(y)], X)
    np.testing.assert_array_equal(y_res[: len(y)], y)
    assert np.all(np.isfinite(X_res))


@pytest.mark.parametrize("sampler", GROWERS, ids=_ids(GROWERS))
def test_exact_counts_multiclass_dict(sampler, multiclass):
    X, y = multiclass
    counts = Counter(y.tolist())
    target = {1: counts[1] + 37, 2: counts[2] + 101}
    X_res, y_res = sampler.set_params(sampling_strategy=target).fit_resample(X, y)
    sampler.set_params(sampling_strategy="auto")
    assert Counter(y_res.tolist()) == {0: counts[0], **target}
    # new rows come class by class in sorted label order
    np.testing.assert_array_equal(y_res[len(y) :], np.repeat([1, 2], [37, 101]))


@pytest.mark.parametrize("sampler", ALL, ids=_ids(ALL))
def test_deterministic_and_n_jobs_independent(sampler, multiclass):
    X, y = multiclass
    X1, y1 = sampler.fit_resample(X, y)
    X2, y2 = sampler.fit_resample(X, y)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    if "n_jobs" in sampler.get_params():
        X3, y3 = sampler.set_params(n_jobs=2).fit_resample(X, y)
        sampler.set_params(n_jobs=None)
        np.testing.assert_array_equal(X1, X3)
        np.testing.assert_array_equal(y1, y3)
    other = sampler.set_params(random_state=1).fit_resample(X, y)[0]
    sampler.set_params(random_state=0)
    assert not np.array_equal(X1, other)  # the seed matters


@pytest.mark.parametrize("sampler", ALL, ids=_ids(ALL))
def test_sample_weight_and_pandas(sampler, binary):
    X, y = binary
    w = np.linspace(0.5, 2.0, len(y))
    Xdf = pd.DataFrame(X, columns=list("abcd"), index=np.arange(len(y)) * 2)
    ys = pd.Series(y, name="target", index=Xdf.index)
    X_res, y_res, w_res = sampler.fit_resample(Xdf, ys, sample_weight=w, return_sample_weight=True)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list("abcd")
    assert isinstance(y_res, pd.Series) and y_res.name == "target"
    assert len(w_res) == len(y_res)
    original = X_res.index.isin(Xdf.index)
    np.testing.assert_allclose(
        w_res[original], pd.Series(w, index=Xdf.index)[X_res.index[original]]
    )
    # synthetic rows: the class-mean weight, or a copied row's own weight (exact copies)
    by_row = {tuple(r): wi for r, wi in zip(X, w, strict=True)}
    for row, wi in zip(X_res.to_numpy()[~original], w_res[~original], strict=True):
        assert wi == by_row.get(tuple(row), w[y == 1].mean())
    assert not X_res.index.has_duplicates


@pytest.mark.parametrize("sampler", ALL, ids=_ids(ALL))
def test_too_small_class_is_a_clear_error(sampler):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(31, 3))
    y = np.array([0] * 30 + [1])
    if isinstance(sampler, GeometricSMOTE) and sampler.selection_strategy == "majority":
        # needs no same-class neighbour: it works: samples in the ball around the one row
        X_res, y_res = sampler.fit_resample(X, y)
        assert np.sum(y_res == 1) == 30 and np.all(np.isfinite(X_res))
        return
    with pytest.raises(ValueError, match=r"class 1 has 1 sample\(s\)"):
        sampler.fit_resample(X, y)


@pytest.mark.parametrize(
    "sampler",
    [SafeLevelSMOTE(k_neighbors=8), GeometricSMOTE(k_neighbors=8), SMOTEIPF(k_neighbors=8)],
    ids=str,
)
def test_k_neighbors_at_least_class_size(sampler):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(48, 3))
    y = np.array([0] * 40 + [1] * 8)
    with pytest.raises(ValueError, match=r"class 1 has 8 sample\(s\).*k_neighbors \+ 1"):
        sampler.fit_resample(X, y)


def test_integer_input_is_cast_like_imblearn(binary):
    X, y = binary
    Xi = np.round(X * 10).astype(np.int64)
    X_res, _ = SafeLevelSMOTE(random_state=0).fit_resample(Xi, y)
    assert X_res.dtype == np.int64
