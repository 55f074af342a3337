"""RUSBoost / SMOTEBoost ``boost_weights``: the first-round failure at high imbalance."""

import numpy as np
import pytest
from sklearn.metrics import balanced_accuracy_score
from sklearn.tree import DecisionTreeClassifier

from imbtab.ensemble import RUSBoostClassifier, SMOTEBoostClassifier

BOOSTERS = [RUSBoostClassifier, SMOTEBoostClassifier]


def shifted_minority(shift=0.0):
    """2000 majority rows on [0, 1]^2 and 20 minority rows with x0 in [0.3 + shift, 1 + shift].

    A stump fitted on a balanced sample splits near x0 = 0.3 and calls ~70% of the majority
    rows minority: worse than chance under uniform boosting weights (IR 100), yet a useful
    member (balanced error ~0.35).
    """
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(2020, 2))
    X[2000:, 0] = rng.uniform(0.3, 1.0, size=20) + shift
    y = np.r_[np.zeros(2000, dtype=int), np.ones(20, dtype=int)]
    return X, y


@pytest.mark.parametrize("cls", BOOSTERS)
def test_uniform_fails_in_first_round_and_names_the_remedy(cls):
    X, y = shifted_minority()
    with pytest.raises(ValueError, match=r'no better than chance.*boost_weights="balanced"'):
        cls(DecisionTreeClassifier(max_depth=1), n_estimators=3, random_state=0).fit(X, y)


@pytest.mark.parametrize("cls", BOOSTERS)
def test_balanced_fits_and_its_first_error_is_the_balanced_error(cls):
    X, y = shifted_minority()
    clf = cls(
        DecisionTreeClassifier(max_depth=1),
        n_estimators=4,
        boost_weights="balanced",
        random_state=0,
    ).fit(X, y)
    assert len(clf.estimators_) >= 2
    first = clf.estimators_[0]
    expected = 1.0 - balanced_accuracy_score(y, first.predict(X))
    assert clf.estimator_errors_[0] == pytest.approx(expected, rel=1e-12)
    assert np.all(clf.estimator_errors_ < 0.5) and np.all(clf.estimator_weights_ > 0)
    assert balanced_accuracy_score(y, clf.predict(X)) > 0.6


@pytest.mark.parametrize("cls", BOOSTERS)
def test_first_member_is_the_same_under_both_weightings(cls):
    X, y = shifted_minority(shift=0.5)  # easy enough for "uniform" to fit
    kw = {"n_estimators": 3, "random_state": 0}
    a = cls(DecisionTreeClassifier(max_depth=2), **kw).fit(X, y)
    b = cls(DecisionTreeClassifier(max_depth=2), boost_weights="balanced", **kw).fit(X, y)
    ta, tb = a.estimators_[0].tree_, b.estimators_[0].tree_
    np.testing.assert_array_equal(ta.feature, tb.feature)
    np.testing.assert_array_equal(ta.threshold, tb.threshold)
    np.testing.assert_allclose(ta.value, tb.value, rtol=1e-12)
    # ... but its error is weighed differently: uniform is dominated by the majority class
    err_uniform = np.mean(a.estimators_[0].predict(X) != y)
    assert a.estimator_errors_[0] == pytest.approx(err_uniform, rel=1e-12)
    assert b.estimator_errors_[0] != pytest.approx(a.estimator_errors_[0])


def test_balanced_keeps_sample_weight_within_classes_and_does_not_modify_it():
    X, y = shifted_minority()
    sw = np.where(np.arange(y.shape[0]) % 2 == 0, 1.0, 3.0)
    before = sw.copy()
    clf = RUSBoostClassifier(
        DecisionTreeClassifier(max_depth=1),
        n_estimators=3,
        boost_weights="balanced",
        random_state=0,
    ).fit(X, y, sample_weight=sw)
    np.testing.assert_array_equal(sw, before)
    first = clf.estimators_[0].predict(X) != y
    # balanced distribution: each class has total 1/2, the user's weights kept inside a class
    d = np.where(y == 1, sw / sw[y == 1].sum(), sw / sw[y == 0].sum()) / 2
    assert clf.estimator_errors_[0] == pytest.approx(np.sum(d * first), rel=1e-12)


def test_bad_boost_weights_is_rejected():
    X, y = shifted_minority()
    with pytest.raises(ValueError, match="boost_weights"):
        RUSBoostClassifier(boost_weights="equal").fit(X, y)


@pytest.mark.parametrize("cls", BOOSTERS)
def test_balanced_ignores_a_per_class_weight_factor(cls):
    X, y = shifted_minority(shift=0.2)
    kw = {"n_estimators": 4, "boost_weights": "balanced", "random_state": 0}
    plain = cls(DecisionTreeClassifier(max_depth=2), **kw).fit(X, y)
    factor = cls(DecisionTreeClassifier(max_depth=2), **kw).fit(
        X, y, sample_weight=np.where(y == 1, 20.0, 1.0)
    )
    np.testing.assert_allclose(plain.estimator_errors_, factor.estimator_errors_, rtol=1e-10)
    np.testing.assert_allclose(plain.predict_proba(X), factor.predict_proba(X), rtol=1e-10)
