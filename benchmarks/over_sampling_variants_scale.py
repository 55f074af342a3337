"""Time and peak memory of the SMOTE variants on the 1M-row case (one process per run).

Data: ``make_classification(n_samples=1_000_000, n_features=20, weights=[0.99])``
(imbalance ratio about 100). Each (variant, repeat) runs in a fresh process so that the
peak resident memory (``ru_maxrss``) is its own; the table shows the median wall time of
``--repeats`` runs, the median CPU time (user + system; about twice the wall time an
uncontended 2-core machine needs), and the largest peak memory, data included.

    python benchmarks/over_sampling_variants_scale.py [--rows 1000000] [--repeats 3]
        [--only ProWSyn,MWMOTE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

VARIANTS = {
    "PolynomFitSMOTE(star)": "PolynomFitSMOTE(topology='star', random_state=0)",
    "PolynomFitSMOTE(bus)": "PolynomFitSMOTE(topology='bus', random_state=0)",
    "PolynomFitSMOTE(mesh)": "PolynomFitSMOTE(topology='mesh', random_state=0)",
    "PolynomFitSMOTE(polynomial)": "PolynomFitSMOTE(topology='polynomial', random_state=0)",
    "GeometricSMOTE(minority)": "GeometricSMOTE(selection_strategy='minority', random_state=0)",
    "GeometricSMOTE(combined)": "GeometricSMOTE(random_state=0)",
    "SafeLevelSMOTE": "SafeLevelSMOTE(random_state=0)",
    "ProWSyn": "ProWSyn(random_state=0)",
    "MWMOTE": "MWMOTE(random_state=0)",
    "SMOTEIPF": "SMOTEIPF(random_state=0)",
}

CHILD = """
import resource, sys, time, json
import numpy as np
from imbtab.over_sampling import *
X = np.load(sys.argv[1]); y = np.load(sys.argv[2])
sampler = {expr}
t = time.perf_counter()
X_res, y_res = sampler.fit_resample(X, y)
elapsed = time.perf_counter() - t
use = resource.getrusage(resource.RUSAGE_SELF)
cpu = use.ru_utime + use.ru_stime
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
print(json.dumps({{"time": elapsed, "cpu": cpu, "peak_gib": peak, "n_out": int(len(y_res))}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=args.rows, n_features=20, weights=[0.99], random_state=0)
    tmp = tempfile.mkdtemp()
    xp, yp = os.path.join(tmp, "X.npy"), os.path.join(tmp, "y.npy")
    np.save(xp, X)
    np.save(yp, y)
    data_gib = X.nbytes / 1024**3
    names = [n for n in VARIANTS if not args.only or any(o in n for o in args.only.split(","))]
    print(f"rows={args.rows} features=20 minority={int((y == 1).sum())} X={data_gib:.2f} GiB")
    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores)")
    print(
        f"{'variant':30s} {'median s':>9s} {'runs s':>24s} {'cpu s':>7s} "
        f"{'peak GiB':>9s} {'rows out':>9s} {'load':>5s}"
    )
    for name in names:
        times, cpus, peaks, n_out = [], [], [], None
        for _ in range(args.repeats):
            code = CHILD.format(expr=VARIANTS[name])
            out = subprocess.run(
                [sys.executable, "-c", code, xp, yp], capture_output=True, text=True
            )
            if out.returncode != 0:
                print(f"{name:30s} FAILED: {out.stderr.strip().splitlines()[-1]}")
                break
            res = json.loads(out.stdout.strip().splitlines()[-1])
            times.append(res["time"])
            cpus.append(res["cpu"])
            peaks.append(res["peak_gib"])
            n_out = res["n_out"]
        if times:
            runs = ",".join(f"{t:.1f}" for t in times)
            print(
                f"{name:30s} {np.median(times):9.1f} {runs:>24s} {np.median(cpus):7.1f} "
                f"{max(peaks):9.2f} {n_out:9d} {os.getloadavg()[0]:5.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
