"""Cheap, exact screening of "is an other-class row among my k nearest neighbours?".

For a row ``i`` of class ``c``: if the nearest other-class row is strictly farther than
some upper bound ``U(i)`` on the distance to ``i``'s k-th nearest same-class row, then
the k nearest neighbours of ``i`` in all of ``X`` are all of class ``c`` (whatever the
tie rule), so ``i`` needs no full search. The bound is a k-th neighbour distance
within a subset of the class, found in two rounds over a Voronoi partition of the
class (cells of a few hundred rows around random class rows):

1. every row searches its own cell;
2. rows still unsettled search the ``n_probe`` cells with the nearest centres (the
   bound is the k-th smallest distance over those cells, own index excluded).

Round 1 costs ``O(n_c * (n_cells + cell_size))``, round 2 ``O(n_left * n_probe *
cell_size)`` and the nearest other-class distances ``O(n_c * n_other)``; all are far
below the ``O(n_c * n)`` of a full search when the other classes are small. Rows the
screen cannot settle get an exact search from the caller.
"""

from __future__ import annotations

import numpy as np

from imbtab.neighbors import kneighbors

__all__ = ["screen_rows"]

# the screen pays off when the other classes are a small part of X
_MIN_ROWS = 4000
_MAX_OTHER_FRACTION = 0.25
_CELL_SIZE = 600
_N_PROBE = 8
# below this many query rows a search runs on one thread (thread start-up dominates)
_SMALL = 4096


def _jobs(n_rows, n_jobs):
    return 1 if n_rows < _SMALL else n_jobs


def screen_rows(X, codes, rows, k, n_jobs=None) -> np.ndarray:
    """Positions in ``rows`` (all of one class) that may have an other-class k-neighbour.

    Rows not returned certainly have only same-class rows among their k nearest
    neighbours in ``X`` (own index excluded). Deterministic (fixed internal seed).
    """
    rows = np.asarray(rows, dtype=np.intp)
    n = X.shape[0]
    if rows.size == 0:
        return np.arange(0)
    c = codes[rows[0]]
    other = np.flatnonzero(codes != c)
    if other.size == 0:
        return np.arange(0)
    same = np.flatnonzero(codes == c)
    if (
        rows.size < _MIN_ROWS
        or other.size > _MAX_OTHER_FRACTION * n
        or same.size != rows.size
        or same.size - 1 < k
    ):
        return np.arange(rows.size)
    # a contiguous block of rows (classes are grouped after an ENN pass) needs no copy
    contiguous = rows[-1] - rows[0] + 1 == rows.size
    Q = X[rows[0] : rows[-1] + 1] if contiguous else X[rows]
    d_other = kneighbors(Q, X[other], 1, n_jobs=n_jobs)[0][:, 0]
    cells = _Cells(Q, n_jobs)
    # strict: d_other > bound >= k-th same-class distance
    left = np.flatnonzero(~(d_other > cells.own_bound(k)))
    if left.size:
        settled = d_other[left] > cells.probe_bound(left, k, _N_PROBE)
        left = left[~settled]
    return left


class _Cells:
    """A Voronoi partition of the rows of ``Q`` around random rows of ``Q``."""

    def __init__(self, Q, n_jobs):
        self.Q = Q
        self.n_jobs = n_jobs
        m = Q.shape[0]
        self.n_cells = max(1, m // _CELL_SIZE)
        rng = np.random.default_rng(0)
        self.centres = Q[np.sort(rng.choice(m, size=self.n_cells, replace=False))]
        cell = kneighbors(Q, self.centres, 1, return_distance=False, n_jobs=n_jobs)[:, 0]
        order = np.argsort(cell, kind="stable")
        starts = np.searchsorted(cell[order], np.arange(self.n_cells + 1))
        self.members = [order[a:b] for a, b in zip(starts[:-1], starts[1:], strict=True)]

    def own_bound(self, k):
        """k-th nearest distance of every row within its own cell (inf if too small)."""
        bound = np.full(self.Q.shape[0], np.inf)
        for members in self.members:
            if members.size > k:
                dist, _ = kneighbors(self.Q[members], None, k, n_jobs=_jobs(members.size, None))
                bound[members] = dist[:, k - 1]
        return bound

    def probe_bound(self, rows, k, n_probe):
        """k-th nearest distance of ``Q[rows]`` over the cells of their nearest centres."""
        n_probe = min(n_probe, self.n_cells)
        probes = kneighbors(
            self.Q[rows], self.centres, n_probe, return_distance=False, n_jobs=self.n_jobs
        )
        cand_d = np.full((rows.size, n_probe * k), np.inf)
        flat_cell = probes.ravel()
        flat_pos = np.repeat(np.arange(rows.size), n_probe)
        slot = np.tile(np.arange(n_probe), rows.size)
        order = np.argsort(flat_cell, kind="stable")
        starts = np.searchsorted(flat_cell[order], np.arange(self.n_cells + 1))
        for cell_id in range(self.n_cells):
            sel = order[starts[cell_id] : starts[cell_id + 1]]
            members = self.members[cell_id]
            kk = min(k + 1, members.size)
            if sel.size == 0 or kk == 0:
                continue
            pos = flat_pos[sel]
            dist, ind = kneighbors(
                self.Q[rows[pos]], self.Q[members], kk, n_jobs=_jobs(sel.size, self.n_jobs)
            )
            dist = np.where(members[ind] == rows[pos][:, None], np.inf, dist)
            dist = np.sort(dist, axis=1)[:, :k]
            s = slot[sel]
            for t in range(dist.shape[1]):
                cand_d[pos, s * k + t] = dist[:, t]
        return np.sort(cand_d, axis=1)[:, k - 1]
