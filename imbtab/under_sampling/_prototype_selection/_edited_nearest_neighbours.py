"""Edited nearest neighbours (Wilson's editing)."""

from __future__ import annotations

import numbers

import numpy as np
from imblearn.utils import Substitution
from sklearn.base import clone
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from imbtab.base import BaseCleaningSampler, Resampled
from imbtab.neighbors import numba_threads
from imbtab.neighbors._closer import closer_rows_reach_k
from imbtab.neighbors._screen import (
    _SAME_CLASS_SEARCH,
    _Rows,
    probe_bounds,
    screen_applies,
    screen_rows,
)
from imbtab.neighbors._search import _knn_sq
from imbtab.neighbors._validation import check_points
from imbtab.under_sampling._prototype_selection._common import (
    check_enough_samples,
    encode,
    exact_neighbors,
    is_int,
    vote,
)
from imbtab.under_sampling._prototype_selection._reach_kernel import within_reach
from imbtab.utils._docstring import N_JOBS, RESAMPLE_CONTRACT

__all__ = ["CACHE_EXTRA", "EditedNearestNeighbours", "NeighbourCache", "edit", "edit_again"]

SEL_KIND = ("all", "mode")
CACHE_EXTRA = 3  # neighbours kept beyond k in the lists carried across passes
_AGAIN_ENGINE_MIN = 64  # removed rows from which edit_again asks the engine
_CHUNK = 131072  # query rows per engine call in edit_again
_RESCREEN_MIN = 2000  # rows to look at from which edit_again first tries fresh bounds


def _decide(labels: np.ndarray, own: np.ndarray, kind_sel: str, n_classes: int) -> np.ndarray:
    if kind_sel == "all":
        return np.all(labels == own[:, None], axis=1)
    return vote(labels, n_classes) == own


class NeighbourCache:
    """Exact K-NN lists kept across the passes of RENN and AllKNN (original row indices).

    A list computed on the rows alive at some pass stays exact for every later pass,
    since rows are only ever removed: the k nearest rows still alive are its first k
    alive entries, provided the list reaches beyond them. A list is reused only when
    its (k+1)-th alive entry is strictly farther than its k-th, so the k nearest form a
    unique set whatever the tie order (rows are renumbered between passes).
    """

    def __init__(self, n: int, K: int):
        self.n, self.K = n, K
        self.pos = np.full(n, -1, dtype=np.int64)
        self.ind = np.empty((0, K), dtype=np.int64)
        self.d2 = np.empty((0, K))

    def lookup(self, orig, alive, k):
        """Reusable mask, first k alive neighbours (original indices) and k-th distance."""
        nb = np.empty((orig.size, k), dtype=np.int64)
        dk = np.full(orig.size, np.inf)
        valid = np.zeros(orig.size, dtype=bool)
        p = self.pos[orig]
        at = np.flatnonzero(p >= 0)
        if at.size == 0 or k >= self.K:
            return valid, nb, dk
        ind, d2 = self.ind[p[at]], self.d2[p[at]]
        al = alive[ind]
        cs = np.cumsum(al, axis=1)
        ok = cs[:, -1] >= k + 1
        r = np.arange(at.size)
        kth = np.argmax(cs >= k, axis=1)
        nxt = np.argmax(cs >= k + 1, axis=1)
        ok &= d2[r, kth] < d2[r, nxt]
        take = al[ok] & (cs[ok] <= k)
        nb[at[ok]] = ind[ok][take].reshape(-1, k)
        dk[at[ok]] = d2[r, kth][ok]
        valid[at[ok]] = True
        return valid, nb, dk

    def store(self, orig, ind, d2):
        """Add the lists of rows ``orig`` (``ind`` original indices, padded with ``n``)."""
        m, kk = ind.shape
        if kk < self.K:  # fewer rows than K: pad (padding is never alive)
            ind = np.hstack([ind, np.full((m, self.K - kk), self.n, dtype=np.int64)])
            d2 = np.hstack([d2, np.full((m, self.K - kk), np.inf)])
        self.pos[orig] = np.arange(self.ind.shape[0], self.ind.shape[0] + m)
        self.ind = np.vstack([self.ind, ind])
        self.d2 = np.vstack([self.d2, d2])


def _full_lists(X, q, k, nt, cache, indices):
    """k nearest rows (positions in X) of the rows ``q`` and the squared k-th distance.

    Taken from ``cache`` where it holds a reusable list, else searched (and stored).
    """
    n = X.shape[0]
    if cache is None:
        d2, ind = _knn_sq(np.ascontiguousarray(X[q]), X, q, k, nt)
        return ind, d2[:, k - 1]
    alive = np.zeros(cache.n + 1, dtype=bool)
    alive[indices] = True
    cur = np.full(cache.n + 1, -1, dtype=np.int64)
    cur[indices] = np.arange(n)
    valid, nb, dk = cache.lookup(indices[q], alive, k)
    miss = np.flatnonzero(~valid)
    if miss.size:
        qm = q[miss]
        kk = min(cache.K, n - 1)
        d2, ind = _knn_sq(np.ascontiguousarray(X[qm]), X, qm, kk, nt)
        cache.store(indices[qm], indices[ind], d2)
        nb[miss] = indices[ind[:, :k]]
        dk[miss] = d2[:, k - 1]
    return cur[nb], dk


def _impure_rows(
    X,
    codes,
    classes_to_clean,
    k,
    n_jobs,
    near2=None,
    cache=None,
    indices=None,
    kind_sel="all",
    reach=None,
    store=None,
):
    """Rows with an other-class row among their k-NN, per class (positions in the class).

    Returns ``{code: (positions, neighbours)}``: ``neighbours`` holds the k nearest rows
    (positions in ``X``) of those rows when the exact search found them (else None).
    Classes are screened largest first: each screen leaves lower bounds on the distance
    from its rows to the other classes, which lets the screens of smaller classes skip
    most of them. The answer does not depend on the order. ``near2`` (updated in place)
    may carry such bounds in from an earlier pass on a superset of the rows; ``cache``
    (a :class:`NeighbourCache`, with ``indices`` the original index of each row of
    ``X``) carries exact neighbour lists from pass to pass.

    With ``kind_sel='mode'`` a row with fewer than ``ceil(k / 2)`` other-class rows
    among its k-NN keeps a strict majority of its own label, so the screen only needs to
    rule out that many (when the exact search follows it); such rows may be left out of
    the answer although impure: the vote would keep them anyway. ``reach`` (optional,
    one entry per row of ``X``) receives for the rows of the cleaned classes an upper
    bound on their squared k-th neighbour distance (``inf`` where none is known): a
    later pass on fewer rows need not look again at a row unless a removed row lies
    within that distance of it (see :func:`edit_again`). ``store`` (a
    :class:`~imbtab.neighbors._screen.CellStore`, with ``indices``) keeps the screen's
    cells and own-cell bounds from pass to pass.
    """
    Xv = check_points(X)
    n = Xv.shape[0]
    if near2 is None:
        near2 = np.zeros(n)
    sizes = np.bincount(codes)
    out = {}
    with numba_threads(n_jobs) as nt:
        for ci in sorted(classes_to_clean, key=lambda c: (-sizes[c], c)):
            rows = np.flatnonzero(codes == ci)
            if reach is not None:
                reach[rows] = np.inf
            if rows.size - 1 < k:  # the class cannot fill k neighbours
                out[ci] = (np.arange(rows.size) if rows.size < n else rows[:0], None)
                continue
            full = rows.size >= _SAME_CLASS_SEARCH * n
            # a vote needs ceil(k/2) other rows; no k-NN bound for ``reach`` then
            r = (k + 1) // 2 if kind_sel == "mode" and full and reach is None else 1
            bounds = np.full(rows.size, np.inf)
            reuse = None if store is None or indices is None else (store, ci, indices[rows])
            left, d_o, j_o, cells = screen_rows(
                Xv, codes, rows, k, nt, near2=near2, r=r, bounds=bounds, reuse=reuse
            )
            q = rows[left]
            if reach is not None:
                reach[rows] = bounds
            if left.size and d_o is not None and r == 1 and (cache is None or not full):
                # count the class rows before the nearest other row; with a cache, the
                # lists of a large class pay off in the later passes (measured on RENN)
                pure = closer_rows_reach_k(cells, left, d_o, j_o, k)
                if pure is not None:
                    if reach is not None:
                        reach[q[pure]] = d_o[pure]  # k class rows lie within d_o
                    out[ci] = (left[~pure], None)
                    continue
            if left.size and (d_o is None or full):
                nb, dk = _full_lists(Xv, q, k, nt, cache, indices)
                if reach is not None:
                    reach[q] = dk
                impure = (codes[nb] != ci).any(axis=1)
                out[ci] = (left[impure], nb[impure])
                continue
            mask = np.zeros(left.size, dtype=bool)
            if left.size:
                # k-th same-class neighbour (lexicographic) against the nearest other row
                Xc = np.ascontiguousarray(Xv[rows])
                d_k, j_k = _knn_sq(np.ascontiguousarray(Xv[q]), Xc, left, k, nt)
                d_k, j_k = d_k[:, k - 1], rows[j_k[:, k - 1]]
                mask = (d_o < d_k) | ((d_o == d_k) & (j_o < j_k))
            out[ci] = (left[mask], None)
    return out


def edit(
    X,
    y,
    classes_to_clean,
    n_neighbors,
    kind_sel,
    n_jobs=None,
    near2=None,
    cache=None,
    indices=None,
    reach=None,
    store=None,
) -> np.ndarray:
    """Rows kept by ENN, class by class in sorted label order (imbalanced-learn's order).

    ``n_neighbors`` is an int (neighbours besides the row itself, found with
    :mod:`imbtab.neighbors`) or an object with ``kneighbors`` (cloned, fit on ``X``
    and queried; its first neighbour is dropped, as imbalanced-learn does). ``near2``
    (float array, one entry per row, updated in place) holds lower bounds on each row's
    squared distance to the other classes; repeated passes pass it on (subset with the
    kept rows), so later passes skip the searches the bounds already settle. ``cache``
    (a :class:`NeighbourCache` over the original rows, ``indices`` the original index
    of each row of ``X``) keeps exact neighbour lists for the next passes, and
    ``reach`` (float array, one entry per row) receives the bounds :func:`edit_again`
    needs, and ``store`` (a :class:`~imbtab.neighbors._screen.CellStore` over the
    original rows, with ``indices``) keeps the screen's cells for the next passes.
    """
    classes, codes = encode(y)
    n = X.shape[0]
    estimator = None
    impure = {}
    if is_int(n_neighbors):
        check_enough_samples(n_neighbors, n - 1, "X (each row's own index excluded)")
        to_clean = [ci for ci, label in enumerate(classes) if label in classes_to_clean]
        impure = _impure_rows(
            X,
            codes,
            to_clean,
            n_neighbors,
            n_jobs,
            near2,
            cache,
            indices,
            kind_sel,
            reach,
            store,
        )
    else:
        estimator = clone(n_neighbors).fit(X)
    kept = []
    for ci, label in enumerate(classes):
        rows = np.flatnonzero(codes == ci)
        if label in classes_to_clean:
            keep = np.ones(rows.size, dtype=bool)
            if estimator is not None:
                cand = np.arange(rows.size)
                ind = estimator.kneighbors(X[rows], return_distance=False)[:, 1:]
            else:
                cand, ind = impure[ci]
                if kind_sel == "all":
                    keep[cand] = False
                    cand = cand[:0]
                elif ind is None:
                    ind = exact_neighbors(X, rows[cand], n_neighbors, n_jobs)
            if cand.size:
                keep[cand] = _decide(codes[ind], codes[rows[cand]], kind_sel, classes.size)
            rows = rows[keep]
        kept.append(rows)
    return np.concatenate(kept).astype(np.intp)


def _rescreen(X, codes, aff, k, nt, reach, cache, indices, near2, store=None):
    """Mask of the rows ``aff`` without a cached list that fresh probe bounds settle pure."""
    out = np.zeros(aff.size, dtype=bool)
    bare = cache.pos[indices[aff]] < 0
    for ci in np.unique(codes[aff[bare]]):
        rows = np.flatnonzero(codes == ci)
        at = np.flatnonzero(bare & (codes[aff] == ci))
        if not screen_applies(codes, rows, k, max_other_fraction=1.0) or at.size < _RESCREEN_MIN:
            continue
        sub = aff[at]
        cells = (
            None if store is None else store.kept_cells(_Rows(X, rows), nt, int(ci), indices[rows])
        )
        bound = probe_bounds(X, rows, np.searchsorted(rows, sub), k, nt, cells)
        ok = near2[sub] > bound
        reach[sub[ok]] = bound[ok]
        out[at[ok]] = True
    return out


def edit_again(
    X,
    y,
    classes_to_clean,
    k,
    kind_sel,
    removed,
    reach,
    cache,
    indices,
    near2,
    n_jobs=None,
    store=None,
):
    """The ENN pass that follows an ENN pass with the same ``k`` and cleaned classes.

    ``X`` holds the rows the previous pass kept, ``removed`` (array of shape
    (n_removed, n_features)) the rows it removed, ``reach`` (one entry per row of ``X``,
    updated in place) the bounds the previous pass left: an upper bound on each row's
    squared k-th neighbour distance then. A row none of whose k nearest neighbours was
    removed has the same neighbourhood as in the previous pass, which kept it, so it is
    kept again; only a row with a removed row within its reach is looked at, with its
    exact neighbour list (cached or searched). Same result as :func:`edit`.

    Rows looked at without a cached list (the previous screen had settled them with a
    loose bound) first get a fresh bound from the cells nearest to them
    (:func:`~imbtab.neighbors._screen.probe_bounds`): one strictly below ``near2`` (lower
    bounds on the squared distance to the other classes) keeps them pure. ``store``
    (optional :class:`~imbtab.neighbors._screen.CellStore`) provides the cells kept
    from the earlier passes instead of a fresh partition.
    """
    classes, codes = encode(y)
    Xv = check_points(X)
    n = Xv.shape[0]
    check_enough_samples(k, n - 1, "X (each row's own index excluded)")
    clean = [ci for ci, label in enumerate(classes) if label in classes_to_clean]
    cand = np.flatnonzero(np.isin(codes, clean))
    hit = ~np.isfinite(reach[cand])
    with numba_threads(n_jobs) as nt:
        look = np.flatnonzero(~hit)
        if look.size and removed.shape[0]:
            R = np.ascontiguousarray(removed, dtype=np.float64)
            if removed.shape[0] < _AGAIN_ENGINE_MIN:  # direct, stops at the first hit
                hit[look] = within_reach(Xv, cand[look], R, reach[cand[look]])
            else:  # nearest removed row by the engine (same distances, BLAS speed)
                for a in range(0, look.size, _CHUNK):
                    part = look[a : a + _CHUNK]
                    Q = np.ascontiguousarray(Xv[cand[part]], dtype=np.float64)
                    d2 = _knn_sq(Q, R, np.full(part.size, -1, dtype=np.int64), 1, nt)[0]
                    hit[part] = d2[:, 0] <= reach[cand[part]]
        aff = cand[hit]
        if aff.size >= _RESCREEN_MIN:
            aff = aff[~_rescreen(Xv, codes, aff, k, nt, reach, cache, indices, near2, store)]
        drop = np.zeros(n, dtype=bool)
        if aff.size:
            nb, dk = _full_lists(Xv, aff, k, nt, cache, indices)
            reach[aff] = dk
            drop[aff] = ~_decide(codes[nb], codes[aff], kind_sel, classes.size)
    kept = [np.flatnonzero((codes == ci) & ~drop) for ci in range(classes.size)]
    return np.concatenate(kept).astype(np.intp)


@Substitution(
    sampling_strategy=BaseCleaningSampler._sampling_strategy_docstring,
    n_jobs=N_JOBS,
    contract=RESAMPLE_CONTRACT,
)
class EditedNearestNeighbours(BaseCleaningSampler):
    """Remove rows whose nearest neighbours disagree with their label (Wilson's ENN).

    A drop-in replacement for :class:`imblearn.under_sampling.EditedNearestNeighbours`:
    same parameters and, on data without distance ties, the same kept rows
    (``sample_indices_``), at a cost that follows the minority (see Notes).

    Parameters
    ----------
    {sampling_strategy}

    n_neighbors : int or estimator object, default=3
        Size of the neighbourhood (the row itself not counted). An object with
        ``kneighbors`` (e.g. :class:`imbtab.neighbors.KNeighbors` or a scikit-learn
        ``NearestNeighbors``) is fit on ``X`` and its first neighbour dropped, as
        imbalanced-learn does; an int uses imbtab's exact engine.

    kind_sel : {{'all', 'mode'}}, default='all'
        ``'all'``: keep a row only if all its neighbours share its label.
        ``'mode'``: keep it if the most frequent neighbour label (ties to the smallest
        label) is its own.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The classes that are cleaned.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Positions in ``X`` of the kept rows, class by class in sorted label order.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    RepeatedEditedNearestNeighbours : ENN until nothing changes.
    AllKNN : ENN with growing neighbourhoods.

    Notes
    -----
    {contract}

    **Cost that follows the minority.** A row can only be removed if a row of another
    class is among its k nearest neighbours. For a large class, that is settled
    without a full search: the distance to the nearest other-class row (a query
    against the small other classes) is compared with an upper bound on the distance
    to the k-th nearest same-class row, the k-th neighbour distance inside the row's
    cell of a Voronoi partition of its class into cells of a few hundred rows. If the
    other class is strictly farther, the neighbourhood is pure and the row is kept.
    The remaining candidate rows need no k-NN search: it is enough to count, over the
    cells whose half-space can reach them, the class rows closer than their nearest
    other-class row, stopping at k (float32 distances, with the rows near the limit
    measured exactly). Only with ``kind_sel='mode'`` do the rows with an other-class
    row among their k nearest get an exact search, for the vote. Classes are screened largest first, and each screen leaves a lower bound
    on every row's distance to the other classes, so a later class whose neighbourhoods
    are small (e.g. SMOTE output) only checks the few rows that come that close. The
    result is exact: the screen never discards a row that the full search would remove.

    **Ties.** imbalanced-learn fits ``NearestNeighbors(n_neighbors + 1)`` on ``X`` and
    drops the first column, assuming it is the row itself; imbtab excludes the row by
    index and breaks distance ties by the smaller row index. On data without distance
    ties (and without duplicate rows) both give the same rows; with ties they can
    differ, and imbtab's answer does not depend on the search algorithm.

    Sparse input is not supported (densify it first). A class with a single row is
    refused with a ``ValueError`` (imbalanced-learn accepts it; the row has no
    same-class neighbour, so the rule is degenerate).

    References
    ----------
    .. [1] D. Wilson, "Asymptotic properties of nearest neighbor rules using edited
       data", IEEE Transactions on Systems, Man, and Cybernetics, 2(3), 1972.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.under_sampling import EditedNearestNeighbours
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], class_sep=0.8,
    ...                            random_state=0)
    >>> enn = EditedNearestNeighbours()
    >>> X_res, y_res = enn.fit_resample(X, y)
    >>> counts = Counter(y_res.tolist())
    >>> counts[1] == Counter(y.tolist())[1], counts[0] < Counter(y.tolist())[0]
    (True, True)
    """

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "n_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
        "kind_sel": [StrOptions({"all", "mode"})],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(self, *, sampling_strategy="auto", n_neighbors=3, kind_sel="all", n_jobs=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.n_neighbors = n_neighbors
        self.kind_sel = kind_sel
        self.n_jobs = n_jobs

    def _resample(self, X, y, sample_weight):
        kept = edit(X, y, self.sampling_strategy_, self.n_neighbors, self.kind_sel, self.n_jobs)
        return Resampled.select(kept)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags
