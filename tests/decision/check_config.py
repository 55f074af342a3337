"""Estimator-check configuration of imbtab.decision (read by tests/test_estimator_checks.py)."""

from sklearn.linear_model import LogisticRegression

from imbtab.decision import (
    ClassWeightTuner,
    CostSensitiveClassifier,
    PriorCorrectedClassifier,
    ThresholdTuner,
)

CHECK_INSTANCES = [
    ThresholdTuner(LogisticRegression(), cv=3, random_state=0),
    ClassWeightTuner(LogisticRegression(), grid=(0.0, 1.0), cv=3, random_state=0),
    PriorCorrectedClassifier(LogisticRegression()),
    CostSensitiveClassifier(LogisticRegression(), [[0.0, 1.0], [1.0, 0.0]]),
]

_THRESHOLD_REASON = (
    "The tuned threshold deliberately differs from 0.5: predict does not agree with "
    "argmax(predict_proba) or sign(decision_function) (same as scikit-learn's "
    "TunedThresholdClassifierCV)."
)
_CV_WEIGHT_REASON = (
    "The fold scores that select the weight are not sample-weighted (scorers receive "
    "sample_weight only through metadata routing), so repeating a row and doubling its "
    "weight can select a different weight."
)

EXPECTED_FAILURES = {
    "ThresholdTuner": {"check_classifiers_train": _THRESHOLD_REASON},
    "ClassWeightTuner": {
        "check_sample_weight_equivalence_on_dense_data": _CV_WEIGHT_REASON,
        "check_sample_weight_equivalence_on_sparse_data": _CV_WEIGHT_REASON,
    },
}
