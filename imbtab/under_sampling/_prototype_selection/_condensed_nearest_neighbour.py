"""Condensed nearest neighbour (Hart's rule)."""

from __future__ import annotations

from collections import Counter

import numpy as np
from imblearn.utils import Substitution
from sklearn.base import clone
from sklearn.utils import check_random_state

from imbtab.base import BaseCleaningSampler, Resampled
from imbtab.neighbors import kneighbors
from imbtab.under_sampling._prototype_selection._cnn_kernel import scan_block
from imbtab.under_sampling._prototype_selection._common import (
    SeededSelectionSampler,
    check_enough_samples,
    class_minority,
    encode,
    is_int,
)
from imbtab.utils._docstring import N_JOBS, RANDOM_STATE, RESAMPLE_CONTRACT

__all__ = ["CondensedNearestNeighbour"]

_BLOCK = 1024


def _condense_engine(X, codes, store, cls_rows, eligible, k, label, n_codes, n_jobs):
    """Hart's single pass with the exact engine: blocks of the class against the store."""
    store = list(store)
    Xc = np.ascontiguousarray(X[cls_rows], dtype=np.float64)
    for start in range(0, cls_rows.size, _BLOCK):
        stop = min(cls_rows.size, start + _BLOCK)
        if not eligible[start:stop].any():
            continue
        store_arr = np.asarray(store, dtype=np.intp)
        dist, ind = kneighbors(Xc[start:stop], X[store_arr].astype(np.float64), k, n_jobs=n_jobs)
        top_l = np.ascontiguousarray(codes[store_arr][ind], dtype=np.int64)
        top_d = np.ascontiguousarray(dist, dtype=np.float64)
        added = scan_block(Xc, start, stop, cls_rows, eligible, top_d, top_l, label, n_codes)
        store.extend(cls_rows[added].tolist())
    return store


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
