"""Metrics and scorers for class-imbalanced classification.

``geometric_mean_score``, ``sensitivity_score``, ``specificity_score``,
``sensitivity_specificity_support`` and ``classification_report_imbalanced``
are imbalanced-learn's functions, re-exported unchanged.
:func:`index_balanced_accuracy` is a plain-function form of imbalanced-learn's
IBA decorator, and :data:`IMBALANCE_SCORERS` / :func:`get_scorer` give scorers
usable by name in ``GridSearchCV``.
"""

from imblearn.metrics import (
    classification_report_imbalanced,
    geometric_mean_score,
    sensitivity_score,
    sensitivity_specificity_support,
    specificity_score,
)

from imbtab.metrics._classification import index_balanced_accuracy
from imbtab.metrics._scorers import IMBALANCE_SCORERS, get_scorer, get_scorer_names

__all__ = [
    "IMBALANCE_SCORERS",
    "classification_report_imbalanced",
    "geometric_mean_score",
    "get_scorer",
    "get_scorer_names",
    "index_balanced_accuracy",
    "sensitivity_score",
    "sensitivity_specificity_support",
    "specificity_score",
]
