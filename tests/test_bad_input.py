"""The bad-input table: every registered sampler either supports an input (as its tags
declare) or refuses it with an error that names the problem. Never a silent no-op."""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone

from tests._registry import instances

SAMPLERS = instances("sampler")
IDS = [type(s).__name__ for s in SAMPLERS]


def _data(n_major=60, n_minor=20, n_features=4, seed=0):
    rng = np.random.default_rng(seed)
    X = np.vstack(
        [rng.normal(0, 1, (n_major, n_features)), rng.normal(1.5, 1, (n_minor, n_features))]
    )
    y = np.array([0] * n_major + [1] * n_minor)
    return X, y


def _tags(sampler):
    return sampler.__sklearn_tags__().input_tags


def _changed(X_res, y_res, X, y):
    return len(y_res) != len(y) or not np.array_equal(np.asarray(y_res), np.asarray(y))


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
@pytest.mark.parametrize("bad_value", [np.nan, np.inf])
def test_non_finite(sampler, bad_value):
    X, y = _data()
    X[3, 1] = bad_value
    if _tags(sampler).allow_nan:
        X_res, y_res = clone(sampler).fit_resample(X, y)
        assert _changed(X_res, y_res, X, y)
    else:
        with pytest.raises(ValueError, match="NaN|infinity"):
            clone(sampler).fit_resample(X, y)


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_single_class(sampler):
    X, y = _data()
    with pytest.raises(ValueError, match="more than 1 class"):
        clone(sampler).fit_resample(X, np.zeros_like(y))


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_empty_input(sampler):
    with pytest.raises(ValueError, match=r"0 sample|empty|0 feature"):
        clone(sampler).fit_resample(np.empty((0, 4)), np.empty(0, dtype=int))


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_mismatched_lengths(sampler):
    X, y = _data()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        clone(sampler).fit_resample(X, y[:-5])


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_class_with_one_sample(sampler):
    X, y = _data(n_minor=1)
    try:
        X_res, y_res = clone(sampler).fit_resample(X, y)
    except ValueError as exc:
        assert "sample" in str(exc) and ("neighbo" in str(exc) or "class" in str(exc)), exc
    else:
        # a cleaning rule may legitimately find nothing to clean; others must resample
        if sampler._sampling_type != "clean-sampling":
            assert _changed(X_res, y_res, X, y)


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_object_columns(sampler):
    X, y = _data()
    frame = pd.DataFrame(X, columns=list("abcd"))
    frame["colour"] = np.where(np.arange(len(y)) % 2, "red", "blue")
    if _tags(sampler).string:
        X_res, y_res = clone(sampler).fit_resample(frame, y)
        assert list(X_res.columns) == list(frame.columns)
        assert set(X_res["colour"]) <= {"red", "blue"}
    else:
        with pytest.raises(TypeError, match="non-numeric"):
            clone(sampler).fit_resample(frame, y)


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_two_dimensional_y(sampler):
    X, y = _data()
    y2 = np.column_stack([y, y])  # two label columns: multi-output, not one-hot
    with pytest.raises(ValueError, match="[Mm]ultilabel|multioutput|multi-output"):
        clone(sampler).fit_resample(X, y2)


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_sparse_input(sampler):
    X, y = _data()
    if _tags(sampler).sparse:
        X_res, y_res = clone(sampler).fit_resample(sparse.csr_matrix(X), y)
        assert sparse.issparse(X_res)
        assert _changed(X_res, y_res, X, y)
    else:
        with pytest.raises(TypeError, match="sparse"):
            clone(sampler).fit_resample(sparse.csr_matrix(X), y)


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
@pytest.mark.parametrize(
    "weights, match",
    [(np.ones(10), "values but X has"), (-np.ones(80), "negative"), (np.full(80, np.nan), "NaN")],
)
def test_bad_sample_weight(sampler, weights, match):
    X, y = _data()
    with pytest.raises(ValueError, match=match):
        clone(sampler).fit_resample(X, y, sample_weight=weights)


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_sample_weight_follows_rows(sampler):
    """Kept rows keep their weight; every returned weight is one of the inputs' or a class mean."""
    X, y = _data()
    weights = np.arange(1, 81, dtype=float)
    X_res, y_res, w_res = clone(sampler).fit_resample(
        X, y, sample_weight=weights, return_sample_weight=True
    )
    assert w_res.shape == (len(y_res),)
    # rows equal to an input row carry that row's weight (data are continuous: rows are unique)
    lookup = {tuple(row): w for row, w in zip(X, weights, strict=True)}
    matched = [
        (lookup[tuple(row)], w) for row, w in zip(X_res, w_res, strict=True) if tuple(row) in lookup
    ]
    assert matched, "no original row survived"
    assert all(a == b for a, b in matched)


@pytest.mark.parametrize("sampler", SAMPLERS, ids=IDS)
def test_pandas_index_kept(sampler):
    X, y = _data()
    index = pd.Index([f"row{i}" for i in range(len(y))])
    frame = pd.DataFrame(X, columns=list("abcd"), index=index)
    series = pd.Series(y, index=index, name="label")
    fitted = clone(sampler)
    X_res, y_res = fitted.fit_resample(frame, series)
    assert X_res.index.equals(y_res.index)
    assert y_res.name == "label"
    if hasattr(fitted, "sample_indices_"):
        assert X_res.index.equals(index[fitted.sample_indices_])
    else:  # synthetic rows carry fresh labels, never an input's
        assert not X_res.index.has_duplicates
    kept = X_res.index.isin(index)
    # a kept label points at its original row
    np.testing.assert_array_equal(
        X_res.loc[kept].to_numpy(), frame.loc[X_res.index[kept]].to_numpy()
    )
