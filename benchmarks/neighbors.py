"""Exact k-NN: imbtab.neighbors vs scikit-learn NearestNeighbors (auto, brute) and faiss.

Prints one table measured side by side in one run (median of ``--repeats`` runs, wall
clock, fit + query), the machine's measured GEMM GFLOP/s and each run's fraction of it
(a k-NN search does at least the 2*n_fit*n_query*d flops of the distance GEMM), the
peak memory of imbtab on the largest row, low-dimensional self-queries (the k-d tree
path) and the cold/warm numba compile time of every kernel specialisation a user can hit.

    python benchmarks/neighbors.py                 # the issue's four rows, 3 repeats
    python benchmarks/neighbors.py --quick         # sizes / 10, 1 repeat (smoke test)
    python benchmarks/neighbors.py --only-extras --no-memory --no-class-aware --no-low-d
                                                   # compile time only
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np
from sklearn.neighbors import NearestNeighbors

ROWS = [  # n_fit, n_query, d, k
    (10_000, 10_000, 10, 6),
    (50_000, 50_000, 20, 6),
    (100_000, 5_000, 50, 11),
    (1_000_000, 10_000, 20, 6),
]


def _h(n):
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n / 1000:g}k"


def median_time(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def gemm_gflops(n=2048, repeats=5):
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n)), rng.random((n, n))
    a @ b
    t, _ = median_time(lambda: a @ b, repeats)
    return 2 * n**3 / t / 1e9


def try_faiss():
    try:
        import faiss
    except ImportError:
        return None
    return faiss


def run_row(nf, nq, d, k, repeats, faiss, n_jobs):
    from imbtab.neighbors import kneighbors

    rng = np.random.default_rng(nf + d)
    Y = rng.normal(size=(nf, d))
    X = rng.normal(size=(nq, d))
    res = {}
    res["imbtab"], (dist, ind) = median_time(lambda: kneighbors(X, Y, k, n_jobs=n_jobs), repeats)

    def sk(algorithm):
        return NearestNeighbors(n_neighbors=k, algorithm=algorithm).fit(Y).kneighbors(X)

    res["brute"], (sd, si) = median_time(lambda: sk("brute"), repeats)
    auto_method = NearestNeighbors(n_neighbors=k).fit(Y)._fit_method
    if auto_method == "brute":
        res["auto"] = res["brute"]
    else:
        res["auto"], _ = median_time(lambda: sk("auto"), repeats)
    res["auto_method"] = auto_method
    same = float(np.mean(np.all(ind == si, axis=1)))
    res["same_rows"] = same
    res["max_rel_dist"] = float(np.max(np.abs(dist - sd) / np.maximum(sd, 1e-300)))
    if faiss is not None:
        Y32, X32 = Y.astype(np.float32), X.astype(np.float32)

        def fa():
            index = faiss.IndexFlatL2(d)
            index.add(Y32)
            return index.search(X32, k)

        res["faiss"], _ = median_time(fa, repeats)
    return res


MEM_SCRIPT = textwrap.dedent(
    """
    import sys, threading, time, numpy as np
    from imbtab.neighbors import kneighbors
    nf, nq, d, k = map(int, sys.argv[1:5])
    kneighbors(np.random.rand(300, d), np.random.rand(3000, d), k)  # warm (cached) code
    page = 4096
    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * page
    base = rss()
    rng = np.random.default_rng(0)
    Y = rng.normal(size=(nf, d)); X = rng.normal(size=(nq, d))
    peak = [rss()]
    stop = False
    def watch():
        while not stop:
            peak[0] = max(peak[0], rss()); time.sleep(0.002)
    th = threading.Thread(target=watch); th.start()
    dist, ind = kneighbors(X, Y, k)
    stop = True; th.join()
    peak[0] = max(peak[0], rss())
    io = X.nbytes + Y.nbytes + dist.nbytes + ind.nbytes
    print(io, peak[0] - base)
    """
)


def peak_memory(nf, nq, d, k):
    out = subprocess.run(
        [sys.executable, "-c", MEM_SCRIPT, str(nf), str(nq), str(d), str(k)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    io, used = int(out[0]), int(out[1])
    return io, used


COMPILE_SCRIPT = textwrap.dedent(
    """
    import time
    t = time.perf_counter()
    import numpy as np
    import imbtab.neighbors as nb
    import imbtab.neighbors._search as s
    X = np.random.rand(300, 3)
    y = (np.arange(300) % 7 == 0).astype(int)
    for dt in (np.float64, np.float32):  # every kernel and specialisation a user can hit
        Z = X.astype(dt)
        s._knn_sq(Z, Z, np.full(300, -1), 3, 1, "kd")
        for far in (False, True):
            nb.kneighbors(Z, k=3, farthest=far)
            s._knn_sq(Z, Z, np.full(300, -1), 3, 1, "direct", farthest=far)
            for work in (np.float32, np.float64):
                s._knn_sq_gemm(Z, Z, np.full(300, -1), 3, 1, work, -1.0 if far else 1.0)
    nb.count_other_class(X, y, 3); nb.has_other_class_within_k(X, y, 3)
    nb.mutual_nearest_pairs(X, y, np.flatnonzero(y))
    import imbtab.neighbors._kernels as kern
    n_spec = sum(len(getattr(kern, f).signatures) for f in
                 ("knn_sq_direct", "topk_gemm_chunk", "refine_candidates",
                  "kd_build", "knn_sq_kdtree"))
    print(time.perf_counter() - t, time.process_time(), n_spec)
    """
)


def compile_times():
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as cache:
        env["NUMBA_CACHE_DIR"] = cache
        run = [sys.executable, "-c", COMPILE_SCRIPT]
        cold = subprocess.run(run, capture_output=True, text=True, env=env).stdout.split()
        warm = subprocess.run(run, capture_output=True, text=True, env=env).stdout.split()
    return [float(v) for v in cold], [float(v) for v in warm]


def compile_table(repeats):
    """Cold (empty cache) and cached import + compile, median of ``repeats`` pairs."""
    runs = [compile_times() for _ in range(repeats)]
    cold = [statistics.median(r[0][i] for r in runs) for i in range(3)]
    warm = [statistics.median(r[1][i] for r in runs) for i in range(2)]
    return cold, warm


def class_aware(repeats, n=100_000, d=10, k=5, minority=0.02):
    """ENN-style question on imbalanced data: which rows have another class within k?"""
    from imbtab.neighbors import count_other_class, has_other_class_within_k

    rng = np.random.default_rng(1)
    X = rng.normal(size=(n, d))
    y = (rng.random(n) < minority).astype(int)
    X[y == 1] = rng.normal(loc=1.5, size=((y == 1).sum(), d))
    t_has, has = median_time(lambda: has_other_class_within_k(X, y, k), repeats)
    t_cnt, cnt = median_time(lambda: count_other_class(X, y, k), repeats)

    def sk():
        ind = NearestNeighbors(n_neighbors=k + 1).fit(X).kneighbors(X, return_distance=False)
        return (y[ind[:, 1:]] != y[:, None]).any(axis=1)

    t_sk, ref = median_time(sk, repeats)
    assert np.array_equal(has, cnt > 0)
    agree = np.mean(has == ref)
    print(
        f"class-aware, n={_h(n)}, d={d}, k={k}, {100 * minority:g}% minority: "
        f"has_other_class_within_k {t_has:.2f} s, count_other_class {t_cnt:.2f} s, "
        f"sklearn NN(k+1) on all rows {t_sk:.2f} s (auto) -> pruning x{t_cnt / t_has:.1f} "
        f"over the full search, x{t_sk / t_has:.1f} over sklearn; same answer as sklearn on "
        f"{100 * agree:.2f}% rows (sklearn's [:, 1:] trick may drop a duplicate instead of self)"
    )


def low_d(repeats, n=100_000, dims=(3, 6), k=5, folder=None):
    """Low dimensions (k-d tree path): self-query of every row, against sklearn and the
    direct scan (the path used before the tree); optionally on a folder of CSV datasets
    (numeric columns except the last, standardised; those with at most 8 features)."""
    from sklearn.datasets import make_classification

    import imbtab.neighbors._search as s
    from imbtab.neighbors import kneighbors, numba_threads

    sets = []
    for d in dims:
        X, _ = make_classification(
            n_samples=n, n_features=d, n_informative=min(d, 4), n_redundant=0, random_state=0
        )
        sets.append((f"make_classification {_h(n)} x {d}", X))
    if folder:
        import glob

        import pandas as pd

        for path in sorted(glob.glob(os.path.join(folder, "*.csv"))):
            if path.endswith("manifest.csv"):
                continue
            X = pd.read_csv(path).iloc[:, :-1].select_dtypes("number").to_numpy(float)
            if X.shape[1] <= 8 and X.shape[0] >= 2048:
                X = (X - X.mean(0)) / (X.std(0) + 1e-12)
                sets.append((f"{os.path.basename(path)[:-4]} {X.shape[0]} x {X.shape[1]}", X))
    for label, X in sets:
        X = np.ascontiguousarray(X)
        n_rows, d = X.shape
        excl = np.arange(n_rows)
        kneighbors(X[:3000], k=k)
        t_ours, (dist, ind) = median_time(lambda X=X: kneighbors(X, k=k), repeats)
        with numba_threads(None) as nt:
            t_direct, (_, ind_d) = median_time(
                lambda X=X, nt=nt, e=excl: s._knn_sq(X, X, e, k, nt, "direct"), repeats
            )
        t_auto, (_, ind_sk) = median_time(
            lambda X=X: NearestNeighbors(n_neighbors=k + 1).fit(X).kneighbors(X), repeats
        )
        assert np.array_equal(ind, ind_d)
        print(
            f"low-d {label}, k={k} (self-query; imbtab path "
            f"{'kd' if s._use_kd(n_rows, n_rows, d) else 'scan'}): imbtab {t_ours:.3f} s, "
            f"direct scan {t_direct:.3f} s (x{t_direct / t_ours:.1f}), sklearn auto "
            f"{t_auto:.3f} s (x{t_auto / t_ours:.1f}); load avg {os.getloadavg()[0]:.1f}",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="sizes / 10, 1 repeat")
    parser.add_argument("--rows", default="0,1,2,3", help="which of the four rows to run")
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--no-compile", action="store_true")
    parser.add_argument("--no-class-aware", action="store_true")
    parser.add_argument("--class-aware-n", type=int, default=100_000)
    parser.add_argument("--only-extras", action="store_true", help="skip the main table")
    parser.add_argument("--no-low-d", action="store_true")
    parser.add_argument("--low-d-n", type=int, default=100_000)
    parser.add_argument("--low-d-folder", default=None, help="also time CSVs with d <= 8")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    rows = [ROWS[int(r)] for r in args.rows.split(",")]
    if args.quick:
        rows = [(nf // 10, nq // 10, d, k) for nf, nq, d, k in rows]

    import numba
    from threadpoolctl import threadpool_info

    from imbtab.neighbors import kneighbors

    rng = np.random.default_rng(0)
    kneighbors(rng.random((3000, 20)), k=3)  # compile / load the cache outside timings
    kneighbors(rng.random((300, 3)), k=3)
    peak = gemm_gflops()
    faiss = try_faiss()
    blas = {i["internal_api"] for i in threadpool_info()}
    print(
        f"machine: {os.cpu_count()} cpus, numba threads {numba.get_num_threads()}, BLAS "
        f"{'/'.join(sorted(blas))}, load avg {os.getloadavg()[0]:.1f}; "
        f"float64 GEMM (2048^3, numpy) = {peak:.1f} GFLOP/s"
    )
    print(f"median of {repeats} run(s), wall-clock seconds, fit + query, Gaussian float64 data")
    head = (
        f"{'fit x query x d, k':<24}{'imbtab':>8}{'sk brute':>9}{'sk auto':>16}{'faiss f32':>10}"
        f"{'x brute':>8}{'x auto':>7}{'x faiss':>8}{'GEMM%':>6}  {'same idx':>8} {'max rel d':>9}"
    )
    print(head)
    print("-" * len(head))
    for nf, nq, d, k in [] if args.only_extras else rows:
        r = run_row(nf, nq, d, k, repeats, faiss, args.n_jobs)
        fa = r.get("faiss")
        xf = f"{fa / r['imbtab']:.2f}" if fa else "-"
        frac = 2 * nf * nq * d / r["imbtab"] / 1e9 / peak
        auto = f"{r['auto']:.2f} ({r['auto_method'][:5]})"
        print(
            f"{f'{_h(nf)} x {_h(nq)} x {d}, {k}':<24}{r['imbtab']:>8.2f}"
            f"{r['brute']:>9.2f}{auto:>16}{(f'{fa:.2f}' if fa else '-'):>10}"
            f"{r['brute'] / r['imbtab']:>8.2f}{r['auto'] / r['imbtab']:>7.2f}"
            f"{xf:>8}{100 * frac:>5.0f}%"
            f"  {100 * r['same_rows']:>7.2f}% {r['max_rel_dist']:>9.1e}",
            flush=True,
        )
    print("x brute / x auto / x faiss: their time / imbtab time (> 1 means imbtab is faster).")
    print("same idx: rows whose neighbour indices equal sklearn brute's (tie-free data).")
    if not args.no_class_aware:
        class_aware(repeats, n=20_000 if args.quick else args.class_aware_n)
    if not args.no_low_d:
        low_d(repeats, n=10_000 if args.quick else args.low_d_n, folder=args.low_d_folder)
    if not args.no_memory:
        nf, nq, d, k = rows[-1]
        io, used = peak_memory(nf, nq, d, k)
        print(
            f"peak memory, {_h(nf)} x {_h(nq)} x {d}: inputs + outputs "
            f"{io / 2**20:.0f} MiB, process growth (data + search) {used / 2**20:.0f} MiB "
            f"= {used / io:.2f}x (goal < 2x)"
        )
    if not args.no_compile:
        cold, warm = compile_table(repeats)
        print(
            f"import + numba compile of the module (every path, both dtypes, nearest and "
            f"farthest; {cold[2]:.0f} kernel specialisations), median of {repeats}: cold "
            f"{cold[0]:.1f} s wall / {cold[1]:.1f} s CPU, cached {warm[0]:.1f} s wall / "
            f"{warm[1]:.1f} s CPU (goal < 15 s cold); load avg {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
