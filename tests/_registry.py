"""The estimators under test: defaults plus each family's ``check_config.py``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from imbtab.utils import all_estimators

TESTS_DIR = Path(__file__).parent


def _family_configs():
    for sub in sorted(p for p in TESTS_DIR.iterdir() if (p / "check_config.py").exists()):
        spec = importlib.util.spec_from_file_location(
            f"_check_config_{sub.name}", sub / "check_config.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module


def _load():
    instances: dict[str, list] = {}
    failures: dict[str, dict[str, str]] = {}
    for module in _family_configs():
        for est in getattr(module, "CHECK_INSTANCES", []):
            instances.setdefault(type(est).__name__, []).append(est)
        for name, checks in getattr(module, "EXPECTED_FAILURES", {}).items():
            failures.setdefault(name, {}).update(checks)
    return instances, failures


CONFIGURED_INSTANCES, EXPECTED_FAILURES = _load()


def instances(type_filter=None):
    """One or more instances of every public estimator (configured ones replace the default)."""
    out = []
    for name, cls in all_estimators(type_filter):
        if name in CONFIGURED_INSTANCES:
            out.extend(CONFIGURED_INSTANCES[name])
        elif constructible(cls):
            out.append(cls())
        # otherwise test_every_estimator_is_checked fails and names the class
    for est in out:  # deterministic checks (e.g. sparse vs dense results must match)
        if est.get_params().get("random_state", 0) is None:
            est.set_params(random_state=0)
    return out


def constructible(cls) -> bool:
    try:
        cls()
    except TypeError:
        return False
    return True


def expected_failed_checks(estimator) -> dict[str, str]:
    """Checks expected to fail for ``estimator``, each with its reason."""
    return EXPECTED_FAILURES.get(type(estimator).__name__, {})
