"""BalanceCascade (Liu, Wu and Zhou 2009): each member removes the easiest larger-class rows."""

from __future__ import annotations

import time

import numpy as np
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
from imbtab.ensemble._resample import class_rows
from imbtab.ensemble._self_paced import _own_proba_rows


class BalanceCascadeClassifier(BaseImbalanceEnsemble):
    __doc__ = f"""BalanceCascade: under-sampling from a pool that loses its easiest rows.

    Liu, Wu and Zhou, "Exploratory Undersampling for Class-Imbalance Learning" (2009).
    Member ``i`` is trained on every row of the smaller classes plus a random sample of each
    larger class drawn from that class's *pool*. After each member, the rows of the pool
    that the ensemble so far classifies most confidently are removed, so that after ``m``
    members a class of ``n`` rows with target ``t`` keeps ``n * (t / n) ** (m / (T - 1))``
    rows (``T = n_estimators``): the last member samples from the hardest ``t`` rows. Only
    the new member predicts after each round, and only on the pool.

    Parameters
    ----------
    estimator : estimator object, default=None
        Base estimator; ``None`` means ``DecisionTreeClassifier()``.
    n_estimators : int, default=10
        Number of members.
    sampling_strategy : float, "auto", dict or callable, default="auto"
        Rows per class in each member's sample, as in :class:`UnderBaggingClassifier`
        (``"auto"``: every class cut to the smallest class's size).
    replacement : bool, default=False
        Draw each member's sample from the pool with replacement.
    {COMMON_PARAMS_DOC}

    Attributes
    ----------
    {COMMON_ATTRS_DOC}
    target_counts_ : dict
        Rows per class in each member's sample.

    See Also
    --------
    SelfPacedEnsembleClassifier : Keeps every row but re-weights the draw by hardness.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.ensemble import BalanceCascadeClassifier
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], random_state=0)
    >>> clf = BalanceCascadeClassifier(n_estimators=4, random_state=0).fit(X, y)
    >>> clf.training_log_["pool_size"].tolist()
    [898, 435, 211, 102]
    """

    _parameter_constraints: dict = {
        **BaseImbalanceEnsemble._parameter_constraints,
        "sampling_strategy": SAMPLING_STRATEGY_CONSTRAINT,
        "replacement": ["boolean"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=10,
        sampling_strategy="auto",
        replacement=False,
        n_jobs=None,
        random_state=None,
        warm_start=False,
        verbose=0,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, eval_set=None):
        """Fit the members one after the other, shrinking the pools.

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
        K = self.n_classes_
        seeds = self._member_seeds(n_existing)
        counts = np.bincount(y_enc, minlength=K)
        targets = resolve_target_counts(self.sampling_strategy, counts, self.classes_, "under")
        self.target_counts_ = dict(zip(self.classes_, targets.tolist(), strict=True))
        by_class = class_rows(y_enc, K)
        cut = [c for c in range(K) if targets[c] < counts[c]]
        kept = [by_class[c] for c in range(K) if c not in cut]
        kept = np.concatenate(kept) if kept else np.zeros(0, np.intp)
        T = self.n_estimators

        def pool_size(c, m):  # rows of class c left after m members
            if T <= 1:
                return int(counts[c])
            frac = (targets[c] / counts[c]) ** (min(m, T - 1) / (T - 1))
            return max(int(targets[c]), int(round(counts[c] * frac)))

        pools = {c: by_class[c] for c in cut}
        running = {c: np.zeros(by_class[c].shape[0]) for c in cut}
        for m, est in enumerate(self.estimators_, start=1):  # warm start: replay the pruning
            for c in cut:
                running[c] += _own_proba_rows(
                    est, X, pools[c], y_enc[pools[c]], K, False, self.n_jobs
                )
                pools[c], running[c] = _prune(pools[c], running[c], pool_size(c, m))
        for j, seed in enumerate(seeds):
            i = n_existing + j
            rng = np.random.RandomState(seed)
            picks = [kept]
            for c in cut:
                pool = pools[c]
                if self.replacement:
                    local = rng.randint(0, pool.shape[0], size=targets[c])
                else:
                    local = rng.choice(pool.shape[0], size=targets[c], replace=False)
                picks.append(pool[np.sort(local)])
            rows = np.concatenate(picks)
            w = None if sample_weight is None else normalized_weights(sample_weight[rows])
            est, fit_time = fit_member(self.estimator_, X[rows], y_enc[rows], w, seed)
            self.estimators_.append(est)
            start = time.perf_counter()
            pool_total = int(sum(p.shape[0] for p in pools.values()))
            if i < T - 1:
                for c in cut:
                    running[c] += _own_proba_rows(
                        est, X, pools[c], y_enc[pools[c]], K, False, self.n_jobs
                    )
                    pools[c], running[c] = _prune(pools[c], running[c], pool_size(c, i + 1))
            self._log_rows.append(
                {
                    "member": i,
                    "pool_size": pool_total,
                    "n_fit_samples": int(rows.shape[0]),
                    "fit_time": fit_time,
                    "update_time": time.perf_counter() - start,
                }
            )
        self.estimator_weights_ = np.ones(len(self.estimators_))
        return self._finish_fit(evals)

    fit.__doc__ = fit.__doc__.format(fit_params=FIT_PARAMS_DOC)


def _prune(pool, running, size):
    """Keep the ``size`` rows with the lowest summed own-class probability (the hardest)."""
    if size >= pool.shape[0]:
        return pool, running
    keep = np.sort(np.argsort(running, kind="stable")[:size])
    return pool[keep], running[keep]
