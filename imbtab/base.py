"""Sampler base classes: imbalanced-learn's machinery plus the imbtab contract.

Every imbtab sampler derives from :class:`BaseOverSampler`, :class:`BaseUnderSampler`
or :class:`BaseCleaningSampler`. They reuse imbalanced-learn's ``sampling_strategy``
handling and parameter constraints, and add, once for all samplers:

* **Row bookkeeping.** A sampler only says which original rows it keeps (in output
  order) and which synthetic rows it creates; the base builds the outputs. Selection
  samplers expose the kept positions as ``sample_indices_``. A sampler that keeps every
  row and appends synthetic ones can write them straight into the output with
  :class:`NewRows` (no extra copy of ``X``).
* **pandas in, pandas out.** A DataFrame ``X`` gives a DataFrame with the same columns and
  dtypes; a Series ``y`` gives a Series with the same name and dtype. Selected rows keep
  their original index label. Synthetic rows get fresh labels that never collide with the
  input's: for an integer index, consecutive integers after its maximum; for any other
  index, the strings ``"synthetic_0"``, ``"synthetic_1"``, ... (prefixed with extra
  underscores if such a label already exists).
* **sample_weight.** ``fit_resample(X, y, sample_weight=w)`` resamples ``w`` with the rows:
  a selected row keeps its weight (a row selected twice appears twice with its weight);
  a synthetic row gets the mean weight of the original rows of its class. Call
  ``fit_resample(X, y, sample_weight=w, return_sample_weight=True)`` to receive
  ``(X_res, y_res, w_res)``; with ``sample_weight=None`` the returned weights are ones.
* **Input validation** with errors that name the problem (missing values, non-numeric
  columns, sparse input, a single class, mismatched lengths, bad weights).
* **pandas sparse columns.** A DataFrame with ``SparseDtype`` columns is densified before
  sampling by the samplers that do not support sparse input (they see dense values);
  the output DataFrame keeps the input's column dtypes, so those columns are
  ``SparseDtype`` again. A scipy sparse matrix ``X`` is still refused by those samplers.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler as _ImblearnBaseOverSampler
from imblearn.under_sampling.base import BaseCleaningSampler as _ImblearnBaseCleaningSampler
from imblearn.under_sampling.base import BaseUnderSampler as _ImblearnBaseUnderSampler
from imblearn.utils import check_sampling_strategy, check_target_type
from scipy import sparse
from sklearn.preprocessing import label_binarize
from sklearn.utils import check_array
from sklearn.utils.multiclass import check_classification_targets
from sklearn_compat.base import _fit_context
from sklearn_compat.utils.validation import validate_data

__all__ = [
    "NewRows",
    "Resampled",
    "SamplerMixin",
    "BaseOverSampler",
    "BaseUnderSampler",
    "BaseCleaningSampler",
]


@dataclass(frozen=True)
class Resampled:
    """What a sampler's ``_resample`` returns: rows of ``[X; X_new]`` in output order.

    Parameters
    ----------
    rows : ndarray of int
        Positions into the original rows followed by the synthetic rows; a value
        ``>= n_samples`` refers to ``X_new[value - n_samples]``.
    X_new, y_new : array-like or None
        Synthetic rows and their labels (``None`` for a pure selection).
    weight_new : ndarray or None
        Weights of the synthetic rows; ``None`` means the class-mean rule.
    X_all, y_all : ndarray or None
        The output arrays, already made (``[X; X_new][rows]`` and ``[y; y_new][rows]``):
        the base returns them as they are when it returns arrays. :class:`NewRows` sets
        them to ``[X; X_new]`` and ``[y; y_new]``; a sampler that selects in place may
        set them to its selection.
    in_order : bool
        Whether ``rows`` is ``arange(n_samples + n_new)`` (every original row, then the
        synthetic ones): the base then skips re-indexing pandas outputs and weights.
    """

    rows: np.ndarray
    X_new: Any = None
    y_new: np.ndarray | None = None
    weight_new: np.ndarray | None = None
    X_all: np.ndarray | None = None
    y_all: np.ndarray | None = None
    in_order: bool = False

    @classmethod
    def select(cls, indices: np.ndarray) -> Resampled:
        """Keep the original rows at ``indices``, in that order."""
        return cls(rows=np.asarray(indices, dtype=np.intp))

    @classmethod
    def append(
        cls, n_samples: int, X_new: Any, y_new: np.ndarray, weight_new: np.ndarray | None = None
    ) -> Resampled:
        """Keep every original row, then append the synthetic rows."""
        rows = np.arange(n_samples + X_new.shape[0], dtype=np.intp)
        return cls(
            rows=rows, X_new=X_new, y_new=np.asarray(y_new), weight_new=weight_new, in_order=True
        )

    @property
    def n_new(self) -> int:
        return 0 if self.X_new is None else self.X_new.shape[0]


# whether the base returns plain arrays for the current fit_resample call (then NewRows
# writes synthetic rows into the output array; for DataFrame output it would be a
# wasted copy of X)
_STACK_X: ContextVar[bool] = ContextVar("imbtab_stack_x", default=True)


class NewRows:
    """Writable arrays for the synthetic rows of a sampler that keeps every original row.

    When the base returns plain arrays, ``X_new`` and ``y_new`` are views of the output
    arrays ``[X; X_new]`` and ``[y; y_new]`` (allocated once, ``X`` copied in), so the
    sampler writes its synthetic rows straight into the output; otherwise (DataFrame
    output) they are fresh arrays.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The validated data.
    y : ndarray of shape (n_samples,)
        The validated labels.
    n_new : int
        Number of synthetic rows (an upper bound is fine: see :meth:`result`).
    dtype : dtype, default=None
        dtype of the synthetic rows; ``X.dtype`` when None. The output has numpy's
        promoted dtype of ``X`` and the synthetic rows (as a concatenation would).
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, n_new: int, dtype=None):
        n, d = X.shape
        dtype = X.dtype if dtype is None else np.dtype(dtype)
        self.n_samples = n
        self.y_all = np.empty(n + n_new, dtype=y.dtype)
        self.y_all[:n] = y
        self.y_new = self.y_all[n:]
        if _STACK_X.get() and isinstance(X, np.ndarray):
            self.X_all = np.empty((n + n_new, d), dtype=np.result_type(X.dtype, dtype))
            self.X_all[:n] = X
            self.X_new = self.X_all[n:]
        else:
            self.X_all = None
            self.X_new = np.empty((n_new, d), dtype=dtype)

    def result(self, n_written: int | None = None, weight_new=None) -> Resampled:
        """The :class:`Resampled` of the first ``n_written`` synthetic rows (default all)."""
        n_new = self.X_new.shape[0] if n_written is None else int(n_written)
        end = self.n_samples + n_new
        return Resampled(
            rows=np.arange(end, dtype=np.intp),
            X_new=self.X_new[:n_new],
            y_new=self.y_new[:n_new],
            weight_new=weight_new,
            X_all=None if self.X_all is None else self.X_all[:end],
            y_all=self.y_all[:end],
            in_order=True,
        )


def fresh_index(index: pd.Index, n_new: int) -> pd.Index:
    """Return ``n_new`` index labels that do not collide with ``index``.

    Integer indexes continue after their maximum; any other index gets the labels
    ``"synthetic_<i>"`` (with more leading underscores until none collides).
    """
    if not isinstance(index, pd.MultiIndex) and pd.api.types.is_integer_dtype(index.dtype):
        start = int(index.max()) + 1 if len(index) else 0
        return pd.RangeIndex(start, start + n_new)
    prefix = "synthetic_"
    existing = set(index)
    labels = [f"{prefix}{i}" for i in range(n_new)]
    while existing.intersection(labels):
        prefix = "_" + prefix
        labels = [f"{prefix}{i}" for i in range(n_new)]
    return pd.Index(labels, dtype=object)


def check_sample_weight(sample_weight: Any, n_samples: int) -> np.ndarray:
    """Validate ``sample_weight`` for resampling: 1-D, finite, non-negative, one per row."""
    weights = np.asarray(sample_weight)
    if weights.ndim != 1:
        raise ValueError(f"sample_weight must be 1-D; got an array of shape {weights.shape}.")
    if weights.shape[0] != n_samples:
        raise ValueError(f"sample_weight has {weights.shape[0]} values but X has {n_samples} rows.")
    try:
        weights = weights.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError("sample_weight must be numeric.") from exc
    if not np.all(np.isfinite(weights)):
        raise ValueError("sample_weight contains NaN or infinity.")
    if np.any(weights < 0):
        raise ValueError("sample_weight contains negative values.")
    return weights


def densify_sparse_columns(X: pd.DataFrame) -> pd.DataFrame:
    """``X`` with its pandas ``SparseDtype`` columns converted to their dense value dtype."""
    is_sparse = [isinstance(dtype, pd.SparseDtype) for dtype in X.dtypes]
    if not any(is_sparse):
        return X
    if X.columns.is_unique:
        return X.astype(
            {col: X.dtypes.iloc[i].subtype for i, col in enumerate(X.columns) if is_sparse[i]}
        )
    columns = [
        X.iloc[:, i].sparse.to_dense() if is_sparse[i] else X.iloc[:, i] for i in range(X.shape[1])
    ]
    return pd.concat(columns, axis=1)


def _non_numeric_columns(X: pd.DataFrame) -> list:
    return [col for col, dtype in X.dtypes.items() if not pd.api.types.is_numeric_dtype(dtype)]


class SamplerMixin:
    """The imbtab sampler contract on top of an imbalanced-learn base sampler.

    Subclasses implement ``_resample(X, y, sample_weight)`` returning a
    :class:`Resampled`; ``X`` is the validated array, ``y`` the 1-D labels and
    ``sample_weight`` a float array or ``None``. ``self.sampling_strategy_`` is set
    before ``_resample`` is called.
    """

    # -- validation -------------------------------------------------------------------
    def _check_X_y(self, X, y, accept_sparse=None):
        tags = self.__sklearn_tags__()
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        if isinstance(X, pd.DataFrame) and not tags.input_tags.sparse:
            # pandas sparse columns: the sampler works on dense values; the output frame
            # is built from the caller's X, so its columns keep their SparseDtype
            X = densify_sparse_columns(X)
        if sparse.issparse(X) and not tags.input_tags.sparse:
            raise TypeError(
                f"{type(self).__name__} does not support sparse input; "
                "convert X to a dense array with X.toarray()."
            )
        if isinstance(X, pd.DataFrame) and not tags.input_tags.string:
            bad = _non_numeric_columns(X)
            if bad:
                raise TypeError(
                    f"{type(self).__name__} needs numeric features, but X has non-numeric "
                    f"columns {bad[:10]}; encode them first or use SMOTENC / SMOTEN."
                )
        if tags.input_tags.string:
            # rows are only selected or copied: keep any dtype and missing values
            X_checked = check_array(
                X,
                accept_sparse=["csr", "csc"] if tags.input_tags.sparse else False,
                dtype=None,
                ensure_all_finite=False,
            )
            if not isinstance(X, pd.DataFrame):
                X = X_checked
            X, y = validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
            _check_consistent_length(X, y)
        else:
            try:
                X, y = validate_data(
                    self,
                    X=X,
                    y=y,
                    reset=True,
                    accept_sparse=["csr", "csc"] if tags.input_tags.sparse else False,
                    dtype="numeric",
                    ensure_all_finite=not tags.input_tags.allow_nan,
                )
            except ValueError as exc:
                if "could not convert" in str(exc) or "convert string" in str(exc):
                    raise TypeError(
                        f"{type(self).__name__} needs numeric features, but X contains "
                        f"non-numeric values ({exc})."
                    ) from exc
                raise
        return X, y, binarize_y

    def _validate_input(self, X, y, sample_weight):
        check_classification_targets(y)
        X_, y_, binarize_y = self._check_X_y(X, y)
        self.sampling_strategy_ = check_sampling_strategy(
            self.sampling_strategy, y_, self._sampling_type
        )
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, y_.shape[0])
        return X_, y_, binarize_y, sample_weight

    # -- public API ---------------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, **params):
        """Check the inputs and compute ``sampling_strategy_``; use ``fit_resample``.

        Parameters
        ----------
        X : {array-like, dataframe} of shape (n_samples, n_features)
            Data.
        y : array-like of shape (n_samples,)
            Class labels.
        **params : dict
            Ignored; accepted for API compatibility.

        Returns
        -------
        self : object
            The fitted sampler.
        """
        self._validate_input(X, y, None)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_resample(self, X, y, *, sample_weight=None, **options):
        """Resample the data set.

        Parameters
        ----------
        X : {array-like, dataframe, sparse matrix} of shape (n_samples, n_features)
            Data to resample. A DataFrame gives a DataFrame back (see the module notes
            for the index rule of synthetic rows).
        y : array-like of shape (n_samples,)
            Class labels. A Series gives a Series back.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, resampled with the rows: selected rows keep their
            weight, synthetic rows get the mean weight of their class.
        **options : dict
            ``return_sample_weight=True`` also returns the resampled weights (ones when
            ``sample_weight`` is None). It is a keyword switch, not metadata: it stays out
            of the signature so metadata routing never offers it.

        Returns
        -------
        X_resampled : {ndarray, dataframe, sparse matrix} of shape (n_samples_new, n_features)
            Resampled data.
        y_resampled : {ndarray, series} of shape (n_samples_new,)
            Resampled labels.
        sample_weight_resampled : ndarray of shape (n_samples_new,)
            Only when ``return_sample_weight=True``.
        """
        return_sample_weight = options.pop("return_sample_weight", False)
        if options:
            raise TypeError(
                f"fit_resample() got unexpected keyword arguments {sorted(options)}; "
                "pass sample_weight=..., optionally with return_sample_weight=True."
            )
        X_, y_, binarize_y, weights = self._validate_input(X, y, sample_weight)
        token = _STACK_X.set(not isinstance(X, pd.DataFrame))
        try:
            result = self._resample(X_, y_, weights)
        finally:
            _STACK_X.reset(token)
        if self._sets_sample_indices(result, y_.shape[0]):
            self.sample_indices_ = result.rows
        elif (
            "sample_indices_" in vars(self)
            and not self.__sklearn_tags__().sampler_tags.sample_indices
        ):
            del self.sample_indices_  # stale from an earlier fit that selected rows
        X_res, y_res = _build_outputs(X, y, X_, y_, result)
        if binarize_y:
            y_res = label_binarize(np.asarray(y_res), classes=np.unique(y_))
        if not return_sample_weight:
            return X_res, y_res
        w = np.ones(y_.shape[0]) if weights is None else weights
        return X_res, y_res, _resample_weights(w, y_, result)

    def _fit_resample(self, X, y, **params):
        # imbalanced-learn's abstract hook, kept for code that calls it directly.
        result = self._resample(X, y, params.get("sample_weight"))
        return _stack_arrays(X, y, result)

    def _resample(self, X, y, sample_weight) -> Resampled:  # pragma: no cover - abstract
        raise NotImplementedError

    def _sets_sample_indices(self, result: Resampled, n_samples: int) -> bool:
        return result.n_new == 0 and bool(np.all(result.rows < n_samples))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        tags.input_tags.string = False
        return tags


def _check_consistent_length(X, y):
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and y have inconsistent numbers of samples: {X.shape[0]} and {y.shape[0]}."
        )


def _take(X, rows):
    if isinstance(X, pd.DataFrame):
        return X.iloc[rows]
    return X[rows]


def _stack_arrays(X, y, result: Resampled):
    """Materialise ``result`` on the validated arrays ``X`` and ``y``."""
    if result.n_new == 0:
        return _take(X, result.rows), y[result.rows]
    if result.X_all is not None:
        return result.X_all, result.y_all
    if sparse.issparse(X):
        X_all = sparse.vstack([X, sparse.csr_matrix(result.X_new)], format=X.format)
    elif isinstance(X, pd.DataFrame):
        X_all = pd.concat([X, pd.DataFrame(result.X_new, columns=X.columns)], ignore_index=True)
    else:
        # numpy promotion, as imbalanced-learn's vstack: samplers cast X_new themselves
        X_all = np.concatenate([X, np.asarray(result.X_new)])
    y_all = (
        result.y_all
        if result.y_all is not None
        else np.concatenate([y, np.asarray(result.y_new, dtype=y.dtype)])
    )
    if result.in_order or np.array_equal(result.rows, np.arange(y_all.shape[0])):
        return X_all, y_all
    return _take(X_all, result.rows), y_all[result.rows]


def _stack_labels(y, result: Resampled):
    """The resampled labels alone (see :func:`_stack_arrays`)."""
    if result.y_all is not None:
        return result.y_all
    if result.n_new == 0:
        return y[result.rows]
    y_all = np.concatenate([y, np.asarray(result.y_new, dtype=y.dtype)])
    return y_all if result.in_order else y_all[result.rows]


def _pandas_rows(original, new_values, result: Resampled, index: pd.Index | None):
    """Rows of a pandas object: selected originals keep their label, synthetic rows get ``index``."""
    if result.n_new == 0:
        return original.iloc[result.rows]
    if isinstance(original, pd.DataFrame):
        new_values = np.asarray(new_values).reshape(result.n_new, -1)
        new = pd.DataFrame(new_values, columns=original.columns, index=index)
        new = new.astype(original.dtypes.to_dict())
    else:
        new = pd.Series(new_values, name=original.name, index=index).astype(original.dtype)
    stacked = pd.concat([original, new])
    if result.in_order or np.array_equal(result.rows, np.arange(original.shape[0] + result.n_new)):
        return stacked
    return stacked.iloc[result.rows]


def _build_outputs(X, y, X_, y_, result: Resampled):
    """Outputs in the caller's types: pandas stays pandas, lists stay lists."""
    x_pandas = isinstance(X, pd.DataFrame)
    y_pandas = isinstance(y, pd.DataFrame | pd.Series)
    X_res = y_res = None
    if x_pandas or y_pandas:
        reference = X.index if x_pandas else y.index
        new_index = fresh_index(reference, result.n_new) if result.n_new else None
        if x_pandas:
            X_res = _pandas_rows(X, result.X_new, result, new_index)
        if y_pandas:
            y_res = _pandas_rows(y, result.y_new, result, new_index)
            if x_pandas:
                y_res.index = X_res.index
    if X_res is None:
        X_res, y_arr = _stack_arrays(X_, y_, result)
        y_res = y_arr if y_res is None else y_res
    elif y_res is None:  # DataFrame X, array y: only the labels to stack
        y_res = _stack_labels(y_, result)
    if isinstance(X, list):
        X_res = X_res.tolist()
    if isinstance(y, list):
        y_res = y_res.tolist()
    return X_res, y_res


def _resample_weights(weights: np.ndarray, y: np.ndarray, result: Resampled) -> np.ndarray:
    if result.n_new == 0:
        return weights[result.rows]
    if result.weight_new is not None:
        new = np.asarray(result.weight_new, dtype=np.float64)
    else:
        new = np.empty(result.n_new)
        for label in np.unique(result.y_new):
            new[result.y_new == label] = weights[y == label].mean()
    stacked = np.concatenate([weights, new])
    return stacked if result.in_order else stacked[result.rows]


class BaseOverSampler(SamplerMixin, _ImblearnBaseOverSampler):
    """Base class of imbtab over-samplers (see the module docstring for the contract)."""


class BaseUnderSampler(SamplerMixin, _ImblearnBaseUnderSampler):
    """Base class of imbtab under-samplers (see the module docstring for the contract)."""


class BaseCleaningSampler(SamplerMixin, _ImblearnBaseCleaningSampler):
    """Base class of imbtab cleaning samplers (see the module docstring for the contract)."""
