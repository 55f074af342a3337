import sqlite3
import sys
import types

import numpy as np
import pandas as pd
import pytest
from imblearn.metrics import geometric_mean_score
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_classification
from sklearn.impute import SimpleImputer
from sklearn.metrics import (
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    f1_score,
    fbeta_score,
    matthews_corrcoef,
    roc_auc_score,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from imbtab.bench import (
    METHODS,
    CellKey,
    FoldPreprocessor,
    ResultStore,
    available_methods,
    build_estimator,
    compare_methods,
    fold_indices,
    load_config,
    nemenyi_cd,
    report,
    run,
    score_predictions,
)
from imbtab.datasets import load_folder

FAST = ["baseline+tree", "class_weight+logreg"]


def write_suite(folder, n_datasets=2, n=160, seed=0):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(n_datasets):
        X, y = make_classification(
            n_samples=n, n_features=4, weights=[0.8], random_state=seed + i, flip_y=0.02
        )
        frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(4)]).round(4)
        frame["colour"] = rng.choice(["red", "green", "blue"], n)
        frame.loc[rng.random(n) < 0.05, "x0"] = np.nan
        frame["target"] = np.where(y == 1, "pos", "neg")
        frame.to_csv(folder / f"d{i}.csv", index=False, na_rep="?")
    return folder


@pytest.fixture(scope="module")
def suite_dir(tmp_path_factory):
    return write_suite(tmp_path_factory.mktemp("suite"))


@pytest.fixture(scope="module")
def finished_db(suite_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("db") / "r.db"
    summary = run(suite_dir, methods=FAST + ["baseline+lgbm"], folds=3, out=out)
    assert summary.counts == {"ok": 2 * 3 * 3}
    return out


# ------------------------------------------------------------------ registry
def test_registry_resolves_lazily_and_only_imbtab_classes(monkeypatch):
    import imbtab.combine as combine

    assert "baseline+lgbm" in METHODS and "class_weight+tree" in METHODS
    monkeypatch.delattr(combine, "SMOTEENN", raising=False)
    if hasattr(combine, "__all__"):
        monkeypatch.setattr(combine, "__all__", [n for n in combine.__all__ if n != "SMOTEENN"])
    assert "smoteenn+lgbm" not in METHODS
    with pytest.raises(KeyError, match="not built yet"):
        METHODS["smoteenn+lgbm"]
    # an imbalanced-learn class under the imbtab name does not count
    from imblearn.combine import SMOTEENN as ImbSMOTEENN

    monkeypatch.setattr(combine, "SMOTEENN", ImbSMOTEENN, raising=False)
    if hasattr(combine, "__all__"):
        monkeypatch.setattr(combine, "__all__", [*combine.__all__, "SMOTEENN"])
    assert "smoteenn+lgbm" not in METHODS
    # an imbtab class appears as soon as it exists
    own = type("SMOTEENN", (ImbSMOTEENN,), {"__module__": "imbtab.combine._fake"})
    monkeypatch.setattr(combine, "SMOTEENN", own)
    assert "smoteenn+lgbm" in METHODS
    est = build_estimator(METHODS["smoteenn+lgbm"], 3)
    assert type(est.steps[0][1]) is own
    with pytest.raises(KeyError, match="unknown"):
        METHODS["nope+lgbm"]


def test_build_estimator_sets_seed_and_single_thread():
    spec = METHODS["class_weight+lgbm"]
    est = build_estimator(spec, 42)
    params = est.get_params()
    assert params["random_state"] == 42 and params["n_jobs"] == 1
    assert params["class_weight"] == "balanced"
    assert est is not build_estimator(spec, 42)  # fresh object each time
    for name in available_methods():
        est = build_estimator(METHODS[name], 0, {"categorical_indices": [0]})
        # every n_jobs is 1, also those left at None (LightGBM's None means all cores)
        threads = {k: v for k, v in est.get_params(deep=True).items() if k.endswith("n_jobs")}
        assert set(threads.values()) <= {1}, (name, threads)


def test_config_methods(tmp_path):
    cfg = tmp_path / "m.toml"
    cfg.write_text(
        "[run]\nfolds = 3\nmethods = ['baseline+tree']\n"
        "[methods.'deep+tree']\nbase = 'baseline+tree'\nparams = { max_depth = 2 }\n"
        "[methods.pipe]\npreprocess = 'scale'\n"
        "[[methods.pipe.steps]]\n"
        "class = 'imbtab.under_sampling.RandomUnderSampler'\nsampling_strategy = 0.5\n"
        "[[methods.pipe.steps]]\n"
        "class = 'sklearn.ensemble.BaggingClassifier'\nn_estimators = 3\n"
        "estimator = { class = 'sklearn.tree.DecisionTreeClassifier', max_depth = 3 }\n"
    )
    methods, options = load_config(cfg)
    assert options == {"folds": 3}
    assert list(methods) == ["baseline+tree", "deep+tree", "pipe"]
    deep = build_estimator(methods["deep+tree"], 1)
    assert deep.max_depth == 2 and deep.random_state == 1
    pipe = build_estimator(methods["pipe"], 7)
    assert methods["pipe"].preprocess == "scale"
    assert pipe.steps[0][1].sampling_strategy == 0.5
    bag = pipe.steps[1][1]
    assert bag.estimator.max_depth == 3 and bag.random_state == 7
    assert bag.estimator.random_state == 7
    bad = tmp_path / "bad.toml"
    bad.write_text("[methods.x]\nbase = 'baseline+tree'\nsteps = []\n")
    with pytest.raises(ValueError, match="either 'base' or 'steps'"):
        load_config(bad)
    bad.write_text("[methods.x]\nbse = 'baseline+tree'\n")
    with pytest.raises(ValueError, match="unknown keys"):
        load_config(bad)
    bad.write_text("[methods.x\n")
    with pytest.raises(ValueError, match="invalid TOML"):
        load_config(bad)


# ------------------------------------------------------------------ preprocessing
def test_preprocessing_matches_sklearn_and_uses_train_only():
    rng = np.random.default_rng(0)
    n = 200
    X = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "c": pd.Categorical(rng.choice(["u", "v", "w"], n)),
            "b": rng.integers(0, 5, n).astype(float),
        }
    )
    X.loc[rng.random(n) < 0.1, "a"] = np.nan
    X.loc[rng.random(n) < 0.1, "c"] = np.nan
    train, test = np.arange(150), np.arange(150, n)
    ours = FoldPreprocessor().fit(X.iloc[train])
    ref = ColumnTransformer(
        [
            ("num", SimpleImputer(strategy="median"), ["a", "b"]),
            (
                "cat",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                ),
                ["c"],
            ),
        ]
    ).fit(X.iloc[train])
    np.testing.assert_allclose(ours.transform(X.iloc[test]), ref.transform(X.iloc[test]))
    np.testing.assert_allclose(ours.transform(X.iloc[train]), ref.transform(X.iloc[train]))
    # statistics come from the training rows only
    shifted = X.copy()
    shifted.loc[test, "a"] = 1e6
    again = FoldPreprocessor().fit(shifted.iloc[train])
    np.testing.assert_array_equal(again.medians_, ours.medians_)
    scaled = FoldPreprocessor(mode="scale").fit(X.iloc[train])
    Z = scaled.transform(X.iloc[train])
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    native = FoldPreprocessor(mode="native").fit(X.iloc[train]).transform(X.iloc[test])
    assert isinstance(native["c"].dtype, pd.CategoricalDtype)
    assert native["a"].isna().sum() == X["a"].iloc[test].isna().sum()
    ordinal = FoldPreprocessor(mode="ordinal").fit(X.iloc[train])
    assert ordinal.transform(X.iloc[test]).shape == (50, 3)
    assert ordinal.n_categorical_ == 1


def test_preprocessing_groups_rare_levels():
    levels = [f"l{i}" for i in range(30)]
    X = pd.DataFrame({"c": pd.Categorical(levels * 2 + ["l0"] * 10)})
    Z = FoldPreprocessor().fit_transform(X)
    assert Z.shape[1] == 20  # 19 levels + "other"
    np.testing.assert_array_equal(Z.sum(axis=1), 1)


# ------------------------------------------------------------------ metrics, folds
@pytest.mark.parametrize("case", range(4))
def test_score_predictions_match_sklearn(case):
    rng = np.random.default_rng(case)
    y = (rng.random(300) < 0.1).astype(int)
    score = np.clip(y * 0.3 + rng.random(300) * 0.8, 0, 1)
    pred = (score > [0.5, 0.7, 2.0, -1.0][case]).astype(int)  # cases 2, 3: all 0 / all 1
    got = score_predictions(y, pred, score)
    expected = {
        "average_precision": average_precision_score(y, score),
        "roc_auc": roc_auc_score(y, score),
        "f1": f1_score(y, pred, zero_division=0.0),
        "f2": fbeta_score(y, pred, beta=2, zero_division=0.0),
        "balanced_accuracy": balanced_accuracy_score(y, pred),
        "gmean": geometric_mean_score(y, pred),
        "mcc": matthews_corrcoef(y, pred),
        "brier": brier_score_loss(y, score),
    }
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, abs=1e-12), name


def test_fold_indices_partition_and_stratify():
    y = np.r_[np.zeros(90, int), np.ones(10, int)]
    tests = [fold_indices(y, 5, 0, 0, f)[1] for f in range(5)]
    np.testing.assert_array_equal(np.sort(np.concatenate(tests)), np.arange(100))
    assert all(y[t].sum() == 2 for t in tests)
    other = fold_indices(y, 5, 0, 1, 0)[1]
    assert not np.array_equal(other, tests[0])  # repeats reshuffle


# ------------------------------------------------------------------ store and run
def test_store_unique_key_wal_and_export(tmp_path):
    path = tmp_path / "s.db"
    with ResultStore(path) as store:
        row = {"dataset": "d", "method": "m", "fold": 0, "repeat": 0, "seed": 0}
        store.write({**row, "status": "failed", "error": "Traceback..."})
        assert store.failed() == {CellKey("d", "m", 0, 0, 0)} and not store.finished()
        store.write({**row, "status": "ok", "f1": 0.5})
        assert store.finished() == {CellKey("d", "m", 0, 0, 0)} and not store.failed()
        assert len(store.to_frame()) == 1
        store.export(tmp_path / "s.csv")
        store.export(tmp_path / "s.parquet")
        with pytest.raises(ValueError, match="csv or .parquet"):
            store.export(tmp_path / "s.xlsx")
    assert pd.read_csv(tmp_path / "s.csv")["f1"].tolist() == [0.5]
    assert pd.read_parquet(tmp_path / "s.parquet")["status"].tolist() == ["ok"]
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_run_rows_resume_and_determinism(suite_dir, finished_db, tmp_path):
    frame = ResultStore(finished_db).to_frame()
    assert len(frame) == 18
    assert frame.groupby(["dataset", "method"]).size().eq(3).all()
    assert frame["average_precision"].between(0, 1).all()
    assert (frame["n_train"] + frame["n_test"] == 160).all()
    assert (frame["peak_rss_mb"] > 0).all()
    assert set(ResultStore(finished_db).methods()) == {*FAST, "baseline+lgbm"}
    # a re-run does nothing
    again = run(suite_dir, methods=FAST + ["baseline+lgbm"], folds=3, out=finished_db)
    assert again.skipped == 18 and sum(again.counts.values()) == 0
    # same seed, parallel workers: same scores
    other = tmp_path / "par.db"
    run(suite_dir, methods=FAST, folds=3, out=other, n_jobs=2)
    a = frame[frame["method"].isin(FAST)].set_index(["dataset", "method", "fold"])
    b = ResultStore(other).to_frame().set_index(["dataset", "method", "fold"])
    pd.testing.assert_frame_equal(
        a.loc[b.index, ["average_precision", "f1", "mcc", "brier"]],
        b[["average_precision", "f1", "mcc", "brier"]],
    )


def test_run_validates_arguments(suite_dir, tmp_path):
    with pytest.raises(ValueError, match="unknown metrics"):
        run(suite_dir, methods=FAST, metrics=["nope"], out=tmp_path / "x.db")
    with pytest.raises(ValueError, match="too few for 200 folds"):
        run(suite_dir, methods=FAST, folds=200, out=tmp_path / "x.db")
    with pytest.raises(KeyError):
        run(suite_dir, methods=["nope+tree"], out=tmp_path / "x.db")


def test_smotenc_not_applicable_without_categoricals(tmp_path):
    if "smotenc+tree" not in METHODS:
        pytest.skip("SMOTENC not built")
    folder = write_suite(tmp_path / "s", n_datasets=1)
    frame = pd.read_csv(folder / "d0.csv").drop(columns="colour")
    frame.to_csv(folder / "d1.csv", index=False)
    summary = run(folder, methods=["smotenc+tree"], folds=3, out=tmp_path / "nc.db")
    assert summary.counts == {"ok": 3, "n/a": 3}


# ------------------------------------------------------------------ statistics and report
def test_statistics_against_demsar():
    assert nemenyi_cd(4, 30) == pytest.approx(0.856, abs=1e-3)
    rng = np.random.default_rng(0)
    base = rng.random((12, 1))
    matrix = pd.DataFrame(
        base + np.array([[0.0, 0.02, 0.05]]) + rng.normal(0, 0.005, (12, 3)),
        columns=["a", "b", "c"],
    )
    comp = compare_methods(matrix, metric="m")
    assert list(comp.average_ranks.index) == ["c", "b", "a"]
    n, k = 12, 3
    r = comp.average_ranks
    chi2 = 12 * n / (k * (k + 1)) * (np.sum(r**2) - k * (k + 1) ** 2 / 4)
    assert comp.friedman_chi2 == pytest.approx(chi2)
    ff = (n - 1) * chi2 / (n * (k - 1) - chi2) if n * (k - 1) > chi2 else np.inf
    if np.isfinite(ff):
        assert comp.iman_davenport_f == pytest.approx(ff)
    assert comp.friedman_p < 0.001
    assert comp.nemenyi_p.loc["a", "c"] < 0.05
    assert comp.wilcoxon_holm_p.loc["a", "c"] < 0.05
    lower = compare_methods(matrix, higher_is_better=False)
    assert list(lower.average_ranks.index) == ["a", "b", "c"]
    with_gap = matrix.copy()
    with_gap.iloc[0, 0] = np.nan
    assert compare_methods(with_gap).dropped_datasets == [0]
    # a method scored on at most half of the datasets leaves the tests, not the datasets
    mostly_missing = matrix.copy()
    mostly_missing.iloc[: (len(matrix) + 1) // 2, 0] = np.nan
    comp = compare_methods(mostly_missing)
    assert comp.dropped_methods == [matrix.columns[0]]
    assert comp.dropped_datasets == [] and comp.matrix.shape == (len(matrix), 2)


def test_report_files(finished_db, tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("scikit_posthocs")
    res = report(finished_db, tmp_path / "rep", metric="f1")
    md = res.markdown.read_text()
    for text in ("Friedman", "Iman-Davenport", "Nemenyi", "Holm", "cd_diagram.png", "± "):
        assert text in md
    page = res.html.read_text()
    assert "data:image/png;base64," in page and 'src="http' not in page
    names = {p.name for p in res.figures}
    for stem in ("cd_diagram", "score_vs_runtime", "heatmap"):
        assert {f"{stem}.png", f"{stem}.svg"} <= names
    assert (tmp_path / "rep" / "methods.csv").is_file()
    with pytest.raises(ValueError, match="unknown metric"):
        report(finished_db, tmp_path / "rep", metric="nope")


def test_loader_and_cells_agree_on_labels(suite_dir):
    ds = load_folder(suite_dir)["d0"]
    assert ds.positive == "pos"  # rarest class
    assert isinstance(ds.X["colour"].dtype, pd.CategoricalDtype)


class _Const(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.classes_ = np.array([0, 1])
        return self

    def predict(self, X):
        return np.zeros(len(X), int)


def test_method_without_proba_gets_nan_score_metrics(suite_dir, tmp_path, monkeypatch):
    module = types.ModuleType("imbtab_test_const")
    module.Const = _Const
    monkeypatch.setitem(sys.modules, "imbtab_test_const", module)
    cfg = tmp_path / "c.toml"
    cfg.write_text("[methods.const]\nsteps = [{ class = 'imbtab_test_const.Const' }]\n")
    run(suite_dir, config=cfg, folds=3, out=tmp_path / "c.db")
    frame = ResultStore(tmp_path / "c.db").to_frame()
    assert (frame["status"] == "ok").all()
    assert frame["roc_auc"].isna().all() and (frame["f1"] == 0).all()
