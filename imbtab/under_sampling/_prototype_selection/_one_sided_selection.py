"""One-sided selection."""

from __future__ import annotations

from collections import Counter

import numpy as np
from imblearn.utils import Substitution
from sklearn.base import clone
from sklearn.utils import check_random_state

from imbtab.base import BaseCleaningSampler, Resampled
from imbtab.neighbors import kneighbors
from imbtab.under_sampling._prototype_selection._common import (
    SeededSelectionSampler,
    check_enough_samples,
    class_minority,
    encode,
    is_int,
    vote,
)
from imbtab.under_sampling._prototype_selection._tomek_links import tomek_kept
from imbtab.utils._docstring import N_JOBS, RANDOM_STATE, RESAMPLE_CONTRACT

__all__ = ["OneSidedSelection"]


@Substitution(
    sampling_strategy=BaseCleaningSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    n_jobs=N_JOBS,
    contract=RESAMPLE_CONTRACT,
)
class OneSidedSelection(SeededSelectionSampler):
    """Keep the rows a small seed store misclassifies, then remove Tomek links.

    A drop-in replacement for :class:`imblearn.under_sampling.OneSidedSelection`: same
    parameters and, for the same ``random_state`` on data without distance ties, the
    same kept rows.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    n_neighbors : int or estimator object, default=None
        Neighbours of the store's k-NN vote; ``None`` means 1. An int uses imbtab's
        exact engine; a classifier object (e.g. scikit-learn's
        ``KNeighborsClassifier``) is cloned, fit on the store and asked to predict.

    n_seeds_S : int, default=1
        Rows of the cleaned class drawn (with replacement) to seed the store.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The classes that are cleaned.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Positions in ``X`` of the kept rows.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    CondensedNearestNeighbour : The sequential version of the first step.
    TomekLinks : The second step.

    Notes
    -----
    {contract}

    **Cost that follows the minority.** For each cleaned class the store is the
    minority plus ``n_seeds_S`` random rows of the class; the rest of the class is
    classified by the store's k-NN vote in one exact engine query
    (``n_class * (n_minority + n_seeds_S)`` distance evaluations). Tomek links are then
    removed from the much smaller selection with the minority-query search of
    :class:`TomekLinks`. No step is quadratic in the number of rows.

    **Ties.** Neighbours are ordered by distance, ties to the earlier store row
    (minority rows, then seeds); votes are tied to the smallest label. Both libraries
    agree on data without distance ties.

    Sparse input is not supported (densify it first).

    References
    ----------
    .. [1] M. Kubat and S. Matwin, "Addressing the curse of imbalanced training sets:
       one-sided selection", ICML, 1997.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.under_sampling import OneSidedSelection
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> X_res, y_res = OneSidedSelection(random_state=0).fit_resample(X, y)
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
        selected = []
        for ci, label in enumerate(classes):
            cls_rows = np.flatnonzero(codes == ci)
            if label not in self.sampling_strategy_:
                selected.append(cls_rows)
                continue
            drawn = random_state.randint(low=0, high=target_stats[label], size=self.n_seeds_S)
            seeds = cls_rows[drawn]
            store = np.concatenate([min_rows, seeds])
            rest = np.delete(cls_rows, drawn)
            if is_int(k):
                check_enough_samples(k, store.size, "the store (minority + seeds)")
                if rest.size:
                    ind = kneighbors(
                        X[rest], X[store], k, return_distance=False, n_jobs=self.n_jobs
                    )
                    predicted = vote(codes[store][ind], classes.size)
                else:
                    predicted = np.empty(0, dtype=np.intp)
            else:
                est = clone(k).fit(X[store], codes[store])
                predicted = est.predict(X[rest]) if rest.size else np.empty(0, dtype=np.intp)
            selected.append(np.concatenate([seeds, rest[predicted != ci]]))
        selected = np.concatenate(selected).astype(np.intp)
        kept = tomek_kept(X[selected], y[selected], self.sampling_strategy_, self.n_jobs)
        return Resampled.select(selected[kept])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags
