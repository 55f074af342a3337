"""TOML method configurations."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from imbtab.bench._preprocess import PREPROCESSING
from imbtab.bench._registry import METHODS, MethodSpec


def _tomllib():
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        try:
            import tomli as tomllib
        except ImportError as exc:
            raise ImportError("TOML configs on Python 3.10 need tomli: pip install tomli") from exc
    return tomllib


__all__ = ["load_config"]


def _config_error(path: Path, msg: str) -> ValueError:
    return ValueError(f"{path}: {msg}")


def _check_steps(path: Path, name: str, step) -> None:
    if isinstance(step, dict):
        if "class" in step and not isinstance(step["class"], str):
            raise _config_error(path, f"method {name!r}: 'class' must be a dotted path string")
        for value in step.values():
            _check_steps(path, name, value)
    elif isinstance(step, list):
        for value in step:
            _check_steps(path, name, value)


def load_config(path: str | os.PathLike) -> tuple[dict[str, MethodSpec], dict]:
    """Read a TOML file of method definitions and run options.

    The file may hold a ``[run]`` table of defaults for ``imbtab bench run`` options
    (``folds``, ``repeats``, ``seed``, ``timeout``, ``metrics``, and ``methods``, a list of
    registry names to include) and one ``[methods.NAME]`` table per method, either derived
    from a registry method::

        [methods."smote_k3+lgbm"]
        base = "smote+lgbm"
        params = { smote__k_neighbors = 3 }    # set_params on the built estimator

    or a pipeline of any classes, one ``[[methods.NAME.steps]]`` table per step (a table
    with a ``class`` key is built as an object, so estimators can be nested)::

        [methods.spe_tree]
        preprocess = "onehot"                  # onehot | scale | native | ordinal
        [[methods.spe_tree.steps]]
        class = "imbtab.ensemble.SelfPacedEnsembleClassifier"
        n_estimators = 5
        estimator = { class = "sklearn.tree.DecisionTreeClassifier", max_depth = 4 }

    Every ``random_state`` is set to the cell's seed and every ``n_jobs`` to 1.

    Parameters
    ----------
    path : str or path-like
        The TOML file.

    Returns
    -------
    methods : dict of str to MethodSpec
        Methods defined in the file plus the registry methods listed in ``[run] methods``.
    run_options : dict
        The ``[run]`` table without ``methods``.
    """
    path = Path(path)
    tomllib = _tomllib()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise _config_error(path, f"invalid TOML: {exc}") from exc
    unknown = set(data) - {"run", "methods"}
    if unknown:
        raise _config_error(path, f"unknown top-level tables {sorted(unknown)}; use run, methods")
    run_options = dict(data.get("run", {}))
    methods: dict[str, MethodSpec] = {}
    for name in run_options.pop("methods", []):
        try:
            methods[name] = METHODS[name]
        except KeyError as exc:
            raise _config_error(path, exc.args[0]) from exc
    for name, table in data.get("methods", {}).items():
        if not isinstance(table, dict):
            raise _config_error(path, f"methods.{name} must be a table")
        extra = set(table) - {"base", "params", "steps", "preprocess"}
        if extra:
            raise _config_error(path, f"method {name!r}: unknown keys {sorted(extra)}")
        preprocess = table.get("preprocess")
        if preprocess is not None and preprocess not in PREPROCESSING:
            raise _config_error(path, f"method {name!r}: preprocess must be one of {PREPROCESSING}")
        params = dict(table.get("params", {}))
        if "base" in table and "steps" in table:
            raise _config_error(path, f"method {name!r}: give either 'base' or 'steps'")
        if "base" in table:
            try:
                base = METHODS[table["base"]]
            except KeyError as exc:
                raise _config_error(path, f"method {name!r}: {exc.args[0]}") from exc
            methods[name] = MethodSpec(
                name,
                method=base.method,
                learner=base.learner,
                params={**base.params, **params},
                preprocess=preprocess or base.preprocess,
            )
        elif "steps" in table:
            steps = table["steps"]
            if not isinstance(steps, list) or not steps:
                raise _config_error(path, f"method {name!r}: 'steps' must be a non-empty list")
            _check_steps(path, name, steps)
            methods[name] = MethodSpec(
                name, pipeline=tuple(steps), params=params, preprocess=preprocess or "onehot"
            )
        else:
            raise _config_error(path, f"method {name!r}: needs 'base' or 'steps'")
    return methods, run_options
