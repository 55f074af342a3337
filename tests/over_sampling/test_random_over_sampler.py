import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler as ImbRandomOverSampler
from scipy import sparse
from sklearn.datasets import make_classification

from imbtab.over_sampling import RandomOverSampler


def _data(n_classes=2, seed=0):
    weights = [0.8, 0.2] if n_classes == 2 else [0.6, 0.25, 0.15]
    return make_classification(
        n_samples=400,
        n_features=5,
        n_informative=3,
        n_classes=n_classes,
        weights=weights,
        random_state=seed,
    )


STRATEGIES = ["auto", "all", "minority", "not majority"]


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("shrinkage", [None, 0.0, 1.5])
@pytest.mark.parametrize("seed", [0, "state"])
def test_matches_imblearn(n_classes, strategy, shrinkage, seed):
    X, y = _data(n_classes)
    rs = (lambda: np.random.RandomState(7)) if seed == "state" else (lambda: seed)
    ours = RandomOverSampler(sampling_strategy=strategy, shrinkage=shrinkage, random_state=rs())
    ref = ImbRandomOverSampler(sampling_strategy=strategy, shrinkage=shrinkage, random_state=rs())
    X_a, y_a = ours.fit_resample(X, y)
    X_b, y_b = ref.fit_resample(X, y)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)


def test_dict_and_float_strategies_match_imblearn():
    X, y = _data(3)
    for strategy in [{1: 200, 2: 150}, lambda y: {2: 300}]:
        a = RandomOverSampler(sampling_strategy=strategy, random_state=3).fit_resample(X, y)
        b = ImbRandomOverSampler(sampling_strategy=strategy, random_state=3).fit_resample(X, y)
        np.testing.assert_array_equal(a[0], b[0])
    X, y = _data(2)
    a = RandomOverSampler(sampling_strategy=0.5, random_state=3).fit_resample(X, y)
    b = ImbRandomOverSampler(sampling_strategy=0.5, random_state=3).fit_resample(X, y)
    np.testing.assert_array_equal(a[1], b[1])


def test_shrinkage_dict_needs_every_class():
    X, y = _data(3)
    with pytest.raises(ValueError, match="missing classes"):
        RandomOverSampler(shrinkage={1: 1.0}).fit_resample(X, y)


def test_shrinkage_noise_scale():
    """Smoothed rows differ from their source row by noise of the documented scale."""
    X, y = make_classification(
        n_samples=4000,
        n_features=3,
        n_informative=3,
        n_redundant=0,
        weights=[0.5, 0.5],
        random_state=1,
    )
    y[:3000] = 0
    y[3000:] = 1
    ros = RandomOverSampler(shrinkage=2.0, random_state=0)
    X_res, _ = ros.fit_resample(X, y)
    source = X[ros.sample_indices_[len(y) :]]
    noise = X_res[len(y) :] - source
    n, d = X.shape
    h = (4 / ((d + 2) * n)) ** (1 / (d + 4))
    expected = 2.0 * h * X[y == 1].std(axis=0)
    np.testing.assert_allclose(noise.std(axis=0), expected, rtol=0.1)


def test_pandas_strings_and_missing_values_pass_through():
    X = pd.DataFrame(
        {"a": [1.0, np.nan, 3.0, 4.0, 5.0], "b": list("vwxyz")}, index=[10, 20, 30, 40, 50]
    )
    y = pd.Series(["no", "no", "no", "yes", "no"], index=X.index, name="t")
    ros = RandomOverSampler(random_state=0)
    X_res, y_res = ros.fit_resample(X, y)
    assert (y_res == "yes").sum() == 4
    assert X_res.index.tolist() == X.index[ros.sample_indices_].tolist()
    assert X_res.dtypes.equals(X.dtypes)
    assert X_res["a"].isna().sum() == 1


def test_smoothed_rows_get_fresh_index_and_source_weight():
    X, y = _data(2)
    frame = pd.DataFrame(X, index=np.arange(1000, 1400))
    weights = np.linspace(1, 2, len(y))
    ros = RandomOverSampler(shrinkage=1.0, random_state=0)
    X_res, y_res, w_res = ros.fit_resample(
        frame, y, sample_weight=weights, return_sample_weight=True
    )
    new = X_res.index[len(y) :]
    assert new[0] == 1400 and new.is_monotonic_increasing and not new.isin(frame.index).any()
    np.testing.assert_array_equal(w_res, weights[ros.sample_indices_])


def test_sparse_matches_dense():
    X, y = _data(2)
    for shrinkage in [None, 1.0]:
        dense = RandomOverSampler(shrinkage=shrinkage, random_state=0).fit_resample(X, y)[0]
        sp = RandomOverSampler(shrinkage=shrinkage, random_state=0).fit_resample(
            sparse.csr_matrix(X), y
        )[0]
        assert sparse.issparse(sp)
        np.testing.assert_allclose(sp.toarray(), dense)


def test_shrinkage_refuses_strings():
    X = np.array([["a", 1], ["b", 2], ["c", 3], ["d", 4]], dtype=object)
    with pytest.raises(TypeError, match="non-numeric"):
        RandomOverSampler(shrinkage=1.0).fit_resample(X, [0, 0, 0, 1])
