"""Numba kernel of the condensed-nearest-neighbour scan (incremental store update)."""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["scan_block"]


@njit(cache=True)
def scan_block(Xc, offset, stop, cls_rows, eligible, top_d, top_l, label, n_codes):
    """Scan positions ``offset .. stop-1`` of a class in order; return those added.

    ``top_d``/``top_l`` hold, for each position of the block, the distances (sorted)
    and label codes of its k nearest store rows at the start of the block. A position
    that is eligible and whose k-NN vote (ties to the smallest code) is not ``label``
    joins the store: the later positions of the block then see it as a candidate
    neighbour (it enters a list only if strictly closer, i.e. after equal distances,
    as the newest store row), and the position equal to its global index becomes
    ineligible (imbalanced-learn's bookkeeping).
    """
    k = top_d.shape[1]
    d = Xc.shape[1]
    added = np.empty(stop - offset, dtype=np.int64)
    n_added = 0
    counts = np.zeros(n_codes, dtype=np.int64)
    n_class = eligible.shape[0]
    for q in range(offset, stop):
        if not eligible[q]:
            continue
        b = q - offset
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
        for r in range(q + 1, stop):
            s = 0.0
            for f in range(d):
                z = Xc[r, f] - Xc[q, f]
                s += z * z
            s = np.sqrt(s)
            br = r - offset
            if s < top_d[br, k - 1]:
                p = k - 1
                while p > 0 and top_d[br, p - 1] > s:
                    top_d[br, p] = top_d[br, p - 1]
                    top_l[br, p] = top_l[br, p - 1]
                    p -= 1
                top_d[br, p] = s
                top_l[br, p] = label
    return added[:n_added]
