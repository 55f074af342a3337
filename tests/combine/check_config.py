"""Estimator-check configuration of the combine family (see tests/_registry.py)."""

# pandas SparseDtype columns are densified by the sampler base, so
# check_samplers_pandas_sparse passes: no expected failure left
EXPECTED_FAILURES: dict = {}
