"""Repeated edited nearest neighbours."""

from __future__ import annotations

import numbers
from collections import Counter

import numpy as np
from imblearn.utils import Substitution, check_sampling_strategy
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from imbtab.base import BaseCleaningSampler, Resampled
from imbtab.neighbors._screen import CellStore
from imbtab.under_sampling._prototype_selection._common import (
    class_minority,
    is_int,
)
from imbtab.under_sampling._prototype_selection._edited_nearest_neighbours import (
    CACHE_EXTRA,
    NeighbourCache,
    edit,
    edit_again,
)
from imbtab.utils._docstring import N_JOBS, RESAMPLE_CONTRACT

__all__ = ["RepeatedEditedNearestNeighbours", "stop_flags"]

# a pass that removed at most this many rows is followed by an incremental pass
_AGAIN_MAX_REMOVED = 4000


def stop_flags(y_new, target_stats, minority):
    """imbalanced-learn's stopping tests: (a class fell below the minority, a class vanished)."""
    labels, counts = np.unique(y_new, return_counts=True)  # faster than Counter
    below = any(
        count < target_stats[minority]
        for key, count in zip(labels, counts, strict=True)
        if key != minority
    )
    vanished = labels.size < len(target_stats)
    return below, vanished


@Substitution(
    sampling_strategy=BaseCleaningSampler._sampling_strategy_docstring,
    n_jobs=N_JOBS,
    contract=RESAMPLE_CONTRACT,
)
class RepeatedEditedNearestNeighbours(BaseCleaningSampler):
    """Apply edited nearest neighbours repeatedly until it stops removing rows.

    A drop-in replacement for
    :class:`imblearn.under_sampling.RepeatedEditedNearestNeighbours`: same parameters,
    stopping rules and, on data without distance ties, the same kept rows.

    Parameters
    ----------
    {sampling_strategy}

    n_neighbors : int or estimator object, default=3
        Neighbourhood size of each ENN pass (see :class:`EditedNearestNeighbours`).

    max_iter : int, default=100
        Maximum number of ENN passes.

    kind_sel : {{'all', 'mode'}}, default='all'
        Selection rule of each pass (see :class:`EditedNearestNeighbours`).

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The classes cleaned in the first pass.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Positions in ``X`` of the kept rows.
    n_iter_ : int
        Number of passes run.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    EditedNearestNeighbours : One pass.
    AllKNN : Passes with growing neighbourhoods.

    Notes
    -----
    {contract}

    As in imbalanced-learn, ``sampling_strategy`` is re-evaluated on the remaining rows
    before each pass, and the loop stops when a pass removes nothing, when a cleaned
    class falls below the original minority count, or when a class disappears.

    Each pass is the minority-following ENN of :class:`EditedNearestNeighbours`: rows
    of large classes far from every other class are settled by a cheap screen and only
    the candidates near other classes get an exact neighbour search, so a pass costs
    about ``n * n_other`` distance evaluations instead of ``n ** 2``.

    **Later passes look only where something changed.** A row none of whose k nearest
    neighbours was removed by the previous pass has the same neighbourhood, so the same
    (kept) verdict. Each pass leaves, for every row, an upper bound on its k-th
    neighbour distance (the screen's bound, or the exact one); after a pass that
    removed few rows, the next one only looks at the rows with a removed row within
    that bound (one query of the rows against the removed ones), first with fresh cell
    bounds, then with exact neighbour lists. The exact lists (a few neighbours beyond
    k) are kept from pass to pass and reused while they still reach past the k nearest
    remaining rows without a tie, so most rows near the other classes are searched once.
    The screen's Voronoi cells and each row's nearest rows within its cell are kept
    from pass to pass too (see :class:`AllKNN`), so a later full pass does not rebuild
    them.

    Difference from imbalanced-learn 0.14.2: when the very first pass removes nothing,
    imbalanced-learn applies that pass's row permutation twice to ``sample_indices_``,
    which then no longer matches its returned ``X``. imbtab's ``sample_indices_``
    always matches the returned rows (the returned ``X`` and ``y`` are the same as
    imbalanced-learn's).

    A class with a single row is refused with a ``ValueError`` (imbalanced-learn
    accepts it; the row has no same-class neighbour, so the rule is degenerate).
    Sparse input is not supported (densify it first).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.under_sampling import RepeatedEditedNearestNeighbours
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], class_sep=0.8,
    ...                            random_state=0)
    >>> renn = RepeatedEditedNearestNeighbours()
    >>> X_res, y_res = renn.fit_resample(X, y)
    >>> bool((y_res == 1).sum() == (y == 1).sum()), renn.n_iter_ >= 1
    (True, True)
    """

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "n_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "kind_sel": [StrOptions({"all", "mode"})],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self, *, sampling_strategy="auto", n_neighbors=3, max_iter=100, kind_sel="all", n_jobs=None
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.n_neighbors = n_neighbors
        self.max_iter = max_iter
        self.kind_sel = kind_sel
        self.n_jobs = n_jobs

    def _resample(self, X, y, sample_weight):
        target_stats = Counter(y)
        minority = class_minority(y)
        indices = np.arange(y.shape[0])
        X_cur, y_cur = X, y
        near2 = np.zeros(y.shape[0])  # lower bounds carried from pass to pass
        cache = (
            NeighbourCache(y.shape[0], self.n_neighbors + CACHE_EXTRA)
            if is_int(self.n_neighbors)
            else None
        )
        store = CellStore(y.shape[0], self.n_neighbors) if cache is not None else None
        reach = np.full(y.shape[0], np.inf)  # bounds on each row's k-th neighbour distance
        removed, previous = None, None
        for n_iter in range(self.max_iter):
            strategy = (
                self.sampling_strategy_
                if n_iter == 0
                else check_sampling_strategy(self.sampling_strategy, y_cur, "clean-sampling")
            )
            if (
                cache is not None
                and removed is not None
                and removed.shape[0] <= _AGAIN_MAX_REMOVED
                and set(strategy) == previous
            ):
                kept = edit_again(
                    X_cur,
                    y_cur,
                    strategy,
                    self.n_neighbors,
                    self.kind_sel,
                    removed,
                    reach,
                    cache,
                    indices,
                    near2,
                    self.n_jobs,
                    store,
                )
            else:
                kept = edit(
                    X_cur,
                    y_cur,
                    strategy,
                    self.n_neighbors,
                    self.kind_sel,
                    self.n_jobs,
                    near2,
                    cache,
                    indices,
                    reach if cache is not None else None,
                    store,
                )
            previous = set(strategy)
            converged = kept.size == y_cur.shape[0]
            gone = np.ones(y_cur.shape[0], dtype=bool)
            gone[kept] = False
            removed = X_cur[gone]
            X_cur, y_cur, indices = X_cur[kept], y_cur[kept], indices[kept]
            near2, reach = near2[kept], reach[kept]
            below, vanished = stop_flags(y_cur, target_stats, minority)
            if converged or below or vanished:
                break
        self.n_iter_ = n_iter + 1
        return Resampled.select(indices)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags
