"""Random under-sampling."""

from __future__ import annotations

import numpy as np
from imblearn.utils import Substitution
from sklearn.utils import check_random_state

from imbtab.base import BaseUnderSampler, Resampled
from imbtab.utils._docstring import RANDOM_STATE, RESAMPLE_CONTRACT


@Substitution(
    sampling_strategy=BaseUnderSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    contract=RESAMPLE_CONTRACT,
)
class RandomUnderSampler(BaseUnderSampler):
    """Under-sample the larger classes by drawing rows at random.

    A drop-in replacement for :class:`imblearn.under_sampling.RandomUnderSampler`: the
    same parameters and, for the same ``random_state``, the same kept rows.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    replacement : bool, default=False
        Draw with replacement.

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows to keep per resampled class.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Positions in ``X`` of the kept rows, class by class in sorted label order.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    imbtab.over_sampling.RandomOverSampler : Grow the smaller classes instead.

    Notes
    -----
    {contract}

    Rows are selected, never computed, so missing values, non-numeric columns and
    sparse matrices pass through untouched.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.under_sampling import RandomUnderSampler
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> X_res, y_res = RandomUnderSampler(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 103), (np.int64(1), 103)]
    """

    _parameter_constraints: dict = {
        **BaseUnderSampler._parameter_constraints,
        "replacement": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, replacement=False):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.replacement = replacement

    def _resample(self, X, y, sample_weight):
        random_state = check_random_state(self.random_state)
        kept = []
        for klass in np.unique(y):
            class_rows = np.flatnonzero(y == klass)
            if klass in self.sampling_strategy_:
                # draw positions within the class, as imbalanced-learn does (same stream)
                chosen = random_state.choice(
                    range(class_rows.size),
                    size=self.sampling_strategy_[klass],
                    replace=self.replacement,
                )
                class_rows = class_rows[chosen]
            kept.append(class_rows)
        return Resampled.select(np.concatenate(kept))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.sampler_tags.sample_indices = True
        return tags
