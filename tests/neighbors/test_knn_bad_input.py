"""Bad input to imbtab.neighbors gets a clear error."""

import numpy as np
import pytest
import scipy.sparse as sp

from imbtab.neighbors import (
    KNeighbors,
    count_other_class,
    has_other_class_within_k,
    kneighbors,
    kneighbors_rows,
    mutual_nearest_pairs,
)

X = np.arange(20.0).reshape(10, 2)
y = np.array([0] * 7 + [1] * 3)
NAN = X.copy()
NAN[3, 1] = np.nan
INF = X.copy()
INF[0, 0] = np.inf

CASES = [
    ("nan", lambda: kneighbors(NAN, k=2), ValueError, "NaN"),
    ("inf in Y", lambda: kneighbors(X, INF, k=2), ValueError, "infinity"),
    ("k too large self", lambda: kneighbors(X, k=10), ValueError, "k=10"),
    ("k too large Y", lambda: kneighbors(X, X[:3], k=4), ValueError, "only 3"),
    ("k zero", lambda: kneighbors(X, k=0), ValueError, "k must be >= 1"),
    ("k float", lambda: kneighbors(X, k=2.0), TypeError, "integer"),
    ("features", lambda: kneighbors(X, X[:, :1], k=1), ValueError, "features"),
    ("empty X", lambda: kneighbors(np.empty((0, 2)), X, k=1), ValueError, "0 sample"),
    ("empty Y", lambda: kneighbors(X, np.empty((0, 2)), k=1), ValueError, "0 sample"),
    ("no features", lambda: kneighbors(np.empty((5, 0)), k=1), ValueError, "0 feature"),
    ("sparse", lambda: kneighbors(sp.csr_matrix(X), k=1), TypeError, "sparse"),
    ("sparse Y", lambda: kneighbors(X, sp.csr_matrix(X), k=1), TypeError, "sparse"),
    ("strings", lambda: kneighbors(np.array([["a", "b"], ["c", "d"]]), k=1), TypeError, "numeric"),
    (
        "objects",
        lambda: kneighbors(np.array([["a", 1], [2, 3]], dtype=object), k=1),
        TypeError,
        "numeric",
    ),
    ("1-D", lambda: kneighbors(np.arange(5.0), k=1), ValueError, "2-D"),
    ("3-D", lambda: kneighbors(np.zeros((2, 2, 2)), k=1), ValueError, "2-D"),
    ("n_jobs 0", lambda: kneighbors(X, k=1, n_jobs=0), ValueError, "n_jobs"),
    ("rows range", lambda: kneighbors_rows(X, [0, 10], k=1), ValueError, "rows"),
    ("rows float", lambda: kneighbors_rows(X, [0.5], k=1), TypeError, "rows"),
    ("y length", lambda: count_other_class(X, y[:5], 2), ValueError, "labels"),
    ("k too large count", lambda: count_other_class(X, y, 10), ValueError, "k=10"),
    ("nan within", lambda: has_other_class_within_k(NAN, y, 2), ValueError, "NaN"),
    ("one row tomek", lambda: mutual_nearest_pairs(X[:1], y[:1], [0]), ValueError, "k=1"),
    ("estimator sparse", lambda: KNeighbors().fit(sp.csr_matrix(X)), TypeError, "sparse"),
    ("estimator nan", lambda: KNeighbors().fit(NAN), ValueError, "NaN"),
    ("estimator 1-D", lambda: KNeighbors().fit(np.arange(5.0)), ValueError, "2D"),
]


@pytest.mark.parametrize("call, exc, match", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
