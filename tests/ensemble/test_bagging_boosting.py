"""Bagging, cascade and boosting ensembles: bag composition, pool schedule, the SAMME loop."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import AdaBoostClassifier
from sklearn.tree import DecisionTreeClassifier

from imbtab.ensemble import (
    BalanceCascadeClassifier,
    EasyEnsembleClassifier,
    OverBaggingClassifier,
    RUSBoostClassifier,
    SMOTEBaggingClassifier,
    SMOTEBoostClassifier,
    UnderBaggingClassifier,
)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=800, n_features=6, n_informative=4, weights=[0.9], random_state=2
    )
    return X, y


def test_under_bagging_bag_sizes(data):
    X, y = data
    n_min, n_maj = int(np.sum(y == 1)), int(np.sum(y == 0))
    clf = UnderBaggingClassifier(n_estimators=3, random_state=0).fit(X, y)
    assert clf.target_counts_ == {0: n_min, 1: n_min}
    assert (clf.training_log_["n_fit_samples"] == 2 * n_min).all()
    clf = UnderBaggingClassifier(n_estimators=3, sampling_strategy=0.5, random_state=0).fit(X, y)
    assert clf.target_counts_ == {0: 2 * n_min, 1: n_min}
    assert n_maj > 2 * n_min


def test_easy_ensemble_uses_adaboost_members(data):
    X, y = data
    clf = EasyEnsembleClassifier(n_estimators=2, random_state=0).fit(X, y)
    assert all(isinstance(m, AdaBoostClassifier) for m in clf.estimators_)
    # each member is seeded differently
    assert clf.estimators_[0].random_state != clf.estimators_[1].random_state


def test_over_and_smote_bagging_grow_the_minority(data):
    X, y = data
    n_maj = int(np.sum(y == 0))
    for cls in (OverBaggingClassifier, SMOTEBaggingClassifier):
        clf = cls(n_estimators=2, random_state=0).fit(X, y)
        assert clf.target_counts_ == {0: n_maj, 1: n_maj}
        assert (clf.training_log_["n_fit_samples"] == 2 * n_maj).all()


def test_smote_bagging_members_see_new_points(data):
    X, y = data

    class Recorder(DecisionTreeClassifier):
        seen = []

        def fit(self, X, y, sample_weight=None, check_input=True):
            Recorder.seen.append(X.copy())
            return super().fit(X, y, sample_weight=sample_weight, check_input=check_input)

    SMOTEBaggingClassifier(
        Recorder(max_depth=2), n_estimators=1, bootstrap=False, random_state=0
    ).fit(X, y)
    bag = Recorder.seen[-1]
    known = {tuple(row) for row in X}
    n_new = sum(tuple(row) not in known for row in bag)
    assert n_new == int(np.sum(y == 0)) - int(np.sum(y == 1))  # synthetic minority rows


def test_cascade_pool_shrinks_geometrically(data):
    X, y = data
    n_min, n_maj = int(np.sum(y == 1)), int(np.sum(y == 0))
    T = 5
    clf = BalanceCascadeClassifier(n_estimators=T, random_state=0).fit(X, y)
    pools = clf.training_log_["pool_size"].to_numpy()
    expected = [max(n_min, round(n_maj * (n_min / n_maj) ** (m / (T - 1)))) for m in range(T)]
    np.testing.assert_array_equal(pools, expected)


class SumOneTree(DecisionTreeClassifier):
    """Fits with weights rescaled to sum 1, as scikit-learn's AdaBoost passes them.

    imbtab rescales member weights to mean 1 (LightGBM needs it); split ties of a tree can
    round differently at another scale, so exact equality needs the same scale.
    """

    def fit(self, X, y, sample_weight=None, check_input=True):
        return super().fit(X, y, sample_weight=sample_weight / sample_weight.sum())


def test_rusboost_without_cut_is_adaboost_samme():
    X, y = make_classification(
        n_samples=400, n_features=6, weights=[0.5], flip_y=0.1, random_state=3
    )
    counts = np.bincount(y)
    # a dict that keeps every class whole: no resampling, plain SAMME
    ours = RUSBoostClassifier(
        SumOneTree(max_depth=3),
        n_estimators=8,
        sampling_strategy={0: int(counts[0]), 1: int(counts[1])},
        random_state=0,
    ).fit(X, y)
    ref = AdaBoostClassifier(
        DecisionTreeClassifier(max_depth=3), n_estimators=8, random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(ours.estimator_weights_, ref.estimator_weights_, rtol=1e-10)
    np.testing.assert_allclose(ours.estimator_errors_, ref.estimator_errors_, rtol=1e-10)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-12)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-12)


def test_boosting_weights_focus_on_errors(data):
    X, y = data
    clf = RUSBoostClassifier(n_estimators=6, random_state=0).fit(X, y)
    log = clf.training_log_
    assert (log["weighted_error"] < 0.5).all() and (log["estimator_weight"] > 0).all()
    clf = SMOTEBoostClassifier(n_estimators=4, random_state=0).fit(X, y)
    assert clf.target_counts_[1] == clf.target_counts_[0]
    assert len(clf.estimators_) >= 1


def test_full_depth_trees_end_boosting_early(data):
    X, y = data
    # a perfect (or near-perfect) member stops SAMME: the reason for shallow default trees
    clf = SMOTEBoostClassifier(DecisionTreeClassifier(), n_estimators=10, random_state=0).fit(X, y)
    assert len(clf.estimators_) < 10


def test_boosting_rejects_a_useless_base(data):
    from sklearn.dummy import DummyClassifier

    X, y = data
    with pytest.raises(ValueError, match="no better than chance"):
        RUSBoostClassifier(
            DummyClassifier(strategy="constant", constant=1), n_estimators=3, random_state=0
        ).fit(X, y)
