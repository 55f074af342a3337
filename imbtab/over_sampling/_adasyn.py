"""ADASYN: adaptive synthetic sampling."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from imblearn.utils import Substitution
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval

from imbtab.base import BaseOverSampler, NewRows
from imbtab.neighbors import count_other_class
from imbtab.over_sampling._smote.base import make_samples, neighbours_object, search_neighbours
from imbtab.utils._docstring import RANDOM_STATE, RESAMPLE_CONTRACT

__all__ = ["ADASYN"]


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    contract=RESAMPLE_CONTRACT,
)
class ADASYN(BaseOverSampler):
    """ADASYN: more synthetic rows where the class is harder to learn (He et al., 2008).

    Each row of the class to grow gets a share of the synthetic rows proportional to the
    fraction of other-class rows among its ``n_neighbors`` nearest neighbours (among all
    rows); its synthetic rows interpolate towards random same-class neighbours. A
    drop-in replacement for :class:`imblearn.over_sampling.ADASYN` (same output for the
    same ``random_state`` on data without neighbour ties).

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    n_neighbors : int or object, default=5
        Number of nearest neighbours. An int uses imbtab's exact engine; an object with
        ``kneighbors`` and ``kneighbors_graph`` is cloned and used as in
        imbalanced-learn (``n_neighbors`` then includes the row itself).

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows requested per class (the rounded per-row shares may add up to a
        slightly different number, as in imbalanced-learn).
    nn_ : estimator object
        The neighbours estimator built from ``n_neighbors``.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    SMOTE : Uniform choice of the base rows.

    Notes
    -----
    {contract}

    The per-row counts are ``rint(r_i * G)``, so the total may differ from the requested
    ``G`` by rounding (imbalanced-learn does the same). A class whose rows have no
    other-class neighbour at all raises a ``RuntimeError``.

    References
    ----------
    .. [1] H. He, Y. Bai, E. A. Garcia, S. Li, "ADASYN: Adaptive synthetic sampling
       approach for imbalanced learning", IEEE International Joint Conference on Neural
       Networks, 1322-1328, 2008.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.over_sampling import ADASYN
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> X_res, y_res = ADASYN(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 897), (np.int64(1), 903)]
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "n_neighbors": [
            Interval(Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, n_neighbors=5):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.n_neighbors = n_neighbors

    def _resample(self, X, y, sample_weight):
        self.nn_ = neighbours_object(self.n_neighbors, additional=1)
        engine = isinstance(self.n_neighbors, Integral)
        random_state = check_random_state(self.random_state)
        k = getattr(self.nn_, "n_neighbors", None)
        todo = [(c, n) for c, n in self.sampling_strategy_.items() if n > 0]
        class_rows = {c: np.flatnonzero(y == c) for c, _ in todo}
        for c, _ in todo:
            if k is not None and class_rows[c].size < k:
                raise ValueError(
                    f"Class {c!r} has {class_rows[c].size} sample(s); ADASYN needs at least "
                    f"n_neighbors + 1 = {k} samples of the class to find {k - 1} nearest "
                    "neighbours. Lower n_neighbors or remove the class from "
                    "sampling_strategy."
                )
        # first the per-row counts of every class (no random draws), then one output
        # array, then the draws class by class (the order imbalanced-learn draws in)
        plans = []
        for klass, n_samples in todo:
            rows_c = class_rows[klass]
            n_neighbors = self.nn_.n_neighbors - 1
            if engine:
                n_other = count_other_class(X, y, n_neighbors, rows=rows_c)
            else:
                self.nn_.fit(X)
                nns = self.nn_.kneighbors(X[rows_c], return_distance=False)[:, 1:]
                n_other = np.sum(y[nns] != klass, axis=1)
            ratio_nn = n_other / n_neighbors
            if not np.sum(ratio_nn):
                raise RuntimeError(
                    f"No neighbour of a sample of class {klass!r} belongs to another class, "
                    "so ADASYN's density ratio is undefined (division by zero). ADASYN is "
                    "not suited for this data set; use SMOTE instead."
                )
            ratio_nn /= np.sum(ratio_nn)
            n_generate = np.rint(ratio_nn * n_samples).astype(int)
            if not int(np.sum(n_generate)):
                raise ValueError("No samples will be generated with the provided ratio settings.")
            plans.append((klass, rows_c, n_generate))
        out = NewRows(X, y, sum(int(np.sum(g)) for _, _, g in plans))
        start = 0
        for klass, rows_c, n_generate in plans:
            n_samples = int(np.sum(n_generate))
            n_neighbors = self.nn_.n_neighbors - 1
            X_class = X[rows_c]
            nns = search_neighbours(self.nn_, X_class, use_engine=engine)
            rows = np.repeat(np.arange(rows_c.size), n_generate)
            cols = random_state.choice(n_neighbors, size=n_samples)
            steps = random_state.uniform(size=(n_samples, 1))[:, 0]
            stop = start + n_samples
            make_samples(X_class, X_class, nns, rows, cols, steps, out=out.X_new[start:stop])
            out.y_new[start:stop] = klass
            start = stop
        return out.result()
