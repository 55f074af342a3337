"""Quality of the self-paced ensemble on rt30 (and the synthetic sweep behind its defaults).

Main run: every dataset of ``../shared/datasets/rt30`` (loaded with
``imbtab.datasets.load_folder``; categoricals one-hot encoded, missing values imputed with the
training fold's median), 5-fold stratified CV (``shuffle=True, random_state=0``), average
precision and balanced accuracy (``predict``, i.e. the 0.5 threshold) of

* ``lgbm``: plain ``LGBMClassifier(verbose=-1, n_jobs=1)``;
* ``spe_lgbm``: imbtab ``SelfPacedEnsembleClassifier`` with that LGBMClassifier as base,
  10 members, its own defaults otherwise (ratio 0.25, balanced class weights);
* ``spe_ref``: the reference package's default ``SelfPacedEnsembleClassifier`` (imbalanced-
  ensemble 0.2.3: 50 full-depth decision trees, strict 1:1). It pins scikit-learn 1.6.0, so it
  runs in a **separate virtual environment of its own** (``benchmarks/.venv-imbens``, created
  on first use by ``benchmarks/ensembles.py``'s helper) in a subprocess that reads the same
  folds from a temporary file.

The table gives per-method mean scores and average ranks over datasets (rank 1 = best, ties
share the mean rank).

``--sweep`` instead runs the synthetic study (no rt30) behind two defaults: the SPE
``sampling_strategy`` / ``class_weight`` pair (LightGBM members) and the depth of the trees in
RUSBoost / SMOTEBoost. ``--boost`` compares the boosting weightings of RUSBoost / SMOTEBoost
(``boost_weights="uniform"``, the published algorithm, vs ``"balanced"``) on the same sets.
The machine may be shared; scores do not depend on load.

Run::

    python benchmarks/ensembles_quality.py                  # rt30 table (~10-20 min on 2 cores)
    python benchmarks/ensembles_quality.py --sweep          # synthetic default study
    python benchmarks/ensembles_quality.py --boost          # RUSBoost/SMOTEBoost boost_weights
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "datasets" / "rt30"


def impute(X_train, X_test):
    """Median imputation fitted on the training fold (all-missing columns become 0)."""
    med = np.nanmedian(np.where(np.isnan(X_train).all(axis=0), 0.0, X_train), axis=0)
    med = np.where(np.isnan(med), 0.0, med)
    X_train = np.where(np.isnan(X_train), med, X_train)
    X_test = np.where(np.isnan(X_test), med, X_test)
    return X_train, X_test


def cv_proba(make_model, X, y, folds):
    """Out-of-fold positive-class probabilities and predicted labels."""
    proba = np.zeros(y.shape[0])
    pred = np.zeros(y.shape[0], dtype=np.int64)
    for f in np.unique(folds):
        tr, te = folds != f, folds == f
        X_tr, X_te = impute(X[tr], X[te])
        model = make_model().fit(X_tr, y[tr])
        proba[te] = model.predict_proba(X_te)[:, 1]
        pred[te] = model.predict(X_te)
    return proba, pred


def ref_worker(path: str) -> None:
    """Runs inside the reference environment: default imbens SPE on every stored dataset."""
    from imbens.ensemble import SelfPacedEnsembleClassifier

    store = np.load(path, allow_pickle=False)
    names = [str(n) for n in store["names"]]
    out = {}
    for name in names:
        X, y, folds = store[f"{name}__X"], store[f"{name}__y"], store[f"{name}__folds"]
        proba, pred = cv_proba(lambda: SelfPacedEnsembleClassifier(random_state=0), X, y, folds)
        out[name] = {"proba": proba.tolist(), "pred": pred.tolist()}
    print(json.dumps(out))


def load_rt30():
    import pandas as pd
    from sklearn.model_selection import StratifiedKFold

    from imbtab.datasets import load_folder

    datasets = {}
    for name, ds in load_folder(DATA).items():
        X = pd.get_dummies(ds.X, dummy_na=False).astype(np.float64).to_numpy()
        y = np.asarray(ds.y, dtype=np.int64)
        folds = np.zeros(y.shape[0], dtype=np.int64)
        skf = StratifiedKFold(5, shuffle=True, random_state=0)
        for f, (_, te) in enumerate(skf.split(X, y)):
            folds[te] = f
        datasets[name] = (X, y, folds)
    return datasets


def scores(y, proba, pred):
    from sklearn.metrics import average_precision_score, balanced_accuracy_score

    return average_precision_score(y, proba), balanced_accuracy_score(y, pred)


def average_ranks(table: dict[str, dict[str, float]]) -> dict[str, float]:
    """Mean rank (1 = best, higher score better) of each method over datasets."""
    from scipy.stats import rankdata

    methods = list(next(iter(table.values())))
    ranks = np.array([rankdata([-row[m] for m in methods]) for row in table.values()])
    return dict(zip(methods, ranks.mean(axis=0), strict=True))


def main_rt30() -> None:
    from lightgbm import LGBMClassifier

    from imbtab.ensemble import SelfPacedEnsembleClassifier

    sys.path.insert(0, str(HERE))
    from ensembles import ensure_reference_venv

    datasets = load_rt30()
    ref_python = ensure_reference_venv()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "folds.npz"
        arrays = {"names": np.array(list(datasets))}
        for name, (X, y, folds) in datasets.items():
            arrays[f"{name}__X"], arrays[f"{name}__y"], arrays[f"{name}__folds"] = X, y, folds
        np.savez(path, **arrays)
        ref = subprocess.Popen(
            [str(ref_python), str(Path(__file__).resolve()), "--ref-worker", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )

        def lgbm():
            return LGBMClassifier(verbose=-1, n_jobs=1, random_state=0)

        methods = {
            "lgbm": lgbm,
            "spe_lgbm": lambda: SelfPacedEnsembleClassifier(
                lgbm(), n_estimators=10, random_state=0
            ),
        }
        ap, ba = {}, {}
        for name, (X, y, folds) in datasets.items():
            ap[name], ba[name] = {}, {}
            for method, make in methods.items():
                proba, pred = cv_proba(make, X, y, folds)
                ap[name][method], ba[name][method] = scores(y, proba, pred)
            print(
                f"  {name:28s} "
                + " ".join(f"{m}: AP {ap[name][m]:.3f} BA {ba[name][m]:.3f}" for m in methods),
                flush=True,
            )
        ref_out = json.loads(ref.communicate()[0].strip().splitlines()[-1])
    for name, (_, y, _) in datasets.items():
        r = ref_out[name]
        ap[name]["spe_ref"], ba[name]["spe_ref"] = scores(
            y, np.array(r["proba"]), np.array(r["pred"])
        )

    print()
    print(
        f"| dataset | {' | '.join(f'AP {m}' for m in ap[next(iter(ap))])} | "
        f"{' | '.join(f'BA {m}' for m in ba[next(iter(ba))])} |"
    )
    names = list(ap[next(iter(ap))])
    print("|---" * (1 + 2 * len(names)) + "|")
    for name in datasets:
        cells = [f"{ap[name][m]:.3f}" for m in names] + [f"{ba[name][m]:.3f}" for m in names]
        print(f"| {name} | " + " | ".join(cells) + " |")
    rank_ap, rank_ba = average_ranks(ap), average_ranks(ba)
    print()
    print("| method | mean AP | mean BA | avg rank AP | avg rank BA | avg rank (both) |")
    print("|---|---|---|---|---|---|")
    for m in names:
        mean_ap = np.mean([ap[n][m] for n in ap])
        mean_ba = np.mean([ba[n][m] for n in ba])
        both = (rank_ap[m] + rank_ba[m]) / 2
        print(
            f"| {m} | {mean_ap:.4f} | {mean_ba:.4f} | {rank_ap[m]:.2f} | {rank_ba[m]:.2f} | {both:.2f} |"
        )


def synthetic_sets():
    """The four make_classification sets of the sweeps (3000 rows, IR 9 / 19 / 49 / 99)."""
    from sklearn.datasets import make_classification
    from sklearn.model_selection import StratifiedKFold

    data = []
    for seed, weight in enumerate([0.9, 0.95, 0.98, 0.99]):
        X, y = make_classification(
            n_samples=3000,
            n_features=20,
            n_informative=6,
            n_redundant=4,
            weights=[weight],
            flip_y=0.01,
            class_sep=0.8,
            random_state=100 + seed,
        )
        folds = np.zeros(y.shape[0], dtype=np.int64)
        for f, (_, te) in enumerate(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y)):
            folds[te] = f
        data.append((f"synth{seed}_w{weight}", X, y, folds))
    return data


def main_boost() -> None:
    """RUSBoost / SMOTEBoost: tree depth x boost_weights ("uniform" = published, "balanced")."""
    from sklearn.tree import DecisionTreeClassifier

    from imbtab.ensemble import RUSBoostClassifier, SMOTEBoostClassifier

    print("| data | booster | depth | boost_weights | AP | BA | folds failed |")
    print("|---|---|---|---|---|---|---|")
    for name, X, y, folds in synthetic_sets():
        for cls in (RUSBoostClassifier, SMOTEBoostClassifier):
            for depth in (1, 3, None):
                for bw in ("uniform", "balanced"):
                    ap, ba, failed = [], [], 0
                    for f in np.unique(folds):
                        tr, te = folds != f, folds == f
                        try:
                            model = cls(
                                DecisionTreeClassifier(max_depth=depth),
                                n_estimators=30,
                                boost_weights=bw,
                                random_state=0,
                            ).fit(X[tr], y[tr])
                        except ValueError:  # first member no better than chance: scores 0
                            failed += 1
                            ap.append(0.0)
                            ba.append(0.0)
                            continue
                        a, b = scores(y[te], model.predict_proba(X[te])[:, 1], model.predict(X[te]))
                        ap.append(a)
                        ba.append(b)
                    print(
                        f"| {name} | {cls.__name__} | {depth} | {bw} | {np.mean(ap):.3f} "
                        f"| {np.mean(ba):.3f} | {failed} |",
                        flush=True,
                    )
    print("3-fold CV, 30 members; a fold whose fit fails scores 0")


def main_sweep() -> None:
    from lightgbm import LGBMClassifier

    from imbtab.ensemble import RUSBoostClassifier, SelfPacedEnsembleClassifier

    data = synthetic_sets()

    def lgbm():
        return LGBMClassifier(verbose=-1, n_jobs=1, random_state=0)

    configs = {"lgbm": lgbm}
    for ratio, cw in [
        (1.0, None),
        (1.0, "balanced"),
        (0.5, "balanced"),
        (0.25, "balanced"),
        (0.25, None),
        (0.1, "balanced"),
    ]:
        if True:
            configs[f"spe r={ratio} cw={cw}"] = lambda ratio=ratio, cw=cw: (
                SelfPacedEnsembleClassifier(
                    lgbm(),
                    n_estimators=10,
                    sampling_strategy=ratio,
                    class_weight=cw,
                    random_state=0,
                )
            )
    from sklearn.tree import DecisionTreeClassifier

    for depth in [1, 3, None]:
        configs[f"rusboost depth={depth}"] = lambda depth=depth: RUSBoostClassifier(
            DecisionTreeClassifier(max_depth=depth), n_estimators=30, random_state=0
        )
    ap, ba = {}, {}
    for name, X, y, folds in data:
        ap[name], ba[name] = {}, {}
        for cname, make in configs.items():
            try:
                proba, pred = cv_proba(make, X, y, folds)
                ap[name][cname], ba[name][cname] = scores(y, proba, pred)
            except ValueError as exc:  # e.g. boosting whose first member is worse than chance
                print(f"  {name} {cname}: failed ({exc})", flush=True)
                ap[name][cname], ba[name][cname] = 0.0, 0.0
            print(
                f"  {name} {cname}: AP {ap[name][cname]:.4f} BA {ba[name][cname]:.4f}", flush=True
            )
    rank_ap, rank_ba = average_ranks(ap), average_ranks(ba)
    print()
    print("Synthetic sweep: 4 make_classification sets (3000 rows, IR 9-99), 3-fold CV")
    print("(a configuration that fails to fit scores 0 on that dataset)")
    print("| config | mean AP | mean BA | avg rank AP | avg rank BA |")
    print("|---|---|---|---|---|")
    for c in configs:
        print(
            f"| {c} | {np.mean([ap[n][c] for n in ap]):.4f} | {np.mean([ba[n][c] for n in ba]):.4f}"
            f" | {rank_ap[c]:.2f} | {rank_ba[c]:.2f} |"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--boost", action="store_true", help="RUSBoost/SMOTEBoost boost_weights")
    parser.add_argument("--ref-worker")
    args = parser.parse_args()
    if args.ref_worker:
        ref_worker(args.ref_worker)
    elif args.boost:
        main_boost()
    elif args.sweep:
        main_sweep()
    else:
        main_rt30()
