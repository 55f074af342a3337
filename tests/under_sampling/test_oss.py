"""OneSidedSelection: exact agreement with imbalanced-learn."""

import numpy as np
import pandas as pd
import pytest
from imblearn.under_sampling import OneSidedSelection as ImbOSS
from sklearn.datasets import make_classification
from sklearn.neighbors import KNeighborsClassifier

from imbtab.under_sampling import OneSidedSelection


def _data(n_classes=2, n_samples=500, seed=0):
    weights = [0.8, 0.2] if n_classes == 2 else [0.6, 0.25, 0.15]
    return make_classification(
        n_samples=n_samples,
        n_features=5,
        n_informative=3,
        n_classes=n_classes,
        weights=weights,
        class_sep=0.6,
        random_state=seed,
    )


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(
    "params",
    [
        {"random_state": 0},
        {"random_state": 3, "n_neighbors": 3, "n_seeds_S": 5},
        {"random_state": np.random.RandomState(1), "sampling_strategy": "all"},
        {"random_state": 0, "n_neighbors": KNeighborsClassifier(n_neighbors=2)},
    ],
)
@pytest.mark.parametrize("frame", [False, True])
def test_matches_imblearn(n_classes, params, frame):
    X, y = _data(n_classes)
    X_in = pd.DataFrame(X) if frame else X
    ours = OneSidedSelection(**params)
    ref = ImbOSS(**params)
    if isinstance(params["random_state"], np.random.RandomState):
        ours.set_params(random_state=np.random.RandomState(1))
        ref.set_params(random_state=np.random.RandomState(1))
    X_a, y_a = ours.fit_resample(X_in, y)
    X_b, y_b = ref.fit_resample(X_in, y)
    assert len(y_a) < len(y)
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    np.testing.assert_array_equal(np.asarray(X_a), np.asarray(X_b))
    np.testing.assert_array_equal(y_a, y_b)


def test_weights_follow_rows():
    X, y = _data(2)
    w = np.random.default_rng(0).uniform(size=len(y))
    ours = OneSidedSelection(random_state=0)
    _, _, w_res = ours.fit_resample(X, y, sample_weight=w, return_sample_weight=True)
    np.testing.assert_array_equal(w_res, w[ours.sample_indices_])


def test_too_many_neighbours():
    X, y = _data(2, n_samples=60)
    with pytest.raises(ValueError, match="sample"):
        OneSidedSelection(n_neighbors=50).fit_resample(X, y)
