"""The sampler base's contract, tested through a minimal subclass and the random samplers."""

import numpy as np
import pandas as pd
import pytest

from imbtab.base import BaseOverSampler, NewRows, Resampled, check_sample_weight, fresh_index


class _MidpointSampler(BaseOverSampler):
    """Adds, per class to grow, midpoints of consecutive rows (a deterministic toy sampler)."""

    def __init__(self, *, sampling_strategy="auto"):
        super().__init__(sampling_strategy=sampling_strategy)

    def _resample(self, X, y, sample_weight):
        new_X, new_y = [], []
        for klass, n_new in self.sampling_strategy_.items():
            rows = np.flatnonzero(y == klass)
            pairs = np.resize(rows, n_new + 1)
            new_X.append((X[pairs[:-1]] + X[pairs[1:]]) / 2)
            new_y.append(np.full(n_new, klass))
        return Resampled.append(len(y), np.concatenate(new_X), np.concatenate(new_y))


class _MidpointIntoOutput(_MidpointSampler):
    """The same toy sampler writing its rows through NewRows (straight into the output)."""

    def _resample(self, X, y, sample_weight):
        out = NewRows(X, y, sum(self.sampling_strategy_.values()) + 3)  # 3 spare rows
        start = 0
        for klass, n_new in self.sampling_strategy_.items():
            rows = np.flatnonzero(y == klass)
            pairs = np.resize(rows, n_new + 1)
            out.X_new[start : start + n_new] = (X[pairs[:-1]] + X[pairs[1:]]) / 2
            out.y_new[start : start + n_new] = klass
            start += n_new
        self.last_stacked_ = out.X_all is not None
        return out.result(start)


def _frame():
    X = pd.DataFrame({"a": np.arange(8.0), "b": np.arange(8.0) ** 2}, index=list("pqrstuvw"))
    y = pd.Series([0, 0, 0, 0, 0, 1, 1, 0], index=X.index, name="target")
    return X, y


def test_synthetic_rows_get_non_colliding_string_labels():
    X, y = _frame()
    X_res, y_res = _MidpointSampler().fit_resample(X, y)
    assert X_res.index[:8].equals(X.index)
    assert list(X_res.index[8:]) == [f"synthetic_{i}" for i in range(4)]
    assert y_res.index.equals(X_res.index) and y_res.name == "target"
    np.testing.assert_allclose(X_res.iloc[8].to_numpy(), (X.loc["u"] + X.loc["v"]) / 2)


def test_fresh_index_rules():
    assert list(fresh_index(pd.Index([5, 2, 9]), 2)) == [10, 11]
    assert list(fresh_index(pd.RangeIndex(0), 2)) == [0, 1]
    clash = pd.Index(["synthetic_0", "x"])
    assert list(fresh_index(clash, 2)) == ["_synthetic_0", "_synthetic_1"]


def test_synthetic_weight_is_class_mean():
    X, y = _frame()
    w = np.arange(1.0, 9.0)
    _, y_res, w_res = _MidpointSampler().fit_resample(
        X, y, sample_weight=w, return_sample_weight=True
    )
    np.testing.assert_array_equal(w_res[:8], w)
    np.testing.assert_array_equal(w_res[8:], np.full(4, (6 + 7) / 2))


def test_weights_default_to_ones_when_asked():
    X, y = _frame()
    *_, w_res = _MidpointSampler().fit_resample(X, y, return_sample_weight=True)
    np.testing.assert_array_equal(w_res, np.ones(12))


def test_numpy_in_numpy_out_and_list_in_list_out():
    X, y = _frame()
    X_res, y_res = _MidpointSampler().fit_resample(X.to_numpy(), y.to_numpy())
    assert isinstance(X_res, np.ndarray) and X_res.shape == (12, 2)
    X_res, y_res = _MidpointSampler().fit_resample(X.to_numpy().tolist(), y.tolist())
    assert isinstance(X_res, list) and isinstance(y_res, list) and len(y_res) == 12


def test_series_target_with_numpy_features():
    X, y = _frame()
    _, y_res = _MidpointSampler().fit_resample(X.to_numpy(), y)
    assert isinstance(y_res, pd.Series) and y_res.index[8] == "synthetic_0"


def test_integer_columns_keep_dtype_in_pandas():
    X = pd.DataFrame({"a": np.arange(8), "b": np.arange(8) * 2})
    y = [0, 0, 0, 0, 0, 1, 1, 0]
    X_res, _ = _MidpointSampler().fit_resample(X, y)
    assert X_res.dtypes.equals(X.dtypes)
    assert list(X_res.index[8:]) == [8, 9, 10, 11]


def test_sample_weight_validation_messages():
    with pytest.raises(ValueError, match="1-D"):
        check_sample_weight(np.ones((3, 2)), 3)
    with pytest.raises(TypeError, match="numeric"):
        check_sample_weight(np.array(["a", "b"]), 2)


def test_non_numeric_columns_are_named():
    X, y = _frame()
    X["colour"] = "red"
    with pytest.raises(TypeError, match="colour"):
        _MidpointSampler().fit_resample(X, y)


def test_return_sample_weight_is_not_routed_metadata():
    from sklearn import config_context

    with config_context(enable_metadata_routing=True):
        request = _MidpointSampler().get_metadata_routing()
        assert "return_sample_weight" not in str(request)
        assert "sample_weight" in str(request)


@pytest.mark.parametrize("container", ["numpy", "pandas", "list", "frame-array"])
def test_new_rows_gives_the_same_output_as_append(container):
    X, y = _frame()
    if container == "frame-array":
        y = y.to_numpy()
    elif container == "numpy":
        X, y = X.to_numpy(), y.to_numpy()
    elif container == "list":
        X, y = X.to_numpy().tolist(), y.tolist()
    w = np.arange(1.0, 9.0)
    sampler = _MidpointIntoOutput()
    X_a, y_a, w_a = _MidpointSampler().fit_resample(
        X, y, sample_weight=w, return_sample_weight=True
    )
    X_b, y_b, w_b = sampler.fit_resample(X, y, sample_weight=w, return_sample_weight=True)
    # plain arrays are written in place; a DataFrame output is built from fresh rows
    assert sampler.last_stacked_ == (container not in ("pandas", "frame-array"))
    assert type(X_b) is type(X_a) and type(y_b) is type(y_a)
    if container in ("pandas", "frame-array"):
        pd.testing.assert_frame_equal(X_b, X_a)
        if container == "pandas":
            pd.testing.assert_series_equal(y_b, y_a)
        else:
            np.testing.assert_array_equal(y_b, y_a)
    else:
        np.testing.assert_array_equal(X_b, X_a)
        np.testing.assert_array_equal(y_b, y_a)
    np.testing.assert_array_equal(w_b, w_a)
    assert len(y_b) == 12  # the spare rows are trimmed


def test_new_rows_promotes_like_a_concatenation():
    X = np.arange(6, dtype=np.int32).reshape(3, 2)
    out = NewRows(X, np.zeros(3, dtype=int), 2, dtype=np.float64)
    assert out.X_all.dtype == np.float64 and out.X_new.dtype == np.float64
    np.testing.assert_array_equal(out.X_all[:3], X)


def test_pandas_sparse_columns_are_densified_and_stay_sparse_in_the_output():
    X, y = _frame()
    X_sparse = X.astype({"a": pd.SparseDtype(float, 0.0)})
    X_res, y_res = _MidpointSampler().fit_resample(X_sparse, y)
    X_ref, y_ref = _MidpointSampler().fit_resample(X, y)
    assert isinstance(X_res.dtypes["a"], pd.SparseDtype)
    assert not isinstance(X_res.dtypes["b"], pd.SparseDtype)
    np.testing.assert_array_equal(X_res.to_numpy(), X_ref.to_numpy())
    assert X_res.index.equals(X_ref.index)
    pd.testing.assert_series_equal(y_res, y_ref)
    # a scipy sparse matrix is still refused by a dense-only sampler
    from scipy import sparse

    with pytest.raises(TypeError, match="sparse"):
        _MidpointSampler().fit_resample(sparse.csr_matrix(X.to_numpy()), y)
