"""Edited nearest neighbours (Wilson's editing)."""

from __future__ import annotations

import numbers

import numpy as np
from imblearn.utils import Substitution
from sklearn.base import clone
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from imbtab.base import BaseCleaningSampler, Resampled
from imbtab.neighbors import numba_threads
from imbtab.neighbors._screen import other_class_within_k
from imbtab.neighbors._validation import check_points
from imbtab.under_sampling._prototype_selection._common import (
    check_enough_samples,
    encode,
    exact_neighbors,
    is_int,
    vote,
)
from imbtab.utils._docstring import N_JOBS, RESAMPLE_CONTRACT

__all__ = ["EditedNearestNeighbours", "edit"]

SEL_KIND = ("all", "mode")


def _decide(labels: np.ndarray, own: np.ndarray, kind_sel: str, n_classes: int) -> np.ndarray:
    if kind_sel == "all":
        return np.all(labels == own[:, None], axis=1)
    return vote(labels, n_classes) == own


def _impure_rows(X, codes, classes_to_clean, k, n_jobs, near2=None) -> dict:
    """Positions (within each class) of rows with an other-class row among their k-NN.

    Classes are screened largest first: each screen leaves lower bounds on the distance
    from its rows to the other classes, which lets the screens of smaller classes skip
    most of them. The answer does not depend on the order. ``near2`` (updated in place)
    may carry such bounds in from an earlier pass on a superset of the rows.
    """
    Xv = check_points(X)
    if near2 is None:
        near2 = np.zeros(Xv.shape[0])
    sizes = np.bincount(codes)
    out = {}
    with numba_threads(n_jobs) as nt:
        for ci in sorted(classes_to_clean, key=lambda c: (-sizes[c], c)):
            rows = np.flatnonzero(codes == ci)
            mask = other_class_within_k(Xv, codes, rows, k, nt, near2=near2)
            out[ci] = np.flatnonzero(mask)
    return out


def edit(X, y, classes_to_clean, n_neighbors, kind_sel, n_jobs=None, near2=None) -> np.ndarray:
    """Rows kept by ENN, class by class in sorted label order (imbalanced-learn's order).

    ``n_neighbors`` is an int (neighbours besides the row itself, found with
    :mod:`imbtab.neighbors`) or an object with ``kneighbors`` (cloned, fit on ``X``
    and queried; its first neighbour is dropped, as imbalanced-learn does). ``near2``
    (float array, one entry per row, updated in place) holds lower bounds on each row's
    squared distance to the other classes; repeated passes pass it on (subset with the
    kept rows), so later passes skip the searches the bounds already settle.
    """
    classes, codes = encode(y)
    n = X.shape[0]
    estimator = None
    impure = {}
    if is_int(n_neighbors):
        check_enough_samples(n_neighbors, n - 1, "X (each row's own index excluded)")
        to_clean = [ci for ci, label in enumerate(classes) if label in classes_to_clean]
        impure = _impure_rows(X, codes, to_clean, n_neighbors, n_jobs, near2)
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
                cand = impure[ci]
                if kind_sel == "all":
                    keep[cand] = False
                    cand = cand[:0]
                else:
                    ind = exact_neighbors(X, rows[cand], n_neighbors, n_jobs)
            if cand.size:
                keep[cand] = _decide(codes[ind], codes[rows[cand]], kind_sel, classes.size)
            rows = rows[keep]
        kept.append(rows)
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
    Only the remaining candidate rows get an exact k-NN search over all of ``X``, and
    only they need their neighbours' labels (with ``kind_sel='all'`` not even those: the
    screen's exact resolution already says whether an other-class row is among the k
    nearest). Classes are screened largest first, and each screen leaves a lower bound
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
