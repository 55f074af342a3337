"""Method registry: ``method+learner`` names resolved lazily to imbtab classes.

A method is available only if the imbtab class it needs can be imported when
the registry is read, so methods appear as soon as their sub-package defines
them. imbalanced-learn classes are never substituted under imbtab names.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sklearn.base import BaseEstimator, clone

__all__ = [
    "LEARNERS",
    "METHODS",
    "MethodSpec",
    "NotApplicable",
    "available_methods",
    "build_estimator",
    "import_object",
]


class NotApplicable(Exception):
    """Raised by a builder when a method does not apply to a dataset (e.g. SMOTENC without
    categorical features); the cell is recorded with status ``"n/a"``."""


def import_object(path: str) -> Any:
    """Import ``"package.module.Name"`` or ``"package.module:Name"``."""
    if ":" in path:
        module, _, attr = path.partition(":")
    else:
        module, _, attr = path.rpartition(".")
    if not module:
        raise ValueError(f"{path!r} is not a dotted path to a class")
    obj = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def _has(path: str) -> bool:
    module, _, attr = path.rpartition(".")
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return False
    obj = getattr(mod, attr, None)
    names = getattr(mod, "__all__", None)
    # only imbtab's own classes count: never an imbalanced-learn class re-exported under the name
    return (
        inspect.isclass(obj)
        and obj.__module__.startswith("imbtab.")
        and (names is None or attr in names)
    )


# ---------------------------------------------------------------- learners
def _lgbm(seed: int) -> BaseEstimator:
    from lightgbm import LGBMClassifier

    return LGBMClassifier(n_estimators=100, n_jobs=1, verbose=-1, random_state=seed)


def _logreg(seed: int) -> BaseEstimator:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=1000, random_state=seed)


def _tree(seed: int) -> BaseEstimator:
    from sklearn.tree import DecisionTreeClassifier

    return DecisionTreeClassifier(random_state=seed)


#: Base learners: name -> (factory(seed), default preprocessing).
LEARNERS: dict[str, tuple[Callable[[int], BaseEstimator], str]] = {
    "lgbm": (_lgbm, "onehot"),
    "logreg": (_logreg, "scale"),
    "tree": (_tree, "onehot"),
}


@dataclass(frozen=True)
class _Method:
    requires: tuple[str, ...]
    kind: str  # "plain" | "class_weight" | "sampler" | "wrapper" | "standalone"
    target: str | None = None
    params: dict = field(default_factory=dict)
    learners: tuple[str, ...] = tuple(LEARNERS)
    description: str = ""


_O, _U, _C = "imbtab.over_sampling.", "imbtab.under_sampling.", "imbtab.combine."
_E, _D, _J = "imbtab.ensemble.", "imbtab.decision.", "imbtab.objectives."

_METHOD_TABLE: dict[str, _Method] = {
    "baseline": _Method((), "plain", description="the learner alone"),
    "class_weight": _Method((), "class_weight", description="class_weight='balanced'"),
    "threshold": _Method(
        (_D + "ThresholdTuner",), "wrapper", _D + "ThresholdTuner", description="tuned threshold"
    ),
    "prior": _Method(
        (_D + "ThresholdTuner",),
        "wrapper",
        _D + "ThresholdTuner",
        {"strategy": "prior"},
        description="threshold at the training prior",
    ),
    "ros": _Method((_O + "RandomOverSampler",), "sampler", _O + "RandomOverSampler"),
    "smote": _Method((_O + "SMOTE",), "sampler", _O + "SMOTE"),
    "borderline": _Method((_O + "BorderlineSMOTE",), "sampler", _O + "BorderlineSMOTE"),
    "adasyn": _Method((_O + "ADASYN",), "sampler", _O + "ADASYN"),
    "smotenc": _Method((_O + "SMOTENC",), "smotenc", _O + "SMOTENC"),
    "rus": _Method((_U + "RandomUnderSampler",), "sampler", _U + "RandomUnderSampler"),
    "tomek": _Method((_U + "TomekLinks",), "sampler", _U + "TomekLinks"),
    "enn": _Method((_U + "EditedNearestNeighbours",), "sampler", _U + "EditedNearestNeighbours"),
    "smoteenn": _Method((_C + "SMOTEENN",), "sampler", _C + "SMOTEENN"),
    "smotetomek": _Method((_C + "SMOTETomek",), "sampler", _C + "SMOTETomek"),
    "svmsmote": _Method((_O + "SVMSMOTE",), "sampler", _O + "SVMSMOTE"),
    "kmeanssmote": _Method(
        (_O + "KMeansSMOTE",),
        "sampler",
        _O + "KMeansSMOTE",
        # the default threshold ("auto": about half the cluster must be minority at high
        # imbalance) leaves no cluster on most imbalanced data and the fit raises
        params={"cluster_balance_threshold": 0.0},
        description="k-means SMOTE over every cluster with enough minority rows",
    ),
    "ncr": _Method(
        (_U + "NeighbourhoodCleaningRule",), "sampler", _U + "NeighbourhoodCleaningRule"
    ),
    "oss": _Method((_U + "OneSidedSelection",), "sampler", _U + "OneSidedSelection"),
    "allknn": _Method((_U + "AllKNN",), "sampler", _U + "AllKNN"),
    "nearmiss": _Method((_U + "NearMiss",), "sampler", _U + "NearMiss"),
    "cwtune": _Method(
        (_D + "ClassWeightTuner",),
        "wrapper",
        _D + "ClassWeightTuner",
        description="tuned class weight",
    ),
    "spe": _Method(
        (_E + "SelfPacedEnsembleClassifier",),
        "wrapper",
        _E + "SelfPacedEnsembleClassifier",
        # 10 boosted members: the configuration measured in benchmarks/ensembles_quality.py
        # (the class default of 50 made spe+lgbm 80 % of an rt30 run's CPU time)
        params={"n_estimators": 10},
        description="self-paced ensemble, 10 members",
    ),
    "cascade": _Method(
        (_E + "BalanceCascadeClassifier",), "wrapper", _E + "BalanceCascadeClassifier"
    ),
    "easy": _Method((_E + "EasyEnsembleClassifier",), "wrapper", _E + "EasyEnsembleClassifier"),
    "rusboost": _Method((_E + "RUSBoostClassifier",), "wrapper", _E + "RUSBoostClassifier"),
    "smoteboost": _Method((_E + "SMOTEBoostClassifier",), "wrapper", _E + "SMOTEBoostClassifier"),
    "underbag": _Method((_E + "UnderBaggingClassifier",), "wrapper", _E + "UnderBaggingClassifier"),
    "overbag": _Method((_E + "OverBaggingClassifier",), "wrapper", _E + "OverBaggingClassifier"),
    "smotebag": _Method((_E + "SMOTEBaggingClassifier",), "wrapper", _E + "SMOTEBaggingClassifier"),
    "brf": _Method(
        (_E + "BalancedRandomForestClassifier",),
        "standalone",
        _E + "BalancedRandomForestClassifier",
        learners=("tree",),
    ),
    "focal": _Method(
        (_J + "FocalLGBMClassifier",), "standalone", _J + "FocalLGBMClassifier", learners=("lgbm",)
    ),
    "logitadj": _Method(
        (_J + "LogitAdjustedLGBMClassifier",),
        "standalone",
        _J + "LogitAdjustedLGBMClassifier",
        learners=("lgbm",),
    ),
}


@dataclass(frozen=True)
class MethodSpec:
    """A runnable method: a picklable recipe the workers turn into an estimator.

    Parameters
    ----------
    name : str
        ``method+learner`` for registry methods, any name for config methods.
    method : str or None
        Registry method name (``"smote"``...), ``None`` for a config pipeline.
    learner : str or None
        Base learner name (``"lgbm"``, ``"logreg"``, ``"tree"``).
    params : dict
        ``set_params`` overrides applied to the built estimator.
    pipeline : tuple
        For config methods: the steps, each a dict with a ``class`` key.
    preprocess : str
        ``"onehot"``, ``"scale"`` or ``"native"`` (see :mod:`imbtab.bench`).
    """

    name: str
    method: str | None = None
    learner: str | None = None
    params: dict = field(default_factory=dict)
    pipeline: tuple = ()
    preprocess: str = "onehot"

    def describe(self) -> dict:
        """A JSON-able description (stored with the results)."""
        return {
            "name": self.name,
            "method": self.method,
            "learner": self.learner,
            "params": dict(self.params),
            "pipeline": list(self.pipeline),
            "preprocess": self.preprocess,
        }


def _estimator_param(cls: type) -> str:
    sig = inspect.signature(cls.__init__)
    for name in ("estimator", "base_estimator", "classifier"):
        if name in sig.parameters:
            return name
    raise TypeError(f"{cls.__name__} takes no estimator parameter")


def _build_registry_method(spec: MethodSpec, seed: int, context: dict) -> BaseEstimator:
    from imbtab.pipeline import Pipeline

    entry = _METHOD_TABLE[spec.method]
    learner = LEARNERS[spec.learner][0](seed)
    if entry.kind == "plain":
        return learner
    if entry.kind == "class_weight":
        return learner.set_params(class_weight="balanced")
    cls = import_object(entry.target)
    if entry.kind == "sampler":
        return Pipeline([(spec.method, cls(**entry.params)), ("clf", learner)])
    if entry.kind == "wrapper":
        return cls(**{_estimator_param(cls): learner}, **entry.params)
    if entry.kind == "standalone":
        return cls(**entry.params)
    if entry.kind == "smotenc":
        from sklearn.compose import ColumnTransformer
        from sklearn.preprocessing import OneHotEncoder

        cats = list(context.get("categorical_indices", []))
        if not cats:
            raise NotApplicable("SMOTENC needs categorical features; this dataset has none")
        onehot = ColumnTransformer(
            [("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False), cats)],
            remainder="passthrough",
        )
        steps = [("smotenc", cls(categorical_features=cats)), ("onehot", onehot)]
        if LEARNERS[spec.learner][1] == "scale":
            from sklearn.preprocessing import StandardScaler

            steps.append(("scale", StandardScaler()))
        return Pipeline([*steps, ("clf", learner)])
    raise ValueError(f"unknown method kind {entry.kind!r}")


def _build_step(step: Any, seed: int) -> Any:
    if isinstance(step, dict) and "class" in step:
        kwargs = {k: _build_step(v, seed) for k, v in step.items() if k != "class"}
        return import_object(step["class"])(**kwargs)
    if isinstance(step, list):
        return [_build_step(s, seed) for s in step]
    return step


def build_estimator(spec: MethodSpec, seed: int, context: dict | None = None) -> BaseEstimator:
    """Build a fresh estimator for ``spec``; every ``random_state`` is set to ``seed`` and
    every ``n_jobs`` to 1 (the harness parallelises over cells).

    Parameters
    ----------
    spec : MethodSpec
        The method.
    seed : int
        Seed for all ``random_state`` parameters.
    context : dict, default=None
        Facts about the preprocessed data (``categorical_indices``).

    Returns
    -------
    estimator
        An unfitted estimator.
    """
    context = context or {}
    if spec.method is not None:
        est = _build_registry_method(spec, seed, context)
    else:
        from imbtab.pipeline import make_pipeline

        steps = [_build_step(s, seed) for s in spec.pipeline]
        est = steps[0] if len(steps) == 1 else make_pipeline(*steps)
    if spec.params:
        est.set_params(**spec.params)
    overrides = {}
    for key, value in est.get_params(deep=True).items():
        last = key.rsplit("__", 1)[-1]
        if last == "random_state":
            overrides[key] = seed
        elif last == "n_jobs" and value != 1:
            # None is 1 for scikit-learn but "all cores" for LightGBM
            overrides[key] = 1
    if overrides:
        est.set_params(**overrides)
    return clone(est)


def available_methods() -> dict[str, MethodSpec]:
    """Return the registry methods whose imbtab classes exist now, by ``method+learner`` name.

    Returns
    -------
    dict of str to MethodSpec
        Available methods.

    Examples
    --------
    >>> from imbtab.bench import available_methods
    >>> "baseline+lgbm" in available_methods()
    True
    """
    out: dict[str, MethodSpec] = {}
    for method, entry in _METHOD_TABLE.items():
        if not all(_has(path) for path in entry.requires):
            continue
        for learner in entry.learners:
            preprocess = "ordinal" if entry.kind == "smotenc" else LEARNERS[learner][1]
            name = f"{method}+{learner}"
            out[name] = MethodSpec(name, method=method, learner=learner, preprocess=preprocess)
    return out


def all_method_names() -> list[str]:
    """Every ``method+learner`` name the registry knows, available or not."""
    return [f"{m}+{lrn}" for m, e in _METHOD_TABLE.items() for lrn in e.learners]


def method_description(method: str) -> str:
    """One-line description of a registry method."""
    entry = _METHOD_TABLE[method]
    if entry.description:
        return entry.description
    return entry.target.rsplit(".", 1)[-1] if entry.target else method


class _Registry(Mapping):
    """Read-only mapping ``name -> MethodSpec`` re-resolved on every access."""

    def __getitem__(self, name: str) -> MethodSpec:
        methods = available_methods()
        if name not in methods:
            known = all_method_names()
            hint = "not built yet in imbtab" if name in known else "unknown"
            raise KeyError(f"method {name!r} is {hint}; available: {sorted(methods)}")
        return methods[name]

    def __iter__(self) -> Iterator[str]:
        return iter(available_methods())

    def __len__(self) -> int:
        return len(available_methods())

    def __repr__(self) -> str:
        return f"METHODS({sorted(self)})"


#: The method registry: ``"method+learner"`` -> :class:`MethodSpec`, resolved lazily.
METHODS: Mapping[str, MethodSpec] = _Registry()
