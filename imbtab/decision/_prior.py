"""Undo the prior shift introduced by resampling or class weights."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.utils import indexable
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.base import _fit_context

from ._common import (
    check_targets,
    check_weights,
    copy_feature_attributes,
    route_fit_params,
)
from ._wrapper import InnerClassifierWrapper


def _final_estimator(estimator):
    steps = getattr(estimator, "steps", None)
    return steps[-1][1] if steps else estimator


def _install_recorders(estimator, store: dict) -> list:
    """Wrap ``fit_resample`` of each sampler step to record its output labels."""
    hooked = []
    for name, step in getattr(estimator, "steps", []) or []:
        if step is None or isinstance(step, str) or not hasattr(step, "fit_resample"):
            continue
        original = step.fit_resample

        def recorder(X, y, _original=original, _name=name, **params):
            out = _original(X, y, **params)
            store[_name] = np.asarray(out[1])
            return out

        step.fit_resample = recorder
        hooked.append((name, step))
    return hooked


def _class_weight_factors(final, classes: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per-class weight multipliers applied by the final estimator's own parameters."""
    factors = np.ones(classes.size)
    try:
        params = final.get_params(deep=False)
    except AttributeError:  # pragma: no cover - not a scikit-learn estimator
        return factors
    cw = params.get("class_weight")
    if isinstance(cw, str) and cw == "balanced":
        factors = counts.sum() / (classes.size * np.maximum(counts, 1))
    elif isinstance(cw, dict):
        factors = np.array([float(cw.get(c, 1.0)) for c in classes.tolist()])
    if classes.size == 2:
        spw = params.get("scale_pos_weight")
        if spw is not None and spw != 1:
            factors = factors.copy()
            factors[1] *= float(spw)
        if params.get("is_unbalance", False):
            factors = factors * counts.sum() / (2 * np.maximum(counts, 1))
    return factors


class PriorCorrectedClassifier(InnerClassifierWrapper):
    """Correct predicted probabilities for the class-prior shift of resampling or weights.

    A model trained on resampled or class-weighted data estimates posteriors under the
    class prior it effectively saw, ``b'``, not the true prior ``b``. This meta-estimator
    fits the estimator, learns ``b'`` and corrects the probabilities with the odds-ratio
    rule (Elkan 2001, Theorem 2; Saerens et al. 2002)::

        p_k  proportional to  p'_k * b_k / b'_k      (renormalised over k)

    which for two classes is ``odds(p) = odds(p') * [b / (1 - b)] / [b' / (1 - b')]``.

    How ``b'`` is learnt (``training_prior="auto"``): the class counts the final estimator
    received — for a pipeline, the output labels of the last sampler's ``fit_resample``
    are recorded during ``fit`` (imbalanced-learn's ``Pipeline``, without ``memory``
    caching); otherwise the counts of ``y``, weighted by ``sample_weight`` — multiplied by
    the final estimator's class weights (``class_weight`` dict or "balanced", LightGBM or
    XGBoost ``scale_pos_weight``, LightGBM ``is_unbalance``). A final estimator exposing
    ``effective_prior_`` (e.g. :class:`imbtab.objectives.LogitAdjustedLGBMClassifier`)
    supplies ``b'`` directly.

    The correction is **exact** for random under-sampling (it reproduces
    ``p = beta p' / (beta p' - p' + 1)`` with keep-rate ``beta``, Dal Pozzolo et al. 2015),
    random over-sampling and class weights (``p = w- p' / (w- p' + w+ (1 - p'))``), since
    these change only the prior. It is **approximate** for synthetic over-sampling (SMOTE
    and variants) and cleaning samplers, which also change the class-conditional
    densities.

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``predict_proba``; typically a pipeline with a sampler or a
        class-weighted model.
    prior : "train" or array-like of shape (n_classes,), default="train"
        True class prior ``b``: the (``sample_weight``-weighted) class frequencies of ``y``
        passed to ``fit``, or given explicitly (e.g. the deployment prevalence), in the
        order of ``classes_``. ``sample_weight`` means repetition, as everywhere in
        scikit-learn, so it shifts both priors alike; to undo a class-dependent sample
        weighting, pass the unweighted class frequencies here.
    training_prior : "auto" or array-like of shape (n_classes,), default="auto"
        Prior ``b'`` the estimator effectively saw; "auto" infers it as described above.

    Attributes
    ----------
    estimator_ : estimator
        The fitted estimator.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    prior_ : ndarray of shape (n_classes,)
        True prior ``b``.
    training_prior_ : ndarray of shape (n_classes,)
        Effective training prior ``b'``.
    training_counts_ : ndarray of shape (n_classes,) or None
        Class counts the final estimator received (None when ``training_prior`` is given).
    n_features_in_ : int
        Number of features seen during fit.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from imbtab.pipeline import make_pipeline
    >>> from imblearn.under_sampling import RandomUnderSampler
    >>> from imbtab.decision import PriorCorrectedClassifier
    >>> X, y = make_classification(n_samples=1000, weights=[0.9], random_state=0)
    >>> pipe = make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression())
    >>> clf = PriorCorrectedClassifier(pipe).fit(X, y)
    >>> clf.training_prior_.round(2).tolist()
    [0.5, 0.5]
    >>> bool(clf.predict_proba(X)[:, 1].mean() < pipe.fit(X, y).predict_proba(X)[:, 1].mean())
    True
    """

    # sample_weight also weights the objective / priors computed here
    _consumes_fit_metadata = True

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "prior": [StrOptions({"train"}), "array-like"],
        "training_prior": [StrOptions({"auto"}), "array-like"],
    }

    def __init__(self, estimator, *, prior="train", training_prior="auto"):
        self.estimator = estimator
        self.prior = prior
        self.training_prior = training_prior

    @staticmethod
    def _check_prior(value, n_classes: int, name: str) -> np.ndarray:
        p = np.asarray(value, dtype=float).ravel()
        if p.shape != (n_classes,) or np.any(p <= 0) or not np.all(np.isfinite(p)):
            raise ValueError(
                f"{name} must be {n_classes} positive finite numbers (one per class in "
                f"classes_ order), got {value!r}."
            )
        return p / p.sum()

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the estimator and learn the prior shift.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to the estimator when it accepts it (or through metadata routing); it
            weights the true prior and, when no sampler is involved, the training prior.
        **fit_params : dict
            Further parameters for ``estimator.fit``.

        Returns
        -------
        self : PriorCorrectedClassifier
            Fitted classifier.
        """
        X, y = indexable(X, y)
        y_arr, classes = check_targets(y, "PriorCorrectedClassifier")
        y = y if getattr(y, "ndim", 0) == 1 and hasattr(y, "iloc") else y_arr
        weights = check_weights(sample_weight, y_arr.shape[0])
        routed = route_fit_params(self, self.estimator, sample_weight, fit_params)
        est = clone(self.estimator)
        store: dict = {}
        hooked = _install_recorders(est, store)
        try:
            est.fit(X, y, **routed.estimator)
        finally:
            for _, step in hooked:
                del step.fit_resample
        self.estimator_ = est
        self.classes_ = np.asarray(est.classes_)
        n_classes = self.classes_.size
        y_idx = np.searchsorted(self.classes_, y_arr)

        if isinstance(self.prior, str):
            prior = np.bincount(y_idx, weights=weights, minlength=n_classes)
            self.prior_ = prior / prior.sum()
        else:
            self.prior_ = self._check_prior(self.prior, n_classes, "prior")

        if isinstance(self.training_prior, str):
            if hooked:
                last = hooked[-1][0]
                if last not in store:
                    raise ValueError(
                        "Could not record the sampler output (pipeline memory caching "
                        "clones the steps). Pass training_prior explicitly."
                    )
                y_res = store[last]
                counts = np.array([np.sum(y_res == c) for c in self.classes_], dtype=float)
            else:
                counts = np.bincount(y_idx, weights=weights, minlength=n_classes)
            self.training_counts_ = counts
            final = _final_estimator(est)
            eff = getattr(final, "effective_prior_", None)
            if eff is not None and len(eff) == n_classes:
                # e.g. LogitAdjustedLGBMClassifier: probabilities live under this prior
                mass = np.asarray(eff, dtype=float)
            else:
                mass = counts * _class_weight_factors(final, self.classes_, counts)
            if np.any(mass <= 0):
                raise ValueError(
                    f"The estimator saw no (or zero-weight) samples of some class: {mass}."
                )
            self.training_prior_ = mass / mass.sum()
        else:
            self.training_counts_ = None
            self.training_prior_ = self._check_prior(
                self.training_prior, n_classes, "training_prior"
            )
        self._ratio = self.prior_ / self.training_prior_
        copy_feature_attributes(self, est)
        return self

    def predict_proba(self, X):
        """Probabilities corrected to the true class prior.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Corrected probabilities.
        """
        check_is_fitted(self, "estimator_")
        p = np.asarray(self.estimator_.predict_proba(X), dtype=float) * self._ratio
        return p / p.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        """Most probable class under the true prior.

        Parameters
        ----------
        X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels.
        """
        check_is_fitted(self, "estimator_")
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
