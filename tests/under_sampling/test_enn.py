"""ENN, RENN and AllKNN: exact agreement with imbalanced-learn, and the exact screen."""

import numpy as np
import pandas as pd
import pytest
from imblearn.under_sampling import AllKNN as ImbAllKNN
from imblearn.under_sampling import EditedNearestNeighbours as ImbENN
from imblearn.under_sampling import RepeatedEditedNearestNeighbours as ImbRENN
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors

from imbtab.neighbors import _screen, count_other_class
from imbtab.neighbors._validation import check_points
from imbtab.under_sampling import (
    AllKNN,
    EditedNearestNeighbours,
    RepeatedEditedNearestNeighbours,
)


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
    assert len(y_a) < len(y)  # something was removed: the comparison is not vacuous
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    np.testing.assert_array_equal(np.asarray(X_a), X_b)
    np.testing.assert_array_equal(np.asarray(y_a), y_b)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("kind_sel", ["all", "mode"])
@pytest.mark.parametrize(("strategy", "k"), [("auto", 3), ("all", 1), ("not majority", 5)])
def test_enn_matches_imblearn(n_classes, kind_sel, strategy, k):
    X, y = _data(n_classes)
    params = {"sampling_strategy": strategy, "n_neighbors": k, "kind_sel": kind_sel}
    _same(EditedNearestNeighbours(**params), ImbENN(**params), X, y)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("kind_sel", ["all", "mode"])
@pytest.mark.parametrize("max_iter", [2, 100])
def test_renn_matches_imblearn(n_classes, kind_sel, max_iter):
    # y sorted by class: imbalanced-learn's sample_indices_ is then consistent (see Notes)
    X, y = _data(n_classes, seed=1)
    order = np.argsort(y, kind="stable")
    X, y = X[order], y[order]
    params = {"kind_sel": kind_sel, "max_iter": max_iter}
    ours, ref = RepeatedEditedNearestNeighbours(**params), ImbRENN(**params)
    _same(ours, ref, X, y)
    assert ours.n_iter_ == ref.n_iter_


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("kind_sel", ["all", "mode"])
@pytest.mark.parametrize("allow_minority", [False, True])
def test_allknn_matches_imblearn(n_classes, kind_sel, allow_minority):
    X, y = _data(n_classes, seed=2)
    params = {"kind_sel": kind_sel, "allow_minority": allow_minority, "n_neighbors": 4}
    _same(AllKNN(**params), ImbAllKNN(**params), X, y)


def test_pandas_and_weights():
    X, y = _data(3)
    frame = pd.DataFrame(X, columns=list("abcde"), index=[f"r{i}" for i in range(len(y))])
    series = pd.Series(y, index=frame.index)
    w = np.arange(len(y), dtype=float)
    for ours, ref in [
        (EditedNearestNeighbours(kind_sel="mode"), ImbENN(kind_sel="mode")),
        (AllKNN(), ImbAllKNN()),
    ]:
        X_res, y_res, w_res = ours.fit_resample(
            frame, series, sample_weight=w, return_sample_weight=True
        )
        ref.fit_resample(frame, series)
        np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
        assert list(X_res.index) == [f"r{i}" for i in ours.sample_indices_]
        np.testing.assert_array_equal(w_res, w[ours.sample_indices_])


def test_neighbours_object_is_used_like_imblearn():
    X, y = _data(2)
    nn = NearestNeighbors(n_neighbors=5)
    _same(EditedNearestNeighbours(n_neighbors=nn), ImbENN(n_neighbors=nn), X, y)
    _same(AllKNN(n_neighbors=nn), ImbAllKNN(n_neighbors=nn), X, y)
    _same(
        RepeatedEditedNearestNeighbours(n_neighbors=nn, max_iter=3),
        ImbRENN(n_neighbors=nn, max_iter=3),
        *(lambda o: (X[o], y[o]))(np.argsort(y, kind="stable")),
    )


def test_renn_sample_indices_match_output_when_nothing_is_removed():
    # well separated classes: the first pass removes nothing (imbalanced-learn then
    # applies the class-grouping permutation twice to sample_indices_; imbtab does not)
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 1, (40, 3)), rng.normal(20, 1, (20, 3))])
    y = np.array([0, 1] * 20 + [0] * 20)
    y[40:] = 1
    y[:40] = 0
    perm = rng.permutation(60)
    X, y = X[perm], y[perm]
    ours = RepeatedEditedNearestNeighbours()
    X_res, y_res = ours.fit_resample(X, y)
    X_ref, y_ref = ImbRENN().fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_ref)
    np.testing.assert_array_equal(y_res, y_ref)
    np.testing.assert_array_equal(X[ours.sample_indices_], X_res)


@pytest.mark.parametrize("k", [1, 3, 7])
def test_screen_is_exact(k):
    # large majority: the screen runs; what it settles must have a pure neighbourhood
    X, y = _data(2, n_samples=6000, seed=4, weights=[0.97, 0.03])
    rows = np.flatnonzero(y == 0)
    assert rows.size >= _screen._MIN_ROWS
    left, d_o, j_o, _ = _screen.screen_rows(check_points(X), y, rows, k, 1)
    assert d_o is not None and d_o.shape == left.shape == j_o.shape
    assert left.size < rows.size / 2  # it does prune
    truth = count_other_class(X, y, k, rows=rows) > 0
    assert not truth[np.setdiff1d(np.arange(rows.size), left)].any()


@pytest.mark.parametrize(("k", "r"), [(3, 2), (5, 3), (4, 2)])
def test_vote_screen_is_exact(k, r):
    # r > 1: a settled row has fewer than r other-class rows among its k-NN
    X, y = _data(2, n_samples=6000, seed=4, weights=[0.9, 0.1])
    rows = np.flatnonzero(y == 0)
    bounds = np.full(rows.size, np.inf)
    left, _, _, _ = _screen.screen_rows(check_points(X), y, rows, k, 1, r=r, bounds=bounds)
    left_1, _, _, _ = _screen.screen_rows(check_points(X), y, rows, k, 1)
    assert left.size < left_1.size  # asking for r other rows settles more
    settled = np.setdiff1d(np.arange(rows.size), left)
    assert np.isfinite(bounds[settled]).all() and np.isinf(bounds[left]).all()
    counts = count_other_class(X, y, k, rows=rows)
    assert (counts[settled] < r).all()
    assert (counts[settled] > 0).any()  # impure rows are settled too: the test can fail


def test_enn_with_screen_equals_imblearn_and_unscreened(monkeypatch):
    X, y = _data(3, n_samples=6000, seed=5, weights=[0.9, 0.07, 0.03])
    for kind_sel in ["all", "mode"]:
        ours = EditedNearestNeighbours(kind_sel=kind_sel)
        _same(ours, ImbENN(kind_sel=kind_sel), X, y)
        screened = ours.sample_indices_
        monkeypatch.setattr(_screen, "_MIN_ROWS", 10**9)
        ours.fit_resample(X, y)
        monkeypatch.undo()
        np.testing.assert_array_equal(screened, ours.sample_indices_)


@pytest.mark.parametrize("cls", [EditedNearestNeighbours, RepeatedEditedNearestNeighbours, AllKNN])
def test_too_many_neighbours(cls):
    X, y = _data(2, n_samples=30)
    with pytest.raises(ValueError, match="sample.*neighbo|neighbo.*sample"):
        cls(n_neighbors=30).fit_resample(X, y)


def _force_screen(monkeypatch):
    monkeypatch.setattr(_screen, "_MIN_ROWS", 50)
    monkeypatch.setattr(_screen, "_CELL_SIZE", 40)
    monkeypatch.setattr(_screen, "_MAX_OTHER_FRACTION", 1.0)


@pytest.mark.parametrize("cls", [RepeatedEditedNearestNeighbours, AllKNN])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_repeated_passes_with_carried_bounds_equal_imblearn(monkeypatch, cls, n_classes):
    # every pass screened (bounds carried from pass to pass), both classes cleaned
    _force_screen(monkeypatch)
    X, y = _data(n_classes, n_samples=1200, seed=7)
    ref = {"RepeatedEditedNearestNeighbours": ImbRENN, "AllKNN": ImbAllKNN}[cls.__name__]
    for strategy in ["auto", "all"]:
        _same(cls(sampling_strategy=strategy), ref(sampling_strategy=strategy), X, y)


@pytest.mark.parametrize("cls", [EditedNearestNeighbours, RepeatedEditedNearestNeighbours, AllKNN])
@pytest.mark.parametrize("kind_sel", ["all", "mode"])
def test_screened_equals_unscreened_on_ties(monkeypatch, cls, kind_sel):
    # integer data: many exactly tied distances; the screen must follow the tie rule
    rng = np.random.default_rng(3)
    X = rng.integers(0, 6, size=(900, 3)).astype(float)
    y = rng.choice(3, size=900, p=[0.6, 0.3, 0.1])
    plain = cls(sampling_strategy="all", kind_sel=kind_sel).fit_resample(X, y)
    plain_idx = cls(sampling_strategy="all", kind_sel=kind_sel)
    plain_idx.fit_resample(X, y)
    _force_screen(monkeypatch)
    screened = cls(sampling_strategy="all", kind_sel=kind_sel)
    X_s, y_s = screened.fit_resample(X, y)
    np.testing.assert_array_equal(screened.sample_indices_, plain_idx.sample_indices_)
    np.testing.assert_array_equal(y_s, plain[1])
    assert len(y_s) < len(y)


@pytest.mark.parametrize("engine_min", [64, 1])
@pytest.mark.parametrize("kind_sel", ["all", "mode"])
def test_renn_incremental_passes_equal_imblearn(monkeypatch, engine_min, kind_sel):
    # passes after the first look only at rows a removed row can have touched (direct
    # kernel or engine for the reach test), with fresh probe bounds for rows settled
    # before; the result must stay imbalanced-learn's
    from imbtab.under_sampling._prototype_selection import _edited_nearest_neighbours as E

    _force_screen(monkeypatch)
    monkeypatch.setattr(E, "_AGAIN_ENGINE_MIN", engine_min)
    monkeypatch.setattr(E, "_RESCREEN_MIN", 1)
    seen = {"again": 0, "rescreened": 0}
    real_again, real_rescreen = E.edit_again, E._rescreen

    def again(*args, **kw):
        seen["again"] += 1
        return real_again(*args, **kw)

    def rescreen(*args, **kw):
        out = real_rescreen(*args, **kw)
        seen["rescreened"] += int(out.sum())
        return out

    from imbtab.under_sampling._prototype_selection import (
        _repeated_edited_nearest_neighbours as R,
    )

    monkeypatch.setattr(R, "edit_again", again)
    monkeypatch.setattr(E, "_rescreen", rescreen)
    for weights, strategy in [([0.9, 0.1], "auto"), ([0.8, 0.12, 0.08], "majority")]:
        X, y = _data(len(weights), n_samples=1500, seed=11, weights=weights)
        order = np.argsort(y, kind="stable")
        X, y = X[order], y[order]
        ours = RepeatedEditedNearestNeighbours(kind_sel=kind_sel, sampling_strategy=strategy)
        ref = ImbRENN(kind_sel=kind_sel, sampling_strategy=strategy)
        _same(ours, ref, X, y)
        assert ours.n_iter_ == ref.n_iter_ > 2
    assert seen["again"] > 0 and seen["rescreened"] > 0


def test_neighbour_cache_reuses_only_unambiguous_lists():
    from imbtab.under_sampling._prototype_selection._edited_nearest_neighbours import (
        NeighbourCache,
    )

    cache = NeighbourCache(6, 4)
    # row 0: neighbours 1..4 at squared distances 1, 2, 2, 3
    cache.store(np.array([0]), np.array([[1, 2, 3, 4]]), np.array([[1.0, 2.0, 2.0, 3.0]]))
    alive = np.ones(7, dtype=bool)
    alive[6] = False
    valid, nb, dk = cache.lookup(np.array([0]), alive, 1)
    assert valid[0] and nb[0].tolist() == [1] and dk[0] == 1.0
    # k = 2: the 2nd and 3rd entries tie, the set of the 2 nearest is ambiguous
    valid, _, _ = cache.lookup(np.array([0]), alive, 2)
    assert not valid[0]
    # row 2 removed: the 2 nearest alive are 1 and 3, the next (4) strictly farther
    alive[2] = False
    valid, nb, dk = cache.lookup(np.array([0]), alive, 2)
    assert valid[0] and nb[0].tolist() == [1, 3] and dk[0] == 2.0
    # not enough alive entries to know the 3rd nearest
    valid, _, _ = cache.lookup(np.array([0]), alive, 3)
    assert not valid[0]
