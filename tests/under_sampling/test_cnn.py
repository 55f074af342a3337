"""CondensedNearestNeighbour: the block scan gives imbalanced-learn's rows."""

import numpy as np
import pandas as pd
import pytest
from imblearn.under_sampling import CondensedNearestNeighbour as ImbCNN
from sklearn.datasets import make_classification
from sklearn.neighbors import KNeighborsClassifier

from imbtab.under_sampling import CondensedNearestNeighbour
from imbtab.under_sampling._prototype_selection import _condensed_nearest_neighbour as cnn_mod


def _data(n_classes=2, n_samples=400, seed=0):
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
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    np.testing.assert_array_equal(np.asarray(X_a), X_b)
    np.testing.assert_array_equal(np.asarray(y_a), y_b)
    return ours


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(
    "params",
    [
        {"random_state": 0},
        {"random_state": 1, "n_neighbors": 3, "n_seeds_S": 3},
        {"random_state": 2, "n_neighbors": 2, "sampling_strategy": "all"},
    ],
)
@pytest.mark.parametrize("block", [1024, 37])
@pytest.mark.parametrize("witness", [False, True])
def test_matches_imblearn(n_classes, params, block, witness, monkeypatch):
    # a small block size puts block boundaries inside the scan; the witness screen
    # (k = 1 only) is forced on small data with small cells
    monkeypatch.setattr(cnn_mod, "_BLOCK", block)
    if witness:
        monkeypatch.setattr(cnn_mod, "_MIN_WITNESS", 0)
        monkeypatch.setattr(cnn_mod, "_CELL", 16)
        monkeypatch.setattr(cnn_mod, "_N_PROBE", 3)
    X, y = _data(n_classes)
    ours = _same(CondensedNearestNeighbour(**params), ImbCNN(**params), X, y)
    assert len(ours.sample_indices_) < len(y)


def test_random_state_object_continues_the_stream():
    X, y = _data(3)
    _same(
        CondensedNearestNeighbour(random_state=np.random.RandomState(7), n_seeds_S=2),
        ImbCNN(random_state=np.random.RandomState(7), n_seeds_S=2),
        X,
        y,
    )


def test_classifier_object_and_pandas():
    X, y = _data(2)
    knn = KNeighborsClassifier(n_neighbors=3)
    _same(
        CondensedNearestNeighbour(n_neighbors=knn, random_state=0),
        ImbCNN(n_neighbors=knn, random_state=0),
        X,
        y,
    )
    frame = pd.DataFrame(X, index=np.arange(len(y)) + 100)
    ours = CondensedNearestNeighbour(random_state=0)
    X_res, _ = ours.fit_resample(frame, pd.Series(y, index=frame.index))
    assert list(X_res.index) == list(ours.sample_indices_ + 100)


def test_too_many_neighbours():
    X, y = _data(2, n_samples=60)
    with pytest.raises(ValueError, match="sample"):
        CondensedNearestNeighbour(n_neighbors=50).fit_resample(X, y)


def test_witness_screen_settles_rows_and_keeps_the_rows(monkeypatch):
    # larger data, k = 1: the screen must settle many rows and change nothing
    X, y = make_classification(
        n_samples=2500, n_features=6, weights=[0.95, 0.05], class_sep=0.8, random_state=3
    )
    calls = []
    real = cnn_mod.store_witness

    def spy(*args):
        out = real(*args)
        calls.append(out)
        return out

    monkeypatch.setattr(cnn_mod, "store_witness", spy)
    monkeypatch.setattr(cnn_mod, "_MIN_WITNESS", 500)
    monkeypatch.setattr(cnn_mod, "_CELL", 64)
    monkeypatch.setattr(cnn_mod, "_BLOCK", 300)
    _same(CondensedNearestNeighbour(random_state=0), ImbCNN(random_state=0), X, y)
    settled = np.concatenate(calls)
    assert settled.mean() > 0.3  # the screen does settle rows
