"""Tests of imbtab.decision.ThresholdTuner and its vectorised threshold scan."""

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    balanced_accuracy_score,
    f1_score,
    fbeta_score,
    make_scorer,
    matthews_corrcoef,
    precision_score,
    recall_score,
    roc_auc_score,
)

from imbtab.decision import ThresholdTuner
from imbtab.decision._scan import best_binary_threshold, best_multiclass_offsets
from imbtab.pipeline import Pipeline


def _gmean(y, p, sample_weight=None):
    tpr = recall_score(y, p, sample_weight=sample_weight, zero_division=0)
    tnr = recall_score(1 - y, 1 - p, sample_weight=sample_weight, zero_division=0)
    return np.sqrt(tpr * tnr)


REFERENCE = {
    "f1": lambda y, p, w: f1_score(y, p, sample_weight=w, zero_division=0),
    "f2": lambda y, p, w: fbeta_score(y, p, beta=2, sample_weight=w, zero_division=0),
    "precision": lambda y, p, w: precision_score(y, p, sample_weight=w, zero_division=0),
    "balanced_accuracy": lambda y, p, w: balanced_accuracy_score(y, p, sample_weight=w),
    "mcc": lambda y, p, w: matthews_corrcoef(y, p, sample_weight=w),
    "gmean": _gmean,
}


@pytest.fixture
def scored():
    rng = np.random.RandomState(0)
    y = (rng.rand(400) < 0.15).astype(int)
    scores = np.round(rng.rand(400) * 0.6 + 0.4 * y, 2)  # rounding makes ties
    w = rng.randint(1, 4, size=400).astype(float)
    return y, scores, w


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_scan_matches_brute_force_over_every_threshold(scored, name):
    y, scores, w = scored
    t, value, _ = best_binary_threshold(
        y == 1, scores, w, name, classes=np.array([0, 1]), pos_index=1
    )
    brute = [REFERENCE[name](y, (scores >= s).astype(int), w) for s in np.unique(scores)]
    assert value == pytest.approx(max(brute), abs=1e-12)
    assert REFERENCE[name](y, (scores >= t).astype(int), w) == pytest.approx(value, abs=1e-12)


def test_integer_weights_equal_repeated_rows(scored):
    y, scores, w = scored
    reps = w.astype(int)
    kw = dict(classes=np.array([0, 1]), pos_index=1)
    a = best_binary_threshold(y == 1, scores, w, "f1", **kw)
    b = best_binary_threshold(
        np.repeat(y, reps) == 1, np.repeat(scores, reps), np.ones(reps.sum()), "f1", **kw
    )
    assert a[:2] == pytest.approx(b[:2])


def test_constrained_objectives_meet_their_constraint(scored):
    y, scores, w = scored
    w = np.ones_like(w)
    kw = dict(classes=np.array([0, 1]), pos_index=1)
    t, rec, ok = best_binary_threshold(
        y == 1, scores, w, "recall_at_precision", constraint=0.6, **kw
    )
    pred = (scores >= t).astype(int)
    assert ok and precision_score(y, pred) >= 0.6
    feasible = [
        recall_score(y, scores >= s)
        for s in np.unique(scores)
        if precision_score(y, scores >= s, zero_division=0) >= 0.6
    ]
    assert recall_score(y, pred) == pytest.approx(max(feasible))
    t, prec, ok = best_binary_threshold(
        y == 1, scores, w, "precision_at_recall", constraint=0.8, **kw
    )
    assert ok and recall_score(y, scores >= t) >= 0.8
    t, rate, ok = best_binary_threshold(y == 1, scores, w, "alert_rate", constraint=0.1, **kw)
    assert ok and 0.05 < np.mean(scores >= t) <= 0.1


def test_infeasible_constraint_warns():
    fitted = LogisticRegression().fit([[0.0], [1.0]], [0, 1])  # increasing in x
    X_val, y_val = [[0.9], [0.8], [0.7], [0.1]], [0, 1, 1, 0]  # top score is a negative
    tuner = ThresholdTuner(
        fitted, objective="recall_at_precision", constraint=1.0, cv="prefit", refit=False
    )
    with pytest.warns(UserWarning, match="cannot be met"):
        tuner.fit(X_val, y_val)
    assert tuner.constraint_satisfied_ is False


@pytest.mark.parametrize(
    "objective",
    [
        "roc_auc",
        "average_precision",
        "neg_log_loss",
        "neg_brier_score",
        roc_auc_score,
        make_scorer(roc_auc_score, response_method="predict_proba"),
    ],
)
def test_ranking_metrics_are_refused(objective):
    X, y = make_classification(n_samples=100, random_state=0)
    with pytest.raises(ValueError, match="ranking or probability metric"):
        ThresholdTuner(LogisticRegression(), objective=objective).fit(X, y)


def test_generic_metric_and_scorer_agree_with_count_path():
    X, y = make_classification(n_samples=180, weights=[0.8], random_state=1)
    kw = dict(random_state=0, shrinkage=0, n_repeats=1)
    a = ThresholdTuner(LogisticRegression(), objective="f1", **kw).fit(X, y)
    b = ThresholdTuner(LogisticRegression(), objective=f1_score, **kw).fit(X, y)
    c = ThresholdTuner(LogisticRegression(), objective=make_scorer(f1_score), **kw).fit(X, y)
    # fewer than 200 distinct OOF scores -> the generic path also sees every threshold
    assert b.objective_score_ == pytest.approx(a.objective_score_)
    assert c.threshold_ == pytest.approx(b.threshold_)


def test_pooled_oof_threshold_and_fold_spread():
    X, y = make_classification(n_samples=1500, weights=[0.9], random_state=0)
    tuner = ThresholdTuner(LogisticRegression(), shrinkage=0, random_state=0).fit(X, y)
    assert tuner.cv_thresholds_.shape == (5 * 1,)  # 150 positives: one repeat
    assert tuner.threshold_spread_ == pytest.approx(np.std(tuner.cv_thresholds_))
    assert tuner.threshold_ == tuner.unshrunk_threshold_
    small = ThresholdTuner(LogisticRegression(), random_state=0).fit(X[:300], y[:300])
    n_min = int(np.bincount(y[:300]).min())
    assert small.cv_thresholds_.shape == (5 * min(5, int(np.ceil(100 / n_min))),)


def _logit(p):
    return np.log(p / (1 - p))


def test_shrinkage_pulls_toward_prior_only_when_positives_are_few():
    rng = np.random.RandomState(0)

    def data(n_pos, n_neg):
        X = np.r_[rng.normal(1.0, 1, (n_pos, 2)), rng.normal(0, 1, (n_neg, 2))]
        return X, np.r_[np.ones(n_pos, int), np.zeros(n_neg, int)]

    X, y = data(10, 190)
    few = ThresholdTuner(LogisticRegression(), random_state=0).fit(X, y)
    assert few.shrinkage_weight_ == pytest.approx(10 / 20)
    assert few.prior_threshold_ == pytest.approx(0.05)
    z = _logit(few.threshold_)
    assert z == pytest.approx(0.5 * _logit(few.unshrunk_threshold_) + 0.5 * _logit(0.05))
    assert abs(z - _logit(0.05)) < abs(_logit(few.unshrunk_threshold_) - _logit(0.05))

    X, y = data(1000, 9000)
    many = ThresholdTuner(LogisticRegression(), random_state=0).fit(X, y)
    assert many.shrinkage_weight_ == pytest.approx(1000 / 1010)
    gap = abs(_logit(many.unshrunk_threshold_) - _logit(many.prior_threshold_))
    assert abs(_logit(many.threshold_) - _logit(many.unshrunk_threshold_)) <= 0.01 * gap

    X, y = data(10, 190)
    off = ThresholdTuner(LogisticRegression(), shrinkage=0, random_state=0).fit(X, y)
    assert off.threshold_ == off.unshrunk_threshold_


def test_prior_and_cost_strategies():
    X, y = make_classification(n_samples=400, weights=[0.8], random_state=0)
    prior = ThresholdTuner(LogisticRegression(), strategy="prior").fit(X, y)
    assert prior.threshold_ == pytest.approx(y.mean())
    proba = prior.predict_proba(X)[:, 1]
    np.testing.assert_array_equal(prior.predict(X), (proba >= y.mean()).astype(int))
    cost = ThresholdTuner(LogisticRegression(), strategy="cost", cost_matrix=[[0, 1], [4, 0]])
    assert cost.fit(X, y).threshold_ == pytest.approx(1 / 5)
    with pytest.raises(ValueError, match="cost_matrix"):
        ThresholdTuner(LogisticRegression(), strategy="cost").fit(X, y)


def test_cost_objective_is_shrunk_toward_cost_threshold():
    X, y = make_classification(n_samples=400, weights=[0.8], random_state=0)
    t = ThresholdTuner(
        LogisticRegression(), objective="cost", cost_matrix=[[0, 1], [4, 0]], random_state=0
    ).fit(X, y)
    assert t.prior_threshold_ == pytest.approx(0.2)


def test_multiclass_offsets_improve_macro_f1_on_pooled_oof():
    X, y = make_classification(
        n_samples=1200, n_classes=3, n_informative=4, weights=[0.8, 0.15], random_state=0
    )
    tuner = ThresholdTuner(LogisticRegression(), shrinkage=0, random_state=0).fit(X, y)
    assert tuner.offsets_.shape == (3,)
    assert tuner.offsets_[0] == 0.0  # majority class is the reference
    assert tuner.cv_thresholds_.shape[1] == 3 and tuner.cv_thresholds_.shape[0] % 5 == 0
    # the exact coordinate search beats the plain argmax on the same scores
    rng = np.random.RandomState(0)
    scores = np.log(rng.dirichlet([1, 1, 1], size=300))
    yy = rng.randint(0, 3, 300)
    w = np.ones(300)
    off, val = best_multiclass_offsets(
        scores, yy, w, "f1", classes=np.arange(3), init=np.zeros(3), reference=0
    )
    macro = f1_score(yy, np.argmax(scores + off, axis=1), average="macro")
    assert val == pytest.approx(macro)
    assert macro >= f1_score(yy, np.argmax(scores, axis=1), average="macro")
    pred = tuner.predict(X)
    assert set(np.unique(pred)) <= {0, 1, 2}


def test_multiclass_cost_strategy_is_bayes_decision():
    X, y = make_classification(n_samples=300, n_classes=3, n_informative=4, random_state=0)
    C = np.array([[0, 1, 1], [5, 0, 1], [5, 1, 0]], float)
    t = ThresholdTuner(LogisticRegression(), strategy="cost", cost_matrix=C).fit(X, y)
    expected = np.argmin(t.predict_proba(X) @ C, axis=1)
    np.testing.assert_array_equal(t.predict(X), expected)


def test_constrained_objective_multiclass_is_refused():
    X, y = make_classification(n_samples=300, n_classes=3, n_informative=4, random_state=0)
    with pytest.raises(ValueError, match="binary problems only"):
        ThresholdTuner(LogisticRegression(), objective="alert_rate", constraint=0.1).fit(X, y)


def test_pipeline_with_sampler_and_string_labels():
    X, y = make_classification(n_samples=400, weights=[0.9], random_state=0)
    labels = np.where(y == 1, "fraud", "ok")
    pipe = Pipeline([("smote", SMOTE(random_state=0)), ("clf", LogisticRegression())])
    tuner = ThresholdTuner(pipe, pos_label="fraud", random_state=0).fit(X, labels)
    assert tuner.pos_label_ == "fraud"
    assert set(tuner.predict(X)) <= {"fraud", "ok"}
    # SMOTE inflates probabilities: the tuned threshold sits well above the prevalence
    assert tuner.unshrunk_threshold_ > 0.1


def test_prefit_and_refit_rules():
    X, y = make_classification(n_samples=400, weights=[0.8], random_state=0)
    fitted = LogisticRegression().fit(X[:200], y[:200])
    with pytest.raises(ValueError, match="refit=False"):
        ThresholdTuner(fitted, cv="prefit").fit(X[200:], y[200:])
    with pytest.raises(NotFittedError):
        ThresholdTuner(LogisticRegression(), cv="prefit", refit=False).fit(X, y)
    pre = ThresholdTuner(fitted, cv="prefit", refit=False).fit(X[200:], y[200:])
    assert pre.estimator_ is fitted
    with pytest.raises(ValueError, match="refit=False keeps"):
        ThresholdTuner(LogisticRegression(), refit=False).fit(X, y)
    hold = ThresholdTuner(LogisticRegression(), cv=0.25, refit=False, random_state=0).fit(X, y)
    assert hold.cv_thresholds_.shape == (1,)
    assert not np.allclose(hold.estimator_.coef_, LogisticRegression().fit(X, y).coef_)


class _WeightRecorder(ClassifierMixin, BaseEstimator):
    def fit(self, X, y, sample_weight=None):
        self.classes_ = np.unique(y)
        self.sample_weight_ = sample_weight
        self.model_ = LogisticRegression().fit(X, y, sample_weight=sample_weight)
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


def test_sample_weight_routing():
    X, y = make_classification(n_samples=300, weights=[0.8], random_state=0)
    w = np.linspace(0.5, 1.5, 300)
    legacy = ThresholdTuner(_WeightRecorder(), random_state=0).fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(legacy.estimator_.sample_weight_, w)
    with config_context(enable_metadata_routing=True):
        est = _WeightRecorder().set_fit_request(sample_weight=True)
        tuner = ThresholdTuner(est, random_state=0).set_fit_request(sample_weight=True)
        tuner.fit(X, y, sample_weight=w)
        np.testing.assert_array_equal(tuner.estimator_.sample_weight_, w)
        est = _WeightRecorder().set_fit_request(sample_weight=False)
        tuner = ThresholdTuner(est, random_state=0).set_fit_request(sample_weight=True)
        tuner.fit(X, y, sample_weight=w)
        assert tuner.estimator_.sample_weight_ is None


def test_bad_input_messages():
    X, y = make_classification(n_samples=100, random_state=0)
    with pytest.raises(ValueError, match="constraint"):
        ThresholdTuner(LogisticRegression(), objective="recall_at_precision").fit(X, y)
    with pytest.raises(ValueError, match="Unknown objective"):
        ThresholdTuner(LogisticRegression(), objective="nope").fit(X, y)
    with pytest.raises(ValueError, match="pos_label"):
        ThresholdTuner(LogisticRegression(), pos_label=7).fit(X, y)
    with pytest.raises(ValueError, match="2 classes"):
        ThresholdTuner(LogisticRegression()).fit(X, np.zeros(100))
    y_one = np.zeros(100, int)
    y_one[0] = 1
    with pytest.raises(ValueError, match="at least 2 samples of every class"):
        ThresholdTuner(LogisticRegression()).fit(X, y_one)
