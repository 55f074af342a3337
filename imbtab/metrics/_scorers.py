"""Scorers for imbalanced classification, usable by name in model selection."""

from __future__ import annotations

from collections.abc import Callable

from imblearn.metrics import geometric_mean_score, sensitivity_score, specificity_score
from sklearn.metrics import fbeta_score, make_scorer, matthews_corrcoef
from sklearn.metrics import get_scorer as _sklearn_get_scorer

from imbtab.metrics._classification import index_balanced_accuracy

__all__ = ["IMBALANCE_SCORERS", "get_scorer", "get_scorer_names"]


def _build_scorers() -> dict[str, Callable]:
    scorers = {
        "gmean": make_scorer(geometric_mean_score),
        "balanced_accuracy": _sklearn_get_scorer("balanced_accuracy"),
        "mcc": make_scorer(matthews_corrcoef),
        "f1": _sklearn_get_scorer("f1"),
        "f2": make_scorer(fbeta_score, beta=2),
        "average_precision": _sklearn_get_scorer("average_precision"),
        "roc_auc": _sklearn_get_scorer("roc_auc"),
        "brier": _sklearn_get_scorer("neg_brier_score"),
        "sensitivity": make_scorer(sensitivity_score),
        "specificity": make_scorer(specificity_score),
        "iba": make_scorer(index_balanced_accuracy),
    }
    return scorers


#: Scorers by name, for ``scoring=`` in ``GridSearchCV`` and ``cross_validate``.
#:
#: ``gmean``, ``balanced_accuracy``, ``mcc``, ``f1``, ``f2`` (recall-weighted
#: F-beta, beta=2), ``sensitivity``, ``specificity`` and ``iba`` score predicted
#: labels; ``average_precision`` and ``roc_auc`` score continuous outputs;
#: ``brier`` is scikit-learn's ``neg_brier_score`` (the negated Brier loss, so
#: greater is better, like every other scorer here). Binary metrics use
#: ``pos_label=1``.
IMBALANCE_SCORERS: dict[str, Callable] = _build_scorers()


def get_scorer(scoring: str | Callable) -> Callable:
    """Return a scorer from an imbtab or scikit-learn scorer name.

    Names in :data:`IMBALANCE_SCORERS` take precedence; any other string goes
    to :func:`sklearn.metrics.get_scorer`. Callables are returned unchanged.

    Parameters
    ----------
    scoring : str or callable
        Scorer name (``"gmean"``, ``"f2"``, ``"neg_log_loss"``...) or a scorer.

    Returns
    -------
    callable
        A scorer ``scorer(estimator, X, y)``.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from imbtab.metrics import get_scorer
    >>> X, y = [[0], [1], [2], [3]], [0, 0, 1, 1]
    >>> clf = LogisticRegression().fit(X, y)
    >>> float(get_scorer("gmean")(clf, X, y))
    1.0
    >>> float(get_scorer("accuracy")(clf, X, y))
    1.0
    """
    if callable(scoring):
        return scoring
    if scoring in IMBALANCE_SCORERS:
        return IMBALANCE_SCORERS[scoring]
    try:
        return _sklearn_get_scorer(scoring)
    except ValueError as exc:
        raise ValueError(
            f"{scoring!r} is not a known scorer; imbtab names are "
            f"{sorted(IMBALANCE_SCORERS)}, other names go to sklearn.metrics.get_scorer."
        ) from exc


def get_scorer_names() -> list[str]:
    """Return the names :func:`get_scorer` accepts (imbtab's and scikit-learn's).

    Returns
    -------
    list of str
        Sorted scorer names.

    Examples
    --------
    >>> from imbtab.metrics import get_scorer_names
    >>> "gmean" in get_scorer_names() and "accuracy" in get_scorer_names()
    True
    """
    from sklearn.metrics import get_scorer_names as sk_names

    return sorted(set(IMBALANCE_SCORERS) | set(sk_names()))
