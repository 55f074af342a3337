"""Tomek links."""

from __future__ import annotations

import numbers

import numpy as np
from imblearn.utils import Substitution

from imbtab.base import BaseCleaningSampler, Resampled
from imbtab.neighbors import mutual_nearest_pairs, numba_threads
from imbtab.neighbors._screen import other_class_within_k, screen_applies
from imbtab.neighbors._validation import check_points
from imbtab.under_sampling._prototype_selection._common import (
    encode,
)
from imbtab.utils._docstring import N_JOBS, RESAMPLE_CONTRACT

__all__ = ["TomekLinks", "tomek_kept"]


def tomek_kept(X, y, classes_to_clean, n_jobs=None) -> np.ndarray:
    """Rows (in original order) not removed as members of a Tomek link.

    Every link joins two classes, so it has an end outside the largest class whose
    nearest neighbour has another label: those rows (found with the exact screen of
    :func:`imbtab.neighbors.has_other_class_within_k`, k=1) plus the reverse check of
    :func:`imbtab.neighbors.mutual_nearest_pairs` give every link.
    """
    classes, codes = encode(y)
    counts = np.bincount(codes, minlength=classes.size)
    queries = []
    Xv = check_points(X)
    with numba_threads(n_jobs) as nt:
        for c in range(classes.size):
            if c != np.argmax(counts):
                rows = np.flatnonzero(codes == c)
                if screen_applies(codes, rows, 1):
                    # only rows whose nearest neighbour has another label can be in a link
                    rows = rows[other_class_within_k(Xv, codes, rows, 1, nt)]
                queries.append(rows)
    queries = np.sort(np.concatenate(queries)) if queries else np.arange(0)
    i, j = mutual_nearest_pairs(Xv, codes, queries, n_jobs=n_jobs)
    linked = np.zeros(y.shape[0], dtype=bool)
    linked[i] = True
    linked[j] = True
    clean = np.isin(codes, [ci for ci, c in enumerate(classes) if c in classes_to_clean])
    return np.flatnonzero(~(linked & clean))


@Substitution(
    sampling_strategy=BaseCleaningSampler._sampling_strategy_docstring,
    n_jobs=N_JOBS,
    contract=RESAMPLE_CONTRACT,
)
class TomekLinks(BaseCleaningSampler):
    """Remove the rows of Tomek links: cross-class pairs of mutual nearest neighbours.

    A drop-in replacement for :class:`imblearn.under_sampling.TomekLinks`: same
    parameters and, on data without distance ties, the same kept rows.

    Parameters
    ----------
    {sampling_strategy}

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The classes whose linked rows are removed.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Positions in ``X`` of the kept rows, in their original order.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    EditedNearestNeighbours : Remove rows whose neighbourhood disagrees.
    imbtab.combine.SMOTETomek : SMOTE followed by Tomek links.

    Notes
    -----
    {contract}

    **Cost that follows the minority.** A Tomek link joins two rows of different
    classes that are each other's nearest neighbour, so every link has at least one
    end outside the largest class. imbtab searches the nearest neighbour of those rows
    only (``n_small * n`` distance evaluations) and checks the reverse direction for
    the rows they point to; imbalanced-learn searches every row (``n ** 2``) and then
    runs a pure-Python loop over all rows.

    **Ties.** imbtab excludes a row from its own neighbours by index and breaks
    distance ties by the smaller index; imbalanced-learn takes the second column of a
    2-neighbour search. Both agree on data without distance ties or duplicate rows.

    Sparse input is not supported (densify it first). A class with a single row is
    refused with a ``ValueError`` (imbalanced-learn accepts it; the row has no
    same-class neighbour, so the rule is degenerate).

    References
    ----------
    .. [1] I. Tomek, "Two modifications of CNN", IEEE Transactions on Systems, Man, and
       Cybernetics, 6, 1976.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.under_sampling import TomekLinks
    >>> X, y = make_classification(n_classes=2, class_sep=2, weights=[0.1, 0.9],
    ...     n_informative=3, n_redundant=1, flip_y=0, n_features=20,
    ...     n_clusters_per_class=1, n_samples=1000, random_state=10)
    >>> X_res, y_res = TomekLinks().fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 100), (1, 897)]
    """

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(self, *, sampling_strategy="auto", n_jobs=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.n_jobs = n_jobs

    def _resample(self, X, y, sample_weight):
        return Resampled.select(tomek_kept(X, y, self.sampling_strategy_, self.n_jobs))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags
