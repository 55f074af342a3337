"""Test-suite configuration."""

# check_config.py files are data for tests/test_estimator_checks.py, not test modules
# (several share a basename, which pytest's doctest collection cannot import side by side).
collect_ignore_glob = ["*/check_config.py"]
