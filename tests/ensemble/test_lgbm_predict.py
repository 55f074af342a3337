"""The exact fast predictor of LightGBM members: bit-for-bit ``predict_proba``, eligibility,
and ensembles that are the same model with the fast path on and off."""

import lightgbm
import numpy as np
import pandas as pd
import pytest
from lightgbm import LGBMClassifier
from numpy.testing import assert_array_equal
from sklearn.tree import DecisionTreeClassifier

from imbtab.ensemble import BalanceCascadeClassifier, SelfPacedEnsembleClassifier
from imbtab.ensemble._base import fast_lgbm_prediction, fast_member_predictor, member_proba
from imbtab.ensemble._lgbm_predict import (
    _ZERO_THRESHOLD,
    _build,
    fast_predictor,
)

KZ = _ZERO_THRESHOLD


def _data(seed, n=1200, d=6, n_classes=2, nan=0.0, zeros=0.0):
    """Gaussian features, labels from a noisy linear score; NaNs, exact zeros and the
    special values around LightGBM's zero threshold sprinkled in."""
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n, d))
    score = X[:, 0] + 0.7 * X[:, 1] - 0.5 * X[:, 2] + 0.5 * rng.standard_normal(n)
    cuts = np.quantile(score, np.linspace(0, 1, n_classes + 1)[1:-1])
    y = np.searchsorted(cuts, score)
    if zeros:
        X[rng.uniform(size=X.shape) < zeros] = 0.0
    if nan:
        X[rng.uniform(size=X.shape) < nan] = np.nan
    return X, y


def _test_rows(X, seed):
    """The training rows plus rows of special values: tiny, +-kZeroThreshold, inf, NaN."""
    rng = np.random.RandomState(seed + 1)
    special = np.array(
        [0.0, -0.0, KZ, -KZ, np.nextafter(KZ, 1), -np.nextafter(KZ, 1), 1e-40, -1e-38,
         np.inf, -np.inf, np.nan]
    )  # fmt: skip
    extra = rng.choice(special, size=(200, X.shape[1]))
    mixed = X[:200].copy()
    mask = rng.uniform(size=mixed.shape) < 0.3
    mixed[mask] = rng.choice(special, size=int(mask.sum()))
    return np.vstack([X, extra, mixed])


def _decision_types(model):
    text = model.booster_.model_to_string()
    kinds = []
    for line in text.split("\n"):
        if line.startswith("decision_type="):
            kinds += [int(v) for v in line.split("=")[1].split()]
    return np.array(kinds)


CASES = [
    # (n_classes, nan share, zero share, LightGBM params)
    (2, 0.0, 0.0, {}),
    (2, 0.1, 0.0, {}),
    (2, 0.1, 0.1, {"zero_as_missing": True}),
    (2, 0.1, 0.1, {"use_missing": False}),
    (2, 0.05, 0.2, {"sigmoid": 0.123456789, "num_leaves": 7}),
    (3, 0.1, 0.0, {}),
    (4, 0.05, 0.1, {"zero_as_missing": True, "num_leaves": 5}),
    (3, 0.0, 0.0, {"max_depth": 3, "learning_rate": 0.3}),
]


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_bit_exact_predict_proba(case, dtype):
    n_classes, nan, zeros, params = CASES[case]
    X, y = _data(case, n_classes=n_classes, nan=nan, zeros=zeros)
    X = X.astype(dtype)
    model = LGBMClassifier(
        n_estimators=15, min_child_samples=5, verbose=-1, n_jobs=1, random_state=case, **params
    ).fit(X, y)
    pred = fast_predictor(model)
    assert pred is not None
    Xt = _test_rows(X, case).astype(dtype)
    expected = model.predict_proba(Xt)
    assert_array_equal(pred.predict_proba(Xt), expected)
    # row subsets read in place, several threads, Fortran order: the same bits
    rows = np.random.RandomState(case).permutation(Xt.shape[0])[:700]
    assert_array_equal(pred.predict_proba(Xt, rows, n_threads=2), expected[rows])
    assert_array_equal(pred.predict_proba(np.asfortranarray(Xt)), expected)
    assert_array_equal(member_proba(model, Xt, n_classes), expected)


def test_cases_cover_every_missing_type_both_default_sides_and_two_phase_walks():
    seen, two_phase = set(), 0
    for case, (n_classes, nan, zeros, params) in enumerate(CASES):
        X, y = _data(case, n_classes=n_classes, nan=nan, zeros=zeros)
        model = LGBMClassifier(
            n_estimators=15, min_child_samples=5, verbose=-1, n_jobs=1, random_state=case,
            **params,
        ).fit(X, y)  # fmt: skip
        kinds = _decision_types(model)
        seen |= {((k >> 2) & 3, (k >> 1) & 1) for k in kinds.tolist()}
        pred = fast_predictor(model)
        two_phase += int(np.sum(pred.caps < pred.depths))  # trees walked in two phases
        if params.get("use_missing") is False:
            assert set(((kinds >> 2) & 3).tolist()) == {0}
    # missing type None / Zero / NaN, each with default left and default right
    assert {m for m, _ in seen} == {0, 1, 2}
    assert {(1, 0), (1, 1), (2, 0), (2, 1)} <= seen
    assert two_phase > 10


def test_early_stopped_model_uses_best_iteration():
    X, y = _data(11, nan=0.05, n_classes=3)
    model = LGBMClassifier(
        n_estimators=200, learning_rate=0.5, min_child_samples=3, verbose=-1, n_jobs=1,
        random_state=0,
    ).fit(
        X[:800], y[:800], eval_X=(X[800:],), eval_y=(y[800:],),
        callbacks=[lightgbm.early_stopping(3, verbose=False)],
    )  # fmt: skip
    assert 0 < model.best_iteration_ < 200
    pred = fast_predictor(model)
    assert pred.roots.shape[0] == 3 * model.best_iteration_
    assert_array_equal(pred.predict_proba(X), model.predict_proba(X))
    # a booster holding more trees than its best iteration predicts with the best one
    model = LGBMClassifier(n_estimators=12, verbose=-1, n_jobs=1).fit(X, y)
    full = model.predict_proba(X)
    model.booster_.best_iteration = 4
    expected = model.predict_proba(X)
    assert not np.array_equal(expected, full)
    pred = fast_predictor(LGBMClassifier().set_params(**model.get_params()))  # unfitted: None
    assert pred is None
    pred = _build(model)
    assert pred.roots.shape[0] == 3 * 4
    assert_array_equal(pred.predict_proba(X), expected)


def test_constant_trees_and_pandas_input():
    X, y = _data(3, n=300)
    df = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    # min_child_samples larger than half the data: no split possible, constant trees
    model = LGBMClassifier(n_estimators=3, min_child_samples=200, verbose=-1, n_jobs=1).fit(df, y)
    pred = fast_predictor(model)
    assert (pred.depths == 0).all()
    assert_array_equal(pred.predict_proba(X), model.predict_proba(df))
    model = LGBMClassifier(n_estimators=5, verbose=-1, n_jobs=1).fit(df, y)
    assert_array_equal(fast_predictor(model).predict_proba(X), model.predict_proba(df))


@pytest.mark.parametrize(
    "params",
    [
        {"objective": "multiclassova"},
        {"boosting_type": "rf", "subsample": 0.5, "subsample_freq": 1},
        {"boosting_type": "dart"},
        {"linear_tree": True},
        {"pred_early_stop": True},
        {"predict_raw_score": True},
    ],
)
def test_not_covered_models_fall_back(params):
    X, y = _data(5, n_classes=3 if params.get("objective") == "multiclassova" else 2)
    model = LGBMClassifier(n_estimators=5, verbose=-1, n_jobs=1, **params).fit(X, y)
    assert fast_predictor(model) is None
    assert fast_member_predictor(model, X) is None


def test_categorical_splits_and_custom_objective_fall_back():
    X, y = _data(6)
    Xc = X.copy()
    Xc[:, 0] = (Xc[:, 0] > 0).astype(float) + 2 * (Xc[:, 1] > 0.5)
    model = LGBMClassifier(n_estimators=5, verbose=-1, n_jobs=1, min_child_samples=5)
    model.fit(Xc, y, categorical_feature=[0])
    assert (_decision_types(model) & 1).any()
    assert fast_predictor(model) is None

    def logloss(y_true, raw):
        p = 1 / (1 + np.exp(-raw))
        return p - y_true, p * (1 - p)

    model = LGBMClassifier(n_estimators=3, objective=logloss, verbose=-1, n_jobs=1).fit(X, y)
    assert fast_predictor(model) is None


def test_non_lightgbm_members_wrong_width_switch_and_refit():
    X, y = _data(7)
    assert fast_member_predictor(DecisionTreeClassifier().fit(X, y), X) is None
    model = LGBMClassifier(n_estimators=3, verbose=-1, n_jobs=1).fit(X, y)
    assert fast_member_predictor(model, X[:, :3]) is None
    assert fast_member_predictor(model, X.astype(np.int64)) is None
    with fast_lgbm_prediction(False):
        assert fast_member_predictor(model, X) is None
    first = fast_predictor(model)
    assert fast_predictor(model) is first  # cached
    model.fit(X[:, ::-1], y)  # refitted: the cache notices the new booster
    assert fast_predictor(model) is not first
    assert_array_equal(fast_predictor(model).predict_proba(X), model.predict_proba(X))


def _same_model(make, X, y, Xt):
    with fast_lgbm_prediction(True):
        on = make().fit(X, y)
        proba_on = on.predict_proba(Xt)
    with fast_lgbm_prediction(False):
        off = make().fit(X, y)
        proba_off = off.predict_proba(Xt)
        assert_array_equal(on.predict_proba(Xt), proba_off)  # each member, the slow way
    assert_array_equal(proba_on, proba_off)
    for a, b in zip(on.estimators_, off.estimators_, strict=True):
        assert a.booster_.model_to_string() == b.booster_.model_to_string()
    return on


@pytest.mark.parametrize("n_classes", [2, 3])
def test_ensembles_same_model_with_fast_path_on_and_off(n_classes):
    X, y = _data(8, n=1500, n_classes=n_classes, nan=0.05)
    y = np.where(np.random.RandomState(0).uniform(size=y.shape) < 0.7, 0, y)  # imbalance
    base = LGBMClassifier(n_estimators=10, num_leaves=7, verbose=-1, n_jobs=1)
    Xt = _test_rows(X, 8)
    Xt[np.isinf(Xt)] = np.nan  # the ensembles accept NaN, not infinity
    spe = _same_model(
        lambda: SelfPacedEnsembleClassifier(base, n_estimators=4, random_state=0, n_jobs=2),
        X, y, Xt,
    )  # fmt: skip
    assert fast_predictor(spe.estimators_[0]) is not None
    _same_model(
        lambda: SelfPacedEnsembleClassifier(
            base, n_estimators=4, hardness=lambda yt, p: 1 - p.max(axis=1), random_state=1
        ),
        pd.DataFrame(X), y, Xt,
    )  # fmt: skip
    _same_model(lambda: BalanceCascadeClassifier(base, n_estimators=3, random_state=0), X, y, Xt)
