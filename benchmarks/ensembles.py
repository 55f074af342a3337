"""Speed and memory: imbtab's SelfPacedEnsembleClassifier vs imbalanced-ensemble's.

The reference package (imbalanced-ensemble 0.2.3) pins scikit-learn 1.6.0, which cannot live
in imbtab's environment. This script therefore creates a **separate virtual environment of its
own** for the reference (``benchmarks/.venv-imbens``, gitignored; created on first use with
``python -m venv`` + ``pip install imbalanced-ensemble==0.2.3 scikit-learn==1.6.0``) and runs
the reference there in a subprocess. imbtab runs in a subprocess of the current interpreter.
Every run is a fresh process, so its peak resident memory (``ru_maxrss``) is its own.

Both sides build the same data (numpy only, same seed): ``--rows`` rows, ``--features``
Gaussian features, one positive per ``--ir`` negatives, positives shifted on five features.
Both fit ``--members`` members with the same base estimator, strict 1:1 under-sampling,
5 bins, hard resampling with replacement, ensemble ``n_jobs=1``, ``OMP_NUM_THREADS=1``. One
table per base (``--base tree,lgbm``): ``DecisionTreeClassifier()`` (the reference's default)
and ``LGBMClassifier(n_estimators=50, verbose=-1, n_jobs=--lgbm-jobs)`` (the same LightGBM
threads on both sides, 1 by default). The table gives medians of ``--repeats`` runs, run
alternately side by side, and imbtab's ratios to the reference.

Both worker processes wrap the base class's ``fit`` and ``predict_proba`` with the same
timer, so the table splits each fit into the members' own fits, the members' predictions
(the hardness update) and the rest (validation, binning, sampling, copies). Members' fits on
the same sample sizes cost the same on both sides, so ``reference fit / reference member
fits`` is the ceiling of the speed-up of any exact implementation; it is printed under each
table.

With LightGBM members imbtab predicts the new member on the training rows with its exact
fast predictor (``imbtab/ensemble/_lgbm_predict.py``: the booster's trees flattened and
traversed by a numba kernel, equal to ``predict_proba`` bit for bit); its time is counted in
the same "member predict" column. The side ``imbtab-nofast`` (not run by default) runs the
same settings with that fast path switched off, i.e. with LightGBM's own ``predict_proba``.

Rows: ``imbtab`` runs the same settings (the exact algorithm); ``pool_size`` runs them with
hardness tracked on a uniform candidate pool of 10x the minority size per cut class (an
option beyond the reference: bins are estimated on the pool, so the model differs from the
exact algorithm); the last row is imbtab with its own defaults (ratio 0.25 + balanced
weights), which trains every member on 2.5x the rows.

The machine may be shared with other jobs: ratios from one run are what to compare; the
load average is printed with each table.

Run::

    python benchmarks/ensembles.py                       # 1M x 20, IR 100, 10 members, both bases
    python benchmarks/ensembles.py --base lgbm --lgbm-jobs 2   # LightGBM with 2 threads each side
    python benchmarks/ensembles.py --rows 100000 --repeats 1   # quick look
    python benchmarks/ensembles.py --base lgbm --sides imbtab,imbtab-nofast  # fast path on/off
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-imbens"
REF_PACKAGES = ["imbalanced-ensemble==0.2.3", "scikit-learn==1.6.0", "lightgbm"]


def make_data(rows: int, features: int, ir: int, seed: int = 0):
    import numpy as np

    rng = np.random.RandomState(seed)
    X = rng.standard_normal((rows, features))
    y = np.zeros(rows, dtype=np.int64)
    n_pos = rows // (ir + 1)
    y[rng.choice(rows, n_pos, replace=False)] = 1
    X[y == 1, :5] += 1.0
    return X, y


def current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class _Clock:
    """Seconds spent in the base estimator's ``fit`` and ``predict_proba`` (all members)."""

    fit = 0.0
    predict = 0.0


def _timed(cls, name: str, slot: str) -> None:
    original = getattr(cls, name)

    def wrapper(self, *a, **k):
        start = time.perf_counter()
        try:
            return original(self, *a, **k)
        finally:
            setattr(_Clock, slot, getattr(_Clock, slot) + time.perf_counter() - start)

    wrapper.__wrapped__ = original
    setattr(cls, name, wrapper)


def worker(args) -> None:
    X, y = make_data(args.rows, args.features, args.ir)
    base_mb = current_rss_mb()
    if args.base == "lgbm":
        from lightgbm import LGBMClassifier

        est = LGBMClassifier(n_estimators=50, verbose=-1, n_jobs=args.lgbm_jobs)
        cls = LGBMClassifier
    else:
        from sklearn.tree import DecisionTreeClassifier

        est = DecisionTreeClassifier()
        cls = DecisionTreeClassifier
    # identical instrumentation on both sides: time inside the members' fit / predict_proba
    _timed(cls, "fit", "fit")
    _timed(cls, "predict_proba", "predict")
    if args.worker in ("imbtab", "imbtab-pool", "imbtab-default") and args.base == "lgbm":
        # imbtab's exact fast predictor replaces LightGBM members' predict_proba: same slot
        # (not imported for imbtab-nofast, whose memory must not include numba's)
        from imbtab.ensemble._lgbm_predict import LGBMTreePredictor

        _timed(LGBMTreePredictor, "predict_proba", "predict")
    if args.worker == "imbens":
        from imbens.ensemble import SelfPacedEnsembleClassifier

        clf = SelfPacedEnsembleClassifier(
            estimator=est,
            n_estimators=args.members,
            k_bins=5,
            soft_resample_flag=False,
            replacement=True,
            n_jobs=1,
            random_state=0,
        )
    else:
        from imbtab.ensemble import SelfPacedEnsembleClassifier

        extra = {"sampling_strategy": 1.0, "class_weight": None}
        if args.worker == "imbtab-default":
            extra = {}
        elif args.worker == "imbtab-pool":
            extra["pool_size"] = 10 * (args.rows // (args.ir + 1))
        clf = SelfPacedEnsembleClassifier(
            estimator=est,
            n_estimators=args.members,
            k_bins=5,
            soft_resample=False,
            replacement=True,
            n_jobs=1,
            random_state=0,
            **extra,
        )
    fast = contextlib.nullcontext()
    if args.worker == "imbtab-nofast":
        from imbtab.ensemble._base import fast_lgbm_prediction

        fast = fast_lgbm_prediction(False)
    start = time.perf_counter()
    with fast:
        clf.fit(X, y)
    fit_time = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {
        "fit_time": fit_time,
        "peak_mb": peak_mb,
        "base_mb": base_mb,
        "member_fit": _Clock.fit,
        "member_predict": _Clock.predict,
    }
    print(json.dumps(out))


def ensure_reference_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"creating the reference environment {VENV} (one-off) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *REF_PACKAGES], check=True)
    return python


def run_one(python, side, args) -> dict:
    """One fit in a fresh process (so ``ru_maxrss`` is its own)."""
    cmd = [
        str(python),
        str(Path(__file__).resolve()),
        "--worker",
        side,
        "--rows",
        str(args.rows),
        "--features",
        str(args.features),
        "--ir",
        str(args.ir),
        "--members",
        str(args.members),
        "--base",
        args.base,
        "--lgbm-jobs",
        str(args.lgbm_jobs),
    ]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


LABELS = {
    "imbens": "imbalanced-ensemble 0.2.3 (sklearn 1.6.0)",
    "imbtab": "imbtab, same settings (1:1, no weights)",
    "imbtab-nofast": "imbtab, same, LightGBM's own predict",
    "imbtab-pool": "imbtab, same + pool_size=10x minority",
    "imbtab-default": "imbtab defaults (ratio 0.25, balanced)",
}


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def table(args, base: str, ref_python: Path) -> None:
    """Alternate the sides ``--repeats`` times; print the medians and ratios."""
    args.base = base
    sides = {"imbens": ref_python, **dict.fromkeys(args.sides, Path(sys.executable))}
    results: dict[str, list[dict]] = {s: [] for s in sides}
    load_before = load()
    for r in range(args.repeats):
        for side, python in sides.items():
            res = run_one(python, side, args)
            results[side].append(res)
            print(
                f"  {base} run {r + 1} {side:15s} fit {res['fit_time']:7.2f} s "
                f"(member fits {res['member_fit']:6.2f} s, member predict_proba "
                f"{res['member_predict']:6.2f} s)  peak {res['peak_mb']:6.0f} MB",
                flush=True,
            )

    def med(side, key):
        return statistics.median(x[key] for x in results[side])

    ref_t, ref_m = med("imbens", "fit_time"), med("imbens", "peak_mb")
    threads = f"LightGBM n_jobs={args.lgbm_jobs}" if base == "lgbm" else "sklearn tree"
    print()
    print(
        f"SPE fit, {args.rows:,} rows x {args.features} features, IR {args.ir}, "
        f"{args.members} members, base={base} ({threads}); ensemble n_jobs=1 and "
        f"OMP_NUM_THREADS=1 on both sides; median of {args.repeats}; load average "
        f"{load_before} before, {load()} after"
    )
    header = (
        f"| {'implementation':41s} | fit s | member fits s | member predict s | rest s "
        "| peak MB | above data MB | speed-up | peak ratio |"
    )
    print(header)
    print("|" + "|".join("-" * len(c) for c in header.split("|")[1:-1]) + "|")
    for side in sides:
        t, m = med(side, "fit_time"), med(side, "peak_mb")
        fits, pred = med(side, "member_fit"), med(side, "member_predict")
        rest = statistics.median(
            x["fit_time"] - x["member_fit"] - x["member_predict"] for x in results[side]
        )
        extra = m - med(side, "base_mb")
        print(
            f"| {LABELS[side]:41s} | {t:5.2f} | {fits:13.2f} | {pred:16.2f} | {rest:6.2f} "
            f"| {m:7.0f} | {extra:13.0f} | {ref_t / t:7.2f}x | {m / ref_m:9.2f}x |"
        )
    ref_fits = med("imbens", "member_fit")
    print(
        f"Speed-up if everything but the reference's member fits were free (same members, "
        f"same sample sizes): {ref_t / ref_fits:.2f}x"
    )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--ir", type=int, default=100)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--base", default="tree,lgbm", help="comma list of tree, lgbm")
    parser.add_argument(
        "--sides",
        default="imbtab,imbtab-pool,imbtab-default",
        help="imbtab variants to run next to the reference (comma list)",
    )
    parser.add_argument("--lgbm-jobs", type=int, default=1, help="LightGBM n_jobs, both sides")
    parser.add_argument("--worker", choices=sorted(LABELS))
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    args.sides = [s for s in args.sides.split(",") if s]
    ref_python = ensure_reference_venv()
    for base in args.base.split(","):
        table(args, base, ref_python)


if __name__ == "__main__":
    main()
