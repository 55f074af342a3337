"""SMOTE: the shared interpolation machinery and the original algorithm.

The private helpers here are the building blocks of every interpolating over-sampler in
:mod:`imbtab.over_sampling`:

* :func:`draw_samples` draws (base row, neighbour column, step) triples from the random
  stream exactly as imbalanced-learn's ``BaseSMOTE._make_samples`` does;
* :func:`make_samples` computes the synthetic rows with a parallel numba kernel, in the
  same arithmetic (and dtype rules) as imbalanced-learn, without the
  ``(n_new, n_features)`` temporaries;
* :class:`BaseSMOTE` holds the ``k_neighbors`` parameter, the neighbour search (imbtab's
  exact engine for an int, any ``kneighbors`` object otherwise) and the class-size check.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from imblearn.utils import Substitution
from sklearn.base import clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval

from imbtab.base import BaseOverSampler, NewRows
from imbtab.neighbors import KNeighbors, kneighbors, kneighbors_rows
from imbtab.over_sampling._smote._kernels import interpolate, interpolate_serial
from imbtab.utils._docstring import RANDOM_STATE, RESAMPLE_CONTRACT

__all__ = ["BaseSMOTE", "SMOTE", "draw_samples", "make_samples"]

# outputs with fewer values than this are generated on one thread
_PARALLEL_MIN = 200_000

K_NEIGHBORS_DOC = """k_neighbors : int or object, default=5
        Number of nearest neighbours (of the same class) to interpolate with. An int
        uses imbtab's exact neighbour engine (:mod:`imbtab.neighbors`); an object with
        ``kneighbors`` and ``kneighbors_graph`` methods (e.g.
        :class:`~imbtab.neighbors.KNeighbors` or scikit-learn's ``NearestNeighbors``)
        is cloned and used as imbalanced-learn uses it (``n_neighbors`` includes the
        sample itself)."""


def draw_samples(random_state, n_rows: int, n_cols: int, n_samples: int, step_size: float = 1.0):
    """Draw base rows, neighbour columns and steps as imbalanced-learn's SMOTE does.

    Calls ``check_random_state(random_state)`` (so an int seed restarts the stream at
    every call, a ``RandomState`` continues it), then draws
    ``randint(0, n_rows * n_cols, n_samples)`` and ``uniform(size=n_samples)``.

    Parameters
    ----------
    random_state : int, RandomState instance or None
        The sampler's ``random_state``.
    n_rows, n_cols : int
        Shape of the neighbour-index matrix.
    n_samples : int
        Number of samples to draw.
    step_size : float, default=1.0
        Multiplier of the uniform steps (negative to extrapolate).

    Returns
    -------
    rows, cols : ndarray of int64
        Base row (into the neighbour matrix) and neighbour column of every sample.
    steps : ndarray of float64
        Interpolation steps.
    """
    rng = check_random_state(random_state)
    idx = rng.randint(low=0, high=n_rows * n_cols, size=n_samples)
    steps = step_size * rng.uniform(size=n_samples)
    rows = np.floor_divide(idx, n_cols)
    cols = np.mod(idx, n_cols)
    return rows, cols, steps


def make_samples(X, nn_data, nn_num, rows, cols, steps, dtype=None, *, diff_scale=None, out=None):
    """Synthetic rows ``X[r] + step * (nn_data[nn_num[r, c]] - X[r])`` (parallel numba).

    Bit-identical to imbalanced-learn's ``_generate_samples`` for dense input: the
    difference is taken in the input dtype, the step product and the sum in float64, the
    result cast to ``dtype``.

    Parameters
    ----------
    X : ndarray of shape (n_base, n_features)
        Base points; ``rows`` index into it (and into ``nn_num``).
    nn_data : ndarray of shape (n_data, n_features)
        Points the neighbour indices refer to.
    nn_num : ndarray of shape (n_base, k)
        Neighbour indices (into ``nn_data``) of every base point.
    rows, cols : ndarray of int
        Base row and neighbour column of every new sample.
    steps : ndarray of float
        Step of every new sample.
    dtype : dtype, default=None
        Output dtype; ``X.dtype`` when None (imbalanced-learn's ``astype(X.dtype)``).
    diff_scale : ndarray of float, default=None
        Per-sample factor applied to the difference before the step (the difference is
        cast back to ``dtype`` after the product, as numpy's in-place ``*=`` does).
    out : ndarray of shape (len(rows), n_features), default=None
        Where to write (must have ``dtype``); allocated when None.

    Returns
    -------
    X_new : ndarray of shape (len(rows), n_features)
        The synthetic rows.
    """
    dtype = X.dtype if dtype is None else np.dtype(dtype)
    n = rows.shape[0]
    if out is None:
        out = np.empty((n, X.shape[1]), dtype=dtype)
    if n == 0:
        return out
    use_scale = diff_scale is not None
    scale = np.asarray(diff_scale, dtype=np.float64) if use_scale else np.empty(0)
    kernel = interpolate if n * X.shape[1] >= _PARALLEL_MIN else interpolate_serial
    kernel(
        np.ascontiguousarray(X),
        np.ascontiguousarray(nn_data),
        np.ascontiguousarray(nn_num, dtype=np.int64),
        np.ascontiguousarray(rows, dtype=np.int64),
        np.ascontiguousarray(cols, dtype=np.int64),
        np.ascontiguousarray(steps, dtype=np.float64),
        scale,
        use_scale,
        out,
    )
    return out


def neighbours_object(param, additional: int = 1):
    """imbalanced-learn's ``check_neighbors_object`` with imbtab's engine for an int.

    An int ``k`` gives ``KNeighbors(n_neighbors=k + additional)``; any other object is
    cloned.
    """
    if isinstance(param, Integral):
        return KNeighbors(n_neighbors=int(param) + additional)
    return clone(param)


def search_neighbours(nn, X_ref, query_rows=None, *, use_engine=True):
    """Neighbours of rows of ``X_ref`` among ``X_ref``, the row itself left out.

    With ``use_engine`` the exact engine is called directly (own index excluded); with a
    user object ``nn`` it is fit on ``X_ref`` and the first column of
    ``nn.kneighbors(...)`` (the row itself) is dropped, as imbalanced-learn does.

    Returns
    -------
    nns : ndarray of shape (n_queries, nn.n_neighbors - 1)
        Indices into ``X_ref``.
    """
    if use_engine:
        k = nn.n_neighbors - 1
        if query_rows is None:
            return kneighbors(X_ref, k=k, return_distance=False)
        return kneighbors_rows(X_ref, query_rows, k=k, return_distance=False)
    nn.fit(X_ref)
    query = X_ref if query_rows is None else X_ref[query_rows]
    return nn.kneighbors(query, return_distance=False)[:, 1:]


class BaseSMOTE(BaseOverSampler):
    """Base class of the SMOTE family: ``k_neighbors``, neighbour search, class-size check."""

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "k_neighbors": [
            Interval(Integral, 1, None, closed="left"),
            HasMethods(["kneighbors", "kneighbors_graph"]),
        ],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, k_neighbors=5):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.k_neighbors = k_neighbors

    def _validate_estimator(self):
        self.nn_k_ = neighbours_object(self.k_neighbors, additional=1)

    def _validate_k_neighbors(self, n_class_samples, klass, *, nn=None, name="k_neighbors"):
        """Raise a clear ValueError when a class is too small for its neighbourhood.

        ``nn`` (default ``self.nn_k_``) needs ``nn.n_neighbors`` rows: the sample itself
        plus ``n_neighbors - 1`` neighbours.
        """
        nn = self.nn_k_ if nn is None else nn
        needed = getattr(nn, "n_neighbors", None)
        if needed is None or n_class_samples >= needed:
            return
        raise ValueError(
            f"Class {klass!r} has {n_class_samples} sample(s); {type(self).__name__} needs "
            f"at least {name} + 1 = {needed} samples of the class to find {needed - 1} "
            f"nearest neighbours. Lower {name} or remove the class from sampling_strategy."
        )

    def _neighbours(self, X_ref, query_rows=None, *, nn=None, param=None):
        """Neighbours (row itself excluded) of ``X_ref[query_rows]`` within ``X_ref``.

        ``nn``/``param`` default to ``self.nn_k_``/``self.k_neighbors``; an int parameter
        goes to the engine directly, an object is fit and queried as imbalanced-learn does.
        """
        nn = self.nn_k_ if nn is None else nn
        param = self.k_neighbors if param is None else param
        return search_neighbours(nn, X_ref, query_rows, use_engine=isinstance(param, Integral))


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    k_neighbors=K_NEIGHBORS_DOC,
    contract=RESAMPLE_CONTRACT,
)
class SMOTE(BaseSMOTE):
    """Synthetic Minority Over-sampling TEchnique (Chawla et al., 2002).

    Each synthetic row lies on the segment between a random row of the class and one of
    its ``k_neighbors`` nearest same-class neighbours. A drop-in replacement for
    :class:`imblearn.over_sampling.SMOTE`: the same parameters and, for the same
    ``random_state`` on data without neighbour ties, the same output, computed with
    imbtab's exact neighbour engine and a parallel generation kernel.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    {k_neighbors}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows to add per class.
    nn_k_ : estimator object
        The neighbours estimator built from ``k_neighbors``.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    BorderlineSMOTE : Interpolate from the rows near the class border only.
    ADASYN : More synthetic rows where the class is harder to learn.
    SMOTENC : Mixed numeric and categorical features.

    Notes
    -----
    {contract}

    Classes are processed in sorted label order; base rows are drawn uniformly with
    replacement. Output: the original rows, then the synthetic rows class by class.
    Sparse input is not supported (imbalanced-learn's SMOTE accepts it).

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer, "SMOTE: synthetic
       minority over-sampling technique", Journal of Artificial Intelligence Research
       16, 321-357, 2002.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.over_sampling import SMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 897), (np.int64(1), 897)]
    """

    def __init__(self, *, sampling_strategy="auto", random_state=None, k_neighbors=5):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
        )

    def _resample(self, X, y, sample_weight):
        todo = self._classes_to_sample(y)
        out = NewRows(X, y, sum(n for _, n, _ in todo))
        start = 0
        for klass, n_samples, class_rows in todo:
            stop = start + n_samples
            self._sample_class(X, class_rows, n_samples, out.X_new[start:stop])
            out.y_new[start:stop] = klass
            start = stop
        return out.result()

    def _classes_to_sample(self, y):
        """``[(class, n_samples, class_rows)]`` in ``sampling_strategy_`` order, validated."""
        self._validate_estimator()
        todo = [(c, n, np.flatnonzero(y == c)) for c, n in self.sampling_strategy_.items() if n > 0]
        for c, _, class_rows in todo:
            self._validate_k_neighbors(class_rows.size, c)
        return todo

    def _sample_class(self, X, class_rows, n_samples, out):
        """Write ``n_samples`` synthetic rows of one class into ``out``.

        Returns the neighbour matrix and the draws ``(nns, rows, cols, steps)``: synthetic
        row ``i`` lies between ``class_rows[rows[i]]`` and
        ``class_rows[nns[rows[i], cols[i]]]`` at step ``steps[i]``.
        """
        X_class = X[class_rows]
        nns = self._neighbours(X_class)
        rows, cols, steps = draw_samples(self.random_state, *nns.shape, n_samples)
        make_samples(X_class, X_class, nns, rows, cols, steps, out=out)
        return nns, rows, cols, steps
