"""Input checks and thread control shared by the neighbour functions."""

from contextlib import contextmanager
from numbers import Integral

import numba
import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array


def check_points(X, name="X"):
    """Return ``X`` as a finite, non-empty, 2-D, C-contiguous float32/float64 array.

    float32 stays float32; every other numeric dtype becomes float64.
    """
    if sp.issparse(X):
        raise TypeError(
            f"{name} is a sparse matrix; imbtab.neighbors needs dense data "
            f"(convert it with {name}.toarray())."
        )
    if hasattr(X, "dtypes") and not hasattr(X, "dtype"):  # DataFrame
        kinds = {np.dtype(t).kind if isinstance(t, np.dtype) else "O" for t in X.dtypes}
    else:
        X = X if hasattr(X, "dtype") else np.asarray(X)
        kinds = {X.dtype.kind}
        if X.ndim != 2:
            raise ValueError(
                f"{name} must be a 2-D array of shape (n_samples, n_features), got an array "
                f"with {X.ndim} dimension(s); reshape 1-D data with .reshape(-1, 1) (one "
                "feature) or .reshape(1, -1) (one sample)."
            )
    if kinds & set("USVMm"):
        raise TypeError(f"{name} must be numeric; it holds non-numeric (string/date) values.")
    try:
        return check_array(
            X, dtype=[np.float64, np.float32], order="C", ensure_all_finite=True, input_name=name
        )
    except ValueError as exc:
        if "convert" in str(exc) and "O" in kinds:
            raise TypeError(f"{name} must be numeric: {exc}") from exc
        raise


def check_k(k, n_available, what="the reference set"):
    """Validate the number of neighbours against the rows available."""
    if isinstance(k, bool) or not isinstance(k, Integral | np.integer):
        raise TypeError(f"k must be an integer, got {k!r}.")
    k = int(k)
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}.")
    if k > n_available:
        raise ValueError(
            f"k={k} neighbours were requested but {what} has only {n_available} candidate row(s)."
        )
    return k


def check_labels(y, n):
    """Return ``y`` as a 1-D array of length ``n`` encoded as int64 codes."""
    y = np.asarray(y)
    if y.ndim != 1:
        y = np.ravel(y) if y.ndim == 2 and y.shape[1] == 1 else None
        if y is None:
            raise ValueError("y must be 1-D.")
    if y.shape[0] != n:
        raise ValueError(f"X has {n} rows but y has {y.shape[0]} labels.")
    _, codes = np.unique(y, return_inverse=True)
    return codes.astype(np.int64, copy=False).ravel()


def check_rows(rows, n):
    """Return ``rows`` as an int64 index array in [0, n) (``None`` means all rows)."""
    if rows is None:
        return np.arange(n, dtype=np.int64)
    rows = np.asarray(rows)
    if rows.dtype == bool:
        if rows.shape != (n,):
            raise ValueError(f"A boolean rows mask must have shape ({n},), got {rows.shape}.")
        return np.flatnonzero(rows).astype(np.int64)
    if rows.ndim != 1:
        raise ValueError("rows must be a 1-D array of row indices or a boolean mask.")
    if rows.size and rows.dtype.kind not in "iu":
        raise TypeError(f"rows must hold integer indices, got dtype {rows.dtype}.")
    rows = rows.astype(np.int64, copy=False)
    if rows.size and (rows.min() < 0 or rows.max() >= n):
        raise ValueError(f"rows must be indices in [0, {n}).")
    return rows


def effective_threads(n_jobs):
    """Number of numba threads for ``n_jobs``.

    ``None`` keeps numba's current setting (all cores unless changed with
    ``numba.set_num_threads``), ``-1`` means all cores, a negative ``n`` means all but
    ``-n - 1`` cores, and a positive value is capped at the number of cores.
    """
    top = numba.config.NUMBA_NUM_THREADS
    if n_jobs is None:
        return numba.get_num_threads()
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, Integral | np.integer):
        raise TypeError(f"n_jobs must be None or an integer, got {n_jobs!r}.")
    n_jobs = int(n_jobs)
    if n_jobs == 0:
        raise ValueError("n_jobs == 0 has no meaning; use None, -1 or a positive integer.")
    if n_jobs < 0:
        return max(1, top + 1 + n_jobs)
    return min(n_jobs, top)


@contextmanager
def numba_threads(n_jobs: int | None):
    """Context manager running the enclosed block with a given number of numba threads.

    The public way for samplers (and users) to bound the threads of imbtab's numba
    code, including code outside :mod:`imbtab.neighbors`; the previous setting is
    restored on exit, also after an exception.

    Parameters
    ----------
    n_jobs : int or None
        ``None`` keeps numba's current setting, ``-1`` means all cores, a negative ``n``
        all but ``-n - 1`` cores, a positive value is capped at the number of cores.

    Yields
    ------
    n_threads : int
        The number of threads in effect inside the block.

    Examples
    --------
    >>> import numba
    >>> from imbtab.neighbors import numba_threads
    >>> before = numba.get_num_threads()
    >>> with numba_threads(1) as n:
    ...     n, numba.get_num_threads()
    (1, 1)
    >>> numba.get_num_threads() == before
    True
    """
    n = effective_threads(n_jobs)
    old = numba.get_num_threads()
    numba.set_num_threads(n)
    try:
        yield n
    finally:
        numba.set_num_threads(old)
