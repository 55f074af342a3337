"""Balanced random forest: imbalanced-learn's, with the imbtab ensemble contract on top."""

from __future__ import annotations

import numpy as np
import pandas as pd
from imblearn.ensemble import BalancedRandomForestClassifier as _ImblearnBRF

from imbtab.ensemble._base import eval_scores, member_proba


class BalancedRandomForestClassifier(_ImblearnBRF):
    """Random forest whose trees each grow on a randomly under-sampled bootstrap.

    Chen, Liaw and Breiman (2004). This is
    :class:`imblearn.ensemble.BalancedRandomForestClassifier` (same parameters, same trees for
    the same ``random_state``; see its documentation for every parameter) with the imbtab
    ensemble contract added:

    * ``fit(X, y, sample_weight=None, eval_set=None)``: with ``eval_set`` the balanced
      accuracy, average precision and log loss of the forest of the first ``m`` trees on each
      evaluation set land in ``training_log_`` (one row per tree);
    * ``decision_function``: log-odds (binary) or centred log-probabilities (multiclass);
    * the caller's ``sample_weight`` is copied, never modified.

    Trees are independent and built in parallel with ``n_jobs``; their seeds are drawn up
    front, so the forest does not depend on ``n_jobs``. ``warm_start=True`` adds trees.

    Parameters
    ----------
    n_estimators : int, default=100
        Number of trees.
    **params
        Every other parameter of imbalanced-learn's ``BalancedRandomForestClassifier``
        (``criterion, max_depth, min_samples_split, min_samples_leaf, min_weight_fraction_leaf,
        max_features, max_leaf_nodes, min_impurity_decrease, bootstrap, oob_score,
        sampling_strategy, replacement, n_jobs, random_state, verbose, warm_start,
        class_weight, ccp_alpha, max_samples, monotonic_cst``), with the same defaults.

    Attributes
    ----------
    estimators_ : list of DecisionTreeClassifier
        The fitted trees.
    samplers_ : list of RandomUnderSampler
        The sampler of each tree.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    training_log_ : pandas.DataFrame
        One row per tree (``member``) plus the evaluation metrics when ``eval_set`` is given.

    See Also
    --------
    UnderBaggingClassifier : The same idea with any base estimator.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.ensemble import BalancedRandomForestClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> clf = BalancedRandomForestClassifier(n_estimators=10, random_state=0)
    >>> clf = clf.fit(X[:400], y[:400], eval_set=(X[400:], y[400:]))
    >>> clf.training_log_.shape
    (10, 4)
    """

    def fit(self, X, y, sample_weight=None, eval_set=None):
        """Build the forest.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights (copied; the caller's array is not modified).
        eval_set : (X, y) tuple or list of tuples, default=None
            Evaluation sets whose per-tree metrics go to ``training_log_``.

        Returns
        -------
        self : object
            The fitted forest.
        """
        if sample_weight is not None:
            sample_weight = np.array(sample_weight, dtype=np.float64, copy=True)
        super().fit(X, y, sample_weight=sample_weight)
        log = pd.DataFrame({"member": np.arange(len(self.estimators_))})
        if eval_set is not None:
            if isinstance(eval_set, tuple):
                eval_set = [eval_set]
            lookup = {label: i for i, label in enumerate(self.classes_)}
            K = self.classes_.shape[0]
            for j, (X_val, y_val) in enumerate(eval_set):
                X_val = self._validate_X_predict(X_val)
                y_val = np.array([lookup[v] for v in np.asarray(y_val).tolist()], dtype=np.intp)
                running = np.zeros((X_val.shape[0], K))
                rows = []
                for m, tree in enumerate(self.estimators_, start=1):
                    running += member_proba(tree, X_val, K)
                    rows.append(
                        {f"eval{j}_{k}": v for k, v in eval_scores(y_val, running / m).items()}
                    )
                log = pd.concat([log, pd.DataFrame(rows)], axis=1)
        self.training_log_ = log
        return self

    def decision_function(self, X):
        """Log-odds of ``classes_[1]`` (binary) or centred log-probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Confidence scores; the arg-max (or sign) gives the prediction.
        """
        proba = self.predict_proba(X)
        logp = np.log(np.clip(proba, 1e-15, None))
        if logp.shape[1] == 2:
            return logp[:, 1] - logp[:, 0]
        return logp - logp.mean(axis=1, keepdims=True)
