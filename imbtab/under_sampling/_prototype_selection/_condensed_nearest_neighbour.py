"""Condensed nearest neighbour (Hart's rule)."""

from __future__ import annotations

from collections import Counter

import numpy as np
from imblearn.utils import Substitution
from sklearn.base import clone
from sklearn.utils import check_random_state

from imbtab.base import BaseCleaningSampler, Resampled
from imbtab.neighbors import numba_threads
from imbtab.neighbors._search import _knn_sq
from imbtab.under_sampling._prototype_selection._cnn_kernel import scan_active, store_witness
from imbtab.under_sampling._prototype_selection._common import (
    SeededSelectionSampler,
    check_enough_samples,
    class_minority,
    encode,
    is_int,
)
from imbtab.utils._docstring import N_JOBS, RANDOM_STATE, RESAMPLE_CONTRACT

__all__ = ["CondensedNearestNeighbour"]

_BLOCK = 8192  # class rows per engine query
_CELL = 512  # class rows per cell of the witness partition
_N_PROBE = 8  # cells searched for a witness
_MIN_WITNESS = 20000  # classes from this size on use the witness screen
_CHUNK = 131072  # query rows per search in the witness set-up


def _no_excl(n):
    return np.full(n, -1, dtype=np.int64)


class _Witness:
    """Settles class rows the 1-NN store vote certainly classifies as their class.

    With ``k = 1`` a row joins the store only if its nearest store row has another
    label. The other-labelled store rows never change (the minority rows), so the
    squared distance ``lim`` of each class row to the nearest of them is computed once;
    a stored row of the class strictly closer than ``lim`` (a *witness*) proves the row
    stays out (on an exact tie the earlier-stored other row would win, hence strict).
    Witnesses are looked for among the stored rows of the ``_N_PROBE`` cells with the
    nearest centres of a Voronoi partition of the class; rows without one get the exact
    search against the whole store.
    """

    def __init__(self, Xc, X_other, seed_pos, nt):
        n = Xc.shape[0]
        R = np.ascontiguousarray(X_other, dtype=np.float64)
        self.lim = np.empty(n)
        n_cells = max(1, n // _CELL)
        rng = np.random.default_rng(0)
        centres = np.ascontiguousarray(Xc[np.sort(rng.choice(n, size=n_cells, replace=False))])
        n_probe = min(_N_PROBE, n_cells)
        self.probes = np.empty((n, n_probe), dtype=np.int64)
        for a in range(0, n, _CHUNK):
            b = min(n, a + _CHUNK)
            self.lim[a:b] = _knn_sq(Xc[a:b], R, _no_excl(b - a), 1, nt)[0][:, 0]
            self.probes[a:b] = _knn_sq(Xc[a:b], centres, _no_excl(b - a), n_probe, nt)[1]
        self.cell = self.probes[:, 0].copy()
        counts = np.bincount(self.cell, minlength=n_cells)
        self.start = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        self.count = np.zeros(n_cells, dtype=np.int64)
        self.members = np.empty(n, dtype=np.int64)
        self.stored = np.zeros(n, dtype=bool)
        self.Xc = Xc
        self.add(seed_pos)

    def add(self, pos):
        for p in np.unique(pos):
            if not self.stored[p]:
                c = self.cell[p]
                self.members[self.start[c] + self.count[c]] = p
                self.count[c] += 1
                self.stored[p] = True

    def settled(self, pos):
        return store_witness(
            self.Xc, pos, self.probes, self.members, self.start, self.count, self.lim[pos]
        )


def _condense_engine(X, codes, store, cls_rows, eligible, k, label, n_codes, n_jobs):
    """Hart's single pass with the exact engine: blocks of the class against the store.

    Each block's rows that may join the store (eligible, and without a witness when
    ``k = 1``) get their k nearest store rows from one engine query against the store as
    it stands at the block start; :func:`scan_active` then walks them in order.
    """
    Xc = np.ascontiguousarray(X[cls_rows], dtype=np.float64)
    n_class, d = Xc.shape
    store = np.asarray(store, dtype=np.intp)
    size = store.size
    R = np.empty((size + min(n_class, _BLOCK), d))
    R[:size] = X[store]
    L = np.empty(R.shape[0], dtype=np.int64)
    L[:size] = codes[store]
    added_all = [store]
    other = store[codes[store] != label]
    with numba_threads(n_jobs) as nt:
        witness = None
        if k == 1 and other.size and n_class >= _MIN_WITNESS:
            same = store[codes[store] == label]
            witness = _Witness(Xc, X[other], np.searchsorted(cls_rows, same), nt)
        for start in range(0, n_class, _BLOCK):
            stop = min(n_class, start + _BLOCK)
            pos = start + np.flatnonzero(eligible[start:stop])
            if pos.size and witness is not None:
                pos = pos[~witness.settled(pos)]
            if pos.size == 0:
                continue
            d2, ind = _knn_sq(np.ascontiguousarray(Xc[pos]), R[:size], _no_excl(pos.size), k, nt)
            top_d = np.sqrt(d2)
            top_l = np.ascontiguousarray(L[ind])
            added = scan_active(Xc, pos, cls_rows, eligible, top_d, top_l, label, n_codes)
            if added.size == 0:
                continue
            if size + added.size > R.shape[0]:  # grow the store buffers (doubling)
                cap = max(2 * R.shape[0], size + added.size)
                R = np.concatenate([R[:size], np.empty((cap - size, d))])
                L = np.concatenate([L[:size], np.empty(cap - size, dtype=np.int64)])
            R[size : size + added.size] = Xc[added]
            L[size : size + added.size] = label
            size += added.size
            added_all.append(cls_rows[added])
            if witness is not None:
                witness.add(added)
    return np.concatenate(added_all)


def _condense_estimator(estimator, X, codes, store, cls_rows, eligible, label):
    """The same pass with a user-given classifier: refit after every addition."""
    store = list(store)
    est = clone(estimator).fit(X[store], codes[store])
    pos = 0
    while pos < cls_rows.size:
        wrong = est.predict(X[cls_rows[pos:]]) != label
        hits = np.flatnonzero(wrong & eligible[pos:])
        if hits.size == 0:
            break
        q = pos + hits[0]
        store.append(int(cls_rows[q]))
        if cls_rows[q] < cls_rows.size:
            eligible[cls_rows[q]] = False
        est = clone(estimator).fit(X[store], codes[store])
        pos = q + 1
    return store


@Substitution(
    sampling_strategy=BaseCleaningSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    n_jobs=N_JOBS,
    contract=RESAMPLE_CONTRACT,
)
class CondensedNearestNeighbour(SeededSelectionSampler):
    """Keep a consistent subset: the rows a growing k-NN store misclassifies (Hart's CNN).

    A drop-in replacement for :class:`imblearn.under_sampling.CondensedNearestNeighbour`:
    same parameters and, for the same ``random_state`` on data without distance ties,
    the same kept rows, without imbalanced-learn's refit-and-predict-everything loop.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    n_neighbors : int or estimator object, default=None
        Neighbours of the store's k-NN vote; ``None`` means 1. An int uses imbtab's
        exact engine; a classifier object (e.g. scikit-learn's
        ``KNeighborsClassifier``) is cloned and refit after every addition, as in
        imbalanced-learn.

    n_seeds_S : int, default=1
        Rows of the cleaned class drawn (with replacement) to seed the store.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The classes that are condensed.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Positions in ``X`` of the kept rows: per class in sorted label order, the seeds
        then the added rows in scan order (a seed drawn twice appears twice).
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    OneSidedSelection : One prediction round, then Tomek links.

    Notes
    -----
    {contract}

    **The algorithm, as imbalanced-learn runs it.** For each condensed class, the store
    starts with all minority rows and ``n_seeds_S`` random rows of the class; the rows
    of the class are then visited once, in order, and a row the store's k-NN vote
    misclassifies joins the store. imbalanced-learn refits a classifier and predicts
    the whole class after every addition, ``O(n_added * n_class * n_store)`` work in a
    Python loop. imbtab gets the same rows in one pass over blocks of the class: each
    block's k nearest store rows come from one exact engine query against the store as
    it stands when the block starts, and a small compiled scan then walks the block in
    order, updating the later rows' neighbour lists incrementally with each row it adds.
    Every row is thus compared with exactly the store rows that precede it, which is
    ``O(n_class * n_store)`` in total.

    **Most rows never meet the store (k = 1).** A row joins the store only if its
    nearest store row has another label, and those store rows (the minority rows) never
    change: one query gives each row its distance to them. Any stored row of its own
    class strictly closer than that (a *witness*) proves the row stays out, whatever
    else is stored; witnesses are looked for among the stored rows of the few cells
    nearest to the row in a Voronoi partition of the class. Only rows without a witness
    get the exact search against the store, so on large classes most of the
    ``n_class * n_store`` work disappears.

    imbalanced-learn's bookkeeping skips a row whose *position in its class* equals
    the *row index in X* of a stored row (it mixes the two numberings); imbtab
    reproduces that, so that kept rows match.

    **Ties.** Neighbours are ordered by distance, ties to the earlier store row
    (minority rows, seeds, then added rows); votes are tied to the smallest label.
    imbalanced-learn's tie order depends on scikit-learn's search algorithm. Both agree
    on data without distance ties.

    Sparse input is not supported (densify it first).

    References
    ----------
    .. [1] P. Hart, "The condensed nearest neighbor rule", IEEE Transactions on
       Information Theory, 14(3), 1968.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.under_sampling import CondensedNearestNeighbour
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> cnn = CondensedNearestNeighbour(random_state=0)
    >>> X_res, y_res = cnn.fit_resample(X, y)
    >>> bool((y_res == 1).sum() == (y == 1).sum()), bool((y_res == 0).sum() < (y == 0).sum())
    (True, True)
    """

    def _resample(self, X, y, sample_weight):
        random_state = check_random_state(self.random_state)
        classes, codes = encode(y)
        target_stats = Counter(y)
        minority = class_minority(y)
        min_rows = np.flatnonzero(y == minority)
        k = 1 if self.n_neighbors is None else self.n_neighbors
        kept = []
        for ci, label in enumerate(classes):
            cls_rows = np.flatnonzero(codes == ci)
            if label not in self.sampling_strategy_:
                kept.append(cls_rows)
                continue
            seeds = cls_rows[
                random_state.randint(low=0, high=target_stats[label], size=self.n_seeds_S)
            ]
            store = np.concatenate([min_rows, seeds])
            eligible = np.ones(cls_rows.size, dtype=bool)
            eligible[seeds[seeds < cls_rows.size]] = False
            if is_int(k):
                check_enough_samples(k, store.size, "the initial store (minority + seeds)")
                store = _condense_engine(
                    X, codes, store, cls_rows, eligible, k, ci, classes.size, self.n_jobs
                )
            else:
                store = _condense_estimator(k, X, codes, store, cls_rows, eligible, ci)
            kept.append(np.asarray(store[min_rows.size :], dtype=np.intp))
        return Resampled.select(np.concatenate(kept))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags
