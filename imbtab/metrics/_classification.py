"""Index balanced accuracy, built on imbalanced-learn."""

from __future__ import annotations

import numpy as np
from imblearn.metrics import geometric_mean_score, make_index_balanced_accuracy
from numpy.typing import ArrayLike

__all__ = ["index_balanced_accuracy"]


def index_balanced_accuracy(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    alpha: float = 0.1,
    squared: bool = True,
    pos_label: int | str = 1,
    average: str | None = "binary",
    sample_weight: ArrayLike | None = None,
) -> float | np.ndarray:
    """Index balanced accuracy (IBA) of García, Mollineda and Sánchez (2009).

    ``IBA_alpha = (1 + alpha * dominance) * G**2`` where ``G`` is the geometric
    mean of sensitivity and specificity (``G`` itself when ``squared=False``)
    and ``dominance = sensitivity - specificity``. Computed with
    imbalanced-learn's ``make_index_balanced_accuracy`` applied to
    ``geometric_mean_score``.

    With the default ``average="binary"``, sensitivity and specificity are those
    of ``pos_label``, as in the paper. Other ``average`` values (``"macro"``,
    ``"weighted"``, ``None``...) follow imbalanced-learn; note that for binary
    data a macro average makes the dominance term zero.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Ground-truth labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    alpha : float, default=0.1
        Weight of the dominance term.
    squared : bool, default=True
        Whether to square the G-mean before weighting it.
    pos_label : int or str, default=1
        The positive class when ``average="binary"``.
    average : str or None, default="binary"
        Averaging, as in :func:`geometric_mean_score`.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

    Returns
    -------
    float or ndarray
        The index balanced accuracy (an array when ``average=None``).

    Examples
    --------
    >>> from imbtab.metrics import index_balanced_accuracy
    >>> y_true = [0, 0, 0, 0, 1, 1]
    >>> y_pred = [0, 0, 0, 1, 1, 0]
    >>> round(index_balanced_accuracy(y_true, y_pred), 6)  # (1 + 0.1 * (0.5 - 0.75)) * 0.5 * 0.75
    0.365625
    """
    iba = make_index_balanced_accuracy(alpha=alpha, squared=squared)(geometric_mean_score)
    score = iba(y_true, y_pred, pos_label=pos_label, average=average, sample_weight=sample_weight)
    return float(score) if np.ndim(score) == 0 else np.asarray(score)
