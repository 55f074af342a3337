"""SMOTEENN and SMOTETomek: the same X and y as imbalanced-learn."""

import numpy as np
import pandas as pd
import pytest
from imblearn.combine import SMOTEENN as ImbSMOTEENN
from imblearn.combine import SMOTETomek as ImbSMOTETomek
from imblearn.over_sampling import SMOTE as ImbSMOTE
from imblearn.under_sampling import EditedNearestNeighbours as ImbENN
from imblearn.under_sampling import TomekLinks as ImbTomekLinks
from sklearn.datasets import make_classification

from imbtab.combine import SMOTEENN, SMOTETomek
from imbtab.over_sampling import SMOTE
from imbtab.under_sampling import EditedNearestNeighbours, TomekLinks


def _data(n_classes=2, n_samples=500, seed=0):
    weights = [0.85, 0.15] if n_classes == 2 else [0.7, 0.2, 0.1]
    return make_classification(
        n_samples=n_samples,
        n_features=5,
        n_informative=3,
        n_classes=n_classes,
        weights=weights,
        class_sep=0.6,
        random_state=seed,
    )


def _same(ours, ref, X, y):
    X_a, y_a = ours.fit_resample(X, y)
    X_b, y_b = ref.fit_resample(X, y)
    assert len(y_a) != len(y)
    np.testing.assert_array_equal(np.asarray(y_a), y_b)
    np.testing.assert_allclose(np.asarray(X_a), X_b, rtol=1e-12, atol=0)
    return X_a, y_a


PAIRS = [
    (SMOTEENN, ImbSMOTEENN),
    (SMOTETomek, ImbSMOTETomek),
]


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(("cls", "ref_cls"), PAIRS)
@pytest.mark.parametrize("strategy", ["auto", "all", "not majority"])
def test_matches_imblearn(n_classes, cls, ref_cls, strategy):
    X, y = _data(n_classes)
    _same(
        cls(sampling_strategy=strategy, random_state=0),
        ref_cls(sampling_strategy=strategy, random_state=0),
        X,
        y,
    )


def test_given_components():
    X, y = _data(3, seed=1)
    _same(
        SMOTEENN(
            smote=SMOTE(k_neighbors=3, random_state=2), enn=EditedNearestNeighbours(kind_sel="mode")
        ),
        ImbSMOTEENN(smote=ImbSMOTE(k_neighbors=3, random_state=2), enn=ImbENN(kind_sel="mode")),
        X,
        y,
    )
    _same(
        SMOTETomek(smote=SMOTE(random_state=4), tomek=TomekLinks(sampling_strategy="majority")),
        ImbSMOTETomek(
            smote=ImbSMOTE(random_state=4), tomek=ImbTomekLinks(sampling_strategy="majority")
        ),
        X,
        y,
    )


@pytest.mark.parametrize(("cls", "ref_cls"), PAIRS)
def test_pandas_index_and_weights(cls, ref_cls):
    X, y = _data(2)
    frame = pd.DataFrame(X, columns=list("abcde"), index=np.arange(len(y)) * 10)
    series = pd.Series(y, index=frame.index, name="t")
    w = np.linspace(1, 2, len(y))
    X_res, y_res, w_res = cls(random_state=0).fit_resample(
        frame, series, sample_weight=w, return_sample_weight=True
    )
    X_ref, y_ref = ref_cls(random_state=0).fit_resample(X, y)
    np.testing.assert_allclose(X_res.to_numpy(), X_ref, rtol=1e-12, atol=0)
    assert X_res.index.is_unique and (X_res.index == y_res.index).all()
    original = X_res.index.isin(frame.index)
    # kept original rows carry their own values and weights; synthetic rows get fresh labels
    np.testing.assert_array_equal(X_res[original].to_numpy(), frame.loc[X_res.index[original]])
    np.testing.assert_array_equal(w_res[original], w[X_res.index[original] // 10])
    assert (~original).any()
    np.testing.assert_allclose(w_res[~original], w[y == 1].mean())


def test_no_sample_indices_and_over_sampling_strategy():
    X, y = _data(2)
    est = SMOTEENN(sampling_strategy=0.5, random_state=0)
    est.fit_resample(X, y)
    assert not hasattr(est, "sample_indices_")
    assert est.smote_.sampling_strategy == 0.5
