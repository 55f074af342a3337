"""Shared step of the combined samplers: SMOTE, then a selection on its output."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone

from imbtab.base import Resampled
from imbtab.over_sampling import SMOTE

__all__ = ["smote_for", "oversample_then_select"]


def oversample_then_select(smote, cleaner, X, y) -> Resampled:
    """Run ``smote`` on ``(X, y)``, then ``cleaner`` on its output; keep the cleaner's rows.

    Only the synthetic rows that survive the cleaning are carried on, so the output is
    built from ``X`` and those rows alone.
    """
    n = y.shape[0]
    X_s, y_s = smote.fit_resample(X, y)
    cleaner.fit_resample(X_s, y_s)
    rows = np.asarray(cleaner.sample_indices_, dtype=np.intp)
    synthetic = rows >= n
    kept_new = rows[synthetic] - n
    X_new = np.asarray(X_s[n:])[kept_new]
    y_new = np.asarray(y_s[n:])[kept_new]
    rows = rows.copy()
    rows[synthetic] = n + np.arange(kept_new.size)
    return Resampled(rows=rows, X_new=X_new, y_new=y_new)


def smote_for(owner) -> SMOTE:
    """The over-sampler to use: a clone of ``owner.smote``, or SMOTE with the owner's settings."""
    if owner.smote is not None:
        return clone(owner.smote)
    return SMOTE(sampling_strategy=owner.sampling_strategy, random_state=owner.random_state)
