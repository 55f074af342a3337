import pickle

import numpy as np
import pytest
from imblearn.metrics import geometric_mean_score as imb_gmean
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    f1_score,
    fbeta_score,
    matthews_corrcoef,
    roc_auc_score,
)
from sklearn.model_selection import GridSearchCV

from imbtab.metrics import (
    IMBALANCE_SCORERS,
    classification_report_imbalanced,
    geometric_mean_score,
    get_scorer,
    index_balanced_accuracy,
    sensitivity_score,
    specificity_score,
)


@pytest.fixture(scope="module")
def fitted():
    X, y = make_classification(
        n_samples=300, weights=[0.85], flip_y=0.05, random_state=0, n_features=6
    )
    clf = LogisticRegression().fit(X, y)
    return clf, X, y


def test_reexports_are_imblearn():
    assert geometric_mean_score is imb_gmean
    y_true = [0, 0, 0, 1, 1]
    y_pred = [0, 1, 0, 1, 0]
    assert sensitivity_score(y_true, y_pred) == pytest.approx(0.5)
    assert specificity_score(y_true, y_pred) == pytest.approx(2 / 3)
    assert "iba" in classification_report_imbalanced(y_true, y_pred)


def test_iba_matches_definition():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, 200)
    y_pred = np.where(rng.random(200) < 0.7, y_true, 1 - y_true)
    tpr = np.mean(y_pred[y_true == 1] == 1)
    tnr = np.mean(y_pred[y_true == 0] == 0)
    for alpha in (0.0, 0.1, 0.5):
        expected = (1 + alpha * (tpr - tnr)) * tpr * tnr
        assert index_balanced_accuracy(y_true, y_pred, alpha=alpha) == pytest.approx(expected)
    expected = (1 + 0.1 * (tpr - tnr)) * np.sqrt(tpr * tnr)
    assert index_balanced_accuracy(y_true, y_pred, squared=False) == pytest.approx(expected)


def test_iba_string_pos_label():
    y_true = ["a", "a", "a", "b", "b"]
    y_pred = ["a", "b", "a", "b", "a"]
    tpr, tnr = 0.5, 2 / 3
    got = index_balanced_accuracy(y_true, y_pred, pos_label="b")
    assert got == pytest.approx((1 + 0.1 * (tpr - tnr)) * tpr * tnr)


def test_scorers_equal_metric_functions(fitted):
    clf, X, y = fitted
    pred = clf.predict(X)
    proba = clf.predict_proba(X)[:, 1]
    expected = {
        "gmean": imb_gmean(y, pred),
        "balanced_accuracy": balanced_accuracy_score(y, pred),
        "mcc": matthews_corrcoef(y, pred),
        "f1": f1_score(y, pred),
        "f2": fbeta_score(y, pred, beta=2),
        "average_precision": average_precision_score(y, proba),
        "roc_auc": roc_auc_score(y, proba),
        "brier": -brier_score_loss(y, proba),
        "iba": index_balanced_accuracy(y, pred),
    }
    for name, value in expected.items():
        assert IMBALANCE_SCORERS[name](clf, X, y) == pytest.approx(value), name
    # f2 weights recall more than f1: they must differ on this data
    assert expected["f2"] != pytest.approx(expected["f1"])


def test_get_scorer_accepts_sklearn_names_and_callables(fitted):
    clf, X, y = fitted
    assert get_scorer("accuracy")(clf, X, y) == pytest.approx(clf.score(X, y))
    assert get_scorer("gmean") is IMBALANCE_SCORERS["gmean"]
    scorer = IMBALANCE_SCORERS["mcc"]
    assert get_scorer(scorer) is scorer
    with pytest.raises(ValueError, match="not a known scorer.*gmean"):
        get_scorer("no_such_metric")


def test_scorers_in_grid_search_and_pickle(fitted):
    _, X, y = fitted
    grid = GridSearchCV(
        LogisticRegression(),
        {"C": [0.01, 1.0]},
        scoring={"gmean": IMBALANCE_SCORERS["gmean"], "f2": get_scorer("f2")},
        refit="gmean",
        cv=3,
    ).fit(X, y)
    assert np.all(np.isfinite(grid.cv_results_["mean_test_gmean"]))
    for scorer in IMBALANCE_SCORERS.values():
        pickle.loads(pickle.dumps(scorer))
