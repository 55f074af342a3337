"""Tests of imbtab.decision.ClassWeightTuner."""

import numpy as np
import pytest
from lightgbm import LGBMClassifier
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

from imbtab.decision import ClassWeightTuner
from imbtab.pipeline import Pipeline


@pytest.fixture
def data():
    return make_classification(n_samples=400, weights=[0.9], random_state=0)


def test_weights_formula_and_class_weight_mechanism(data):
    X, y = data
    tuner = ClassWeightTuner(LogisticRegression(), grid=[0, 0.5, 1], cv=3, random_state=0)
    tuner.fit(X, y)
    counts = np.bincount(y)
    ir = counts[0] / counts[1]
    assert tuner.mechanism_ == "class_weight"
    assert tuner.class_weight_ == pytest.approx({0: 1.0, 1: 1 + tuner.best_f_ * (ir - 1)})
    assert tuner.estimator_.class_weight == tuner.class_weight_
    assert tuner.cv_results_["mean_score"].shape == (3,)
    assert tuner.best_score_ == tuner.cv_results_["mean_score"].max()


def test_lightgbm_uses_scale_pos_weight(data):
    X, y = data
    lgbm = LGBMClassifier(n_estimators=10, verbose=-1, n_jobs=1)
    tuner = ClassWeightTuner(lgbm, grid=[1.0], cv=3, random_state=0).fit(X, y)
    counts = np.bincount(y)
    assert tuner.mechanism_ == "scale_pos_weight"
    assert tuner.estimator_.scale_pos_weight == pytest.approx(counts[0] / counts[1])


def test_pipeline_and_sample_weight_mechanisms(data):
    X, y = data
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    tuner = ClassWeightTuner(pipe, grid=[0, 1], cv=3, random_state=0).fit(X, y)
    assert tuner._param == "clf__class_weight"
    nb = ClassWeightTuner(GaussianNB(), grid=[0, 1], cv=3, random_state=0).fit(X, y)
    assert nb.mechanism_ == "sample_weight"
    # full balancing makes the prior of GaussianNB uniform
    if nb.best_f_ == 1:
        np.testing.assert_allclose(nb.estimator_.class_prior_, [0.5, 0.5])


def test_multiclass_exponent(data):
    X, y = make_classification(
        n_samples=500, n_classes=3, n_informative=4, weights=[0.7, 0.2], random_state=0
    )
    tuner = ClassWeightTuner(LogisticRegression(), grid=[1.0], cv=3, random_state=0).fit(X, y)
    counts = np.bincount(y)
    assert tuner.class_weight_ == pytest.approx({k: counts.max() / counts[k] for k in range(3)})


def test_no_mechanism_error(data):
    X, y = data
    with pytest.raises(ValueError, match="no way to apply class weights"):
        ClassWeightTuner(KNeighborsClassifier()).fit(X, y)
    with pytest.raises(ValueError, match="non-negative"):
        ClassWeightTuner(LogisticRegression(), grid=[-1]).fit(X, y)
