"""LightGBM classifiers with imbalance-aware objectives and correct ``predict_proba``."""

from ._focal import FocalLGBMClassifier
from ._logit_adjusted import LogitAdjustedLGBMClassifier

__all__ = ["FocalLGBMClassifier", "LogitAdjustedLGBMClassifier"]
