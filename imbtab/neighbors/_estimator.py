"""``KNeighbors``: a NearestNeighbors-compatible estimator backed by the numba engine."""

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from sklearn_compat.base import _fit_context
from sklearn_compat.utils.validation import validate_data

from ._search import _finish, _knn_sq
from ._validation import check_k, numba_threads

__all__ = ["KNeighbors"]


class KNeighbors(BaseEstimator):
    """Exact Euclidean nearest neighbours with a deterministic tie rule.

    A drop-in for scikit-learn's ``NearestNeighbors(algorithm="brute")`` restricted to the
    Euclidean metric, and accepted by imbalanced-learn wherever it takes an
    ``n_neighbors``/``k_neighbors`` object. Distances are exact (computed directly, not
    from the ``|x|^2 + |y|^2 - 2 x.y`` expansion); neighbours are sorted by distance with
    ties broken by the smaller fitted index; results do not depend on ``n_jobs``.

    Parameters
    ----------
    n_neighbors : int, default=5
        Default number of neighbours for :meth:`kneighbors`.
    metric : {"euclidean"}, default="euclidean"
        Distance metric; only Euclidean is supported.
    n_jobs : int, default=None
        Number of threads. ``None`` uses numba's current thread count (all cores unless
        changed with ``numba.set_num_threads``); ``-1`` means all cores.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during fit.
    n_samples_fit_ : int
        Number of fitted rows.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when fit on a DataFrame with string column names.

    See Also
    --------
    kneighbors : The functional interface.

    Examples
    --------
    >>> import numpy as np
    >>> from imbtab.neighbors import KNeighbors
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [2.0, 0.0], [0.0, 1.0]])
    >>> nn = KNeighbors(n_neighbors=2).fit(X)
    >>> nn.kneighbors(return_distance=False)
    array([[1, 3],
           [3, 0],
           [0, 1],
           [1, 0]])
    >>> nn.kneighbors([[0.0, 0.9]], n_neighbors=1)
    (array([[0.1]]), array([[1]]))
    """

    _parameter_constraints: dict = {
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "metric": [StrOptions({"euclidean"})],
        "n_jobs": [Integral, None],
    }

    def __init__(self, n_neighbors=5, *, metric="euclidean", n_jobs=None):
        self.n_neighbors = n_neighbors
        self.metric = metric
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Store the reference rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Reference rows (dense, finite).
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : KNeighbors
            The fitted estimator.
        """
        if sp.issparse(X):
            raise TypeError(
                "KNeighbors needs dense data: X is a sparse matrix (convert it with X.toarray())."
            )
        X = validate_data(self, X, dtype=[np.float64, np.float32], order="C")
        self._fit_X = X
        self.n_samples_fit_ = X.shape[0]
        return self

    def _query(self, X, n_neighbors):
        check_is_fitted(self)
        if n_neighbors is None:
            n_neighbors = self.n_neighbors
        R = self._fit_X
        if X is None:
            k = check_k(n_neighbors, R.shape[0] - 1, "the fitted set (own row excluded)")
            Q = R
            excl = np.arange(R.shape[0], dtype=np.int64)
        else:
            if sp.issparse(X):
                raise TypeError(
                    "KNeighbors needs dense data: X is a sparse matrix (convert it with "
                    "X.toarray())."
                )
            Q = validate_data(self, X, dtype=[np.float64, np.float32], order="C", reset=False)
            if Q.dtype != R.dtype:
                Q = Q.astype(np.float64, copy=False)
                R = R.astype(np.float64, copy=False)
            k = check_k(n_neighbors, R.shape[0], "the fitted set")
            excl = np.full(Q.shape[0], -1, dtype=np.int64)
        with numba_threads(self.n_jobs) as nt:
            d2, ind = _knn_sq(Q, R, excl, k, nt)
        return d2, ind, Q.dtype

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """Find the nearest fitted rows of each query.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), default=None
            Queries. ``None`` queries the fitted rows themselves, each excluding its own
            index (so a duplicate of a row is still returned as a neighbour).
        n_neighbors : int, default=None
            Number of neighbours (``self.n_neighbors`` when None).
        return_distance : bool, default=True
            Also return the distances.

        Returns
        -------
        neigh_dist : ndarray of shape (n_queries, n_neighbors)
            Distances (float32 when the fitted and query data are float32), when
            ``return_distance`` is True.
        neigh_ind : ndarray of shape (n_queries, n_neighbors)
            Indices of the neighbours in the fitted data, sorted by distance then index.
        """
        d2, ind, dtype = self._query(X, n_neighbors)
        return _finish(d2, ind, dtype, return_distance)

    def kneighbors_graph(self, X=None, n_neighbors=None, mode="connectivity"):
        """Sparse graph of the k nearest neighbours.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features), default=None
            Queries; ``None`` as in :meth:`kneighbors`.
        n_neighbors : int, default=None
            Number of neighbours (``self.n_neighbors`` when None).
        mode : {"connectivity", "distance"}, default="connectivity"
            Ones, or the Euclidean distances, as the stored values.

        Returns
        -------
        A : scipy.sparse.csr_matrix of shape (n_queries, n_samples_fit_)
            ``A[i, j]`` is set when fitted row ``j`` is a neighbour of query ``i``.
        """
        if mode not in ("connectivity", "distance"):
            raise ValueError(f'mode must be "connectivity" or "distance", got {mode!r}.')
        d2, ind, dtype = self._query(X, n_neighbors)
        nq, k = ind.shape
        if mode == "connectivity":
            data = np.ones(nq * k, dtype=np.float64)
        else:
            data = np.sqrt(d2).astype(dtype, copy=False).ravel()
        indptr = np.arange(0, nq * k + 1, k)
        return sp.csr_matrix((data, ind.ravel(), indptr), shape=(nq, self.n_samples_fit_))
