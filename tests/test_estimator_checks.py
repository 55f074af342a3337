"""scikit-learn's and imbalanced-learn's estimator checks over every public estimator.

New estimators are picked up from the sub-packages' ``__all__``; configure them in
``tests/<family>/check_config.py`` (``CHECK_INSTANCES``, ``EXPECTED_FAILURES``).
"""

import pytest
from imblearn.utils.estimator_checks import parametrize_with_checks as imblearn_checks
from sklearn.utils.estimator_checks import parametrize_with_checks as sklearn_checks

from imbtab.utils import all_estimators
from tests._registry import CONFIGURED_INSTANCES, constructible, expected_failed_checks, instances


def test_registry_is_not_empty():
    names = {type(est).__name__ for est in instances()}
    assert {"RandomOverSampler", "RandomUnderSampler"} <= names


@pytest.mark.parametrize("name, cls", all_estimators())
def test_every_estimator_is_checked(name, cls):
    """An estimator that needs constructor arguments must be configured in check_config.py."""
    assert name in CONFIGURED_INSTANCES or constructible(cls), (
        f"{name} cannot be built without arguments: add it to CHECK_INSTANCES in its family's "
        "tests/<family>/check_config.py"
    )


@sklearn_checks(instances(), expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@imblearn_checks(list(instances("sampler")), expected_failed_checks=expected_failed_checks)
def test_imblearn_compatible_sampler(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", instances(), ids=lambda est: type(est).__name__)
def test_docstring_has_examples(estimator):
    assert "Examples\n    --------" in type(estimator).__doc__
