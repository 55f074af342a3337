"""Neighbourhood cleaning rule."""

from __future__ import annotations

import numbers
from collections import Counter

import numpy as np
from imblearn.utils import Substitution
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors
from sklearn.utils._param_validation import HasMethods, Interval

from imbtab.base import BaseCleaningSampler, Resampled
from imbtab.under_sampling._prototype_selection._common import (
    check_enough_samples,
    class_minority,
    encode,
    exact_neighbors,
    is_int,
    vote,
)
from imbtab.under_sampling._prototype_selection._edited_nearest_neighbours import (
    EditedNearestNeighbours,
    edit,
)
from imbtab.utils._docstring import N_JOBS, RESAMPLE_CONTRACT

__all__ = ["NeighbourhoodCleaningRule"]


@Substitution(
    sampling_strategy=BaseCleaningSampler._sampling_strategy_docstring,
    n_jobs=N_JOBS,
    contract=RESAMPLE_CONTRACT,
)
class NeighbourhoodCleaningRule(BaseCleaningSampler):
    """Edit with ENN, then remove the neighbours of misclassified minority rows.

    A drop-in replacement for :class:`imblearn.under_sampling.NeighbourhoodCleaningRule`:
    same parameters and, on data without distance ties, the same kept rows.

    Parameters
    ----------
    {sampling_strategy}

    edited_nearest_neighbours : estimator object, default=None
        The editing step; ``None`` means
        ``EditedNearestNeighbours(sampling_strategy=sampling_strategy,
        n_neighbors=n_neighbors, kind_sel="mode")``. Any sampler with ``fit_resample``
        and ``sample_indices_`` is cloned and used.

    n_neighbors : int or estimator object, default=3
        Neighbourhood size. An int uses imbtab's exact engine. As in imbalanced-learn, a
        ``NearestNeighbors`` object with ``n_neighbors = m`` stands for ``m - 1``
        neighbours and any other object is used as the k-NN classifier.

    threshold_cleaning : float, default=0.5
        A class is cleaned in the second step only if it has more than
        ``threshold_cleaning`` times as many rows as the minority.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The classes that may be cleaned.
    edited_nearest_neighbours_ : estimator object
        The fitted editing step.
    classes_to_clean_ : list
        Classes cleaned in the second step.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Positions in ``X`` of the kept rows, in their original order.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    EditedNearestNeighbours : The first step.

    Notes
    -----
    {contract}

    **Cost that follows the minority.** The editing step is the minority-following ENN
    of :class:`EditedNearestNeighbours` (a cheap exact screen settles rows far from the
    other classes, only candidates get an exact search). Its vote (``kind_sel='mode'``)
    can only remove a row with at least ``ceil(n_neighbors / 2)`` other-class rows
    among its neighbours, so the screen compares the distance to the
    ``ceil(n_neighbors / 2)``-th nearest other-class row (not the nearest) with its bound
    and settles far more rows; the exact neighbour lists of the candidates serve both
    the test and the vote. The second step needs the
    neighbours of minority rows only: one exact query of ``n_minority`` rows against
    ``X``. As in imbalanced-learn, a minority row is predicted by the vote of itself and
    its ``n_neighbors - 1`` nearest other rows (the classifier is fit on ``X`` that
    contains the row), ties to the smallest label, and the ``n_neighbors`` nearest other
    rows of each misclassified minority row are removed when their class is cleaned.

    **Ties.** Neighbours exclude the row by index and break distance ties by the
    smaller index; imbalanced-learn's order depends on scikit-learn's search algorithm.
    Both agree on data without distance ties.

    Sparse input is not supported (densify it first).

    References
    ----------
    .. [1] J. Laurikkala, "Improving identification of difficult small classes by
       balancing class distribution", AIME, 2001.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.under_sampling import NeighbourhoodCleaningRule
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], class_sep=0.8,
    ...                            random_state=0)
    >>> ncr = NeighbourhoodCleaningRule()
    >>> X_res, y_res = ncr.fit_resample(X, y)
    >>> bool((y_res == 1).sum() == (y == 1).sum()), bool((y_res == 0).sum() < (y == 0).sum())
    (True, True)
    """

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "edited_nearest_neighbours": [HasMethods(["fit_resample"]), None],
        "n_neighbors": [
            Interval(numbers.Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
        "threshold_cleaning": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        edited_nearest_neighbours=None,
        n_neighbors=3,
        threshold_cleaning=0.5,
        n_jobs=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.edited_nearest_neighbours = edited_nearest_neighbours
        self.n_neighbors = n_neighbors
        self.threshold_cleaning = threshold_cleaning
        self.n_jobs = n_jobs

    def _edited_rows(self, X, y):
        if self.edited_nearest_neighbours is None:
            self.edited_nearest_neighbours_ = EditedNearestNeighbours(
                sampling_strategy=self.sampling_strategy,
                n_neighbors=self.n_neighbors,
                kind_sel="mode",
                n_jobs=self.n_jobs,
            )
            kept = edit(X, y, self.sampling_strategy_, self.n_neighbors, "mode", self.n_jobs)
            self.edited_nearest_neighbours_.sampling_strategy_ = self.sampling_strategy_
            self.edited_nearest_neighbours_.sample_indices_ = kept
            return kept
        self.edited_nearest_neighbours_ = clone(self.edited_nearest_neighbours)
        self.edited_nearest_neighbours_.fit_resample(X, y)
        return self.edited_nearest_neighbours_.sample_indices_

    def _minority_neighbours(self, X, codes, min_rows, n_classes):
        """Predicted codes and neighbour rows of the minority rows (imbalanced-learn's rule)."""
        if is_int(self.n_neighbors) or isinstance(self.n_neighbors, NearestNeighbors):
            k = self.n_neighbors if is_int(self.n_neighbors) else self.n_neighbors.n_neighbors - 1
            check_enough_samples(k, X.shape[0] - 1, "X (each row's own index excluded)")
            ind = exact_neighbors(X, min_rows, k, self.n_jobs)
            # the classifier is fit on X, so a minority row is its own first neighbour
            votes = np.concatenate([codes[min_rows][:, None], codes[ind[:, : k - 1]]], axis=1)
            return vote(votes, n_classes), ind
        est = clone(self.n_neighbors).fit(X, codes)
        predicted = est.predict(X[min_rows])
        ind = est.kneighbors(X[min_rows], n_neighbors=est.n_neighbors + 1, return_distance=False)
        return predicted, ind[:, 1:]

    def _resample(self, X, y, sample_weight):
        classes, codes = encode(y)
        edited = self._edited_rows(X, y)
        removed = np.ones(y.shape[0], dtype=bool)
        removed[edited] = False
        target_stats = Counter(y)
        minority = class_minority(y)
        self.classes_to_clean_ = [
            c
            for c, n_samples in target_stats.items()
            if c in self.sampling_strategy_
            and n_samples > target_stats[minority] * self.threshold_cleaning
        ]
        min_rows = np.flatnonzero(y == minority)
        predicted, ind = self._minority_neighbours(X, codes, min_rows, classes.size)
        near = np.unique(ind[predicted != codes[min_rows]].ravel())
        clean_codes = [ci for ci, c in enumerate(classes) if c in self.classes_to_clean_]
        removed[near[np.isin(codes[near], clean_codes)]] = True
        return Resampled.select(np.flatnonzero(~removed))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags
