"""All k-nearest-neighbours editing."""

from __future__ import annotations

import numbers
from collections import Counter

import numpy as np
from imblearn.utils import Substitution, check_sampling_strategy
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from imbtab.base import BaseCleaningSampler, Resampled
from imbtab.neighbors._screen import CellStore
from imbtab.under_sampling._prototype_selection._common import (
    check_enough_samples,
    class_minority,
    is_int,
)
from imbtab.under_sampling._prototype_selection._edited_nearest_neighbours import (
    CACHE_EXTRA,
    NeighbourCache,
    edit,
)
from imbtab.under_sampling._prototype_selection._repeated_edited_nearest_neighbours import (
    stop_flags,
)
from imbtab.utils._docstring import N_JOBS, RESAMPLE_CONTRACT

__all__ = ["AllKNN"]


@Substitution(
    sampling_strategy=BaseCleaningSampler._sampling_strategy_docstring,
    n_jobs=N_JOBS,
    contract=RESAMPLE_CONTRACT,
)
class AllKNN(BaseCleaningSampler):
    """Apply edited nearest neighbours with neighbourhoods of size 1, 2, ..., k.

    A drop-in replacement for :class:`imblearn.under_sampling.AllKNN`: same
    parameters, stopping rules and, on data without distance ties, the same kept rows.

    Parameters
    ----------
    {sampling_strategy}

    n_neighbors : int or estimator object, default=3
        Largest neighbourhood. An int ``k`` runs ENN passes with 1, ..., k neighbours;
        an object with ``kneighbors`` and ``n_neighbors = m`` runs passes with
        1, ..., m - 1 neighbours (imbalanced-learn's convention; the passes then use
        imbtab's exact engine).

    kind_sel : {{'all', 'mode'}}, default='all'
        Selection rule of each pass (see :class:`EditedNearestNeighbours`).

    allow_minority : bool, default=False
        Keep going even when a cleaned class falls below the minority count.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The classes cleaned in the first pass.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Positions in ``X`` of the kept rows.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    EditedNearestNeighbours : One pass.
    RepeatedEditedNearestNeighbours : Passes until nothing changes.

    Notes
    -----
    {contract}

    As in imbalanced-learn, ``sampling_strategy`` is re-evaluated on the remaining rows
    before each pass; the loop stops early when a cleaned class falls below the
    original minority count (unless ``allow_minority``) or a class disappears.

    Each pass is the minority-following ENN of :class:`EditedNearestNeighbours` (a
    cheap exact screen settles rows far from the other classes; only candidates get an
    exact search), so the cost is about ``k * n * n_other`` distance evaluations
    instead of imbalanced-learn's ``k * n ** 2``. The exact neighbour lists of the
    candidates are computed for ``k + 3`` neighbours and kept: a later pass reuses a
    list while it still reaches past the k nearest remaining rows without a tie, so a
    candidate of several passes is searched once.

    The screen's Voronoi cells are built once and kept for the later passes (they stay
    a Voronoi partition of the remaining rows), with each row's few nearest rows within
    its cell: the k-th of them still alive is the own-cell bound of the pass, so only
    rows that lost too many of them get their cell searched again.

    References
    ----------
    .. [1] I. Tomek, "An Experiment with the Edited Nearest-Neighbor Rule", IEEE
       Transactions on Systems, Man, and Cybernetics, 6(6), 1976.

    A class with a single row is refused with a ``ValueError`` (imbalanced-learn
    accepts it; the row has no same-class neighbour, so the rule is degenerate).
    Sparse input is not supported (densify it first).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.under_sampling import AllKNN
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], class_sep=0.8,
    ...                            random_state=0)
    >>> X_res, y_res = AllKNN().fit_resample(X, y)
    >>> bool((y_res == 1).sum() == (y == 1).sum()), bool((y_res == 0).sum() < (y == 0).sum())
    (True, True)
    """

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "n_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
        "kind_sel": [StrOptions({"all", "mode"})],
        "allow_minority": ["boolean"],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        n_neighbors=3,
        kind_sel="all",
        allow_minority=False,
        n_jobs=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.n_neighbors = n_neighbors
        self.kind_sel = kind_sel
        self.allow_minority = allow_minority
        self.n_jobs = n_jobs

    def _resample(self, X, y, sample_weight):
        largest = self.n_neighbors if is_int(self.n_neighbors) else self.n_neighbors.n_neighbors - 1
        check_enough_samples(largest, y.shape[0] - 1, "X (each row's own index excluded)")
        target_stats = Counter(y)
        minority = class_minority(y)
        indices = np.arange(y.shape[0])
        X_cur, y_cur = X, y
        near2 = np.zeros(y.shape[0])  # lower bounds carried from pass to pass
        cache = NeighbourCache(y.shape[0], largest + CACHE_EXTRA)
        store = CellStore(y.shape[0], largest)  # screen cells kept across the passes
        for k in range(1, largest + 1):
            strategy = (
                self.sampling_strategy_
                if k == 1
                else check_sampling_strategy(self.sampling_strategy, y_cur, "clean-sampling")
            )
            kept = edit(
                X_cur,
                y_cur,
                strategy,
                k,
                self.kind_sel,
                self.n_jobs,
                near2,
                cache,
                indices,
                store=store,
            )
            X_cur, y_cur, indices = X_cur[kept], y_cur[kept], indices[kept]
            near2 = near2[kept]
            below, vanished = stop_flags(y_cur, target_stats, minority)
            if (below and not self.allow_minority) or vanished:
                break
        return Resampled.select(indices)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags
