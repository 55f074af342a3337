"""Random over-sampling with an optional smoothed bootstrap."""

from __future__ import annotations

from numbers import Real

import numpy as np
from imblearn.utils import Substitution
from scipy import sparse
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.sparsefuncs import mean_variance_axis

from imbtab.base import BaseOverSampler, Resampled
from imbtab.utils._docstring import RANDOM_STATE, RESAMPLE_CONTRACT


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    contract=RESAMPLE_CONTRACT,
)
class RandomOverSampler(BaseOverSampler):
    """Over-sample by drawing rows of the classes to grow at random, with replacement.

    A drop-in replacement for :class:`imblearn.over_sampling.RandomOverSampler`: the
    same parameters and, for the same ``random_state``, the same output. With
    ``shrinkage`` it draws a smoothed bootstrap (a random over-sampling example, ROSE):
    each drawn row is perturbed by Gaussian noise scaled per feature.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    shrinkage : float or dict, default=None
        Scale of the smoothed bootstrap. ``None`` draws plain copies; a float applies
        to every resampled class; a dict gives one factor per resampled class. The
        noise of class ``c`` has per-feature standard deviation
        ``shrinkage[c] * h * std(X_c)`` with ``h = (4 / ((d + 2) n)) ** (1 / (d + 4))``.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows to add per class.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Position in ``X`` of every output row (for a smoothed row, the row it was drawn
        from).
    shrinkage_ : dict or None
        Shrinkage factor per resampled class.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    imbtab.over_sampling.SMOTE : Interpolate between neighbours instead of copying.
    imbtab.under_sampling.RandomUnderSampler : Shrink the larger classes instead.

    Notes
    -----
    {contract}

    Without ``shrinkage`` rows are copied, never computed, so missing values and
    non-numeric columns pass through untouched; with ``shrinkage`` ``X`` must be
    numeric. Output: the original rows, then the drawn rows, class by class in sorted
    label order.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.over_sampling import RandomOverSampler
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> X_res, y_res = RandomOverSampler(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 897), (np.int64(1), 897)]
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "shrinkage": [Interval(Real, 0, None, closed="left"), dict, None],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, shrinkage=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.shrinkage = shrinkage

    def _shrinkage_per_class(self):
        if self.shrinkage is None:
            return None
        if isinstance(self.shrinkage, Real):
            return {klass: self.shrinkage for klass in self.sampling_strategy_}
        missing = self.sampling_strategy_.keys() - self.shrinkage.keys()
        if missing:
            raise ValueError(
                "`shrinkage` should contain a shrinkage factor for each class that will be "
                f"resampled. The missing classes are: {missing!r}"
            )
        for klass, factor in self.shrinkage.items():
            if factor < 0:
                raise ValueError(
                    f"The shrinkage factor needs to be >= 0. Got {factor} for class {klass}."
                )
        return dict(self.shrinkage)

    def _resample(self, X, y, sample_weight):
        random_state = check_random_state(self.random_state)
        self.shrinkage_ = self._shrinkage_per_class()
        n_samples, n_features = X.shape
        drawn, smoothed = [], []
        for klass, n_new in self.sampling_strategy_.items():
            class_rows = np.flatnonzero(y == klass)
            boot = random_state.choice(class_rows, size=n_new, replace=True)
            drawn.append(boot)
            if self.shrinkage_ is None:
                continue
            # ROSE smoothing constant (Menardi & Torelli, 2014)
            h = (4 / ((n_features + 2) * n_samples)) ** (1 / (n_features + 4))
            if sparse.issparse(X):
                scale = np.sqrt(mean_variance_axis(X[class_rows, :], axis=0)[1])
            else:
                scale = np.std(X[class_rows, :], axis=0)
            noise = random_state.randn(n_new, n_features)
            X_boot = X[boot, :]
            X_boot = X_boot.toarray() if sparse.issparse(X_boot) else X_boot
            smoothed.append(noise.dot(np.diagflat(self.shrinkage_[klass] * h * scale)) + X_boot)
        drawn = np.concatenate([np.arange(n_samples)] + drawn).astype(np.intp)
        if self.shrinkage_ is None:
            return Resampled.select(drawn)
        self.sample_indices_ = drawn
        boot = drawn[n_samples:]
        X_new = np.concatenate(smoothed) if smoothed else np.empty((0, n_features))
        weight_new = None if sample_weight is None else sample_weight[boot]
        return Resampled.append(n_samples, X_new, y[boot], weight_new)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        # copies need no arithmetic; the smoothed bootstrap does
        tags.input_tags.allow_nan = self.shrinkage is None
        tags.input_tags.string = self.shrinkage is None
        tags.sampler_tags.sample_indices = True
        return tags
