"""Utilities: the estimator registry and shared docstring pieces."""

from imbtab.utils._registry import all_estimators

__all__ = ["all_estimators"]
