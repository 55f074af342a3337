"""TomekLinks: exact agreement with imbalanced-learn and the minority-query shortcut."""

import numpy as np
import pandas as pd
import pytest
from imblearn.under_sampling import TomekLinks as ImbTomekLinks
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors

from imbtab.under_sampling import TomekLinks
from imbtab.under_sampling._prototype_selection._tomek_links import tomek_kept


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
@pytest.mark.parametrize("strategy", ["auto", "all", "majority", "not majority"])
def test_matches_imblearn(n_classes, strategy):
    X, y = _data(n_classes)
    ours, ref = TomekLinks(sampling_strategy=strategy), ImbTomekLinks(sampling_strategy=strategy)
    X_a, y_a = ours.fit_resample(X, y)
    X_b, y_b = ref.fit_resample(X, y)
    assert len(y_a) < len(y)  # the data has links: the comparison is not vacuous
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)


def test_matches_brute_force_definition():
    X, y = _data(3, n_samples=800, seed=3)
    nn = NearestNeighbors(n_neighbors=2).fit(X).kneighbors(X, return_distance=False)[:, 1]
    linked = (y[nn] != y) & (nn[nn] == np.arange(len(y)))
    np.testing.assert_array_equal(tomek_kept(X, y, {0: 0, 1: 0, 2: 0}), np.flatnonzero(~linked))


def test_pandas_string_labels_and_weights():
    X, y = _data(3)
    labels = np.array(["b", "a", "c"])[y]
    frame = pd.DataFrame(X, columns=list("vwxyz"), index=np.arange(len(y)) * 2 + 11)
    series = pd.Series(labels, index=frame.index, name="target")
    w = np.linspace(0.5, 2.0, len(y))
    ours = TomekLinks()
    X_res, y_res, w_res = ours.fit_resample(
        frame, series, sample_weight=w, return_sample_weight=True
    )
    ref = ImbTomekLinks().fit(X, labels)
    ref.fit_resample(X, labels)
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    assert list(X_res.index) == list(frame.index[ours.sample_indices_])
    np.testing.assert_array_equal(y_res.to_numpy(), labels[ours.sample_indices_])
    np.testing.assert_array_equal(w_res, w[ours.sample_indices_])


def test_single_sample_class_matches_imblearn():
    """A one-row class can still form a Tomek link; we answer as imbalanced-learn does."""
    from imblearn.under_sampling import TomekLinks as ImbTomekLinks

    X, y = _data(2)
    y = y.copy()
    y[np.flatnonzero(y == 1)[1:]] = 0
    ours = TomekLinks()
    ours.fit_resample(X, y)
    ref = ImbTomekLinks()
    ref.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_screened_queries_match_imblearn_and_brute_force(monkeypatch, n_classes):
    # balanced classes (as after SMOTE): the k=1 screen picks the rows to query
    from imbtab.neighbors import _screen

    monkeypatch.setattr(_screen, "_MIN_ROWS", 50)
    monkeypatch.setattr(_screen, "_CELL_SIZE", 40)
    monkeypatch.setattr(_screen, "_MAX_OTHER_FRACTION", 1.0)
    calls = []
    real = _screen.other_class_within_k

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(
        "imbtab.under_sampling._prototype_selection._tomek_links.other_class_within_k", spy
    )
    X, y = make_classification(
        n_samples=1500, n_features=4, n_informative=3, n_redundant=0, n_classes=n_classes,
        class_sep=0.5, random_state=3,
    )  # fmt: skip
    ours = TomekLinks(sampling_strategy="all")
    X_a, y_a = ours.fit_resample(X, y)
    ref = ImbTomekLinks(sampling_strategy="all")
    ref.fit_resample(X, y)
    assert calls and len(y_a) < len(y)
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    # integer data with ties: against the brute-force definition
    rng = np.random.default_rng(1)
    X = rng.integers(0, 8, size=(1500, 2)).astype(float)
    y = rng.integers(0, n_classes, size=1500)
    d2 = ((X[:, None, :] - X[None]) ** 2).sum(-1)
    np.fill_diagonal(d2, np.inf)
    nn = np.lexsort((np.arange(len(y))[None, :].repeat(len(y), 0), d2), axis=1)[:, 0]
    linked = (y[nn] != y) & (nn[nn] == np.arange(len(y)))
    removed = linked | np.isin(np.arange(len(y)), nn[linked])
    np.testing.assert_array_equal(tomek_kept(X, y, set(range(n_classes))), np.flatnonzero(~removed))
