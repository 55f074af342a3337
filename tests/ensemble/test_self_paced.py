"""SelfPacedEnsembleClassifier: the algorithm's steps, exactly, and what goes beyond the reference."""

import numpy as np
import pytest
from lightgbm import LGBMClassifier
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.tree import DecisionTreeClassifier

from imbtab.ensemble import SelfPacedEnsembleClassifier
from imbtab.ensemble._base import MAX_INT, member_proba
from imbtab.ensemble._self_paced import hardness_values, self_paced_select


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=1500, n_features=8, n_informative=4, weights=[0.93], flip_y=0.02, random_state=0
    )
    return X, y


class CountingTree(DecisionTreeClassifier):
    """A tree that records how many rows it was asked to predict."""

    calls: list = []

    def predict_proba(self, X, check_input=True):
        CountingTree.calls.append(X.shape[0])
        return super().predict_proba(X, check_input=check_input)


def test_alpha_schedule_and_sample_sizes(data):
    X, y = data
    n = 6
    spe = SelfPacedEnsembleClassifier(n_estimators=n, sampling_strategy=0.5, random_state=0).fit(
        X, y
    )
    expected = np.tan(np.arange(n) * np.pi / (2 * n))
    np.testing.assert_allclose(spe.training_log_["alpha"], expected)
    n_min = int(np.sum(y == 1))
    assert spe.target_counts_ == {0: 2 * n_min, 1: n_min}
    assert (spe.training_log_["n_fit_samples"] == 3 * n_min).all()


def test_hard_bins_get_counts_proportional_to_inverse_hardness_plus_alpha():
    rng = np.random.RandomState(0)
    # five bins of equal width on [0, 1] with known means
    hardness = np.concatenate(
        [
            np.full(400, 0.05),
            np.full(300, 0.3),
            np.full(200, 0.5),
            np.full(100, 0.7),
            np.full(50, 0.95),
        ]
    )
    alpha, target = 0.2, 1000
    picks = self_paced_select(hardness, target, alpha, 5, rng, soft=False, replacement=True)
    assert picks.shape == (target,)
    counts = np.array([np.sum(hardness[picks] == h) for h in (0.05, 0.3, 0.5, 0.7, 0.95)])
    w = 1.0 / (np.array([0.05, 0.3, 0.5, 0.7, 0.95]) + alpha)
    expected = np.floor(target * w / w.sum())
    # floors plus the remainder handed to the most populous bins first
    assert np.all(counts - expected >= 0) and np.all(counts - expected <= 1)
    assert counts.sum() == target


def test_large_alpha_spreads_evenly_over_bins():
    rng = np.random.RandomState(0)
    hardness = np.concatenate([np.zeros(900), np.linspace(0.2, 1.0, 100)])
    picks = self_paced_select(hardness, 500, 1e12, 5, rng, soft=False, replacement=True)
    bins = np.minimum((hardness[picks] * 5).astype(int), 4)
    counts = np.bincount(bins, minlength=5)
    assert counts.max() - counts.min() <= 2  # ~100 each, although bin 0 holds 90% of rows


def test_without_replacement_never_fails_on_small_bins():
    rng = np.random.RandomState(0)
    hardness = np.concatenate([np.zeros(990), np.ones(10)])  # the hard bin holds 10 rows
    # a huge alpha asks for 100 rows of each non-empty bin: 250 + 250
    picks = self_paced_select(hardness, 500, 1e6, 5, rng, soft=False, replacement=False)
    assert picks.shape == (500,) and np.unique(picks).shape == (500,)
    assert np.sum(hardness[picks] == 1) == 10  # the small bin is exhausted, the rest moves


def test_soft_resampling_matches_bin_shares_in_expectation():
    rng = np.random.RandomState(1)
    hardness = np.concatenate([np.full(5000, 0.1), np.full(5000, 0.9)])
    alpha = 0.5
    picks = self_paced_select(hardness, 20000, alpha, 2, rng, soft=True, replacement=True)
    share = np.mean(hardness[picks] == 0.9)
    w = 1 / np.array([0.1 + alpha, 0.9 + alpha])
    assert share == pytest.approx(w[1] / w.sum(), abs=0.015)
    picks = self_paced_select(hardness, 3000, alpha, 2, rng, soft=True, replacement=False)
    assert np.unique(picks).shape == (3000,)


def test_constant_hardness_draws_uniformly():
    rng = np.random.RandomState(0)
    picks = self_paced_select(
        np.full(10_000, 0.3), 4000, 1.0, 5, rng, soft=False, replacement=False
    )
    assert np.unique(picks).shape == (4000,)
    assert abs(np.mean(picks < 5000) - 0.5) < 0.03


def test_hardness_functions():
    p = np.array([0.9, 0.5, 0.0])
    np.testing.assert_allclose(hardness_values("absolute", None, p), [0.1, 0.5, 1.0])
    np.testing.assert_allclose(hardness_values("squared", None, p), [0.01, 0.25, 1.0])
    np.testing.assert_allclose(hardness_values("cross_entropy", None, p)[:2], -np.log([0.9, 0.5]))
    assert np.isfinite(hardness_values("cross_entropy", None, p)[2])


@pytest.mark.parametrize("hardness", ["absolute", "squared", "cross_entropy", "callable"])
def test_incremental_hardness_equals_full_recomputation(data, hardness):
    """Replay the algorithm from scratch with the fitted members and refit each member."""
    X, y = data
    n = 5
    if hardness == "callable":

        def hardness(y_true, proba):  # noqa: F811 - a user callable: |1 - P(true class)|
            return 1.0 - proba[np.arange(y_true.shape[0]), y_true]

    base = DecisionTreeClassifier(max_depth=3)
    spe = SelfPacedEnsembleClassifier(
        base,
        n_estimators=n,
        hardness=hardness,
        sampling_strategy=0.5,
        class_weight=None,
        random_state=7,
    ).fit(X, y)
    seeds = np.random.RandomState(7).randint(MAX_INT, size=n)
    neg, pos = np.flatnonzero(y == 0), np.flatnonzero(y == 1)
    target = 2 * pos.shape[0]
    for i in range(n):
        if i == 0:
            h = np.zeros(neg.shape[0])
        else:
            mean = sum(member_proba(m, X[neg], 2) for m in spe.estimators_[:i]) / i
            h = hardness_values(hardness, np.zeros(neg.shape[0], dtype=np.intp), mean[:, 0], mean)
        local = self_paced_select(
            h,
            target,
            np.tan(i * np.pi / (2 * n)),
            5,
            np.random.RandomState(seeds[i]),
            soft=False,
            replacement=True,
        )
        rows = np.concatenate([pos, neg[local]])
        ref = clone(base).set_params(random_state=seeds[i]).fit(X[rows], y[rows])
        np.testing.assert_array_equal(ref.predict_proba(X), spe.estimators_[i].predict_proba(X))


def test_only_new_member_predicts_only_majority_rows(data):
    X, y = data
    CountingTree.calls = []
    n = 5
    SelfPacedEnsembleClassifier(CountingTree(max_depth=3), n_estimators=n, random_state=0).fit(X, y)
    n_major = int(np.sum(y == 0))
    # one prediction per member except the last, on the majority rows only
    assert sum(CountingTree.calls) == (n - 1) * n_major


def test_multiclass_every_larger_class_is_cut():
    X, y = make_classification(
        n_samples=1200, n_classes=3, n_informative=5, weights=[0.75, 0.2, 0.05], random_state=0
    )
    spe = SelfPacedEnsembleClassifier(n_estimators=4, sampling_strategy=1.0, random_state=0)
    spe.fit(X, y)
    n_min = int(np.bincount(y).min())
    assert spe.target_counts_ == {0: n_min, 1: n_min, 2: n_min}
    assert spe.predict_proba(X).shape == (1200, 3)


def test_dict_and_callable_sampling_strategy(data):
    X, y = data
    spe = SelfPacedEnsembleClassifier(n_estimators=2, sampling_strategy={0: 300}, random_state=0)
    assert spe.fit(X, y).target_counts_[0] == 300

    def half(counts):
        return {0: counts[0] // 2}

    spe = SelfPacedEnsembleClassifier(n_estimators=2, sampling_strategy=half, random_state=0)
    assert spe.fit(X, y).target_counts_[0] == int(np.sum(y == 0)) // 2


def test_balanced_weights_keep_the_half_threshold_balanced(data):
    X, y = data
    base = LGBMClassifier(n_estimators=30, verbose=-1, n_jobs=1)
    kw = dict(n_estimators=4, sampling_strategy=0.2, random_state=0)
    balanced = SelfPacedEnsembleClassifier(base, class_weight="balanced", **kw).fit(X, y)
    raw = SelfPacedEnsembleClassifier(base, class_weight=None, **kw).fit(X, y)
    # with a 5:1 sample and no weights the positive class gets far less probability
    p_bal, p_raw = balanced.predict_proba(X)[:, 1], raw.predict_proba(X)[:, 1]
    assert p_bal.mean() > 1.5 * p_raw.mean()
    assert balanced.predict(X).mean() > raw.predict(X).mean()
    heavy = SelfPacedEnsembleClassifier(base, class_weight={1: 5.0}, **kw).fit(X, y)
    assert heavy.predict_proba(X)[:, 1].mean() > p_bal.mean()


def test_early_stopping(data):
    X, y = data
    spe = SelfPacedEnsembleClassifier(
        DecisionTreeClassifier(max_depth=2),
        n_estimators=40,
        early_stopping=True,
        n_iter_no_change=2,
        validation_fraction=0.2,
        random_state=0,
    ).fit(X, y)
    assert spe.best_iteration_ == len(spe.estimators_) < 40
    scores = spe.validation_scores_
    assert spe.best_iteration_ == int(np.argmax(scores)) + 1
    assert len(spe.training_log_) == spe.best_iteration_
    # the held-out rows are not used for training: 20% of each class
    n_pos = int(np.sum(y == 1))
    assert spe.target_counts_[1] == n_pos - round(0.2 * n_pos)


def test_warm_start_continues(data):
    X, y = data
    spe = SelfPacedEnsembleClassifier(n_estimators=3, warm_start=True, random_state=0).fit(X, y)
    first = list(spe.estimators_)
    spe.set_params(n_estimators=5).fit(X, y)
    assert spe.estimators_[:3] == first and len(spe.estimators_) == 5
    assert list(spe.training_log_["member"]) == [0, 1, 2, 3, 4]


def test_bad_parameters(data):
    X, y = data
    with pytest.raises(ValueError, match="k_bins"):
        SelfPacedEnsembleClassifier(k_bins=0).fit(X, y)
    with pytest.raises(ValueError, match="hardness"):
        SelfPacedEnsembleClassifier(hardness="nope").fit(X, y)
    with pytest.raises(ValueError, match="sampling_strategy"):
        SelfPacedEnsembleClassifier(sampling_strategy=1.5).fit(X, y)
    with pytest.raises(ValueError, match="one finite value per row"):
        SelfPacedEnsembleClassifier(n_estimators=3, hardness=lambda yt, p: np.ones(2)).fit(X, y)


def test_pool_size_limits_the_rows_tracked(data):
    X, y = data
    CountingTree.calls = []
    n = 4
    spe = SelfPacedEnsembleClassifier(
        CountingTree(max_depth=3),
        n_estimators=n,
        pool_size=500,
        sampling_strategy=0.5,
        random_state=0,
    ).fit(X, y)
    assert sum(CountingTree.calls) == (n - 1) * 500
    assert spe.target_counts_[0] == 2 * int(np.sum(y == 1))
    # a pool below the target is raised to the target
    small = SelfPacedEnsembleClassifier(n_estimators=2, pool_size=5, random_state=0).fit(X, y)
    assert (small.training_log_["n_fit_samples"] == sum(small.target_counts_.values())).all()
