"""Over-samplers: imbtab vs imbalanced-learn 0.14, time and peak memory, side by side.

Every measurement runs in a fresh subprocess that loads the data from ``.npy`` files,
warms up on a slice (imports, numba compilation or cache loading; for imbtab 30,000
majority and 2,000 minority rows, large enough to take the same code paths as the full
data; for imbalanced-learn, which has no JIT, 2,200 rows), then times one
``fit_resample``. The load average (1 min) is printed with every row. Peak memory: a thread samples the process's resident set size
(``/proc/self/statm``) every 3 ms during the call; the reported peak is the highest RSS
during the call minus the RSS just before it (so it includes the output arrays, not the
input). CPU seconds (user + system of all threads, ``getrusage``) are shown too: on a
shared machine the wall-clock time depends on the load, the CPU time much less. Times
are medians over ``--repeats`` runs (imbtab) and ``--ref-repeats`` runs
(imbalanced-learn). imbalanced-learn runs under an address-space limit
(``--ref-mem-gib``, default 14 GiB) so that a run needing more fails with MemoryError
instead of exhausting the machine; such a run is reported as ``MemoryError``.

Cases (issue 4):

* ``1M``: ``make_classification`` with 1,000,000 rows, 20 features, imbalance ratio 100,
  for SMOTE, BorderlineSMOTE (borderline-1 and -2), ADASYN, KMeansSMOTE, SMOTENC (the
  last 5 columns rounded to integer levels and declared categorical) and SMOTEN (every
  column binned to 8 levels), both libraries;
* ``svm-20k``: SVMSMOTE on 20,000 rows (fitting ``SVC`` on 1M rows takes hours in
  both libraries; the SVM fit is the same code in both);
* ``mixed-200k``: 200,000 rows with 5 continuous and 5 categorical columns of 1,000
  levels each, imbalance ratio 100, SMOTENC (imbalanced-learn's one-hot vote array would
  need ~40 GB here), and ``mixed-10k``, the same at 10,000 rows where both libraries run;
* imbtab's SMOTE variants (PolynomFitSMOTE, ProWSyn, SMOTEIPF, SafeLevelSMOTE, MWMOTE,
  GeometricSMOTE) on ``1M``, imbtab only (no imbalanced-learn counterpart), for each
  class that exists in ``imbtab.over_sampling`` when the script runs.

Usage::

    python benchmarks/over_sampling.py                        # everything, 3 / 3 repeats
    python benchmarks/over_sampling.py --repeats 3 --ref-repeats 1
    python benchmarks/over_sampling.py --classes SMOTE,ADASYN --cases 1M
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

IMBALANCE = 100
VARIANTS = (
    "PolynomFitSMOTE",
    "ProWSyn",
    "SMOTEIPF",
    "SafeLevelSMOTE",
    "MWMOTE",
    "GeometricSMOTE",
)

# label -> (class name, params, dataset, compare with imbalanced-learn)
ROWS = {
    "SMOTE": ("SMOTE", {"random_state": 0}, "1M", True),
    "BorderlineSMOTE-1": ("BorderlineSMOTE", {"random_state": 0}, "1M", True),
    "BorderlineSMOTE-2": (
        "BorderlineSMOTE",
        {"random_state": 0, "kind": "borderline-2"},
        "1M",
        True,
    ),
    "ADASYN": ("ADASYN", {"random_state": 0}, "1M", True),
    "KMeansSMOTE": (
        "KMeansSMOTE",
        {"random_state": 0, "kmeans_estimator": 12, "cluster_balance_threshold": 0.005},
        "1M",
        True,
    ),
    "SMOTENC": (
        "SMOTENC",
        {"random_state": 0, "categorical_features": [15, 16, 17, 18, 19]},
        "1M-nc",
        True,
    ),
    "SMOTEN": ("SMOTEN", {"random_state": 0}, "1M-n", True),
    "SVMSMOTE": ("SVMSMOTE", {"random_state": 0}, "svm-20k", True),
    "SMOTENC mixed-10k": (
        "SMOTENC",
        {"random_state": 0, "categorical_features": [5, 6, 7, 8, 9]},
        "mixed-10k",
        True,
    ),
    "SMOTENC mixed-200k": (
        "SMOTENC",
        {"random_state": 0, "categorical_features": [5, 6, 7, 8, 9]},
        "mixed-200k",
        True,
    ),
    **{name: (name, {"random_state": 0}, "1M", False) for name in VARIANTS},
}


# -- data ------------------------------------------------------------------------------------
def _classification(n_rows, n_features):
    from sklearn.datasets import make_classification

    return make_classification(
        n_samples=n_rows,
        n_features=n_features,
        n_informative=min(10, n_features - 2),
        weights=[1 - 1 / (IMBALANCE + 1)],
        random_state=0,
    )


def _mixed(n_rows):
    X_num, y = _classification(n_rows, 5)
    rng = np.random.RandomState(0)
    # 1,000 levels per column, mildly related to the label
    cats = rng.randint(0, 1000, size=(n_rows, 5))
    cats[y == 1] = rng.randint(0, 100, size=(int((y == 1).sum()), 5))
    return np.hstack([X_num, cats.astype(np.float64)]), y


def make_data(dataset: str, path: Path) -> None:
    if (path / f"X_{dataset}.npy").exists():
        return
    if dataset in ("1M", "1M-nc", "1M-n"):
        X, y = _classification(1_000_000, 20)
        if dataset == "1M-nc":
            X[:, 15:] = np.round(X[:, 15:] * 2)
        elif dataset == "1M-n":
            edges = np.linspace(-3, 3, 7)
            X = np.digitize(X, edges).astype(np.int64)
    elif dataset == "svm-20k":
        X, y = _classification(20_000, 20)
    elif dataset.startswith("mixed-"):
        X, y = _mixed(int(dataset.split("-")[1].rstrip("k")) * 1000)
    else:  # pragma: no cover
        raise ValueError(dataset)
    np.save(path / f"X_{dataset}.npy", X)
    np.save(path / f"y_{dataset}.npy", y)


# -- worker (runs in a subprocess) -----------------------------------------------------------
def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker(lib: str, label: str, data_dir: str, mem_gib: float) -> None:
    name, params, dataset, _ = ROWS[label]
    package = "imbtab.over_sampling" if lib == "imbtab" else "imblearn.over_sampling"
    cls = getattr(importlib.import_module(package), name)
    X = np.load(Path(data_dir) / f"X_{dataset}.npy")
    y = np.load(Path(data_dir) / f"y_{dataset}.npy")
    # imbtab: a slice large enough for the code paths of the full data (parallel kernels,
    # BLAS k-NN); imbalanced-learn (no JIT) only needs its imports, and its SMOTENC vote
    # array would be huge on a large mixed slice
    n_maj, n_min = (30000, 2000) if lib == "imbtab" else (2000, 200)
    small = np.concatenate([np.flatnonzero(y == 0)[:n_maj], np.flatnonzero(y == 1)[:n_min]])
    try:
        cls(**params).fit_resample(X[small], y[small])
    except Exception:  # noqa: BLE001 - warm-up only (e.g. no valid cluster on the slice)
        pass
    if lib != "imbtab" and mem_gib > 0:
        limit = int(mem_gib * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    base = _rss_bytes()
    peak = [base]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _rss_bytes())
            time.sleep(0.003)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    # time spent clustering (KMeansSMOTE: the same MiniBatchKMeans fit in both libraries)
    from sklearn.cluster import MiniBatchKMeans

    cluster = [0.0]
    fit = MiniBatchKMeans.fit

    def timed_fit(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return fit(self, *args, **kwargs)
        finally:
            cluster[0] += time.perf_counter() - t0

    MiniBatchKMeans.fit = timed_fit
    cpu0 = _cpu_seconds()
    start = time.perf_counter()
    try:
        X_res, y_res = cls(**params).fit_resample(X, y)
    except MemoryError:
        done.set()
        print(json.dumps({"error": "MemoryError", "peak": peak[0] - base}))
        return
    elapsed = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu0
    done.set()
    thread.join()
    peak[0] = max(peak[0], _rss_bytes())
    result = {"time": elapsed, "cpu": cpu, "peak": peak[0] - base, "n_out": int(len(y_res))}
    if cluster[0]:
        result["cluster"] = cluster[0]
    print(json.dumps(result))


# -- driver ----------------------------------------------------------------------------------
def measure(lib, label, data_dir, repeats, mem_gib, timeout):
    runs = []
    for _ in range(repeats):
        try:
            out = subprocess.run(
                [sys.executable, __file__, "--worker", lib, label, str(data_dir), str(mem_gib)],
                capture_output=True,
                text=True,
                check=False,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"timeout>{timeout}s"}
        if out.returncode != 0:
            last = out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"
            return {"error": last[:60]}
        result = json.loads(out.stdout.strip().splitlines()[-1])
        if "error" in result:
            return result
        runs.append(result)
    summary = {}
    if all("cluster" in r for r in runs):
        summary["cluster"] = statistics.median(r["cluster"] for r in runs)
    return summary | {
        "time": statistics.median(r["time"] for r in runs),
        "cpu": statistics.median(r["cpu"] for r in runs),
        "peak": max(r["peak"] for r in runs),
        "n_out": runs[0]["n_out"],
        "runs": len(runs),
    }


def _fmt_time(r):
    return f"{r['time']:8.2f}" if "time" in r else f"{r.get('error', '-')[:12]:>8}"


def _fmt_cpu(r):
    return f"{r['cpu']:7.1f}" if "cpu" in r else f"{'-':>7}"


def _fmt_mem(r):
    return f"{r['peak'] / 2**20:9.0f}" if "peak" in r else f"{'-':>9}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of imbtab (median)")
    parser.add_argument("--ref-repeats", type=int, default=3, help="runs of imblearn (median)")
    parser.add_argument("--classes", default="", help="comma-separated row labels")
    parser.add_argument("--cases", default="", help="comma-separated datasets to keep")
    parser.add_argument("--ref-mem-gib", type=float, default=14.0)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per run")
    parser.add_argument("--data-dir", default="", help="reuse generated data here")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        lib, label, data_dir, mem = args.worker
        worker(lib, label, data_dir, float(mem))
        return

    import imbtab.over_sampling as ours

    labels = [lab for lab in ROWS if hasattr(ours, ROWS[lab][0])]
    if args.classes:
        wanted = set(args.classes.split(","))
        labels = [lab for lab in labels if lab in wanted or ROWS[lab][0] in wanted]
    if args.cases:
        cases = set(args.cases.split(","))
        labels = [lab for lab in labels if ROWS[lab][2] in cases]

    tmp = None
    if args.data_dir:
        data_dir = Path(args.data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory()
        data_dir = Path(tmp.name)
    print(
        f"imbtab vs imbalanced-learn over-samplers; imbtab median of {args.repeats}, "
        f"imblearn median of {args.ref_repeats}; peak = max RSS during fit_resample minus "
        f"RSS before (MiB); cores: {os.cpu_count()}"
    )
    header = (
        f"{'sampler':22} {'data':11} {'ours s':>8} {'theirs s':>8} {'speedup':>8} "
        f"{'ours MiB':>9} {'theirs MiB':>10} {'ours cpu':>8} {'thr cpu':>7} "
        f"{'n_out ours/theirs':>20} {'load':>5}"
    )
    print(header)
    print("-" * len(header))
    splits = []
    for label in labels:
        _, _, dataset, compare = ROWS[label]
        make_data(dataset, data_dir)
        r_ours = measure("imbtab", label, data_dir, args.repeats, 0, args.timeout)
        r_ref = (
            measure("imblearn", label, data_dir, args.ref_repeats, args.ref_mem_gib, args.timeout)
            if compare
            else {"error": "n/a"}
        )
        speed = (
            f"{r_ref['time'] / r_ours['time']:7.1f}x"
            if "time" in r_ours and "time" in r_ref
            else f"{'-':>8}"
        )
        n_out = f"{r_ours.get('n_out', '-')}/{r_ref.get('n_out', '-')}"
        print(
            f"{label:22} {dataset:11} {_fmt_time(r_ours)} {_fmt_time(r_ref)} {speed} "
            f"{_fmt_mem(r_ours)} {_fmt_mem(r_ref):>10} {_fmt_cpu(r_ours):>8} {_fmt_cpu(r_ref)} "
            f"{n_out:>20} {os.getloadavg()[0]:5.1f}",
            flush=True,
        )
        if "cluster" in r_ours and "cluster" in r_ref:
            splits.append(
                f"{label}: clustering (MiniBatchKMeans.fit) {r_ours['cluster']:.2f} s ours / "
                f"{r_ref['cluster']:.2f} s theirs; the rest "
                f"{r_ours['time'] - r_ours['cluster']:.2f} s ours / "
                f"{r_ref['time'] - r_ref['cluster']:.2f} s theirs (medians)"
            )
    for line in splits:
        print(line)
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
