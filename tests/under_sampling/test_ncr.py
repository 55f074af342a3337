"""NeighbourhoodCleaningRule: exact agreement with imbalanced-learn."""

import numpy as np
import pandas as pd
import pytest
from imblearn.under_sampling import EditedNearestNeighbours as ImbENN
from imblearn.under_sampling import NeighbourhoodCleaningRule as ImbNCR
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors

from imbtab.under_sampling import EditedNearestNeighbours, NeighbourhoodCleaningRule


def _data(n_classes=2, n_samples=500, seed=0, weights=None):
    if weights is None:
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


def _same(ours, ref, X, y):
    X_a, y_a = ours.fit_resample(X, y)
    X_b, y_b = ref.fit_resample(X, y)
    assert len(y_a) < len(y)
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    np.testing.assert_array_equal(np.asarray(X_a), np.asarray(X_b))
    np.testing.assert_array_equal(np.asarray(y_a), np.asarray(y_b))
    assert ours.classes_to_clean_ == ref.classes_to_clean_


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"n_neighbors": 5, "threshold_cleaning": 1.5},
        {"n_neighbors": 4, "sampling_strategy": "all"},
        {"n_neighbors": NearestNeighbors(n_neighbors=4)},
    ],
)
def test_matches_imblearn(n_classes, params):
    X, y = _data(n_classes)
    _same(NeighbourhoodCleaningRule(**params), ImbNCR(**params), X, y)


def test_custom_editing_step_and_pandas():
    X, y = _data(3, seed=1)
    frame = pd.DataFrame(X, index=np.arange(len(y))[::-1])
    series = pd.Series(y, index=frame.index)
    _same(
        NeighbourhoodCleaningRule(edited_nearest_neighbours=EditedNearestNeighbours()),
        ImbNCR(edited_nearest_neighbours=ImbENN()),
        frame,
        series,
    )


def test_large_majority_uses_the_screen_and_stays_exact():
    X, y = _data(2, n_samples=6000, seed=2, weights=[0.97, 0.03])
    _same(NeighbourhoodCleaningRule(), ImbNCR(), X, y)


def test_too_many_neighbours():
    X, y = _data(2, n_samples=30)
    with pytest.raises(ValueError, match="sample"):
        NeighbourhoodCleaningRule(n_neighbors=30).fit_resample(X, y)


@pytest.mark.parametrize("k", [3, 4, 5])
def test_screened_vote_matches_imblearn(monkeypatch, k):
    # the editing step's screen only rules out ceil(k/2) other-class neighbours (what
    # the vote needs); forced on small data, the kept rows must not change
    from imbtab.neighbors import _screen

    monkeypatch.setattr(_screen, "_MIN_ROWS", 50)
    monkeypatch.setattr(_screen, "_CELL_SIZE", 40)
    X, y = _data(2, n_samples=1500, seed=3, weights=[0.9, 0.1])
    _same(NeighbourhoodCleaningRule(n_neighbors=k), ImbNCR(n_neighbors=k), X, y)
    _same_enn = EditedNearestNeighbours(n_neighbors=k, kind_sel="mode")
    X_a, _ = _same_enn.fit_resample(X, y)
    X_b, _ = ImbENN(n_neighbors=k, kind_sel="mode").fit_resample(X, y)
    np.testing.assert_array_equal(X_a, X_b)
