"""Estimator-check configuration of the combine family (see tests/_registry.py)."""

EXPECTED_FAILURES = {
    name: {
        "check_samplers_pandas_sparse": (
            "sparse input is not supported (dense neighbour engine): clear TypeError"
        ),
    }
    for name in ["SMOTEENN", "SMOTETomek"]
}
