"""Imbalance-aware ensembles on any base estimator (LightGBM included).

Self-paced ensemble, BalanceCascade, EasyEnsemble, under-/over-/SMOTE-bagging, RUSBoost,
SMOTEBoost and the balanced random forest. All share one contract: ``sample_weight`` (never
modified), ``n_jobs`` that does not change the model, ``warm_start``, multiclass,
``predict_proba`` / ``decision_function`` and an optional ``eval_set`` whose per-member
metrics land in ``training_log_``.
"""

from imbtab.ensemble._bagging import (
    EasyEnsembleClassifier,
    OverBaggingClassifier,
    SMOTEBaggingClassifier,
    UnderBaggingClassifier,
)
from imbtab.ensemble._boosting import RUSBoostClassifier, SMOTEBoostClassifier
from imbtab.ensemble._cascade import BalanceCascadeClassifier
from imbtab.ensemble._forest import BalancedRandomForestClassifier
from imbtab.ensemble._self_paced import SelfPacedEnsembleClassifier

__all__ = [
    "BalanceCascadeClassifier",
    "BalancedRandomForestClassifier",
    "EasyEnsembleClassifier",
    "OverBaggingClassifier",
    "RUSBoostClassifier",
    "SMOTEBaggingClassifier",
    "SMOTEBoostClassifier",
    "SelfPacedEnsembleClassifier",
    "UnderBaggingClassifier",
]
