"""Tests of the custom-objective LightGBM classifiers."""

import numpy as np
import pytest
from lightgbm import LGBMClassifier
from scipy.special import expit, softmax
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.metrics import recall_score
from sklearn.model_selection import GridSearchCV

from imbtab.objectives import FocalLGBMClassifier, LogitAdjustedLGBMClassifier
from imbtab.objectives._focal import focal_grad_hess, focal_loss
from imbtab.objectives._logit_adjusted import logit_adjusted_grad_hess

Z = np.linspace(-6, 6, 41)


@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0, 5.0])
@pytest.mark.parametrize("alpha", [None, 0.25, 0.9])
@pytest.mark.parametrize("label", [0, 1])
def test_focal_gradient_hessian_match_finite_differences(gamma, alpha, label):
    y = np.full(Z.shape, label)
    eps = 1e-5
    g, h = focal_grad_hess(y, Z, gamma, alpha)
    g_fd = (focal_loss(y, Z + eps, gamma, alpha) - focal_loss(y, Z - eps, gamma, alpha)) / (2 * eps)
    gp, _ = focal_grad_hess(y, Z + eps, gamma, alpha)
    gm, _ = focal_grad_hess(y, Z - eps, gamma, alpha)
    np.testing.assert_allclose(g, g_fd, atol=1e-7)
    np.testing.assert_allclose(h, (gp - gm) / (2 * eps), atol=1e-7)


def test_focal_hessian_goes_negative_and_is_clipped():
    _, h = focal_grad_hess(np.ones_like(Z), Z, 2.0, None)
    assert h.min() < 0  # the raw hessian is not positive...
    clf = FocalLGBMClassifier(gamma=2.0, n_estimators=2, verbose=-1, n_jobs=1)
    X, y = make_classification(n_samples=50, random_state=0)
    clf.fit(X, y)
    _, hc = clf._objective_callable()(np.ones_like(Z), Z, None)
    assert hc.min() > 0  # ...the one LightGBM receives is


def _ce_adjusted(y, raw, log_prior, tau):
    if raw.ndim == 1:
        z = raw + tau * (log_prior[1] - log_prior[0])
        p = expit(z)
        return -(y * np.log(p) + (1 - y) * np.log1p(-p))
    s = softmax(raw + tau * log_prior, axis=1)
    return -np.log(s[np.arange(len(y)), y])


@pytest.mark.parametrize("tau", [0.0, 1.0, 2.0])
def test_logit_adjusted_gradient_hessian_match_finite_differences(tau):
    rng = np.random.RandomState(0)
    eps = 1e-6
    log_prior = np.log([0.9, 0.1])
    y = rng.randint(0, 2, Z.size)
    g, h = logit_adjusted_grad_hess(y, Z, log_prior, tau)
    g_fd = _ce_adjusted(y, Z + eps, log_prior, tau) - _ce_adjusted(y, Z - eps, log_prior, tau)
    np.testing.assert_allclose(g, g_fd / (2 * eps), atol=1e-7)
    gp, _ = logit_adjusted_grad_hess(y, Z + eps, log_prior, tau)
    gm, _ = logit_adjusted_grad_hess(y, Z - eps, log_prior, tau)
    np.testing.assert_allclose(h, (gp - gm) / (2 * eps), atol=1e-6)
    # multiclass: exact gradient, hessian = diagonal of the softmax Jacobian
    log_prior = np.log([0.7, 0.2, 0.1])
    raw = rng.normal(size=(20, 3))
    y = rng.randint(0, 3, 20)
    g, h = logit_adjusted_grad_hess(y, raw, log_prior, tau)
    for k in range(3):
        d = np.zeros_like(raw)
        d[:, k] = eps
        fd = _ce_adjusted(y, raw + d, log_prior, tau) - _ce_adjusted(y, raw - d, log_prior, tau)
        np.testing.assert_allclose(g[:, k], fd / (2 * eps), atol=1e-7)
        gp, _ = logit_adjusted_grad_hess(y, raw + d, log_prior, tau)
        gm, _ = logit_adjusted_grad_hess(y, raw - d, log_prior, tau)
        np.testing.assert_allclose(h[:, k], (gp - gm)[:, k] / (2 * eps), atol=1e-6)


@pytest.fixture
def data():
    return make_classification(n_samples=500, weights=[0.85], random_state=0)


def test_init_score_is_the_constant_minimiser(data):
    X, y = data
    clf = FocalLGBMClassifier(gamma=2.0, alpha=0.25, n_estimators=3, verbose=-1, n_jobs=1).fit(X, y)
    c = clf.init_score_
    total = [focal_loss(y, np.full(len(y), c + d), 2.0, 0.25).sum() for d in (-1e-3, 0, 1e-3)]
    assert total[1] <= min(total[0], total[2])
    # gamma = 0: the minimiser is the prior log-odds
    ce = FocalLGBMClassifier(gamma=0.0, n_estimators=3, verbose=-1, n_jobs=1).fit(X, y)
    assert ce.init_score_ == pytest.approx(np.log(y.mean() / (1 - y.mean())), abs=1e-6)
    la = LogitAdjustedLGBMClassifier(tau=0.5, n_estimators=3, verbose=-1, n_jobs=1).fit(X, y)
    assert la.init_score_ == pytest.approx(0.5 * np.log(y.mean() / (1 - y.mean())))


def test_predict_proba_returns_probabilities_from_margin(data):
    X, y = data
    clf = FocalLGBMClassifier(n_estimators=20, verbose=-1, n_jobs=1).fit(X, y)
    raw = LGBMClassifier.predict_proba(clf, X, raw_score=True)
    p = clf.predict_proba(X)
    np.testing.assert_allclose(p[:, 1], expit(raw + clf.init_score_))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[(p[:, 1] > 0.5).astype(int)])


def test_zero_focus_equals_lightgbm_binary_logloss(data):
    X, y = data
    ours = FocalLGBMClassifier(gamma=0.0, n_estimators=30, verbose=-1, n_jobs=1).fit(X, y)
    plain = LGBMClassifier(n_estimators=30, verbose=-1, n_jobs=1).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), plain.predict_proba(X), atol=1e-4)
    la = LogitAdjustedLGBMClassifier(tau=0.0, n_estimators=30, verbose=-1, n_jobs=1).fit(X, y)
    np.testing.assert_allclose(la.predict_proba(X), plain.predict_proba(X), atol=1e-4)


def test_logit_adjustment_raises_minority_recall(data):
    X, y = data
    plain = LGBMClassifier(n_estimators=30, verbose=-1, n_jobs=1).fit(X, y)
    la = LogitAdjustedLGBMClassifier(tau=1.0, n_estimators=30, verbose=-1, n_jobs=1).fit(X, y)
    assert recall_score(y, la.predict(X)) >= recall_score(y, plain.predict(X))
    np.testing.assert_allclose(la.effective_prior_, [0.5, 0.5])


def test_multiclass_logit_adjusted(data):
    X, y = make_classification(
        n_samples=600, n_classes=3, n_informative=4, weights=[0.7, 0.2], random_state=0
    )
    la = LogitAdjustedLGBMClassifier(tau=1.0, n_estimators=20, verbose=-1, n_jobs=1).fit(X, y)
    p = la.predict_proba(X)
    assert p.shape == (600, 3)
    np.testing.assert_allclose(p, softmax(la.decision_function(X), axis=1))
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        FocalLGBMClassifier(n_estimators=2, n_jobs=1).fit(X, y)


def test_clone_and_grid_search(data):
    X, y = data
    clf = FocalLGBMClassifier(gamma=1.0, alpha=0.5, n_estimators=5, learning_rate=0.2)
    params = clone(clf).get_params()
    assert params["gamma"] == 1.0 and params["alpha"] == 0.5 and params["learning_rate"] == 0.2
    gs = GridSearchCV(
        FocalLGBMClassifier(n_estimators=5, verbose=-1, n_jobs=1),
        {"gamma": [0.0, 2.0]},
        cv=3,
        scoring="average_precision",
    ).fit(X, y)
    assert gs.best_params_["gamma"] in (0.0, 2.0)


def test_bad_parameters(data):
    X, y = data
    with pytest.raises(ValueError, match="gamma"):
        FocalLGBMClassifier(gamma=-1).fit(X, y)
    with pytest.raises(ValueError, match="alpha"):
        FocalLGBMClassifier(alpha=1.5).fit(X, y)
    with pytest.raises(ValueError, match="sets its own objective"):
        LogitAdjustedLGBMClassifier(objective="binary").fit(X, y)
