import numpy as np
import pandas as pd
import pytest
from imblearn.under_sampling import InstanceHardnessThreshold as ImbIHT
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from imbtab.under_sampling import InstanceHardnessThreshold


def _data(n_classes=2, n_samples=300):
    weights = [0.8, 0.2] if n_classes == 2 else [0.55, 0.3, 0.15]
    return make_classification(
        n_samples=n_samples,
        n_features=6,
        n_informative=4,
        n_classes=n_classes,
        weights=weights,
        random_state=0,
    )


def _estimator(name):
    return {
        "default": None,
        "logistic": LogisticRegression(),
        "tree": DecisionTreeClassifier(max_depth=4),  # seeded from random_state
        "pipeline": make_pipeline(StandardScaler(), RandomForestClassifier(n_estimators=5)),
    }[name]


def _seed(kind):
    return np.random.RandomState(7) if kind == "state" else kind


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("estimator", ["default", "logistic", "tree", "pipeline"])
@pytest.mark.parametrize("seed", [0, "state"])
def test_matches_imblearn(n_classes, estimator, seed):
    X, y = _data(n_classes)
    params = dict(cv=3, n_jobs=1)
    if estimator == "default":  # keep the forest small: set it explicitly for both
        params["estimator"] = RandomForestClassifier(n_estimators=10)
    else:
        params["estimator"] = _estimator(estimator)
    ours = InstanceHardnessThreshold(random_state=_seed(seed), **params)
    ref = ImbIHT(random_state=_seed(seed), **params)
    X_a, y_a = ours.fit_resample(X, y)
    X_b, y_b = ref.fit_resample(X, y)
    assert ours.sample_indices_.size < y.size
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)


def test_default_estimator_matches_imblearn():
    X, y = _data(2, n_samples=200)
    ours = InstanceHardnessThreshold(random_state=0, n_jobs=1)
    ref = ImbIHT(random_state=0, n_jobs=1)
    ours.fit_resample(X, y)
    ref.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    assert isinstance(ours.estimator_, RandomForestClassifier)
    assert ours.estimator_.n_estimators == 100


@pytest.mark.parametrize("strategy", ["all", "majority", {0: 100, 1: 30}])
def test_strategies_match_imblearn(strategy):
    X, y = _data(3)
    params = dict(estimator=LogisticRegression(), sampling_strategy=strategy, random_state=1)
    ours = InstanceHardnessThreshold(**params)
    ref = ImbIHT(**params)
    ours.fit_resample(X, y)
    ref.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_string_labels_work_where_imblearn_crashes(n_classes):
    X, y = _data(n_classes)
    names = np.array(["ant", "bee", "cat"])[y]
    params = dict(estimator=LogisticRegression(), random_state=0)
    with pytest.raises(IndexError):
        ImbIHT(**params).fit_resample(X, names)
    ours = InstanceHardnessThreshold(**params)
    _, y_res = ours.fit_resample(X, names)
    # the same rows as imbalanced-learn on the integer codes (cross_val_predict encodes y)
    ref = ImbIHT(**params)
    ref.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    np.testing.assert_array_equal(y_res, names[ref.sample_indices_])


def test_labels_not_zero_based_use_the_right_column():
    # imbalanced-learn reads column y[i]: with labels {-1, 1}, class -1 rows get the
    # probability of class 1 (silently wrong); here the result equals the {0, 1} coding
    X, y = _data(2)
    signed = np.where(y == 1, 1, -1)
    params = dict(estimator=LogisticRegression(), random_state=0)
    ours = InstanceHardnessThreshold(**params)
    ours.fit_resample(X, signed)
    ref = ImbIHT(**params)
    ref.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    wrong = ImbIHT(**params)
    wrong.fit_resample(X, signed)
    assert not np.array_equal(wrong.sample_indices_, ref.sample_indices_)


def test_kept_rows_are_the_easiest():
    X, y = _data(2)
    iht = InstanceHardnessThreshold(estimator=LogisticRegression(), random_state=0)
    iht.fit_resample(X, y)
    kept_majority = np.intersect1d(iht.sample_indices_, np.flatnonzero(y == 0))
    assert kept_majority.size == np.sum(y == 1)
    np.testing.assert_array_equal(
        np.sort(iht.sample_indices_[np.isin(iht.sample_indices_, np.flatnonzero(y == 1))]),
        np.flatnonzero(y == 1),
    )


def test_cv_splitter_iterable_and_none():
    X, y = _data(3)
    est = LogisticRegression()
    base = InstanceHardnessThreshold(estimator=est, random_state=0, cv=5)
    base.fit_resample(X, y)
    none = InstanceHardnessThreshold(estimator=est, random_state=0, cv=None)
    none.fit_resample(X, y)
    np.testing.assert_array_equal(none.sample_indices_, base.sample_indices_)
    splitter = StratifiedKFold(n_splits=4, shuffle=True, random_state=3)
    with pytest.raises(Exception):  # noqa: B017 - imbalanced-learn cannot take a splitter
        ImbIHT(estimator=est, cv=splitter).fit_resample(X, y)
    by_splitter = InstanceHardnessThreshold(estimator=est, cv=splitter)
    by_splitter.fit_resample(X, y)
    folds = list(splitter.split(X, y))
    by_list = InstanceHardnessThreshold(estimator=est, cv=folds)
    by_list.fit_resample(X, y)
    np.testing.assert_array_equal(by_list.sample_indices_, by_splitter.sample_indices_)
    by_kfold = InstanceHardnessThreshold(estimator=est, cv=KFold(3, shuffle=True, random_state=0))
    by_kfold.fit_resample(X, y)
    assert not np.array_equal(by_kfold.sample_indices_, by_splitter.sample_indices_)


class _ProbaOnly(BaseEstimator):
    """Has fit and predict_proba but no classifier tag (imbalanced-learn crashes)."""

    def __init__(self, random_state=None):
        self.random_state = random_state  # seeded like LogisticRegression's: same folds

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.model_ = LogisticRegression().fit(X, y)
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


def test_any_object_with_predict_proba():
    X, y = _data(2)
    with pytest.raises(AttributeError):
        ImbIHT(estimator=_ProbaOnly(), random_state=0).fit_resample(X, y)
    ours = InstanceHardnessThreshold(estimator=_ProbaOnly(), random_state=0)
    ours.fit_resample(X, y)
    ref = InstanceHardnessThreshold(estimator=LogisticRegression(), random_state=0)
    ref.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)


def test_estimator_without_predict_proba_is_a_clear_error():
    X, y = _data(2)
    with pytest.raises(ValueError, match="predict_proba"):
        InstanceHardnessThreshold(estimator=SVC()).fit_resample(X, y)
    with pytest.raises(ValueError, match="cv"):
        InstanceHardnessThreshold(cv=1).fit_resample(X, y)


def test_pandas_sparse_and_sample_weight():
    X, y = _data(3)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    frame.index = frame.index + 100
    series = pd.Series(y, index=frame.index, name="target")
    weights = np.arange(y.size, dtype=float)
    iht = InstanceHardnessThreshold(estimator=LogisticRegression(), random_state=0)
    X_res, y_res, w_res = iht.fit_resample(
        frame, series, sample_weight=weights, return_sample_weight=True
    )
    assert X_res.index.equals(frame.index[iht.sample_indices_])
    assert y_res.index.equals(X_res.index)
    np.testing.assert_array_equal(w_res, weights[iht.sample_indices_])
    dense = iht.sample_indices_.copy()
    X_sp, _ = iht.fit_resample(sparse.csr_matrix(X), y)
    assert sparse.issparse(X_sp)
    np.testing.assert_array_equal(iht.sample_indices_, dense)
