"""Discover every public imbtab estimator."""

from __future__ import annotations

import importlib
import inspect

from sklearn.base import BaseEstimator

# Sub-packages whose ``__all__`` lists public estimators.
PUBLIC_PACKAGES = (
    "imbtab.neighbors",
    "imbtab.over_sampling",
    "imbtab.under_sampling",
    "imbtab.combine",
    "imbtab.ensemble",
    "imbtab.decision",
    "imbtab.objectives",
)

_KINDS = ("sampler", "classifier", "transformer", "other")


def _kind(cls: type) -> str:
    if hasattr(cls, "fit_resample"):
        return "sampler"
    if hasattr(cls, "predict") and hasattr(cls, "classes_") or "Classifier" in cls.__name__:
        return "classifier"
    if hasattr(cls, "transform"):
        return "transformer"
    return "other"


def all_estimators(type_filter: str | None = None) -> list[tuple[str, type]]:
    """List the public estimators of imbtab, sorted by name.

    Parameters
    ----------
    type_filter : {"sampler", "classifier", "transformer", "other"}, default=None
        Keep only estimators of this kind.

    Returns
    -------
    estimators : list of (name, class)
        Every class in the ``__all__`` of imbtab's estimator sub-packages that
        derives from :class:`sklearn.base.BaseEstimator`.

    Examples
    --------
    >>> from imbtab.utils import all_estimators
    >>> names = [name for name, _ in all_estimators("sampler")]
    >>> "RandomUnderSampler" in names
    True
    """
    if type_filter is not None and type_filter not in _KINDS:
        raise ValueError(f"type_filter must be one of {_KINDS} or None; got {type_filter!r}.")
    found: dict[str, type] = {}
    for package in PUBLIC_PACKAGES:
        module = importlib.import_module(package)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and not inspect.isabstract(obj)
            ):
                found[name] = obj
    items = sorted(found.items())
    if type_filter is not None:
        items = [(name, cls) for name, cls in items if _kind(cls) == type_filter]
    return items
