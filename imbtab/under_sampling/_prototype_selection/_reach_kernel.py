"""Numba kernel: which rows have one of a few removed rows within their neighbour reach."""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["within_reach"]


@njit(parallel=True, cache=True)
def within_reach(X, idx, R, reach):
    """``out[t]``: is some row of ``R`` within squared distance ``reach[t]`` of ``X[idx[t]]``?

    Distances are summed in feature order from float64 differences, exactly as the
    neighbour engine computes them, so a row of ``R`` among the k nearest neighbours of
    ``X[idx[t]]`` (distance at most the k-th) is always found when ``reach[t]`` is an
    upper bound on the squared k-th neighbour distance computed by the engine.
    """
    m = idx.shape[0]
    nr, d = R.shape
    out = np.zeros(m, dtype=np.bool_)
    for t in prange(m):
        i = idx[t]
        lim = reach[t]
        for j in range(nr):
            s = 0.0
            for f in range(d):
                z = np.float64(X[i, f]) - R[j, f]
                s += z * z
            if s <= lim:
                out[t] = True
                break
    return out
