"""Decision-level treatments on the rt30 suite: F1 and probability quality.

For each dataset, 5-fold stratified CV (outer), and for each model (LightGBM with
``verbose=-1``, scaled LogisticRegression) the mean test F1 of:

* ``none``       the plain model;
* ``cw``         :class:`imbtab.decision.ClassWeightTuner` (3-fold inner CV over f);
* ``smote``      imbalanced-learn SMOTE then the model;
* ``thr``        :class:`imbtab.decision.ThresholdTuner` (objective F1, defaults);
* ``sk_thr``     scikit-learn ``TunedThresholdClassifierCV(scoring="f1")`` (defaults);

and, for LightGBM only, the Brier score and average precision of SMOTE+LGBM with and
without :class:`imbtab.decision.PriorCorrectedClassifier` next to the untreated model.
Preprocessing (median imputation, one-hot encoding of categoricals, scaling for the
linear model) is fitted inside each training fold.

Results are appended per (dataset, model, fold) to a CSV so that an interrupted run
keeps what it finished and a re-run skips finished cells. Tables are printed at the end
(or with ``--report-only``).

Usage::

    python benchmarks/decision.py --n-jobs 2 --out decision_results.csv
    python benchmarks/decision.py --datasets pc1,vowel --models lgbm
    python benchmarks/decision.py --report-only --out decision_results.csv
"""

from __future__ import annotations

import argparse
import csv
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from imblearn.over_sampling import SMOTE
from joblib import Parallel, delayed
from lightgbm import LGBMClassifier
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, f1_score
from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from imbtab.decision import ClassWeightTuner, PriorCorrectedClassifier, ThresholdTuner
from imbtab.pipeline import Pipeline

RT30 = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "rt30"
PUBLISHED = {"none": 0.556, "cw": 0.594, "smote": 0.605, "thr": 0.617}
F1_METHODS = ["none", "cw", "smote", "thr", "sk_thr"]
FIELDS = ["dataset", "model", "fold", "n_pos", "method", "f1", "brier", "ap", "seconds"]


def load_rt30(path: Path, names: list[str] | None) -> dict:
    """Datasets as ``{name: (X DataFrame, y 0/1 array)}``."""
    try:
        from imbtab.datasets import load_folder

        suite = load_folder(path, names=names)
        return {n: (d.X, np.asarray(d.y, dtype=int)) for n, d in suite.items()}
    except ImportError:  # pragma: no cover - fallback before imbtab.datasets existed
        manifest = pd.read_csv(path / "manifest.csv")
        out = {}
        for row in manifest.itertuples():
            if names and row.name not in names:
                continue
            df = pd.read_csv(path / row.file, na_values=["?"], skipinitialspace=True)
            df = df.apply(
                lambda s: (
                    s.str.replace(r"^b'(.*)'$", r"\1", regex=True).str.strip()
                    if s.dtype == object
                    else s
                )
            )
            target = df.pop(row.target).astype(str).str.strip()
            positive = str(row.positive).strip().removeprefix("b'").removesuffix("'")
            out[row.name] = (df, (target == positive).to_numpy().astype(int))
        return out


def preprocessor(scale: bool) -> ColumnTransformer:
    num = [("impute", SimpleImputer(strategy="median"))]
    if scale:
        num.append(("scale", StandardScaler()))
    from sklearn.pipeline import Pipeline as SkPipeline

    return ColumnTransformer(
        [
            ("num", SkPipeline(num), make_column_selector(dtype_include="number")),
            (
                "cat",
                SkPipeline(
                    [
                        ("impute", SimpleImputer(strategy="most_frequent")),
                        ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
                    ]
                ),
                make_column_selector(dtype_exclude="number"),
            ),
        ]
    )


def base_model(name: str):
    if name == "lgbm":
        return LGBMClassifier(verbose=-1, n_jobs=1, random_state=0)
    return LogisticRegression(max_iter=2000)


def make_methods(model: str) -> dict:
    scale = model == "logreg"

    def plain():
        return Pipeline([("prep", preprocessor(scale)), ("clf", base_model(model))])

    methods = {
        "none": plain(),
        "cw": ClassWeightTuner(plain(), cv=3, random_state=0),
        "smote": Pipeline(
            [
                ("prep", preprocessor(scale)),
                ("smote", SMOTE(random_state=0)),
                ("clf", base_model(model)),
            ]
        ),
        "thr": ThresholdTuner(plain(), objective="f1", random_state=0),
        "sk_thr": TunedThresholdClassifierCV(plain(), scoring="f1", random_state=0),
    }
    if model == "lgbm":
        methods["smote_prior"] = PriorCorrectedClassifier(methods["smote"])
    return methods


def run_cell(name, X, y, model, fold, train, test):
    rows = []
    n_pos = int(y.sum())
    for method, est in make_methods(model).items():
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X.iloc[train], y[train])
            pred = est.predict(X.iloc[test])
            proba = (
                est.predict_proba(X.iloc[test])[:, 1]
                if method in ("none", "smote", "smote_prior")
                else None
            )
        row = {
            "dataset": name,
            "model": model,
            "fold": fold,
            "n_pos": n_pos,
            "method": method,
            "f1": f1_score(y[test], pred, zero_division=0.0),
            "brier": "" if proba is None else brier_score_loss(y[test], proba),
            "ap": "" if proba is None else average_precision_score(y[test], proba),
            "seconds": time.perf_counter() - t0,
        }
        rows.append(row)
    return rows


def report(out: Path) -> None:
    df = pd.read_csv(out)
    # keep complete (dataset, model) blocks only
    sizes = df.groupby(["dataset", "model"])["fold"].nunique()
    done = sizes[sizes == 5].index
    df = df.set_index(["dataset", "model"]).loc[done].reset_index()
    for model in sorted(df["model"].unique()):
        d = df[df["model"] == model]
        f1 = d.pivot_table(
            index=["dataset", "n_pos"], columns="method", values="f1", aggfunc="mean"
        )
        f1 = f1[[m for m in F1_METHODS if m in f1.columns]]
        print(f"\n## {model}: mean F1 over 5 outer folds ({len(f1)} datasets)\n")
        print(f1.round(3).to_string())
        for label, sub in (("all", f1), ("<100 positives", f1[f1.index.get_level_values(1) < 100])):
            if len(sub) == 0:
                continue
            means = sub.mean()
            wins = (sub["thr"] >= sub["sk_thr"] - 1e-12).sum()
            print(f"\n{model} [{label}, {len(sub)} datasets] mean F1:")
            print("  " + "  ".join(f"{m}={means[m]:.3f}" for m in sub.columns))
            print(
                "  published (30 datasets, 15 models): "
                + "  ".join(f"{k}={v:.3f}" for k, v in PUBLISHED.items())
            )
            print(
                f"  thr >= sk_thr on {wins}/{len(sub)} datasets; "
                f"thr >= smote on {(sub['thr'] >= sub['smote'] - 1e-12).sum()}/{len(sub)}"
            )
        if model == "lgbm":
            p = d[d["method"].isin(["none", "smote", "smote_prior"])]
            prob = p.pivot_table(
                index="dataset", columns="method", values=["brier", "ap"], aggfunc="mean"
            )
            print("\nlgbm probability quality (mean over datasets):")
            b = prob["brier"].mean()
            a = prob["ap"].mean()
            print(
                f"  Brier: none={b['none']:.4f} smote={b['smote']:.4f} "
                f"smote+PriorCorrected={b['smote_prior']:.4f} "
                f"(ratio to none {b['smote_prior'] / b['none']:.3f}; smote {b['smote'] / b['none']:.3f})"
            )
            print(
                f"  AP:    none={a['none']:.4f} smote={a['smote']:.4f} "
                f"smote+PriorCorrected={a['smote_prior']:.4f}"
            )
        secs = d.groupby("method")["seconds"].sum()
        print(
            "\n  total fit+predict seconds by method: "
            + "  ".join(f"{m}={secs[m]:.0f}" for m in secs.index)
        )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(RT30), help="rt30 folder")
    parser.add_argument("--datasets", default="", help="comma-separated names (default: all)")
    parser.add_argument("--models", default="lgbm,logreg", help="lgbm,logreg")
    parser.add_argument("--n-jobs", type=int, default=1, help="parallel (dataset, fold) cells")
    parser.add_argument("--out", default="decision_results.csv")
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args(argv)
    out = Path(args.out)
    if not args.report_only:
        names = [n for n in args.datasets.split(",") if n] or None
        data = load_rt30(Path(args.data), names)
        # smallest datasets first, so that partial runs cover the few-positive subset
        order = sorted(data, key=lambda n: (int(data[n][1].sum()), len(data[n][1])))
        finished = set()
        if out.exists():
            prev = pd.read_csv(out)
            finished = set(zip(prev["dataset"], prev["model"], prev["fold"], strict=True))
        cells = []
        for name in order:
            X, y = data[name]
            skf = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
            for fold, (tr, te) in enumerate(skf.split(X, y)):
                for model in args.models.split(","):
                    if (name, model, fold) not in finished:
                        cells.append((name, X, y, model, fold, tr, te))
        new = not out.exists()
        with open(out, "a", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=FIELDS)
            if new:
                writer.writeheader()
            results = Parallel(n_jobs=args.n_jobs, return_as="generator_unordered")(
                delayed(run_cell)(*cell) for cell in cells
            )
            for rows in results:
                writer.writerows(rows)
                fh.flush()
                os.fsync(fh.fileno())
                print(
                    f"done {rows[0]['dataset']} {rows[0]['model']} fold {rows[0]['fold']}",
                    flush=True,
                )
    report(out)


if __name__ == "__main__":
    main()
