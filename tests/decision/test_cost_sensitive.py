"""Tests of imbtab.decision.CostSensitiveClassifier."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from imbtab.decision import CostSensitiveClassifier


def test_binary_bayes_threshold():
    X, y = make_classification(n_samples=400, weights=[0.85], random_state=0)
    clf = CostSensitiveClassifier(LogisticRegression(), [[0, 1], [9, 0]]).fit(X, y)
    p = clf.predict_proba(X)[:, 1]
    np.testing.assert_array_equal(clf.predict(X), (p > 0.1).astype(int))
    np.testing.assert_allclose(clf.expected_cost(X), np.c_[9 * p, 1 - p])


def test_multiclass_and_calibration():
    X, y = make_classification(n_samples=600, n_classes=3, n_informative=4, random_state=0)
    C = np.array([[0, 2, 2], [10, 0, 1], [1, 1, 0]], float)
    clf = CostSensitiveClassifier(LogisticRegression(), C, calibration="sigmoid", cv=3)
    clf.fit(X, y)
    np.testing.assert_array_equal(clf.predict(X), np.argmin(clf.predict_proba(X) @ C, axis=1))
    # the costly class-1 misses make class 1 predicted more often than by plain argmax
    plain = np.argmax(clf.predict_proba(X), axis=1)
    assert (clf.predict(X) == 1).sum() > (plain == 1).sum()


def test_cost_matrix_shape_error():
    X, y = make_classification(n_samples=100, random_state=0)
    with pytest.raises(ValueError, match=r"shape \(2, 2\)"):
        CostSensitiveClassifier(LogisticRegression(), np.zeros((3, 3))).fit(X, y)
