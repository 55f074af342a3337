"""The :class:`Dataset` record returned by the loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Dataset"]


@dataclass(eq=False)
class Dataset:
    """One binary imbalanced dataset: features, 0/1 label and provenance.

    Parameters
    ----------
    name : str
        Dataset name (the manifest's ``name``, else the file stem).
    X : pandas.DataFrame
        Features. Numeric columns are ``int64``/``float64`` (``float64`` when
        they hold missing values); text columns are ``category``. Missing
        values are ``NaN``.
    y : numpy.ndarray of shape (n_samples,)
        Label, ``1`` for the positive (minority) class and ``0`` otherwise.
    positive : str
        The positive label, as cleaned text (byte-literal quotes and
        surrounding spaces removed, e.g. ``"true"`` for ``b'true'``).
    source : pathlib.Path or None
        The file the dataset was read from.
    target : str
        Name of the label column in the file.
    meta : dict
        Extra manifest columns (e.g. ``source`` of the data).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from imbtab.datasets import Dataset
    >>> ds = Dataset("toy", pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0]}), np.array([0, 0, 0, 1]), "1")
    >>> ds.n_samples, ds.n_features, ds.n_positive, ds.imbalance_ratio
    (4, 1, 1, 3.0)
    """

    name: str
    X: pd.DataFrame
    y: np.ndarray
    positive: str
    source: Path | None = None
    target: str = "target"
    meta: dict = field(default_factory=dict)

    @property
    def n_samples(self) -> int:
        """Number of rows."""
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """Number of feature columns (label excluded)."""
        return int(self.X.shape[1])

    @property
    def n_positive(self) -> int:
        """Number of positive (minority) rows."""
        return int(np.sum(self.y))

    @property
    def imbalance_ratio(self) -> float:
        """Negatives per positive."""
        n_pos = self.n_positive
        return float((self.n_samples - n_pos) / n_pos) if n_pos else float("inf")

    @property
    def categorical_columns(self) -> list[str]:
        """Names of the categorical (non-numeric) feature columns."""
        return [c for c in self.X.columns if not pd.api.types.is_numeric_dtype(self.X[c])]

    @property
    def n_missing(self) -> int:
        """Number of missing feature cells."""
        return int(self.X.isna().to_numpy().sum())

    def describe(self) -> dict:
        """Return a summary row (size, features, imbalance, categorical and missing counts).

        Returns
        -------
        dict
            Keys ``name, n_samples, n_features, n_positive, positive_rate,
            imbalance_ratio, n_categorical, n_missing``.
        """
        return {
            "name": self.name,
            "n_samples": self.n_samples,
            "n_features": self.n_features,
            "n_positive": self.n_positive,
            "positive_rate": self.n_positive / self.n_samples if self.n_samples else 0.0,
            "imbalance_ratio": self.imbalance_ratio,
            "n_categorical": len(self.categorical_columns),
            "n_missing": self.n_missing,
        }

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, n_samples={self.n_samples}, "
            f"n_features={self.n_features}, n_positive={self.n_positive}, "
            f"positive={self.positive!r})"
        )
