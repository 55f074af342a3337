"""Shared helpers of imbtab.ensemble: fast label encoding and per-class row positions."""

import numpy as np
import pytest

from imbtab.ensemble import SelfPacedEnsembleClassifier
from imbtab.ensemble._base import encode_labels
from imbtab.ensemble._resample import class_rows

RNG = np.random.RandomState(0)


@pytest.mark.parametrize(
    "y",
    [
        RNG.randint(-3, 5, 200),
        RNG.randint(0, 2, 50).astype(bool),
        np.ones(7, dtype=bool),
        RNG.randint(0, 3, 60).astype(np.uint8),
        RNG.randint(0, 3, 60).astype(np.int32),
        np.array([10**12, -5, 10**12, 7]),  # range too wide: falls back to np.unique
        np.array([2**63 + 5, 3], dtype=np.uint64),
        np.array(["b", "a", "b"]),
        np.array([0.5, -1.0, 0.5]),
    ],
)
def test_encode_labels_equals_np_unique(y):
    classes, y_enc = encode_labels(y)
    ref_classes, ref_enc = np.unique(y, return_inverse=True)
    assert classes.dtype == ref_classes.dtype
    np.testing.assert_array_equal(classes, ref_classes)
    np.testing.assert_array_equal(y_enc, ref_enc)


@pytest.mark.parametrize("n_classes", [2, 5, 12])
def test_class_rows_are_ascending_positions_of_each_class(n_classes):
    y = RNG.randint(0, n_classes, 500)
    parts = class_rows(y, n_classes)
    assert len(parts) == n_classes
    for c, rows in enumerate(parts):
        np.testing.assert_array_equal(rows, np.flatnonzero(y == c))


def test_sparse_integer_labels_keep_their_values():
    X = RNG.standard_normal((300, 4))
    y = np.where(RNG.rand(300) < 0.2, 1000, -7)
    spe = SelfPacedEnsembleClassifier(n_estimators=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(spe.classes_, [-7, 1000])
    assert set(np.unique(spe.predict(X))) <= {-7, 1000}
