import numpy as np
import pandas as pd
import pytest
from imblearn.under_sampling import RandomUnderSampler as ImbRandomUnderSampler
from scipy import sparse
from sklearn.datasets import make_classification

from imbtab.pipeline import make_pipeline
from imbtab.under_sampling import RandomUnderSampler


def _data(n_classes=2):
    weights = [0.8, 0.2] if n_classes == 2 else [0.6, 0.25, 0.15]
    return make_classification(
        n_samples=400,
        n_features=5,
        n_informative=3,
        n_classes=n_classes,
        weights=weights,
        random_state=0,
    )


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("strategy", ["auto", "all", "majority", "not minority", "not majority"])
@pytest.mark.parametrize("replacement", [False, True])
@pytest.mark.parametrize("seed", [0, "state"])
def test_matches_imblearn(n_classes, strategy, replacement, seed):
    X, y = _data(n_classes)
    rs = (lambda: np.random.RandomState(5)) if seed == "state" else (lambda: seed)
    ours = RandomUnderSampler(
        sampling_strategy=strategy, replacement=replacement, random_state=rs()
    )
    ref = ImbRandomUnderSampler(
        sampling_strategy=strategy, replacement=replacement, random_state=rs()
    )
    X_a, y_a = ours.fit_resample(X, y)
    X_b, y_b = ref.fit_resample(X, y)
    np.testing.assert_array_equal(ours.sample_indices_, ref.sample_indices_)
    np.testing.assert_array_equal(X_a, X_b)
    np.testing.assert_array_equal(y_a, y_b)


def test_float_and_dict_strategy():
    X, y = _data(2)
    ours = RandomUnderSampler(sampling_strategy=0.5, random_state=1).fit(X, y)
    assert ours.sampling_strategy_ == {0: 2 * np.sum(y == 1)}
    _, y_res = RandomUnderSampler(sampling_strategy={0: 100}, random_state=1).fit_resample(X, y)
    assert np.sum(y_res == 0) == 100


def test_pandas_keeps_index_dtypes_and_weights():
    X, y = _data(2)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)]).astype({"f0": "float32"})
    frame.index = frame.index * 3 + 7
    series = pd.Series(np.where(y == 1, "fraud", "ok"), index=frame.index, name="label")
    weights = np.arange(len(y), dtype=float)
    rus = RandomUnderSampler(random_state=0)
    X_res, y_res, w_res = rus.fit_resample(
        frame, series, sample_weight=weights, return_sample_weight=True
    )
    assert X_res.dtypes.equals(frame.dtypes)
    assert X_res.index.equals(frame.index[rus.sample_indices_])
    assert y_res.index.equals(X_res.index)
    np.testing.assert_array_equal(w_res, weights[rus.sample_indices_])
    assert (y_res == "fraud").sum() == (y_res == "ok").sum()


def test_sparse_input_kept_sparse():
    X, y = _data(2)
    X_res, _ = RandomUnderSampler(random_state=0).fit_resample(sparse.csc_matrix(X), y)
    assert sparse.issparse(X_res) and X_res.format == "csc"


def test_one_hot_target_round_trips():
    X, y = _data(3)
    onehot = np.eye(3, dtype=int)[y]
    _, y_res = RandomUnderSampler(random_state=0).fit_resample(X, onehot)
    assert y_res.shape[1] == 3 and np.all(y_res.sum(axis=1) == 1)
    assert len(set(np.bincount(y_res.argmax(axis=1)))) == 1


def test_inside_pipeline_with_routed_weights():
    from sklearn.linear_model import LogisticRegression

    X, y = _data(2)
    pipe = make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression())
    pipe.fit(X, y, randomundersampler__sample_weight=np.ones(len(y)))
    assert pipe.score(X, y) > 0.5
