"""Estimator-check configuration of imbtab.ensemble: fast instances and expected failures."""

from sklearn.tree import DecisionTreeClassifier

from imbtab.ensemble import (
    BalanceCascadeClassifier,
    BalancedRandomForestClassifier,
    EasyEnsembleClassifier,
    OverBaggingClassifier,
    RUSBoostClassifier,
    SelfPacedEnsembleClassifier,
    SMOTEBaggingClassifier,
    SMOTEBoostClassifier,
    UnderBaggingClassifier,
)

_TREE = DecisionTreeClassifier(max_depth=4)

CHECK_INSTANCES = [
    SelfPacedEnsembleClassifier(n_estimators=5, random_state=0),
    SelfPacedEnsembleClassifier(
        n_estimators=5, soft_resample=True, replacement=False, random_state=0
    ),
    BalanceCascadeClassifier(n_estimators=4, random_state=0),
    UnderBaggingClassifier(n_estimators=4, random_state=0),
    EasyEnsembleClassifier(n_estimators=3, random_state=0),
    OverBaggingClassifier(n_estimators=4, random_state=0),
    SMOTEBaggingClassifier(n_estimators=4, random_state=0),
    RUSBoostClassifier(n_estimators=5, random_state=0),
    SMOTEBoostClassifier(n_estimators=5, random_state=0),
    BalancedRandomForestClassifier(n_estimators=10, random_state=0),
]

_RESAMPLING = (
    "members are fitted on random draws of rows; an integer weight is applied as a fit "
    "weight on the drawn rows, not as repeated rows, so the draws (and the model) differ"
)

_NAMES = [
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

EXPECTED_FAILURES: dict[str, dict[str, str]] = {
    name: {"check_sample_weight_equivalence_on_dense_data": _RESAMPLING} for name in _NAMES
}
EXPECTED_FAILURES["BalancedRandomForestClassifier"][
    "check_sample_weight_equivalence_on_sparse_data"
] = _RESAMPLING
EXPECTED_FAILURES["SelfPacedEnsembleClassifier"]["check_class_weight_classifiers"] = (
    "the default members are full-depth trees whose leaves end pure whatever the weights, so "
    "class weights barely move their predictions on the check's noisy blobs (with weight-aware "
    "members such as LightGBM or shallow trees they do: tests/ensemble/test_self_paced.py)"
)
