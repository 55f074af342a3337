"""Estimator-check configuration of imbtab.objectives (read by tests/test_estimator_checks.py)."""

from imbtab.objectives import FocalLGBMClassifier, LogitAdjustedLGBMClassifier

CHECK_INSTANCES = [
    FocalLGBMClassifier(n_estimators=5, n_jobs=1),
    LogitAdjustedLGBMClassifier(n_estimators=5, n_jobs=1),
]
