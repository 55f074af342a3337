"""SMOTEIPF: the filter removes planted noise; exact synthetic counts; refill warning."""

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier

from imbtab.over_sampling import SMOTEIPF
from imbtab.over_sampling._variants._smote_ipf import stratified_partition


@pytest.fixture(scope="module")
def planted():
    rng = np.random.RandomState(0)
    X_maj = rng.normal([0, 0], 1.0, size=(400, 2))
    X_min = rng.normal([6, 6], 0.7, size=(60, 2))
    X_noise = rng.normal([6, 6], 0.2, size=(6, 2))  # majority rows deep inside the minority
    X = np.vstack([X_maj, X_noise, X_min])
    y = np.array([0] * 406 + [1] * 60)
    return X, y


def test_filter_removes_planted_noise_and_keeps_counts(planted):
    X, y = planted
    sampler = SMOTEIPF(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert set(range(400, 406)) <= set(sampler.removed_indices_.tolist())
    assert len(sampler.removed_indices_) < 15  # clean rows stay
    assert sampler.n_iter_ >= sampler.stop_iterations
    kept = np.setdiff1d(np.arange(len(y)), sampler.removed_indices_)
    np.testing.assert_array_equal(X_res[: len(kept)], X[kept])
    n_syn = len(y_res) - len(kept)
    assert n_syn == sampler.sampling_strategy_[1] == 406 - 60
    assert np.all(y_res[len(kept) :] == 1)
    # synthetic rows sit in the minority blob
    assert np.all(np.linalg.norm(X_res[len(kept) :] - 6, axis=1) < 4)


def test_without_noise_nothing_original_is_removed():
    rng = np.random.RandomState(1)
    X = np.vstack([rng.normal(0, 0.5, size=(200, 2)), rng.normal(8, 0.5, size=(30, 2))])
    y = np.array([0] * 200 + [1] * 30)
    sampler = SMOTEIPF(random_state=0)
    X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.removed_indices_.size == 0 and sampler.n_iter_ == 3
    assert len(y_res) == 400


def test_refill_shortfall_warns():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(0, 1, size=(90, 2)), rng.normal(3, 1, size=(30, 2))])
    y = np.array([0] * 90 + [1] * 30)
    sampler = SMOTEIPF(estimator=DummyClassifier(strategy="most_frequent"), random_state=0)
    with pytest.warns(UserWarning, match="requested rows are missing"):
        X_res, y_res = sampler.fit_resample(X, y)
    assert np.all(y_res == 0)  # every minority row is "noise" for a constant model


def test_stratified_partition_balances_classes():
    y = np.array([0] * 90 + [1] * 18)
    part = stratified_partition(y, 9, np.random.RandomState(0))
    for f in range(9):
        assert np.sum((part == f) & (y == 1)) == 2
        assert np.sum((part == f) & (y == 0)) == 10


def test_too_few_rows_for_the_folds():
    X = np.arange(16.0).reshape(8, 2)
    y = np.array([0] * 5 + [1] * 3)
    with pytest.raises(ValueError, match="n_folds"):
        SMOTEIPF(k_neighbors=2).fit_resample(X, y)


def _hist_tree(X, y, max_depth, min_leaf):
    from imbtab.over_sampling._variants._hist_tree import HistTreeFilter, apply_bins, bin_edges

    codes = apply_bins(X, bin_edges(X))
    part = np.zeros(len(y), dtype=np.int64)
    return HistTreeFilter(max_depth, min_leaf).fit(X, codes, y, part, 1, int(y.max()) + 1)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_hist_tree_equals_cart_when_every_value_has_its_bin(n_classes):
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.RandomState(0)
    # float32-representable values: scikit-learn's trees split float32 values
    X = rng.normal(size=(200, 3)).astype(np.float32).astype(np.float64)
    y = np.digitize(
        X[:, 0] + 0.7 * X[:, 1] + 0.5 * rng.normal(size=200), [-0.5, 0.5][: n_classes - 1]
    )
    tree = _hist_tree(X, y, 4, 5)
    cart = DecisionTreeClassifier(max_depth=4, min_samples_leaf=5).fit(X, y)
    grid = rng.uniform(-3, 3, size=(2000, 3))
    for data in (X, grid):
        expected = cart.predict(data)
        # wrong votes of a single tree against the CART's labels: none
        assert tree.wrong_votes(data, expected).sum() == 0
    internal = np.sum(tree.feat_[0] >= 0)
    assert internal == np.sum(cart.tree_.feature >= 0)


def test_hist_tree_threshold_is_exact_beyond_256_distinct_values():
    # one feature, 5000 distinct values, classes separated by a gap: the split is the
    # midpoint of the gap (not a bin edge), as an exact CART's
    rng = np.random.RandomState(1)
    x = np.concatenate([rng.uniform(0, 1, 3000), rng.uniform(1.2, 2, 2000)])
    y = (x > 1.1).astype(np.int64)
    tree = _hist_tree(x[:, None], y, 1, 10)
    gap = (x[y == 0].max() + x[y == 1].min()) / 2
    assert tree.feat_[0, 0] == 0
    assert tree.thr_[0, 0] == pytest.approx(gap, rel=0, abs=1e-12)
    assert tree.wrong_votes(x[:, None], y).sum() == 0


def test_default_filter_and_exact_cart_agree_on_planted_noise(planted):
    from sklearn.tree import DecisionTreeClassifier

    X, y = planted
    fast = SMOTEIPF(random_state=0)
    fast.fit_resample(X, y)
    cart = SMOTEIPF(
        random_state=0, estimator=DecisionTreeClassifier(max_depth=10, min_samples_leaf=10)
    )
    cart.fit_resample(X, y)
    noise = set(range(400, 406))
    assert noise <= set(fast.removed_indices_.tolist())
    assert noise <= set(cart.removed_indices_.tolist())
