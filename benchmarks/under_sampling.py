"""Under-sampling and cleaning samplers: imbtab vs imbalanced-learn, time and peak memory.

Each measurement runs in a fresh subprocess that loads the data from a ``.npy`` file,
warms up (numba compilation) on a small copy, then times one ``fit_resample``; a thread
samples the process's resident memory every few milliseconds, and the reported peak is
the highest resident size during the call minus the size just before it. Times are the
median over ``--repeats`` runs. Data: ``make_classification`` with 20 features and
imbalance ratio 100 (tie-free continuous data).

Cases (issue 5):

* 100k rows: TomekLinks, ENN, RENN, AllKNN, NCR, OSS, SMOTEENN, SMOTETomek (and NearMiss,
  InstanceHardnessThreshold, ClusterCentroids when imbtab has them), both libraries;
* 10k rows: CondensedNearestNeighbour, both libraries;
* 1M rows: imbtab only (TomekLinks, ENN, RENN, AllKNN, NCR, OSS, CNN; the combine
  classes with ``--big-combine``); imbalanced-learn's time is projected from its
  side-by-side run as quadratic in the number of rows (x100 from 100k, x10^4 from 10k),
  not run. The table also prints imbtab's peak extra memory over the input array's size.

Usage::

    python benchmarks/under_sampling.py                 # imbtab median of 3, imblearn 1 run
    python benchmarks/under_sampling.py --repeats 1 --skip-1m
    python benchmarks/under_sampling.py --classes TomekLinks,EditedNearestNeighbours
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

N_FEATURES = 20
IMBALANCE = 100

# name -> (imbtab module, imblearn module, params, rows of the side-by-side run)
CASES = {
    "TomekLinks": ("under_sampling", "under_sampling", {}, 100_000),
    "EditedNearestNeighbours": ("under_sampling", "under_sampling", {}, 100_000),
    "RepeatedEditedNearestNeighbours": ("under_sampling", "under_sampling", {}, 100_000),
    "AllKNN": ("under_sampling", "under_sampling", {}, 100_000),
    "NeighbourhoodCleaningRule": ("under_sampling", "under_sampling", {}, 100_000),
    "OneSidedSelection": ("under_sampling", "under_sampling", {"random_state": 0}, 100_000),
    "SMOTEENN": ("combine", "combine", {"random_state": 0}, 100_000),
    "SMOTETomek": ("combine", "combine", {"random_state": 0}, 100_000),
    "CondensedNearestNeighbour": (
        "under_sampling",
        "under_sampling",
        {"random_state": 0},
        10_000,
    ),
    "NearMiss": ("under_sampling", "under_sampling", {}, 100_000),
    "InstanceHardnessThreshold": ("under_sampling", "under_sampling", {"random_state": 0}, 100_000),
    "ClusterCentroids": ("under_sampling", "under_sampling", {"random_state": 0}, 100_000),
}
BIG = 1_000_000
BIG_CASES = [
    "TomekLinks",
    "EditedNearestNeighbours",
    "RepeatedEditedNearestNeighbours",
    "AllKNN",
    "NeighbourhoodCleaningRule",
    "OneSidedSelection",
    "CondensedNearestNeighbour",
]
BIG_COMBINE = ["SMOTEENN", "SMOTETomek"]


def make_data(n_rows: int, path: Path) -> None:
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=n_rows,
        n_features=N_FEATURES,
        weights=[1 - 1 / (IMBALANCE + 1)],
        random_state=0,
    )
    np.save(path / f"X_{n_rows}.npy", X)
    np.save(path / f"y_{n_rows}.npy", y)


# -- worker (runs in a subprocess) ------------------------------------------------------------
def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def worker(lib: str, name: str, n_rows: int, data_dir: str) -> None:
    ours_mod, ref_mod, params, _ = CASES[name]
    package = f"imbtab.{ours_mod}" if lib == "imbtab" else f"imblearn.{ref_mod}"
    cls = getattr(importlib.import_module(package), name)
    X = np.load(Path(data_dir) / f"X_{n_rows}.npy")
    y = np.load(Path(data_dir) / f"y_{n_rows}.npy")
    # warm-up on a small slice (numba compilation, imports)
    small = np.concatenate([np.flatnonzero(y == 0)[:3000], np.flatnonzero(y == 1)[:300]])
    cls(**params).fit_resample(X[small], y[small])
    base = _rss_bytes()
    peak = [base]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _rss_bytes())
            time.sleep(0.003)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    start, cpu_start = time.perf_counter(), time.process_time()
    X_res, y_res = cls(**params).fit_resample(X, y)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    done.set()
    thread.join()
    peak[0] = max(peak[0], _rss_bytes())
    print(
        json.dumps({"time": elapsed, "cpu": cpu, "peak": peak[0] - base, "n_out": int(len(y_res))})
    )


# -- driver -----------------------------------------------------------------------------------
def measure(lib, name, n_rows, data_dir, repeats):
    runs = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, __file__, "--worker", lib, name, str(n_rows), str(data_dir)],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {
        "time": statistics.median(r["time"] for r in runs),
        "cpu": statistics.median(r.get("cpu", float("nan")) for r in runs),
        "peak": max(r["peak"] for r in runs),
        "n_out": runs[0]["n_out"],
        "runs": len(runs),
    }


def _available(name):
    ours_mod = CASES[name][0]
    return hasattr(importlib.import_module(f"imbtab.{ours_mod}"), name)


def _mb(b):
    return f"{b / 2**20:8.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of imbtab (median)")
    parser.add_argument(
        "--ref-repeats", type=int, default=1, help="runs of imbalanced-learn (median)"
    )
    parser.add_argument("--big-combine", action="store_true", help="also SMOTEENN/SMOTETomek at 1M")
    parser.add_argument("--classes", default="", help="comma-separated subset")
    parser.add_argument("--skip-1m", action="store_true", help="skip the 1M-row runs")
    parser.add_argument(
        "--skip-100k",
        action="store_true",
        help="only the 1M-row runs (no side-by-side table, so no projected imblearn time)",
    )
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        lib, name, n_rows, data_dir = args.worker
        worker(lib, name, int(n_rows), data_dir)
        return

    names = [n for n in CASES if not args.classes or n in args.classes.split(",")]
    names = [n for n in names if _available(n)]
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f} (shared machine)")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        sizes = (set() if args.skip_100k else {CASES[n][3] for n in names}) | (
            set() if args.skip_1m else {BIG}
        )
        for n_rows in sorted(sizes):
            make_data(n_rows, data_dir)
        header = (
            f"{'class':32s} {'rows':>9s} {'imbtab s':>9s} {'imblearn s':>11s} {'speed-up':>9s}"
            f" {'imbtab MB':>9s} {'imblearn MB':>11s} {'mem ratio':>9s} {'input MB':>9s}"
            f" {'mem/input':>9s}"
            f" {'imbtab cpu s':>12s} {'imblearn cpu s':>14s}"
        )
        print(header)
        print("-" * len(header))
        ref_times = {}
        for name in [] if args.skip_100k else names:
            n_rows = CASES[name][3]
            ours = measure("imbtab", name, n_rows, data_dir, args.repeats)
            ref = measure("imblearn", name, n_rows, data_dir, args.ref_repeats)
            ref_times[name] = (ref.get("time"), n_rows)
            _row(name, n_rows, ours, ref, projected=False)
        print(f"load average after the table: {os.getloadavg()[0]:.1f}")
        if not args.skip_1m:
            big = BIG_CASES + (BIG_COMBINE if args.big_combine else [])
            print(f"\n1M rows (imbtab 1 run each), load average: {os.getloadavg()[0]:.1f}")
            print(header)
            print("-" * len(header))
            for name in [n for n in names if n in big]:
                ours = measure("imbtab", name, BIG, data_dir, 1)
                t_ref, n_ref = ref_times.get(name, (None, None))
                ref = {"time": t_ref * (BIG / n_ref) ** 2} if t_ref else {}
                _row(name, BIG, ours, ref, projected=True)
        print(
            "imblearn time at 1M rows marked * is projected from its 100k run "
            "(quadratic: x100); memory ratio = imblearn peak / imbtab peak; peaks are "
            "extra resident memory during fit_resample (mem/input: that peak over the input "
            "array's size); cpu s = process CPU time (all threads), a fairer comparison than "
            "wall time on a shared machine."
        )
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")


def _row(name, n_rows, ours, ref, projected):
    input_bytes = n_rows * N_FEATURES * 8
    if "error" in ours:
        print(f"{name:32s} {n_rows:9d} imbtab failed: {ours['error']}")
        return
    t_ref = ref.get("time")
    ref_s = f"{t_ref:10.2f}{'*' if projected else ' '}" if t_ref else f"{'-':>11s}"
    speed = f"{t_ref / ours['time']:8.1f}x" if t_ref else f"{'-':>9s}"
    ref_mb = _mb(ref["peak"]) if "peak" in ref else f"{'-':>8s}"
    ratio = f"{ref['peak'] / max(ours['peak'], 1):8.1f}x" if "peak" in ref else f"{'-':>9s}"
    print(
        f"{name:32s} {n_rows:9d} {ours['time']:9.2f} {ref_s} {speed} {_mb(ours['peak'])} "
        f"{ref_mb:>11s} {ratio} {_mb(input_bytes)} {ours['peak'] / input_bytes:8.2f}x "
        f"{ours.get('cpu', float('nan')):12.2f} "
        f"{ref.get('cpu', float('nan')):14.2f}",
        flush=True,
    )
    if "error" in ref:
        print(f"    imblearn error: {ref['error']}", flush=True)


if __name__ == "__main__":
    main()
