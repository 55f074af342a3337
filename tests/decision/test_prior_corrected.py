"""Tests of imbtab.decision.PriorCorrectedClassifier against the closed forms."""

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE
from imblearn.under_sampling import RandomUnderSampler
from lightgbm import LGBMClassifier
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from imbtab.decision import PriorCorrectedClassifier
from imbtab.objectives import LogitAdjustedLGBMClassifier
from imbtab.pipeline import Pipeline


@pytest.fixture
def data():
    return make_classification(n_samples=600, weights=[0.85], random_state=0)


def test_random_under_sampling_is_exact(data):
    X, y = data
    pipe = Pipeline(
        [
            ("rus", RandomUnderSampler(sampling_strategy=0.5, random_state=0)),
            ("clf", LogisticRegression()),
        ]
    )
    clf = PriorCorrectedClassifier(pipe).fit(X, y)
    n1, n0 = np.bincount(y)[1], np.bincount(y)[0]
    kept0 = 2 * n1  # sampling_strategy=0.5 keeps n1 / 0.5 negatives
    np.testing.assert_array_equal(clf.training_counts_, [kept0, n1])
    beta = kept0 / n0
    p_res = clf.estimator_.predict_proba(X)[:, 1]
    expected = beta * p_res / (beta * p_res - p_res + 1)  # Dal Pozzolo et al. 2015
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], expected, rtol=1e-12)
    # Elkan's Theorem 2 with b' the resampled prior, b the true prior
    b, b_ = n1 / (n0 + n1), n1 / (kept0 + n1)
    elkan = b * (p_res - p_res * b_) / (b_ - p_res * b_ + b * p_res - b * b_)
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], elkan, rtol=1e-12)


@pytest.mark.parametrize("class_weight", [{0: 1.0, 1: 6.0}, "balanced"])
def test_class_weights_are_exact(data, class_weight):
    X, y = data
    clf = PriorCorrectedClassifier(LogisticRegression(class_weight=class_weight)).fit(X, y)
    counts = np.bincount(y)
    if class_weight == "balanced":
        w_neg, w_pos = len(y) / (2 * counts)
    else:
        w_neg, w_pos = 1.0, 6.0
    p_w = clf.estimator_.predict_proba(X)[:, 1]
    expected = w_neg * p_w / (w_neg * p_w + w_pos * (1 - p_w))
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], expected, rtol=1e-12)


def test_sample_weight_and_scale_pos_weight(data):
    X, y = data
    w = np.where(y == 1, 3.0, 1.0)
    clf = PriorCorrectedClassifier(LogisticRegression()).fit(X, y, sample_weight=w)
    counts = np.bincount(y)
    np.testing.assert_allclose(
        clf.training_prior_, [counts[0], 3 * counts[1]] / (counts[0] + 3 * counts[1])
    )
    lgbm = LGBMClassifier(n_estimators=5, scale_pos_weight=4.0, verbose=-1, n_jobs=1)
    clf = PriorCorrectedClassifier(lgbm).fit(X, y)
    np.testing.assert_allclose(
        clf.training_prior_, [counts[0], 4 * counts[1]] / (counts[0] + 4 * counts[1])
    )


def test_smote_correction_moves_probabilities_back(data):
    X, y = data
    pipe = Pipeline([("smote", SMOTE(random_state=0)), ("clf", LogisticRegression())])
    clf = PriorCorrectedClassifier(pipe).fit(X, y)
    np.testing.assert_allclose(clf.training_prior_, [0.5, 0.5])
    p = clf.predict_proba(X)[:, 1]
    assert abs(p.mean() - y.mean()) < abs(clf.estimator_.predict_proba(X)[:, 1].mean() - y.mean())
    # the hook is removed after fit: the fitted sampler pickles and clones normally
    assert "fit_resample" not in vars(clf.estimator_.named_steps["smote"])


def test_no_shift_is_identity_and_multiclass_sums_to_one():
    X, y = make_classification(
        n_samples=500, n_classes=3, n_informative=4, weights=[0.7, 0.2], random_state=0
    )
    clf = PriorCorrectedClassifier(LogisticRegression()).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), clf.estimator_.predict_proba(X))
    clf = PriorCorrectedClassifier(LogisticRegression(), prior=[0.2, 0.3, 0.5]).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)
    counts = np.bincount(y) / len(y)
    ratio = np.array([0.2, 0.3, 0.5]) / counts
    raw = clf.estimator_.predict_proba(X) * ratio
    np.testing.assert_allclose(clf.predict_proba(X), raw / raw.sum(axis=1, keepdims=True))


def test_logit_adjusted_effective_prior_is_used(data):
    X, y = data
    la = LogitAdjustedLGBMClassifier(tau=1.0, n_estimators=10, verbose=-1, n_jobs=1)
    clf = PriorCorrectedClassifier(la).fit(X, y)
    np.testing.assert_allclose(clf.training_prior_, [0.5, 0.5])


def test_bad_priors(data):
    X, y = data
    with pytest.raises(ValueError, match="prior must be 2 positive"):
        PriorCorrectedClassifier(LogisticRegression(), prior=[1.0]).fit(X, y)
    with pytest.raises(ValueError, match="2 classes"):
        PriorCorrectedClassifier(LogisticRegression()).fit(X, np.zeros(len(y)))


def test_imbtab_random_over_sampler_is_exact(data):
    ros_mod = pytest.importorskip("imbtab.over_sampling")
    X, y = data
    pipe = Pipeline(
        [("ros", ros_mod.RandomOverSampler(random_state=0)), ("clf", LogisticRegression())]
    )
    clf = PriorCorrectedClassifier(pipe).fit(X, y)
    counts = np.bincount(y)
    np.testing.assert_array_equal(clf.training_counts_, [counts[0], counts[0]])
    p_res = clf.estimator_.predict_proba(X)[:, 1]
    r = counts[1] / counts[0]  # odds ratio true / resampled
    expected = r * p_res / (r * p_res + 1 - p_res)
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], expected, rtol=1e-12)
