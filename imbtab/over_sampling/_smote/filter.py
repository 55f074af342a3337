"""SMOTE variants that filter the base rows: Borderline-SMOTE and SVM-SMOTE."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from imblearn.utils import Substitution
from sklearn.base import clone
from sklearn.svm import SVC
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from imbtab.base import BaseOverSampler, NewRows
from imbtab.neighbors import count_other_class
from imbtab.over_sampling._smote.base import (
    K_NEIGHBORS_DOC,
    BaseSMOTE,
    draw_samples,
    make_samples,
    neighbours_object,
)
from imbtab.utils._docstring import RANDOM_STATE, RESAMPLE_CONTRACT

__all__ = ["BorderlineSMOTE", "SVMSMOTE"]

M_NEIGHBORS_DOC = """m_neighbors : int or object, default=10
        Number of nearest neighbours (among all rows) that decide whether a row is in
        danger or noise. An int uses imbtab's exact engine; an object with
        ``kneighbors`` and ``kneighbors_graph`` is cloned and used as in
        imbalanced-learn (``n_neighbors`` then includes the row itself)."""


class _DangerMixin:
    """Other-class counts among the m nearest neighbours of some rows of ``X``."""

    def _other_counts(self, X, y, rows, klass):
        """Number of other-class rows among the m nearest neighbours of ``X[rows]``."""
        if isinstance(self.m_neighbors, Integral):
            if X.shape[0] - 1 < self.m_neighbors:
                raise ValueError(
                    f"X has {X.shape[0]} sample(s); {type(self).__name__} needs at least "
                    f"m_neighbors + 1 = {self.m_neighbors + 1} samples to find the "
                    f"m_neighbors={self.m_neighbors} nearest neighbours of each sample."
                )
            return count_other_class(X, y, self.m_neighbors, rows=rows), self.m_neighbors
        self.nn_m_.fit(X)
        nn = self.nn_m_.kneighbors(X[rows], return_distance=False)[:, 1:]
        return np.sum(y[nn] != klass, axis=1), self.nn_m_.n_neighbors - 1

    @staticmethod
    def _danger(n_other, m):
        # danger: m/2 <= m' < m
        return (n_other >= m / 2) & (n_other < m)


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    k_neighbors=K_NEIGHBORS_DOC,
    m_neighbors=M_NEIGHBORS_DOC,
    contract=RESAMPLE_CONTRACT,
)
class BorderlineSMOTE(_DangerMixin, BaseSMOTE):
    """Borderline-SMOTE: interpolate only from the rows near the class border.

    A row of the class to grow is *in danger* when at least half, but not all, of its
    ``m_neighbors`` nearest neighbours (among all rows) belong to other classes. Only
    rows in danger are used as base points. Borderline-1 interpolates towards
    same-class neighbours; borderline-2 towards neighbours of any class, with steps
    towards other-class neighbours shrunk to ``[0, 0.5)``. A drop-in replacement for
    :class:`imblearn.over_sampling.BorderlineSMOTE` (same output for the same
    ``random_state`` on data without neighbour ties).

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    {k_neighbors}

    {m_neighbors}

    kind : {{"borderline-1", "borderline-2"}}, default="borderline-1"
        The variant.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows to add per class.
    nn_k_ : estimator object
        The neighbours estimator built from ``k_neighbors``.
    nn_m_ : estimator object
        The neighbours estimator built from ``m_neighbors``.
    in_danger_indices : dict
        Positions in ``X`` of the rows in danger, per class.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    SMOTE : Interpolate from every row of the class.
    SVMSMOTE : Base rows chosen among the support vectors of an SVM.

    Notes
    -----
    {contract}

    As in imbalanced-learn, a class with no row in danger gets no synthetic rows; imbtab
    warns when that happens.

    References
    ----------
    .. [1] H. Han, W.-Y. Wang, B.-H. Mao, "Borderline-SMOTE: a new over-sampling method
       in imbalanced data sets learning", Advances in Intelligent Computing (ICIC),
       878-887, 2005.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.over_sampling import BorderlineSMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> X_res, y_res = BorderlineSMOTE(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 897), (np.int64(1), 897)]
    """

    _parameter_constraints: dict = {
        **BaseSMOTE._parameter_constraints,
        "m_neighbors": [
            Interval(Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
        "kind": [StrOptions({"borderline-1", "borderline-2"})],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        m_neighbors=10,
        kind="borderline-1",
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
        )
        self.m_neighbors = m_neighbors
        self.kind = kind

    def _validate_estimator(self):
        super()._validate_estimator()
        self.nn_m_ = neighbours_object(self.m_neighbors, additional=1)

    def _resample(self, X, y, sample_weight):
        self._validate_estimator()
        self.in_danger_indices = {}
        # first the rows in danger of every class (no random draws), then one output
        # array, then the draws class by class (the order imbalanced-learn draws in)
        plans = []
        for klass, n_samples in self.sampling_strategy_.items():
            if n_samples == 0:
                continue
            class_rows = np.flatnonzero(y == klass)
            if self.kind == "borderline-1":
                self._validate_k_neighbors(class_rows.size, klass)
            n_other, m = self._other_counts(X, y, class_rows, klass)
            danger = self._danger(n_other, m)
            if not danger.any():
                warnings.warn(
                    f"No sample of class {klass!r} is in danger (borderline); "
                    "BorderlineSMOTE generates no sample for it.",
                    UserWarning,
                    stacklevel=3,
                )
                continue
            self.in_danger_indices[klass] = class_rows[danger]
            if self.kind == "borderline-2":
                self._validate_k_neighbors(X.shape[0], klass)
            plans.append((klass, n_samples, class_rows, danger))
        out = NewRows(X, y, sum(n for _, n, _, _ in plans))
        start = 0
        for klass, n_samples, class_rows, danger in plans:
            danger_rows = class_rows[danger]
            X_danger = X[danger_rows]
            stop = start + n_samples
            if self.kind == "borderline-1":
                nn_data = X[class_rows]
                nns = self._neighbours(nn_data, np.flatnonzero(danger))
                rows, cols, steps = draw_samples(self.random_state, *nns.shape, n_samples)
                make_samples(X_danger, nn_data, nns, rows, cols, steps, out=out.X_new[start:stop])
            else:
                nns = self._neighbours(X, danger_rows)
                rows, cols, steps = draw_samples(self.random_state, *nns.shape, n_samples)
                other = y[nns[rows, cols]] != klass
                # a fresh generator (an int seed restarts the stream), as imbalanced-learn
                shrink = check_random_state(self.random_state).uniform(
                    low=0.0, high=0.5, size=(int(other.sum()), 1)
                )
                scale = np.ones(n_samples)
                scale[other] = shrink[:, 0]
                make_samples(
                    X_danger,
                    X,
                    nns,
                    rows,
                    cols,
                    steps,
                    diff_scale=scale,
                    out=out.X_new[start:stop],
                )
            out.y_new[start:stop] = klass
            start = stop
        return out.result()


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    k_neighbors=K_NEIGHBORS_DOC,
    m_neighbors=M_NEIGHBORS_DOC,
    contract=RESAMPLE_CONTRACT,
)
class SVMSMOTE(_DangerMixin, BaseSMOTE):
    """SVM-SMOTE: interpolate and extrapolate from the support vectors of an SVM.

    An SVM is fit on all rows; the support vectors of the class to grow are the base
    points. Those whose ``m_neighbors`` nearest neighbours are all of other classes are
    dropped as noise; the ones in danger (at least half of the neighbours of other
    classes) interpolate towards same-class neighbours, the safe ones extrapolate away
    from them with step ``out_step``. A drop-in replacement for
    :class:`imblearn.over_sampling.SVMSMOTE` (same output for the same ``random_state``
    on data without neighbour ties).

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    {k_neighbors}

    {m_neighbors}

    svm_estimator : estimator object, default=None
        Classifier exposing ``support_`` after fit; ``None`` means
        ``SVC(gamma="scale", random_state=random_state)``.

    out_step : float, default=0.5
        Step size when extrapolating.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows to add per class.
    nn_k_ : estimator object
        The neighbours estimator built from ``k_neighbors``.
    nn_m_ : estimator object
        The neighbours estimator built from ``m_neighbors``.
    svm_estimator_ : estimator object
        The fitted SVM.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    BorderlineSMOTE : Base rows chosen by their neighbourhood alone.

    Notes
    -----
    {contract}

    As in imbalanced-learn, the SVM is refit for every class to grow. The fraction of samples generated by interpolation is
    drawn from Beta(10, 10) as in imbalanced-learn; as there, when no support vector is
    in danger only the extrapolated share is generated. Fitting an SVM dominates the run
    time on large data.

    References
    ----------
    .. [1] H. M. Nguyen, E. W. Cooper, K. Kamei, "Borderline over-sampling for
       imbalanced data classification", International Journal of Knowledge Engineering
       and Soft Data Paradigms 3(1), 4-21, 2009.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.over_sampling import SVMSMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> X_res, y_res = SVMSMOTE(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 897), (np.int64(1), 897)]
    """

    _parameter_constraints: dict = {
        **BaseSMOTE._parameter_constraints,
        "m_neighbors": [
            Interval(Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
        "svm_estimator": [HasMethods(["fit", "predict"]), None],
        "out_step": [Interval(Real, 0, 1, closed="both")],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
        m_neighbors=10,
        svm_estimator=None,
        out_step=0.5,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
        )
        self.m_neighbors = m_neighbors
        self.svm_estimator = svm_estimator
        self.out_step = out_step

    def _validate_estimator(self):
        super()._validate_estimator()
        self.nn_m_ = neighbours_object(self.m_neighbors, additional=1)
        if self.svm_estimator is None:
            self.svm_estimator_ = SVC(gamma="scale", random_state=self.random_state)
        else:
            self.svm_estimator_ = clone(self.svm_estimator)

    def _resample(self, X, y, sample_weight):
        self._validate_estimator()
        random_state = check_random_state(self.random_state)
        todo = [(c, n) for c, n in self.sampling_strategy_.items() if n > 0]
        class_rows = {c: np.flatnonzero(y == c) for c, _ in todo}
        for c, _ in todo:
            self._validate_k_neighbors(class_rows[c].size, c)
        # at most n_samples rows per class (fewer when no support vector is in danger)
        out = NewRows(X, y, sum(n for _, n in todo))
        start = 0
        for klass, n_samples in todo:
            rows_c = class_rows[klass]
            # refit for every class, as imbalanced-learn: SVC draws a seed from a
            # RandomState at every fit
            self.svm_estimator_.fit(X, y)
            if not hasattr(self.svm_estimator_, "support_"):
                raise RuntimeError(
                    "`svm_estimator` is required to expose a `support_` fitted attribute "
                    "(a Support Vector Machine)."
                )
            support = self.svm_estimator_.support_
            support = support[y[support] == klass]
            n_other, m = self._other_counts(X, y, support, klass)
            keep = n_other != m  # drop noise: every neighbour of another class
            support, n_other = support[keep], n_other[keep]
            if support.size == 0:
                raise ValueError(
                    "All support vectors are considered as noise. SVM-SMOTE is not "
                    "adapted to your dataset. Try another SMOTE variant."
                )
            danger = self._danger(n_other, m)
            X_class = X[rows_c]
            # positions of the support vectors inside the class
            local = np.searchsorted(rows_c, support)
            fraction = random_state.beta(10, 10)
            n_interp = int(fraction * (n_samples + 1))
            for mask, n, step in (
                (danger, n_interp, 1.0),
                (~danger, n_samples - n_interp, -self.out_step),
            ):
                if not mask.any():
                    continue
                nns = self._neighbours(X_class, local[mask])
                rows, cols, steps = draw_samples(self.random_state, *nns.shape, n, step)
                stop = start + n
                make_samples(
                    X[support[mask]], X_class, nns, rows, cols, steps, out=out.X_new[start:stop]
                )
                out.y_new[start:stop] = klass
                start = stop
        return out.result(start)

    def __sklearn_tags__(self):
        return super().__sklearn_tags__()
