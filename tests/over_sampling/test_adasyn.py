"""ADASYN: exact equality with imbalanced-learn, and its errors."""

import copy

import imblearn.over_sampling as ref
import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors

from imbtab.neighbors import KNeighbors
from imbtab.over_sampling import ADASYN


def _data(n_classes):
    weights = [0.85] if n_classes == 2 else [0.6, 0.25, 0.15]
    return make_classification(
        n_samples=500,
        n_features=6,
        n_informative=4,
        n_classes=n_classes,
        weights=weights,
        class_sep=0.8,
        random_state=0,
    )


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("seed", [0, "rs"], ids=["int", "RandomState"])
@pytest.mark.parametrize("strategy", ["auto", "all"])
def test_same_output_as_imblearn(n_classes, seed, strategy):
    X, y = _data(n_classes)
    rs = np.random.RandomState(2) if seed == "rs" else seed
    kw = {"sampling_strategy": strategy}
    expected = ref.ADASYN(random_state=copy.deepcopy(rs), **kw).fit_resample(X, y)
    got = ADASYN(random_state=copy.deepcopy(rs), **kw).fit_resample(X, y)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])


def test_pandas_and_neighbours_objects():
    X, y = _data(3)
    frame = pd.DataFrame(X, columns=list("abcdef"))
    expected = ref.ADASYN(random_state=0).fit_resample(frame, pd.Series(y))
    got = ADASYN(random_state=0).fit_resample(frame, pd.Series(y))
    assert isinstance(got[0], pd.DataFrame)
    np.testing.assert_array_equal(got[0].to_numpy(), expected[0].to_numpy())
    np.testing.assert_array_equal(got[1].to_numpy(), expected[1].to_numpy())
    for nn in (NearestNeighbors(n_neighbors=4), KNeighbors(n_neighbors=4)):
        expected = ref.ADASYN(random_state=0, n_neighbors=nn).fit_resample(X, y)
        got = ADASYN(random_state=0, n_neighbors=nn).fit_resample(X, y)
        np.testing.assert_array_equal(got[0], expected[0])


def test_counts_follow_the_density_ratio():
    # rows surrounded by the other class get more synthetic rows
    X, y = _data(2)
    sampler = ADASYN(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    n_new = y_res.size - y.size
    assert abs(n_new - sampler.sampling_strategy_[1]) <= np.sum(y == 1)


def test_errors():
    X, y = _data(2)
    small = np.concatenate([np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:3]])
    with pytest.raises(ValueError, match=r"(?s)sample.*neighbo"):
        ADASYN().fit_resample(X[small], y[small])
    rng = np.random.RandomState(0)
    X_far = np.vstack([rng.normal(0, 1, (100, 2)), rng.normal(100, 1, (20, 2))])
    y_far = np.array([0] * 100 + [1] * 20)
    with pytest.raises(RuntimeError, match="another class"):
        ADASYN().fit_resample(X_far, y_far)
