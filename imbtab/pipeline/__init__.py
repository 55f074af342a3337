"""Pipelines that accept samplers: imbalanced-learn's ``Pipeline`` and ``make_pipeline``.

Samplers only act during ``fit``; ``predict`` and ``transform`` pass the data
through untouched, so cross-validation never scores resampled test folds.
"""

from imblearn.pipeline import Pipeline, make_pipeline

__all__ = ["Pipeline", "make_pipeline"]
