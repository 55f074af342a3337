"""Exact "is an other-class row among my k nearest neighbours?" for the rows of one class.

For a row ``i`` of class ``c`` let ``(d_o, j_o)`` be its nearest other-class row in the
engine's order (squared distance, then index) and ``(d_k, j_k)`` its k-th nearest
same-class row (own index excluded). An other-class row is among the k nearest
neighbours of ``i`` iff ``(d_o, j_o)`` comes before ``(d_k, j_k)``.

The screen settles most rows of a large class without ``(d_k, j_k)``: any k-th nearest
distance within a subset of the class is an upper bound ``U(i) >= d_k``, so
``d_o > U(i)`` proves the neighbourhood pure. The subsets are the cells of a Voronoi
partition of the class (a few hundred rows around random class rows):

1. every row searches its own cell;
2. rows still unsettled search the ``_N_PROBE`` cells with the nearest centres (in
   float32 over the packed cells, the bound raised by the rounding band).

``d_o`` for every row costs ``n_c * n_other`` distance evaluations, the rounds
``n_c * (n_cells + cell_size)`` and ``n_left * _N_PROBE * cell_size``, all far below
the ``n_c * n`` of a full search when the other classes are small. The rows left are
decided by counting the class rows that come before ``(d_o, j_o)``
(:mod:`imbtab.neighbors._closer`), or, for callers that need neighbour lists, by an
exact search.
"""

from __future__ import annotations

from contextlib import contextmanager

import numba
import numpy as np
from numba import njit, prange

from ._closer import closer_rows_reach_k
from ._packed_cells import PackedCells, k_smallest, probe_kth32
from ._search import _knn_sq

__all__ = ["CellStore", "other_class_within_k", "probe_bounds", "screen_applies", "screen_rows"]

# the screen pays off when the other classes are a small part of X
_MIN_ROWS = 4000
_MAX_OTHER_FRACTION = 0.5  # two balanced classes still pay (about 2x on SMOTE output)
_CELL_SIZE = 600
_N_PROBE = 8
_TAU_QUANTILE = 0.99  # rows with an own-cell bound below this quantile use near2
_TAU_MAX_SHARE = 0.5  # ... unless more than this share of the other rows is that close
_SMALL = 4096  # searches with fewer query rows run on one thread
_CHUNK = 131072  # query rows per search (bounds the temporary copies)
_PROBE_CHUNK = 65536  # rows per probe round (its pair arrays are n_probe per row)
_SAME_CLASS_SEARCH = 0.75  # below this share of X, unsettled rows search their class only


def _no_excl(n):
    return np.full(n, -1, dtype=np.int64)


def _nearest_other(X, Q, rows, other, own, near2, nt, r=1):
    """r-th nearest other-class row of each row of ``Q = X[rows]`` (squared distance, index).

    Exact wherever it matters: a row whose result exceeds ``own`` may get a larger value
    than its true nearest distance, but one that still exceeds ``own``. ``near2`` (or
    None) holds for every row a lower bound on its squared distance to any row of
    another class (0 if unknown); it is used and tightened here:

    * a row whose own bound is already exceeded by its lower bound needs no search;
    * rows whose bound ``own`` is below a threshold ``tau`` only search the other rows
      ``y`` with ``near2[y] <= tau``: any other row within ``own`` of them is one.

    ``near2`` bounds the *nearest* other row, so it is updated only when ``r == 1``.
    """
    m = Q.shape[0]
    d_o = np.full(m, np.inf)
    j_o = np.full(m, -1, dtype=np.int64)
    need = np.ones(m, dtype=bool)
    small = np.zeros(m, dtype=bool)
    tau = np.inf
    if near2 is not None:
        lb = near2[rows]
        need = ~(lb > own)
        d_o[~need] = lb[~need]
        finite = own[need & np.isfinite(own)]
        if finite.size:
            tau = float(np.quantile(finite, _TAU_QUANTILE))
            close = other[near2[other] <= tau]
            if close.size <= _TAU_MAX_SHARE * other.size:
                small = need & (own < tau)
    for group, ref in ((np.flatnonzero(need & ~small), other), (np.flatnonzero(small), None)):
        if group.size == 0:
            continue
        if ref is None:
            ref = close
        if ref.size < r:
            continue  # fewer than r rows (within tau): d_o stays inf (> own)
        R = np.ascontiguousarray(X[ref])
        for a in range(0, group.size, _CHUNK):
            g = group[a : a + _CHUNK]
            d2, jj = _knn_sq(Q[g], R, _no_excl(g.size), r, nt)
            d_o[g] = d2[:, r - 1]
            j_o[g] = ref[jj[:, r - 1]]
    if near2 is not None and r == 1:
        # exact where searched over all other rows; min(., tau) where only the close ones
        # were searched (every other row left out is farther than tau); kept elsewhere
        new = d_o.copy()
        new[small] = np.minimum(d_o[small], tau)
        near2[rows] = np.maximum(near2[rows], np.where(need, new, near2[rows]))
    return d_o, j_o


def screen_applies(codes, rows, k, max_other_fraction=None) -> bool:
    """Whether :func:`screen_rows` would screen ``rows`` (all the rows of one class)."""
    if max_other_fraction is None:
        max_other_fraction = _MAX_OTHER_FRACTION
    n = codes.shape[0]
    if rows.size == 0:
        return False
    n_other = n - int(np.count_nonzero(codes == codes[rows[0]]))
    return (
        0 < n_other <= max_other_fraction * n
        and rows.size >= _MIN_ROWS
        and rows.size + n_other == n
        and rows.size - 1 >= k
    )


def screen_rows(
    X,
    codes,
    rows,
    k,
    nt,
    *,
    max_other_fraction=None,
    near2=None,
    r=1,
    bounds=None,
    reuse=None,
):
    """Screen the rows ``rows`` (all the rows of one class, sorted) for pure neighbourhoods.

    ``X`` validated (C-contiguous float), call inside ``numba_threads`` (``nt`` threads).
    The screen runs only when the other classes hold at most ``max_other_fraction``
    (default ``_MAX_OTHER_FRACTION``) of the rows. ``near2`` (optional, shared across
    the classes of one call, zeros at first) holds for every row a lower bound on its
    squared distance to any row of another class; the screen uses and updates it.

    With ``r > 1`` the question becomes "are at least ``r`` other-class rows among the k
    nearest neighbours?" (what a majority vote needs): a row is settled when its r-th
    nearest other-class row lies strictly beyond a bound on its ``(k - r + 1)``-th
    nearest same-class row.

    ``bounds`` (optional float array, one entry per row of ``rows``) receives, for each
    settled row, the upper bound on its squared ``(k - r + 1)``-th nearest same-class
    distance that settled it (``inf`` for the rows left).

    ``reuse`` (optional) is a tuple ``(store, key, orig)``: a :class:`CellStore`, a key
    for the class and the original index of each row of ``rows``. The cells and the
    own-cell bounds are then taken from the store where an earlier call on a superset
    of the rows left them valid (the answer is the same).

    Returns
    -------
    left : ndarray of int
        Positions in ``rows`` not settled (the others certainly have fewer than ``r``
        other-class rows among their k nearest neighbours).
    d_o, j_o : ndarray or None
        Squared distance and index in ``X`` of the r-th nearest other-class row of
        ``rows[left]`` (``None`` when the screen did not run).
    cells : _Cells or None
        The screen's partition of the class, for
        :func:`imbtab.neighbors._closer.closer_rows_reach_k` (``None`` when the screen
        did not run).
    """
    rows = np.asarray(rows, dtype=np.int64)
    n = X.shape[0]
    if max_other_fraction is None:
        max_other_fraction = _MAX_OTHER_FRACTION
    everything = np.arange(rows.size)
    if rows.size == 0:
        return everything, None, None, None
    c = codes[rows[0]]
    other = np.flatnonzero(codes != c)
    if (
        other.size == 0
        or rows.size < _MIN_ROWS
        or other.size > max_other_fraction * n
        or rows.size + other.size != n
        or rows.size - 1 < k
        or not 1 <= r <= k
    ):
        return everything, None, None, None
    kk = k - r + 1
    Q = _Rows(X, rows)
    if reuse is None:
        cells = _Cells(Q, nt)
        own = cells.own_bound(kk)
    else:
        store, key, orig = reuse
        cells, own = store.screen_cells(Q, nt, key, orig, kk)
    d_o, j_o = _nearest_other(X, Q, rows, other, own, near2, nt, r)
    # strict: d_o > bound >= k-th same-class squared distance
    left = np.flatnonzero(~(d_o > own))
    if bounds is not None:
        bounds[:] = own
    if left.size:
        probe = cells.probe_bound(left, kk, _N_PROBE)
        settled = d_o[left] > probe
        if bounds is not None:
            bounds[left] = np.where(settled, probe, np.inf)
        left = left[~settled]
    return left, d_o[left], j_o[left], cells


def probe_bounds(X, rows, pos, k, nt, cells=None):
    """Upper bounds on the squared k-th nearest same-class distance of ``X[rows[pos]]``.

    ``rows`` are all the rows of one class (sorted, more than ``k``), ``pos`` positions
    in it; the bound is the k-th nearest distance (own index excluded) over the rows of
    the ``_N_PROBE`` cells with the nearest centres of a fresh Voronoi partition of the
    class. With a lower bound on a row's distance to the other classes strictly above
    it, the row's k nearest neighbours are all of its class. ``cells`` (optional) is a
    partition of the class to use instead (e.g. one kept by a :class:`CellStore`).
    """
    if cells is None:
        cells = _Cells(_Rows(X, np.asarray(rows, dtype=np.int64)), nt)
    return cells.probe_bound(np.asarray(pos, dtype=np.int64), k, _N_PROBE)


def other_class_within_k(X, codes, rows, k, nt, *, max_other_fraction=None, near2=None):
    """Exact mask: is an other-class row among the k nearest neighbours of ``X[rows]``?

    ``rows`` are all the rows of one class (sorted); ``k <= n - 1``. Same tie rule as the
    engine (distance, then the smaller index; own index excluded).
    """
    rows = np.asarray(rows, dtype=np.int64)
    n = X.shape[0]
    out = np.zeros(rows.size, dtype=bool)
    if rows.size == 0:
        return out
    c = codes[rows[0]]
    if rows.size - 1 < k:
        out[:] = rows.size < n  # the class cannot fill k neighbours
        return out
    left, d_o, j_o, cells = screen_rows(
        X, codes, rows, k, nt, max_other_fraction=max_other_fraction, near2=near2
    )
    if left.size == 0:
        return out
    if d_o is not None:
        pure = closer_rows_reach_k(cells, left, d_o, j_o, k)
        if pure is not None:
            out[left] = ~pure
            return out
    q = rows[left]
    if d_o is None or rows.size >= _SAME_CLASS_SEARCH * n:
        _, ind = _knn_sq(np.ascontiguousarray(X[q]), X, q, k, nt)
        out[left] = (codes[ind] != c).any(axis=1)
        return out
    # k-th same-class neighbour (lexicographic), compared with the nearest other row
    d_k, j_k = _knn_sq(np.ascontiguousarray(X[q]), np.ascontiguousarray(X[rows]), left, k, nt)
    d_k, j_k = d_k[:, k - 1], rows[j_k[:, k - 1]]
    out[left] = (d_o < d_k) | ((d_o == d_k) & (j_o < j_k))
    return out


@contextmanager
def _one_thread():
    """Run small searches on one thread (waking threads costs more, worse when busy)."""
    old = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield 1
    finally:
        numba.set_num_threads(old)


class _Rows:
    """The rows ``X[rows]`` without a copy of them all: ``Q[pos]`` copies only ``pos``."""

    def __init__(self, X, rows):
        self.X, self.rows = X, rows
        self.shape = (rows.size, X.shape[1])

    def __getitem__(self, pos):
        return np.ascontiguousarray(self.X[self.rows[pos]])


class _Cells:
    """A Voronoi partition of the rows of ``Q`` (a :class:`_Rows`) around random ones."""

    def __init__(self, Q, nt, centres=None, cell=None):
        self.Q = Q
        self.nt = nt
        m = Q.shape[0]
        if centres is None:
            self.n_cells = max(1, m // _CELL_SIZE)
            rng = np.random.default_rng(0)
            self.centres = np.ascontiguousarray(
                Q[np.sort(rng.choice(m, size=self.n_cells, replace=False))]
            )
            cell = np.empty(m, dtype=np.int64)
            for a in range(0, m, _CHUNK):
                b = min(m, a + _CHUNK)
                cell[a:b] = _knn_sq(Q[a:b], self.centres, _no_excl(b - a), 1, nt)[1][:, 0]
        else:  # a partition kept from a superset of the rows (still a Voronoi partition)
            self.centres, self.n_cells = centres, centres.shape[0]
        self.cell = cell
        order = np.argsort(cell, kind="stable")
        starts = np.searchsorted(cell[order], np.arange(self.n_cells + 1))
        self.members = [order[a:b] for a, b in zip(starts[:-1], starts[1:], strict=True)]
        self._packed = None

    def packed(self):
        """The rows packed for float32 searches (made once), or None if the cells are too many."""
        if self._packed is None and PackedCells.applies(self):
            self._packed = PackedCells(self)
        return self._packed

    def own_bound(self, k):
        """Squared k-th nearest distance of every row within its own cell (inf if too small).

        Cells are gathered a group at a time and searched in parallel, one cell per task.
        """
        bound = np.full(self.Q.shape[0], np.inf)
        group, size = [], 0
        for members in [*self.members, None]:
            if members is not None and members.size > k:
                group.append(members)
                size += members.size
            if group and (members is None or size >= _CHUNK):
                rows = np.concatenate(group)
                starts = np.cumsum([0] + [g.size for g in group]).astype(np.int64)
                Xs = np.ascontiguousarray(self.Q[rows], dtype=np.float64)
                out = np.empty(rows.size)
                _cell_kth(Xs, starts, k, out)
                bound[rows] = out
                group, size = [], 0
        return bound

    def probe_bound(self, rows, k, n_probe, *, pack=True):
        """Upper bound on the squared k-th nearest distance of ``Q[rows]`` within their class.

        The k-th nearest distance over the cells of the ``n_probe`` nearest centres. One
        parallel kernel visits the cells, each computing the distances of the rows that
        probe it to its members: in float32 over the packed cells, the values raised by
        their rounding band (so the bound can exceed the exact k-th distance by that
        band, never fall below it), or, for partitions too large to pack, exactly as the
        neighbour engine sums them. Rows go ``_PROBE_CHUNK`` at a time, so the temporary
        arrays stay small. ``pack=False`` uses the exact kernel even when the cells could be
        packed (for a caller short of memory: packing holds a float32 copy of the class).
        """
        n_probe = min(n_probe, self.n_cells)
        rows = np.asarray(rows, dtype=np.int64)
        sizes = np.array([m.size for m in self.members], dtype=np.int64)
        member_starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        members = (
            np.concatenate(self.members).astype(np.int64)
            if self.members
            else np.empty(0, dtype=np.int64)
        )
        X, base = self.Q.X, self.Q.rows
        m_x = base[members]
        packed = self.packed() if pack or self._packed is not None else None
        out = np.empty(rows.size)
        for a in range(0, rows.size, _PROBE_CHUNK):
            part = rows[a : a + _PROBE_CHUNK]
            _, probes = _knn_sq(self.Q[part], self.centres, _no_excl(part.size), n_probe, self.nt)
            flat_cell = probes.ravel()
            del probes
            order = np.argsort(flat_cell, kind="stable")
            pair_starts = np.searchsorted(flat_cell[order], np.arange(self.n_cells + 1))
            del flat_cell
            pair_query = (order // n_probe).astype(np.int64)
            pair_slot = (order % n_probe).astype(np.int64)
            del order
            cand = np.full((part.size, n_probe * k), np.inf)
            if packed is not None:
                probe_kth32(
                    X, packed.RT, packed.rn, packed.starts, packed.cell_rn, packed.mu,
                    packed.raw, base[part], packed.at[part], pair_query, pair_slot,
                    pair_starts, k, cand,
                )  # fmt: skip
            else:
                _probe_cells(
                    X, base[part], part, m_x, members, member_starts, pair_query, pair_slot,
                    pair_starts, k, cand,
                )  # fmt: skip
            cand.partition(k - 1, axis=1)
            out[a : a + part.size] = cand[:, k - 1]
        return out


@njit(parallel=True, cache=True)
def _probe_cells(X, q_x, q_pos, m_x, m_pos, m_starts, p_query, p_slot, p_starts, k, cand):
    """k nearest squared distances of each query within each cell it probes.

    Query ``i`` is row ``q_x[i]`` of ``X`` (position ``q_pos[i]`` in its class); cell
    ``c`` holds the rows ``m_x[m_starts[c]:m_starts[c + 1]]`` (positions ``m_pos``). The
    pairs ``p_starts[c]:p_starts[c + 1]`` (query ``p_query``, slot ``p_slot``) probe
    cell ``c``; their distances go to ``cand[i, slot * k : slot * k + k]`` (inf where the
    cell has fewer rows). A query skips its own row. Distances are summed in feature
    order from float64 differences, exactly as the neighbour engine computes them.
    """
    n_cells = p_starts.shape[0] - 1
    d = X.shape[1]
    for c in prange(n_cells):
        a = m_starts[c]
        m = m_starts[c + 1] - a
        if m == 0 or p_starts[c + 1] == p_starts[c]:
            continue
        Xt = np.empty((d, m))
        for j in range(m):
            for f in range(d):
                Xt[f, j] = np.float64(X[m_x[a + j], f])
        acc = np.empty(m)
        best = np.empty(k)
        for p in range(p_starts[c], p_starts[c + 1]):
            i = p_query[p]
            for j in range(m):
                acc[j] = 0.0
            for f in range(d):
                x = np.float64(X[q_x[i], f])
                for j in range(m):
                    t = x - Xt[f, j]
                    acc[j] += t * t
            own = -1  # the query's own row, if in this cell
            for j in range(m):
                if m_pos[a + j] == q_pos[i]:
                    own = j
            k_smallest(acc, m, own, best)
            s = p_slot[p] * k
            for t in range(k):
                cand[i, s + t] = best[t]
    return cand


def _probe_knn(Qs, R, excl, kk, nt):
    """kk nearest squared distances; rows whose own index is in ``R`` skip it."""
    n_inside = int((excl >= 0).sum())
    if n_inside == 0 or n_inside == excl.size:
        return _knn_sq(Qs, R, excl, kk, nt)[0]
    out = np.full((Qs.shape[0], kk), np.inf)
    inside = excl >= 0
    for mask in (inside, ~inside):
        idx = np.flatnonzero(mask)
        out[idx] = _knn_sq(np.ascontiguousarray(Qs[idx]), R, excl[idx], kk, nt)[0]
    return out


@njit(cache=True)
def _cell_transposed(Xs, a, m):
    """The rows ``Xs[a:a + m]`` as a (features, rows) array (contiguous inner loops)."""
    d = Xs.shape[1]
    Xt = np.empty((d, m))
    for j in range(m):
        for f in range(d):
            Xt[f, j] = Xs[a + j, f]
    return Xt


@njit(cache=True)
def _cell_distances(Xs, a, i, Xt, acc):
    """Squared distances from row ``a + i`` to every row of its cell, into ``acc``.

    Summed in feature order from float64 differences, exactly as the engine computes them.
    """
    acc[:] = 0.0
    for f in range(Xt.shape[0]):
        x = Xs[a + i, f]
        for j in range(Xt.shape[1]):
            t = x - Xt[f, j]
            acc[j] += t * t


@njit(parallel=True, cache=True)
def _cell_kth(Xs, starts, k, out):
    """Squared k-th nearest distance of each row within its cell (own row excluded).

    ``Xs`` (float64) holds the cells' rows one cell after the other, cell ``c`` in
    ``starts[c]:starts[c + 1]`` (each with more than ``k`` rows).
    """
    for c in prange(starts.shape[0] - 1):
        a = starts[c]
        m = starts[c + 1] - a
        Xt = _cell_transposed(Xs, a, m)
        acc = np.empty(m)
        best = np.empty(k)
        for i in range(m):
            _cell_distances(Xs, a, i, Xt, acc)
            k_smallest(acc, m, i, best)
            out[a + i] = best[k - 1]
    return out


@njit(parallel=True, cache=True)
def _cell_knn(Xs, starts, k, out_d, out_j):
    """Squared distances and rows (in ``Xs``) of the k nearest of each row within its cell.

    As :func:`_cell_kth` (same arithmetic, so the same values), for cells of at least
    two rows; the entries a cell cannot fill get inf and ``-1``.
    """
    for c in prange(starts.shape[0] - 1):
        a = starts[c]
        m = starts[c + 1] - a
        Xt = _cell_transposed(Xs, a, m)
        acc = np.empty(m)
        best = np.empty(k)
        bj = np.empty(k, dtype=np.int64)
        for i in range(m):
            _cell_distances(Xs, a, i, Xt, acc)
            for t in range(k):
                best[t] = np.inf
                bj[t] = -1
            for j in range(m):
                v = acc[j]
                if j != i and v < best[k - 1]:
                    p = k - 1
                    while p > 0 and best[p - 1] > v:
                        best[p] = best[p - 1]
                        bj[p] = bj[p - 1]
                        p -= 1
                    best[p] = v
                    bj[p] = a + j
            for t in range(k):
                out_d[a + i, t] = best[t]
                out_j[a + i, t] = bj[t]
    return out_d


_STORE_EXTRA = 2  # in-cell neighbours kept beyond the largest k


class CellStore:
    """Cells and own-cell neighbours of each class, kept across passes over fewer rows.

    Passes of RENN and AllKNN screen the same class again after some of its rows were
    removed. The Voronoi partition of the first pass stays a Voronoi partition of the
    remaining rows (the centres are points, not rows), so it is kept, with each row's
    ``K + _STORE_EXTRA`` nearest rows within its cell: the k-th of them still alive is
    the k-th nearest alive row of the cell, the same own-cell bound a fresh search of
    the shrunken cell gives. Only the rows with fewer than k of them left get their
    cell searched again. ``n`` is the number of original rows, ``K`` the largest
    neighbourhood size asked for.
    """

    def __init__(self, n: int, K: int):
        self.n, self.K = n, K
        self.width = K + _STORE_EXTRA
        self.classes = {}

    def _search(self, cells, which, orig, entry):
        """Search the cells ``which`` and store the lists of their rows."""
        groups = [cells.members[c] for c in which if cells.members[c].size > 1]
        if not groups:
            return
        for a in range(0, len(groups), 256):
            part = groups[a : a + 256]
            pos = np.concatenate(part)
            starts = np.cumsum([0] + [g.size for g in part]).astype(np.int64)
            Xs = np.ascontiguousarray(cells.Q[pos], dtype=np.float64)
            d = np.empty((pos.size, self.width))
            j = np.empty((pos.size, self.width), dtype=np.int64)
            _cell_knn(Xs, starts, self.width, d, j)
            entry["dist"][orig[pos]] = d
            entry["nbr"][orig[pos]] = np.where(j >= 0, orig[pos[np.maximum(j, 0)]], self.n)

    def kept_cells(self, Q, nt, key, orig):
        """The kept cells of the rows ``Q`` (original indices ``orig``), or None."""
        entry = self.classes.get(key)
        if entry is None or (entry["cell_of"][orig] < 0).any():
            return None
        return _Cells(Q, nt, entry["centres"], entry["cell_of"][orig])

    def screen_cells(self, Q, nt, key, orig, k):
        """The cells of the rows ``Q`` (original indices ``orig``) and their own bound."""
        entry = self.classes.get(key)
        if entry is not None and (k > self.K or (entry["cell_of"][orig] < 0).any()):
            entry = None  # not a subset of the rows the entry was made for
        if entry is None:
            cells = _Cells(Q, nt)
            if k > self.K:
                return cells, cells.own_bound(k)
            cell_of = np.full(self.n, -1, dtype=np.int64)
            cell_of[orig] = cells.cell
            entry = {
                "centres": cells.centres,
                "cell_of": cell_of,
                "dist": np.full((self.n, self.width), np.inf),
                "nbr": np.full((self.n, self.width), self.n, dtype=np.int32),
            }
            self.classes[key] = entry
            self._search(cells, range(cells.n_cells), orig, entry)
            return cells, entry["dist"][orig, k - 1]
        cells = _Cells(Q, nt, entry["centres"], entry["cell_of"][orig])
        alive = np.zeros(self.n + 1, dtype=bool)
        alive[orig] = True
        own = np.full(orig.size, np.inf)
        for a in range(0, orig.size, _CHUNK):
            o = orig[a : a + _CHUNK]
            cs = np.cumsum(alive[entry["nbr"][o]], axis=1)
            at = np.argmax(cs >= k, axis=1)
            ok = cs[:, -1] >= k
            own[a : a + _CHUNK] = np.where(ok, entry["dist"][o, at], np.inf)
        redo = np.flatnonzero(~np.isfinite(own))
        if redo.size:
            which = np.unique(cells.cell[redo])
            sizes = np.array([cells.members[c].size for c in which])
            which = which[sizes > k]
            self._search(cells, which, orig, entry)
            at = np.concatenate([cells.members[c] for c in which]) if which.size else redo[:0]
            own[at] = entry["dist"][orig[at], k - 1]
        return cells, own
