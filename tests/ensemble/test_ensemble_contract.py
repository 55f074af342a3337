"""The contract every imbtab ensemble keeps (sample_weight, n_jobs, warm_start, eval_set, ...)."""

import numpy as np
import pandas as pd
import pytest
from lightgbm import LGBMClassifier
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.metrics import average_precision_score
from sklearn.tree import DecisionTreeClassifier

from imbtab.ensemble import (
    BalanceCascadeClassifier,
    BalancedRandomForestClassifier,
    EasyEnsembleClassifier,
    OverBaggingClassifier,
    RUSBoostClassifier,
    SelfPacedEnsembleClassifier,
    SMOTEBaggingClassifier,
    SMOTEBoostClassifier,
    UnderBaggingClassifier,
)

TREE = DecisionTreeClassifier(max_depth=4)

ENSEMBLES = [
    SelfPacedEnsembleClassifier(TREE, n_estimators=4),
    BalanceCascadeClassifier(TREE, n_estimators=4),
    UnderBaggingClassifier(TREE, n_estimators=4),
    EasyEnsembleClassifier(n_estimators=3),
    OverBaggingClassifier(TREE, n_estimators=4),
    SMOTEBaggingClassifier(TREE, n_estimators=4),
    RUSBoostClassifier(n_estimators=4),
    SMOTEBoostClassifier(n_estimators=4),
    RUSBoostClassifier(n_estimators=4, boost_weights="balanced"),
    SMOTEBoostClassifier(n_estimators=4, boost_weights="balanced"),
    BalancedRandomForestClassifier(n_estimators=6, max_depth=4),
]
IDS = [
    type(e).__name__ + ("-balanced" if getattr(e, "boost_weights", "") == "balanced" else "")
    for e in ENSEMBLES
]
# members fitted independently, hence trained in parallel with n_jobs
PARALLEL = (
    UnderBaggingClassifier,
    EasyEnsembleClassifier,
    OverBaggingClassifier,
    SMOTEBaggingClassifier,
    BalancedRandomForestClassifier,
)


@pytest.fixture(scope="module")
def binary():
    X, y = make_classification(
        n_samples=600, n_features=8, n_informative=4, weights=[0.9], random_state=0
    )
    return X, y


@pytest.fixture(scope="module")
def multiclass():
    X, y = make_classification(
        n_samples=600,
        n_features=8,
        n_informative=5,
        n_classes=3,
        weights=[0.7, 0.2, 0.1],
        random_state=1,
    )
    return X, y


@pytest.mark.parametrize("est", ENSEMBLES, ids=IDS)
def test_binary_fit_predict_and_scores(est, binary):
    X, y = binary
    clf = clone(est).set_params(random_state=0).fit(X[:450], y[:450])
    proba = clf.predict_proba(X[450:])
    assert proba.shape == (150, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    dec = clf.decision_function(X[450:])
    assert dec.shape == (150,)
    # decision and probability agree on the prediction
    np.testing.assert_array_equal(clf.predict(X[450:]), clf.classes_[(dec > 0).astype(int)])
    assert average_precision_score(y[450:], proba[:, 1]) > 0.4  # better than the 0.1 prior


@pytest.mark.parametrize("est", ENSEMBLES, ids=IDS)
def test_multiclass_string_labels(est, multiclass):
    X, y = multiclass
    labels = np.array(["a", "b", "c"])[y]
    clf = clone(est).set_params(random_state=0).fit(X, labels)
    assert list(clf.classes_) == ["a", "b", "c"]
    proba = clf.predict_proba(X)
    assert proba.shape == (600, 3)
    assert set(clf.predict(X)) <= {"a", "b", "c"}
    assert clf.decision_function(X).shape == (600, 3)
    # every class is predicted for some row (the rare one included)
    assert len(set(clf.predict(X))) == 3


@pytest.mark.parametrize("est", ENSEMBLES, ids=IDS)
def test_no_mutation_of_params_or_sample_weight(est, binary):
    X, y = binary
    clf = clone(est).set_params(random_state=0)
    params = {k: repr(v) for k, v in clf.get_params(deep=True).items()}
    weight = np.linspace(0.5, 2.0, y.shape[0])
    original = weight.copy()
    clf.fit(X, y, sample_weight=weight)
    np.testing.assert_array_equal(weight, original)
    assert {k: repr(v) for k, v in clf.get_params(deep=True).items()} == params


@pytest.mark.parametrize("est", ENSEMBLES, ids=IDS)
def test_sample_weight_changes_the_model(est, binary):
    X, y = binary
    a = clone(est).set_params(random_state=0).fit(X, y)
    # weights that vary within the classes change every ensemble
    within = np.where(X[:, 0] > 0, 10.0, 1.0)
    b = clone(est).set_params(random_state=0).fit(X, y, sample_weight=within)
    assert not np.allclose(a.predict_proba(X), b.predict_proba(X))
    if not isinstance(est, SelfPacedEnsembleClassifier) and (
        getattr(est, "boost_weights", "uniform") == "uniform"
    ):
        # heavier positives -> more positive probability (SPE's class_weight="balanced" and
        # boost_weights="balanced" re-balance class totals, so a per-class factor cancels out
        # there by design)
        c = clone(est).set_params(random_state=0)
        c.fit(X, y, sample_weight=np.where(y == 1, 20.0, 1.0))
        assert c.predict_proba(X)[:, 1].mean() > a.predict_proba(X)[:, 1].mean()


@pytest.mark.parametrize("est", ENSEMBLES, ids=IDS)
def test_same_model_whatever_n_jobs(est, binary):
    X, y = binary
    a = clone(est).set_params(random_state=3, n_jobs=1).fit(X, y)
    b = clone(est).set_params(random_state=3, n_jobs=2).fit(X, y)
    for ma, mb in zip(a.estimators_, b.estimators_, strict=True):  # the same members
        np.testing.assert_array_equal(ma.predict_proba(X), mb.predict_proba(X))
    if isinstance(est, BalancedRandomForestClassifier):
        # scikit-learn's forest adds the trees' probabilities in thread order: last-bit noise
        np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-12)
    else:
        np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


@pytest.mark.parametrize("est", ENSEMBLES, ids=IDS)
def test_warm_start_adds_members(est, binary):
    X, y = binary
    n = est.n_estimators
    full = clone(est).set_params(random_state=5).fit(X, y)
    warm = clone(est).set_params(random_state=5, warm_start=True, n_estimators=n - 2).fit(X, y)
    first = list(warm.estimators_)
    warm.set_params(n_estimators=n).fit(X, y)
    assert len(warm.estimators_) == n
    assert warm.estimators_[: n - 2] == first  # the same objects were kept
    if isinstance(est, PARALLEL + (RUSBoostClassifier, SMOTEBoostClassifier)) and not isinstance(
        est, BalancedRandomForestClassifier
    ):
        # independent members / kept boosting weights: identical to a single fit
        # (SPE's alpha and the cascade's pool schedule follow the new n_estimators)
        np.testing.assert_allclose(warm.predict_proba(X), full.predict_proba(X))


@pytest.mark.parametrize("est", ENSEMBLES, ids=IDS)
def test_warm_start_cannot_shrink(est, binary):
    X, y = binary
    clf = clone(est).set_params(random_state=0, warm_start=True).fit(X, y)
    clf.set_params(n_estimators=1)
    with pytest.raises(ValueError, match="n_estimators"):
        clf.fit(X, y)


@pytest.mark.parametrize("est", ENSEMBLES, ids=IDS)
def test_eval_set_training_log(est, binary):
    X, y = binary
    clf = clone(est).set_params(random_state=0)
    clf.fit(X[:400], y[:400], eval_set=[(X[400:], y[400:]), (X[:100], y[:100])])
    log = clf.training_log_
    assert isinstance(log, pd.DataFrame)
    assert len(log) == len(clf.estimators_)
    for j in (0, 1):
        for metric in ("balanced_accuracy", "average_precision", "log_loss"):
            assert f"eval{j}_{metric}" in log
    # the last row is the score of the whole ensemble
    proba = clf.predict_proba(X[400:])
    assert log["eval0_average_precision"].iloc[-1] == pytest.approx(
        average_precision_score(y[400:], proba[:, 1])
    )


@pytest.mark.parametrize("est", ENSEMBLES, ids=IDS)
def test_lightgbm_base(est, binary):
    if isinstance(est, BalancedRandomForestClassifier):
        pytest.skip("the balanced random forest is made of trees by definition")
    X, y = binary
    base = LGBMClassifier(n_estimators=20, verbose=-1, n_jobs=1)
    clf = clone(est).set_params(estimator=base, random_state=0).fit(X[:450], y[:450])
    assert all(isinstance(m, LGBMClassifier) for m in clf.estimators_)
    proba = clf.predict_proba(X[450:])[:, 1]
    assert average_precision_score(y[450:], proba) > 0.4


@pytest.mark.parametrize(
    "est", [e for e in ENSEMBLES if not isinstance(e, BalancedRandomForestClassifier)], ids=IDS[:-1]
)
def test_bad_input(est, binary):
    X, y = binary
    clf = clone(est)
    with pytest.raises(ValueError, match="at least 2 classes"):
        clf.fit(X, np.zeros_like(y))
    with pytest.raises(ValueError, match="sample_weight"):
        clf.fit(X, y, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="negative"):
        clf.fit(X, y, sample_weight=-np.ones(y.shape[0]))
    with pytest.raises(ValueError, match="eval_set"):
        clf.fit(X, y, eval_set=[(X[:10], y[:5])])
    with pytest.raises(ValueError, match="not seen"):
        clf.fit(X, y, eval_set=(X[:10], np.full(10, 7)))
    X_nan = X.copy()
    X_nan[0, 0] = np.inf
    with pytest.raises(ValueError, match="[Ii]nf"):
        clf.fit(X_nan, y)


def test_sample_weight_needs_estimator_support(binary):
    from sklearn.neighbors import KNeighborsClassifier

    X, y = binary
    with pytest.raises(ValueError, match="does not accept sample_weight"):
        UnderBaggingClassifier(KNeighborsClassifier()).fit(X, y, sample_weight=np.ones(y.shape[0]))
    with pytest.raises(ValueError, match="sample_weight"):
        RUSBoostClassifier(KNeighborsClassifier()).fit(X, y)


def test_bad_sampling_strategy_dict(binary):
    X, y = binary
    with pytest.raises(ValueError, match="not in y"):
        UnderBaggingClassifier(sampling_strategy={5: 10}).fit(X, y)
    with pytest.raises(ValueError, match="positive integers"):
        UnderBaggingClassifier(sampling_strategy={0: -1}).fit(X, y)
