"""Bagging on resampled bags: under-bagging, EasyEnsemble, over-bagging and SMOTE-bagging."""

from __future__ import annotations

import numbers

import numpy as np
from joblib import Parallel, delayed
from sklearn.ensemble import AdaBoostClassifier
from sklearn.utils._param_validation import Interval
from sklearn_compat.base import _fit_context

from imbtab.ensemble._base import (
    COMMON_ATTRS_DOC,
    COMMON_PARAMS_DOC,
    FIT_PARAMS_DOC,
    SAMPLING_STRATEGY_CONSTRAINT,
    BaseImbalanceEnsemble,
    fit_member,
    normalized_weights,
    resolve_target_counts,
)
from imbtab.ensemble._resample import class_rows, draw_rows, smote_grow


def _fit_bag(ensemble, X, y_enc, sample_weight, rows_by_class, targets, seed):
    rng = np.random.RandomState(seed)
    X_fit, y_fit, w_fit = ensemble._draw_bag(X, y_enc, sample_weight, rows_by_class, targets, rng)
    est, seconds = fit_member(ensemble.estimator_, X_fit, y_fit, normalized_weights(w_fit), seed)
    return est, {"n_fit_samples": int(y_fit.shape[0]), "fit_time": seconds}


class _BaseResampledBagging(BaseImbalanceEnsemble):
    """Members trained independently (in parallel) on resampled bags."""

    _kind = "under"

    def _draw_bag(self, X, y_enc, sample_weight, rows_by_class, targets, rng):
        rows = draw_rows(
            rows_by_class,
            targets,
            rng,
            replacement=getattr(self, "replacement", False),
            bootstrap=self.bootstrap,
        )
        w = None if sample_weight is None else sample_weight[rows]
        return X[rows], y_enc[rows], w

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, eval_set=None):
        """Fit the members on resampled bags (in parallel with ``n_jobs``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels (two or more classes).
        {fit_params}

        Returns
        -------
        self : object
            The fitted ensemble.
        """
        X, y_enc, sample_weight, evals, n_existing = self._start_fit(X, y, sample_weight, eval_set)
        counts = np.bincount(y_enc, minlength=self.n_classes_)
        targets = resolve_target_counts(self.sampling_strategy, counts, self.classes_, self._kind)
        self.target_counts_ = dict(zip(self.classes_, targets.tolist(), strict=True))
        rows_by_class = class_rows(y_enc, self.n_classes_)
        seeds = self._member_seeds(n_existing)
        results = Parallel(n_jobs=self.n_jobs, prefer="threads", verbose=self.verbose)(
            delayed(_fit_bag)(self, X, y_enc, sample_weight, rows_by_class, targets, seed)
            for seed in seeds
        )
        for i, (est, info) in enumerate(results):
            self.estimators_.append(est)
            self._log_rows.append({"member": n_existing + i, **info})
        self.estimator_weights_ = np.ones(len(self.estimators_))
        return self._finish_fit(evals)

    fit.__doc__ = fit.__doc__.format(fit_params=FIT_PARAMS_DOC)


class UnderBaggingClassifier(_BaseResampledBagging):
    __doc__ = f"""Bagging of base estimators, each trained on a randomly under-sampled bag.

    Each member sees every class cut to ``sampling_strategy`` by random under-sampling
    (Barandela et al. 2003; the "UnderBagging" of Galar et al. 2012). Members are independent
    and are trained in parallel with ``n_jobs``.

    Parameters
    ----------
    estimator : estimator object, default=None
        Base estimator (any classifier with ``fit``/``predict``; ``predict_proba`` is used
        when present). ``None`` means ``DecisionTreeClassifier()``.
    n_estimators : int, default=10
        Number of members.
    sampling_strategy : float, "auto", dict or callable, default="auto"
        Rows kept per class in each bag. ``"auto"``: every class cut to the smallest
        class's size. A float ``r`` in (0, 1]: every class cut to at most ``n_min / r`` rows.
        A dict ``{{label: count}}``: target counts. A callable: takes the class counts (dict)
        and returns such a dict.
    replacement : bool, default=False
        Draw the under-sampled rows with replacement.
    bootstrap : bool, default=True
        Bootstrap the classes that are not cut (classic bagging); if False they are used whole.
    {COMMON_PARAMS_DOC}

    Attributes
    ----------
    {COMMON_ATTRS_DOC}
    target_counts_ : dict
        Rows per class in each bag.

    See Also
    --------
    EasyEnsembleClassifier : The same with AdaBoost members and whole minority classes.
    SelfPacedEnsembleClassifier : Under-sampling guided by the ensemble's hardness.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.ensemble import UnderBaggingClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> clf = UnderBaggingClassifier(n_estimators=5, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> len(clf.training_log_)
    5
    """

    _parameter_constraints: dict = {
        **BaseImbalanceEnsemble._parameter_constraints,
        "sampling_strategy": SAMPLING_STRATEGY_CONSTRAINT,
        "replacement": ["boolean"],
        "bootstrap": ["boolean"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=10,
        sampling_strategy="auto",
        replacement=False,
        bootstrap=True,
        n_jobs=None,
        random_state=None,
        warm_start=False,
        verbose=0,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.bootstrap = bootstrap
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose


class EasyEnsembleClassifier(UnderBaggingClassifier):
    __doc__ = f"""EasyEnsemble: AdaBoost learners on independent balanced under-samples.

    Liu, Wu and Zhou (2009): each member is an AdaBoost ensemble trained on all minority
    rows plus an equally large random subset of each larger class. Members are independent
    and trained in parallel with ``n_jobs``.

    Parameters
    ----------
    estimator : estimator object, default=None
        Base estimator; ``None`` means ``AdaBoostClassifier(n_estimators=10)``.
    n_estimators : int, default=10
        Number of members (bags).
    sampling_strategy : float, "auto", dict or callable, default="auto"
        Rows kept per class in each bag, as in :class:`UnderBaggingClassifier`.
    replacement : bool, default=False
        Draw the under-sampled rows with replacement.
    bootstrap : bool, default=False
        Bootstrap the classes that are not cut (EasyEnsemble keeps them whole).
    {COMMON_PARAMS_DOC}

    Attributes
    ----------
    {COMMON_ATTRS_DOC}
    target_counts_ : dict
        Rows per class in each bag.

    See Also
    --------
    UnderBaggingClassifier : The same with any base estimator and bootstrapped minority.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.ensemble import EasyEnsembleClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> clf = EasyEnsembleClassifier(n_estimators=3, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=10,
        sampling_strategy="auto",
        replacement=False,
        bootstrap=False,
        n_jobs=None,
        random_state=None,
        warm_start=False,
        verbose=0,
    ):
        super().__init__(
            estimator=estimator,
            n_estimators=n_estimators,
            sampling_strategy=sampling_strategy,
            replacement=replacement,
            bootstrap=bootstrap,
            n_jobs=n_jobs,
            random_state=random_state,
            warm_start=warm_start,
            verbose=verbose,
        )

    def _default_estimator(self):
        return AdaBoostClassifier(n_estimators=10)


class OverBaggingClassifier(_BaseResampledBagging):
    __doc__ = f"""Bagging of base estimators, each trained on a randomly over-sampled bag.

    Each member sees every class grown to ``sampling_strategy`` by drawing its rows with
    replacement (Wang and Yao 2009, "OverBagging"); classes that are not grown are
    bootstrapped. Members are independent and trained in parallel with ``n_jobs``.

    Parameters
    ----------
    estimator : estimator object, default=None
        Base estimator; ``None`` means ``DecisionTreeClassifier()``.
    n_estimators : int, default=10
        Number of members.
    sampling_strategy : float, "auto", dict or callable, default="auto"
        Rows per class in each bag. ``"auto"``: every class grown to the largest class's
        size. A float ``r`` in (0, 1]: every class grown to at least ``r * n_max`` rows. A
        dict ``{{label: count}}``: target counts. A callable: class counts (dict) to a dict.
    bootstrap : bool, default=True
        Bootstrap the classes that are not grown; if False they are used whole.
    {COMMON_PARAMS_DOC}

    Attributes
    ----------
    {COMMON_ATTRS_DOC}
    target_counts_ : dict
        Rows per class in each bag.

    See Also
    --------
    SMOTEBaggingClassifier : Grows the classes with SMOTE instead of copies.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.ensemble import OverBaggingClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> clf = OverBaggingClassifier(n_estimators=3, random_state=0).fit(X, y)
    >>> clf.target_counts_
    {{np.int64(0): 450, np.int64(1): 450}}
    """

    _kind = "over"
    _parameter_constraints: dict = {
        **BaseImbalanceEnsemble._parameter_constraints,
        "sampling_strategy": SAMPLING_STRATEGY_CONSTRAINT,
        "bootstrap": ["boolean"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=10,
        sampling_strategy="auto",
        bootstrap=True,
        n_jobs=None,
        random_state=None,
        warm_start=False,
        verbose=0,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.sampling_strategy = sampling_strategy
        self.bootstrap = bootstrap
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose


class SMOTEBaggingClassifier(_BaseResampledBagging):
    __doc__ = f"""Bagging of base estimators, each trained on a bag grown with SMOTE.

    Wang and Yao (2009): each bag bootstraps every class, then grows the smaller classes to
    ``sampling_strategy`` with SMOTE (:class:`imbtab.over_sampling.SMOTE`). Synthetic rows
    get their class's mean weight. Members are independent and trained in parallel.

    Parameters
    ----------
    estimator : estimator object, default=None
        Base estimator; ``None`` means ``DecisionTreeClassifier()``.
    n_estimators : int, default=10
        Number of members.
    sampling_strategy : float, "auto", dict or callable, default="auto"
        Rows per class in each bag, as in :class:`OverBaggingClassifier`.
    k_neighbors : int, default=5
        Neighbours of SMOTE (reduced automatically for classes with fewer rows).
    bootstrap : bool, default=True
        Bootstrap every class before SMOTE; if False the bag starts from all rows.
    {COMMON_PARAMS_DOC}

    Attributes
    ----------
    {COMMON_ATTRS_DOC}
    target_counts_ : dict
        Rows per class in each bag.

    See Also
    --------
    OverBaggingClassifier : Grows the classes with copies.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.ensemble import SMOTEBaggingClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> clf = SMOTEBaggingClassifier(n_estimators=3, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    _kind = "over"
    _needs_finite = True
    _parameter_constraints: dict = {
        **BaseImbalanceEnsemble._parameter_constraints,
        "sampling_strategy": SAMPLING_STRATEGY_CONSTRAINT,
        "k_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "bootstrap": ["boolean"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=10,
        sampling_strategy="auto",
        k_neighbors=5,
        bootstrap=True,
        n_jobs=None,
        random_state=None,
        warm_start=False,
        verbose=0,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.sampling_strategy = sampling_strategy
        self.k_neighbors = k_neighbors
        self.bootstrap = bootstrap
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose

    def _draw_bag(self, X, y_enc, sample_weight, rows_by_class, targets, rng):
        counts = np.array([r.shape[0] for r in rows_by_class])
        rows = draw_rows(rows_by_class, counts, rng, replacement=False, bootstrap=self.bootstrap)
        X_bag, y_bag = X[rows], y_enc[rows]
        X_res, y_res = smote_grow(X_bag, y_bag, targets, self.k_neighbors, rng.randint(2**31 - 1))
        if sample_weight is None:
            return X_res, y_res, None
        w_bag = sample_weight[rows]
        means = np.bincount(y_bag, weights=w_bag, minlength=targets.shape[0]) / np.maximum(
            np.bincount(y_bag, minlength=targets.shape[0]), 1
        )
        w = np.concatenate([w_bag, means[y_res[rows.shape[0] :]]])
        return X_res, y_res, w
