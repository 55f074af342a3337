"""SMOTE for categorical data: SMOTE-NC (mixed) and SMOTE-N (nominal only).

Both work on integer level codes instead of one-hot matrices: SMOTE-NC's distance
counts mismatching codes, and the majority vote of the neighbours' levels is computed
per new sample directly from their codes (imbalanced-learn builds an
``(n_new, k, n_one_hot)`` dense array for it, over 100 GiB on high-cardinality data).
"""

from __future__ import annotations

import math
from numbers import Integral

import numpy as np
import pandas as pd
from imblearn.utils import Substitution
from scipy import sparse
from sklearn.base import clone
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.sparsefuncs import mean_variance_axis

from imbtab.base import BaseOverSampler, Resampled
from imbtab.over_sampling._smote._kernels import (
    count_modes,
    minority_mode,
    mixed_knn,
    pick_modes,
    vdm_knn,
)
from imbtab.over_sampling._smote.base import K_NEIGHBORS_DOC, SMOTE, draw_samples, make_samples
from imbtab.utils._docstring import RANDOM_STATE, RESAMPLE_CONTRACT

__all__ = ["SMOTENC", "SMOTEN"]


def _column(X, j):
    return X.iloc[:, j] if isinstance(X, pd.DataFrame) else X[:, j]


def _encode(X, columns, encoder):
    """Integer codes (levels in the encoder's / sorted order) and the levels per column."""
    n = X.shape[0]
    codes = np.empty((n, len(columns)), dtype=np.int64)
    if encoder is not None:
        cats = encoder.categories_
    else:
        cats = []
    for pos, j in enumerate(columns):
        values = _column(X, j)
        if isinstance(values, pd.Series):
            values = (
                values.to_numpy() if _is_plain_numeric(values) else values.to_numpy(dtype=object)
            )
        if encoder is not None:
            index = pd.Index(cats[pos])
            codes[:, pos] = index.get_indexer(values)
            continue
        fcodes, uniques = pd.factorize(values)
        uniques = np.asarray(uniques)
        try:
            order = np.argsort(uniques, kind="stable")
        except TypeError as exc:
            raise TypeError(
                f"Categorical column {j} mixes value types that cannot be sorted: {exc}"
            ) from exc
        rank = np.empty(order.size, dtype=np.int64)
        rank[order] = np.arange(order.size)
        codes[:, pos] = rank[fcodes]
        cats.append(uniques[order])
    return codes, cats


def _is_plain_numeric(series):
    return pd.api.types.is_numeric_dtype(series.dtype) and not isinstance(
        series.dtype, pd.CategoricalDtype
    )


def _decode(codes, cats):
    return [cat[codes[:, pos]] for pos, cat in enumerate(cats)]


def _check_encoder_columns(encoder, X_cat):
    n_out = encoder.transform(X_cat).shape[1]
    n_categories = sum(c.size for c in encoder.categories_)
    if n_out != n_categories:
        raise ValueError(
            "SMOTENC requires a one-hot encoding with one column per category for the "
            f"categorical features. The provided `categorical_encoder` produced {n_out} "
            f"columns for {n_categories} categories (dropped or merged infrequent "
            "categories are not supported); use OneHotEncoder(handle_unknown='ignore')."
        )


def _assemble(X, parts, n_new):
    """New rows in the layout of ``X``: ``parts`` maps column position -> values."""
    n_features = X.shape[1]
    if isinstance(X, pd.DataFrame):
        frame = pd.DataFrame({X.columns[j]: parts[j] for j in range(n_features)})
        return frame.to_numpy(dtype=object) if n_new else np.empty((0, n_features), object)
    out = np.empty((n_new, n_features), dtype=X.dtype)
    for j in range(n_features):
        out[:, j] = parts[j]
    return out


def _check_categorical_values(X, columns):
    """Reject missing values and infinities in the categorical columns."""
    for j in columns:
        values = _column(X, j)
        if np.any(pd.isna(values)):
            raise ValueError(
                f"Categorical column {j} contains missing values (NaN/None); encode them as "
                "a level of their own before resampling."
            )
        values = np.asarray(values) if not isinstance(values, pd.Series) else values
        if values.dtype.kind in "fc" and not np.all(np.isfinite(values)):
            raise ValueError(f"Categorical column {j} contains NaN or infinity.")


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    k_neighbors=K_NEIGHBORS_DOC,
    contract=RESAMPLE_CONTRACT,
)
class SMOTENC(SMOTE):
    """SMOTE for mixed continuous and categorical features (SMOTE-NC, Chawla et al., 2002).

    Continuous features are interpolated as in SMOTE; each categorical feature of a new
    row takes the most frequent level among the base row's ``k_neighbors`` neighbours
    (ties broken at random). Distances count a categorical mismatch as the median
    standard deviation of the continuous features of the class. A drop-in replacement
    for :class:`imblearn.over_sampling.SMOTENC` (same output for the same
    ``random_state`` on data without neighbour ties) whose memory does not grow with the
    number of levels: no one-hot matrix is built.

    Parameters
    ----------
    categorical_features : "auto" or array-like of int, str or bool
        The categorical columns: indices, column names (DataFrame input), a boolean mask
        of length ``n_features``, or "auto" (DataFrame input) for the columns of
        categorical, string or object dtype.

    categorical_encoder : estimator, default=None
        One-hot encoder (``fit_transform`` / ``inverse_transform`` / ``categories_``)
        whose ``categories_`` order the levels (and thus the random tie-breaks); it must
        keep one column per category. ``None`` orders the levels as
        ``OneHotEncoder(handle_unknown="ignore")`` does (sorted).

    {sampling_strategy}

    {random_state}

    {k_neighbors}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows to add per class.
    nn_k_ : estimator object
        The neighbours estimator built from ``k_neighbors``.
    categorical_encoder_ : estimator or None
        The fitted ``categorical_encoder`` (None when levels are encoded internally).
    categories_ : list of ndarray
        Levels of each categorical feature, in code order.
    categorical_features_ : ndarray of shape (n_cat_features,)
        Indices of the categorical features.
    continuous_features_ : ndarray of shape (n_cont_features,)
        Indices of the continuous features.
    median_std_ : dict
        Median standard deviation of the continuous features, per resampled class.
    n_features_ : int
        Number of features.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    SMOTEN : Only categorical features.
    SMOTE : Only continuous features.

    Notes
    -----
    {contract}

    Missing values are not supported (in continuous or categorical columns). Non-numeric
    DataFrame columns (category, string, object dtype) are always categorical: with
    ``categorical_features="auto"`` they are the categorical columns (imbalanced-learn
    only takes ``category`` columns), and with an explicit list they are added to it.

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer, "SMOTE: synthetic
       minority over-sampling technique", Journal of Artificial Intelligence Research
       16, 321-357, 2002.

    Examples
    --------
    >>> from collections import Counter
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.over_sampling import SMOTENC
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> X[:, -2:] = np.random.RandomState(0).randint(0, 4, size=(1000, 2))
    >>> X_res, y_res = SMOTENC(categorical_features=[18, 19], random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 897), (np.int64(1), 897)]
    >>> bool(np.isin(X_res[:, -2:], [0, 1, 2, 3]).all())
    True
    """

    _required_parameters = ["categorical_features"]

    _parameter_constraints: dict = {
        **SMOTE._parameter_constraints,
        "categorical_features": ["array-like", StrOptions({"auto"})],
        "categorical_encoder": [HasMethods(["fit_transform", "inverse_transform"]), None],
    }

    def __init__(
        self,
        categorical_features,
        *,
        categorical_encoder=None,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
        )
        self.categorical_features = categorical_features
        self.categorical_encoder = categorical_encoder

    def _validate_column_types(self, X):
        n = X.shape[1]
        spec = self.categorical_features
        if isinstance(spec, str) and spec == "auto":
            if not isinstance(X, pd.DataFrame):
                raise ValueError(
                    "When `categorical_features='auto'`, the input data should be a "
                    f"pandas.DataFrame. Got {type(X)} instead."
                )
            is_cat = np.array(
                [
                    isinstance(d, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(d)
                    for d in X.dtypes
                ],
                dtype=bool,
            )
            cat = np.flatnonzero(is_cat)
        else:
            spec = np.asarray(spec)
            if spec.size == 0:
                cat = np.empty(0, dtype=np.intp)
            elif spec.dtype.kind == "b":
                if spec.shape[0] != n:
                    raise ValueError(
                        f"categorical_features mask has {spec.shape[0]} entries but X has "
                        f"{n} features."
                    )
                cat = np.flatnonzero(spec)
            elif spec.dtype.kind in "iu":
                if spec.size and (spec.max() >= n or spec.min() < -n):
                    raise ValueError(
                        f"categorical_features has an index out of range for {n} features."
                    )
                cat = np.where(spec < 0, spec + n, spec).astype(np.intp)
            elif spec.dtype.kind in "UO":
                if not isinstance(X, pd.DataFrame):
                    raise ValueError(
                        "categorical_features given by name need a pandas.DataFrame X."
                    )
                cat = X.columns.get_indexer(spec)
                if np.any(cat < 0):
                    missing = list(spec[cat < 0])
                    raise ValueError(f"categorical_features names not in X: {missing}.")
            else:
                raise ValueError(
                    "categorical_features must be 'auto', indices, names or a boolean mask."
                )
        cat = np.asarray(cat, dtype=np.intp)
        if isinstance(X, pd.DataFrame):
            # non-numeric columns cannot be interpolated: always categorical
            extra = [
                j
                for j, d in enumerate(X.dtypes)
                if j not in set(cat.tolist())
                and (isinstance(d, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(d))
            ]
            cat = np.concatenate([cat, np.asarray(extra, dtype=np.intp)])
        self.categorical_features_ = cat
        self.continuous_features_ = np.setdiff1d(np.arange(n), self.categorical_features_)
        if self.categorical_features_.size == n:
            raise ValueError(
                "SMOTE-NC is not designed to work only with categorical features: X has "
                f"{n} feature(s), all categorical. It requires some numerical features "
                "(use SMOTEN)."
            )
        if self.categorical_features_.size == 0:
            raise ValueError(
                "SMOTE-NC is not designed to work only with numerical features. It "
                "requires some categorical features (use SMOTE)."
            )

    def _check_X_y(self, X, y, accept_sparse=None):
        X, y, binarize_y = super()._check_X_y(X, y, accept_sparse)
        # fit() must reject bad values too, not only fit_resample()
        self._validate_column_types(X)
        self._continuous(X)
        _check_categorical_values(X, self.categorical_features_)
        return X, y, binarize_y

    def _continuous(self, X):
        part = (
            X.iloc[:, self.continuous_features_]
            if isinstance(X, pd.DataFrame)
            else X[:, self.continuous_features_]
        )
        try:
            return check_array(part, dtype="numeric", input_name="X (continuous features)")
        except ValueError as exc:
            if "convert" in str(exc):
                raise TypeError(
                    f"SMOTENC: continuous features must be numeric ({exc}); list the "
                    "non-numeric columns in categorical_features."
                ) from exc
            raise

    def _resample(self, X, y, sample_weight):
        self.n_features_ = X.shape[1]
        self._validate_column_types(X)
        self._validate_estimator()
        X_cont = self._continuous(X)
        cat_cols = self.categorical_features_
        X_cat = X.iloc[:, cat_cols] if isinstance(X, pd.DataFrame) else X[:, cat_cols]
        if self.categorical_encoder is None:
            self.categorical_encoder_ = None
            codes, cats = _encode(X, cat_cols, None)
        else:
            self.categorical_encoder_ = clone(self.categorical_encoder)
            self.categorical_encoder_.fit(X_cat)
            _check_encoder_columns(self.categorical_encoder_, X_cat)
            codes, cats = _encode(X, cat_cols, self.categorical_encoder_)
        self.categories_ = cats
        n_levels = np.array([c.size for c in cats], dtype=np.int64)
        dtype_ohe = X_cont.dtype if X_cont.dtype.kind == "f" else np.float64
        todo = [(c, n) for c, n in self.sampling_strategy_.items() if n > 0]
        class_rows = {c: np.flatnonzero(y == c) for c, _ in todo}
        for c, _ in todo:
            self._validate_k_neighbors(class_rows[c].size, c)
        self.median_std_ = {}
        cont_parts, code_parts, y_parts = [], [], []
        for klass, n_samples in todo:
            rows_c = class_rows[klass]
            cont_c = X_cont[rows_c]
            codes_c = np.ascontiguousarray(codes[rows_c])
            _, var = mean_variance_axis(sparse.csr_matrix(cont_c), axis=0)
            median_std = np.median(np.sqrt(var))
            self.median_std_[klass] = median_std
            value = np.asarray(median_std / np.sqrt(2), dtype=dtype_ohe)[()]
            nns = self._class_neighbours(cont_c, codes_c, float(value), n_levels, dtype_ohe)
            rows, cols, steps = draw_samples(self.random_state, *nns.shape, n_samples)
            cont_parts.append(make_samples(cont_c, cont_c, nns, rows, cols, steps))
            scale = 1.0 if math.isclose(median_std, 0) else float(value)
            code_parts.append(self._vote(codes_c, nns, rows, n_levels, scale))
            y_parts.append(np.full(n_samples, klass, dtype=y.dtype))
        if not todo:
            dtype = object if isinstance(X, pd.DataFrame) else X.dtype
            return Resampled.append(X.shape[0], np.empty((0, X.shape[1]), dtype), y[:0])
        cont_new = np.concatenate(cont_parts)
        codes_new = np.concatenate(code_parts)
        n_new = cont_new.shape[0]
        parts = {}
        for pos, j in enumerate(self.continuous_features_):
            parts[j] = cont_new[:, pos]
        for j, values in zip(cat_cols, _decode(codes_new, cats), strict=True):
            parts[j] = values
        X_new = _assemble(X, parts, n_new)
        return Resampled.append(X.shape[0], X_new, np.concatenate(y_parts))

    def _class_neighbours(self, cont_c, codes_c, value, n_levels, dtype_ohe):
        """k nearest same-class rows under SMOTE-NC's distance, own row excluded."""
        if isinstance(self.k_neighbors, Integral):
            k = self.nn_k_.n_neighbors - 1
            out = np.empty((cont_c.shape[0], k), dtype=np.int64)
            cont64 = np.ascontiguousarray(cont_c, dtype=np.float64)
            mixed_knn(cont64, codes_c, 2.0 * value * value, k, out)
            return out
        # a user neighbours object sees imbalanced-learn's encoded matrix
        offsets = np.concatenate([[0], np.cumsum(n_levels)[:-1]])
        n_c = codes_c.shape[0]
        ohe = sparse.csr_matrix(
            (
                np.full(codes_c.size, value, dtype=dtype_ohe),
                (np.repeat(np.arange(n_c), codes_c.shape[1]), (codes_c + offsets).ravel()),
            ),
            shape=(n_c, int(n_levels.sum())),
        )
        encoded = sparse.hstack((sparse.csr_matrix(cont_c), ohe), format="csr", dtype=dtype_ohe)
        self.nn_k_.fit(encoded)
        return self.nn_k_.kneighbors(encoded, return_distance=False)[:, 1:]

    def _vote(self, codes_c, nns, rows, n_levels, scale):
        """Most frequent level among the neighbours, ties broken as imbalanced-learn."""
        n = rows.shape[0]
        n_cat = codes_c.shape[1]
        nns = np.ascontiguousarray(nns, dtype=np.int64)
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        counts = np.empty((n_cat, n), dtype=np.int64)
        count_modes(codes_c, nns, rows, n_levels, scale, counts)
        totals = counts.sum(axis=1)
        col_base = np.concatenate([[0], np.cumsum(totals)[:-1]])
        offsets = np.zeros((n_cat, n), dtype=np.int64)
        np.cumsum(counts[:, :-1], axis=1, out=offsets[:, 1:])
        offsets += col_base[:, None]
        # imbalanced-learn permutes the tied (sample, level) pairs of each column with a
        # generator re-created from random_state; the first pair of a sample wins
        rng = check_random_state(self.random_state)
        inv = np.empty(int(totals.sum()), dtype=np.int64)
        for c in range(n_cat):
            perm = rng.permutation(int(totals[c]))
            inv[col_base[c] + perm] = np.arange(perm.size)
        out = np.empty((n, n_cat), dtype=np.int64)
        pick_modes(codes_c, nns, rows, n_levels, scale, offsets, inv, out)
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    k_neighbors=K_NEIGHBORS_DOC,
    contract=RESAMPLE_CONTRACT,
)
class SMOTEN(SMOTE):
    """SMOTE for nominal features only (SMOTE-N, Chawla et al., 2002).

    Neighbours are found with the Value Difference Metric; each new row takes, feature
    by feature, the most frequent level among a random row of the class and its
    ``k_neighbors`` nearest neighbours (the smallest level on ties). A drop-in
    replacement for :class:`imblearn.over_sampling.SMOTEN` (same output for the same
    ``random_state`` on data without distance ties), without the ``n_class x n_class``
    distance matrix.

    Parameters
    ----------
    categorical_encoder : estimator, default=None
        Ordinal encoder (``fit_transform``, ``inverse_transform``, ``categories_``);
        ``None`` orders the levels as ``OrdinalEncoder`` does (sorted).

    {sampling_strategy}

    {random_state}

    {k_neighbors}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows to add per class.
    nn_k_ : estimator object
        The neighbours estimator built from ``k_neighbors``.
    categorical_encoder_ : estimator or None
        The fitted ``categorical_encoder`` (None when levels are encoded internally).
    categories_ : list of ndarray
        Levels of each feature, in code order.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    SMOTENC : Mixed continuous and categorical features.

    Notes
    -----
    {contract}

    Missing values are not supported; sparse input is not supported.

    References
    ----------
    .. [1] N. V. Chawla, K. W. Bowyer, L. O. Hall, W. P. Kegelmeyer, "SMOTE: synthetic
       minority over-sampling technique", Journal of Artificial Intelligence Research
       16, 321-357, 2002.

    Examples
    --------
    >>> from collections import Counter
    >>> import numpy as np
    >>> from imbtab.over_sampling import SMOTEN
    >>> X = np.array(["A"] * 10 + ["B"] * 20 + ["C"] * 30, dtype=object).reshape(-1, 1)
    >>> y = np.array([0] * 20 + [1] * 40)
    >>> X_res, y_res = SMOTEN(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 40), (np.int64(1), 40)]
    """

    _parameter_constraints: dict = {
        **SMOTE._parameter_constraints,
        "categorical_encoder": [HasMethods(["fit_transform", "inverse_transform"]), None],
    }

    def __init__(
        self,
        categorical_encoder=None,
        *,
        sampling_strategy="auto",
        random_state=None,
        k_neighbors=5,
    ):
        super().__init__(
            sampling_strategy=sampling_strategy,
            random_state=random_state,
            k_neighbors=k_neighbors,
        )
        self.categorical_encoder = categorical_encoder

    def _check_X_y(self, X, y, accept_sparse=None):
        X, y, binarize_y = super()._check_X_y(X, y, accept_sparse)
        _check_categorical_values(X, range(X.shape[1]))
        return X, y, binarize_y

    def _resample(self, X, y, sample_weight):
        self._validate_estimator()
        columns = np.arange(X.shape[1])
        if self.categorical_encoder is None:
            self.categorical_encoder_ = None
            codes, cats = _encode(X, columns, None)
        else:
            self.categorical_encoder_ = clone(self.categorical_encoder)
            self.categorical_encoder_.fit(X)
            codes, cats = _encode(X, columns, self.categorical_encoder_)
        self.categories_ = cats
        proba = self._vdm_proba(codes, y, cats)
        todo = [(c, n) for c, n in self.sampling_strategy_.items() if n > 0]
        class_rows = {c: np.flatnonzero(y == c) for c, _ in todo}
        for c, _ in todo:
            self._validate_k_neighbors(class_rows[c].size, c)
        code_parts, y_parts = [], []
        for klass, n_samples in todo:
            codes_c = np.ascontiguousarray(codes[class_rows[klass]])
            nn_indices = self._class_neighbours(codes_c, proba)
            rng = check_random_state(self.random_state)
            picked = rng.choice(np.arange(codes_c.shape[0]), size=n_samples, replace=True)
            code_parts.append(self._vote(codes_c, nn_indices[picked]))
            y_parts.append(np.full(n_samples, klass, dtype=y.dtype))
        if not todo:
            return Resampled.append(X.shape[0], np.empty((0, X.shape[1]), object), y[:0])
        values = _decode(np.concatenate(code_parts), cats)
        X_new = _assemble(X, dict(enumerate(values)), values[0].shape[0])
        return Resampled.append(X.shape[0], X_new, np.concatenate(y_parts))

    @staticmethod
    def _vdm_proba(codes, y, cats):
        """P(class | level) per feature, padded to (n_features, max_levels, n_classes)."""
        classes = np.unique(y)
        y_idx = np.searchsorted(classes, y)
        n_feat = codes.shape[1]
        max_levels = max(c.size for c in cats)
        proba = np.zeros((n_feat, max_levels, classes.size))
        for f in range(n_feat):
            counts = np.empty((cats[f].size, classes.size), dtype=np.float64)
            for c in range(classes.size):
                counts[:, c] = np.bincount(codes[y_idx == c, f], minlength=cats[f].size)
            with np.errstate(invalid="ignore"):
                counts /= counts.sum(axis=1).reshape(-1, 1)
            np.nan_to_num(counts, copy=False)
            proba[f, : cats[f].size] = counts
        return proba

    def _class_neighbours(self, codes_c, proba):
        """The row itself and its k nearest same-class rows under the VDM."""
        if isinstance(self.k_neighbors, Integral):
            k = self.nn_k_.n_neighbors
            out = np.empty((codes_c.shape[0], k), dtype=np.int64)
            vdm_knn(codes_c, proba, k, out)
            return out
        n_c, n_feat = codes_c.shape
        dist = np.zeros((n_c, n_c))
        for f in range(n_feat):
            p = proba[f][codes_c[:, f]]
            dist += np.abs(p[:, None, :] - p[None, :, :]).sum(axis=-1) ** 2
        self.nn_k_.set_params(metric="precomputed")
        self.nn_k_.fit(dist)
        return self.nn_k_.kneighbors(dist, return_distance=False)

    @staticmethod
    def _vote(codes_c, neighbour_rows):
        n, k = neighbour_rows.shape
        out = np.empty((n, codes_c.shape[1]), dtype=np.int64)
        for f in range(codes_c.shape[1]):
            col = np.empty(n, dtype=np.int64)
            minority_mode(np.ascontiguousarray(codes_c[:, f][neighbour_rows]), col)
            out[:, f] = col
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        return tags
