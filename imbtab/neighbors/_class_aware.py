"""Class-aware neighbour primitives used by the samplers.

All of them follow the engine's tie rule (distance, then the smaller index) and exclude
each query row's own index, so they agree exactly with the brute-force definitions.
"""

import numpy as np

from ._screen import other_class_within_k
from ._search import _knn_sq
from ._validation import check_k, check_labels, check_points, check_rows, numba_threads

__all__ = ["count_other_class", "has_other_class_within_k", "mutual_nearest_pairs"]


def _prepare(X, y, rows):
    X = check_points(X, "X")
    codes = check_labels(y, X.shape[0])
    rows = check_rows(rows, X.shape[0])
    return X, codes, rows


def _knn_rows(X, rows, k, nt):
    """k-NN (squared distances, indices) of X[rows] in X, own index excluded."""
    return _knn_sq(X[rows], X, rows, k, nt)


def count_other_class(X, y, k, *, rows=None, n_jobs=None) -> np.ndarray:
    """Count other-class rows among each row's k nearest neighbours.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        All rows.
    y : array-like of shape (n_samples,)
        Labels (any type with equality).
    k : int
        Number of neighbours, at most ``n_samples - 1``.
    rows : array-like of int or bool mask, default=None
        Rows to evaluate; ``None`` means all rows.
    n_jobs : int, default=None
        Number of threads (see :func:`kneighbors`).

    Returns
    -------
    counts : ndarray of shape (len(rows),), dtype intp
        For each row ``i``, how many of its k nearest neighbours in ``X`` (own index
        excluded, ties by the smaller index) have a label different from ``y[i]``.

    Examples
    --------
    >>> import numpy as np
    >>> from imbtab.neighbors import count_other_class
    >>> X = np.array([[0.0], [1.0], [2.0], [10.0], [11.0]])
    >>> y = np.array([0, 0, 1, 1, 1])
    >>> count_other_class(X, y, 2)
    array([1, 1, 2, 0, 0])
    """
    X, codes, rows = _prepare(X, y, rows)
    k = check_k(k, X.shape[0] - 1, "X (each row's own index excluded)")
    with numba_threads(n_jobs) as nt:
        _, ind = _knn_rows(X, rows, k, nt)
    return (codes[ind] != codes[rows][:, None]).sum(axis=1).astype(np.intp)


def has_other_class_within_k(X, y, k, *, rows=None, n_jobs=None) -> np.ndarray:
    """Whether an other-class row is among each row's k nearest neighbours.

    Exactly ``count_other_class(X, y, k, rows=rows) > 0`` (same tie rule), but rows of a
    large class that lie far from every other-class row are settled without a k-NN
    search over all of ``X``: the distance to the nearest other-class row (a query
    against the small other classes) is compared with upper bounds on the k-th
    same-class neighbour distance taken from the row's own cell, then from the nearest
    cells, of a Voronoi partition of its class. Only rows the bounds cannot settle get
    an exact search (over their own class when it is a small part of ``X``).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        All rows.
    y : array-like of shape (n_samples,)
        Labels.
    k : int
        Number of neighbours, at most ``n_samples - 1``.
    rows : array-like of int or bool mask, default=None
        Rows to evaluate; ``None`` means all rows.
    n_jobs : int, default=None
        Number of threads (see :func:`kneighbors`).

    Returns
    -------
    mask : ndarray of shape (len(rows),), dtype bool

    Examples
    --------
    >>> import numpy as np
    >>> from imbtab.neighbors import has_other_class_within_k
    >>> X = np.array([[0.0], [1.0], [2.0], [10.0], [11.0]])
    >>> y = np.array([0, 0, 1, 1, 1])
    >>> has_other_class_within_k(X, y, 1)  # row 1: tie between rows 0 and 2, 0 wins
    array([False, False,  True, False, False])
    """
    X, codes, rows = _prepare(X, y, rows)
    n = X.shape[0]
    k = check_k(k, n - 1, "X (each row's own index excluded)")
    out = np.zeros(rows.shape[0], dtype=bool)
    near2 = np.zeros(n)  # lower bounds shared by the screens (largest class first)
    sizes = np.bincount(codes)
    with numba_threads(n_jobs) as nt:
        for c in sorted(np.unique(codes[rows]), key=lambda c: (-sizes[c], c)):
            same = np.flatnonzero(codes == c)
            sel = np.flatnonzero(codes[rows] == c)
            if sel.size * 4 < same.size:  # a few rows: search them directly
                rc = rows[sel]
                _, ind = _knn_rows(X, rc, k, nt)
                out[sel] = (codes[ind] != c).any(axis=1)
                continue
            mask = other_class_within_k(X, codes, same, k, nt, near2=near2)
            out[sel] = mask[np.searchsorted(same, rows[sel])]
    return out


def mutual_nearest_pairs(X, y, rows, *, n_jobs=None) -> tuple[np.ndarray, np.ndarray]:
    """Cross-class mutual nearest-neighbour pairs (Tomek links) touching ``rows``.

    A pair ``(i, j)`` is returned for each ``i`` in ``rows`` whose nearest neighbour ``j``
    in ``X`` (own index excluded, ties by the smaller index) has another label and has
    ``i`` as its own nearest neighbour. Cost is ``O(len(rows) * n_samples)``. When both
    ends of a link are in ``rows`` the link appears twice, as ``(i, j)`` and ``(j, i)``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        All rows.
    y : array-like of shape (n_samples,)
        Labels.
    rows : array-like of int or bool mask
        Query rows, typically the minority rows.
    n_jobs : int, default=None
        Number of threads (see :func:`kneighbors`).

    Returns
    -------
    i : ndarray of intp
        Rows from ``rows`` (in the order of ``rows``).
    j : ndarray of intp
        Their mutual nearest neighbour of another class.

    Examples
    --------
    >>> import numpy as np
    >>> from imbtab.neighbors import mutual_nearest_pairs
    >>> X = np.array([[0.0], [1.0], [1.6], [5.0], [9.0]])
    >>> y = np.array([0, 0, 1, 0, 1])
    >>> mutual_nearest_pairs(X, y, rows=np.flatnonzero(y == 1))
    (array([2]), array([1]))
    """
    X, codes, rows = _prepare(X, y, rows)
    check_k(1, X.shape[0] - 1, "X (each row's own index excluded)")
    with numba_threads(n_jobs) as nt:
        _, nn = _knn_rows(X, rows, 1, nt)
        j = nn[:, 0]
        cand = np.flatnonzero(codes[j] != codes[rows])
        i_c, j_c = rows[cand], j[cand]
        uj, inv = np.unique(j_c, return_inverse=True)
        _, back = _knn_rows(X, uj, 1, nt)
        keep = back[inv.ravel(), 0] == i_c
    return i_c[keep].astype(np.intp), j_c[keep].astype(np.intp)
