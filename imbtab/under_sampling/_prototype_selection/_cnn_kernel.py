"""Numba kernels of the condensed-nearest-neighbour scan."""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["scan_active", "store_witness"]


@njit(cache=True)
def scan_active(Xc, active, cls_rows, eligible, top_d, top_l, label, n_codes):
    """Visit the class positions ``active`` (ascending) in order; return those added.

    ``top_d``/``top_l`` hold, for each active position, the distances (sorted) and
    label codes of its k nearest store rows at the start of the block. A position that
    is still eligible and whose k-NN vote (ties to the smallest code) is not ``label``
    joins the store: the later active positions then see it as a candidate neighbour
    (it enters a list only if strictly closer, i.e. after equal distances, as the newest
    store row), and the position equal to its global index becomes ineligible
    (imbalanced-learn's bookkeeping). Positions left out of ``active`` must be ones
    that cannot join the store in this block.
    """
    k = top_d.shape[1]
    d = Xc.shape[1]
    m = active.shape[0]
    added = np.empty(m, dtype=np.int64)
    n_added = 0
    counts = np.zeros(n_codes, dtype=np.int64)
    n_class = eligible.shape[0]
    for b in range(m):
        q = active[b]
        if not eligible[q]:
            continue
        counts[:] = 0
        for t in range(k):
            counts[top_l[b, t]] += 1
        best = 0
        for code in range(n_codes):
            if counts[code] > counts[best]:
                best = code
        if best == label:
            continue
        added[n_added] = q
        n_added += 1
        g = cls_rows[q]
        if g < n_class:
            eligible[g] = False
        for br in range(b + 1, m):
            r = active[br]
            s = 0.0
            for f in range(d):
                z = Xc[r, f] - Xc[q, f]
                s += z * z
            s = np.sqrt(s)
            if s < top_d[br, k - 1]:
                p = k - 1
                while p > 0 and top_d[br, p - 1] > s:
                    top_d[br, p] = top_d[br, p - 1]
                    top_l[br, p] = top_l[br, p - 1]
                    p -= 1
                top_d[br, p] = s
                top_l[br, p] = label
    return added[:n_added]


@njit(parallel=True, cache=True)
def store_witness(Xc, pos, probes, members, cell_start, cell_count, lim):
    """``out[t]``: does a stored class row in the cells ``probes[pos[t]]`` lie strictly
    within squared distance ``lim[t]`` of ``Xc[pos[t]]``?

    ``members[cell_start[c] : cell_start[c] + cell_count[c]]`` are the class positions
    of the stored rows of cell ``c``. Distances are summed in feature order from float64
    differences, exactly as the neighbour engine computes them.
    """
    m = pos.shape[0]
    n_probe = probes.shape[1]
    d = Xc.shape[1]
    out = np.zeros(m, dtype=np.bool_)
    for t in prange(m):
        q = pos[t]
        lt = lim[t]
        for p in range(n_probe):
            c = probes[q, p]
            for u in range(cell_start[c], cell_start[c] + cell_count[c]):
                s_row = members[u]
                s = 0.0
                for f in range(d):
                    z = Xc[q, f] - Xc[s_row, f]
                    s += z * z
                if s < lt:
                    out[t] = True
                    break
            if out[t]:
                break
    return out
