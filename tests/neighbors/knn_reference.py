"""Brute-force reference definitions shared by the neighbour tests (not a test module)."""

import numpy as np


def sq_dists(Q, R):
    """Squared distances summed in feature order in float64 (the engine's definition)."""
    Q = np.asarray(Q, dtype=np.float64)
    R = np.asarray(R, dtype=np.float64)
    D = np.zeros((Q.shape[0], R.shape[0]))
    for f in range(Q.shape[1]):
        D += (Q[:, f][:, None] - R[:, f][None, :]) ** 2
    return D


def brute_knn(Q, R, k, exclude=None):
    """(squared distances, indices) sorted by distance then index; exclude[i] skipped."""
    D = sq_dists(Q, R)
    if exclude is not None:
        D[np.arange(len(exclude)), exclude] = np.inf
    ind = np.argsort(D, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(D, ind, axis=1), ind


def brute_count_other(X, y, k, rows):
    _, ind = brute_knn(X[rows], X, k, exclude=rows)
    return (y[ind] != y[rows][:, None]).sum(axis=1)


def brute_tomek(X, y, rows):
    n = X.shape[0]
    _, nn = brute_knn(X, X, 1, exclude=np.arange(n))
    nn = nn[:, 0]
    pairs = [(i, nn[i]) for i in rows if y[nn[i]] != y[i] and nn[nn[i]] == i]
    return np.array([p[0] for p in pairs], dtype=int), np.array([p[1] for p in pairs], dtype=int)
