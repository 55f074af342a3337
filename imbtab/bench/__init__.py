"""Benchmark harness: many methods over a folder of datasets, crash-safe, with statistics.

:func:`run` evaluates ``method+learner`` names from :data:`METHODS` (or TOML-defined
pipelines) with stratified k-fold CV on every dataset of a folder, writing one row per
cell into a SQLite :class:`ResultStore`; :func:`report` turns a store into tables,
statistical tests and figures. The ``imbtab bench`` command wraps both.
"""

from imbtab.bench._cell import METRICS, CellKey, fold_indices, run_cell, score_predictions
from imbtab.bench._config import load_config
from imbtab.bench._preprocess import PREPROCESSING, FoldPreprocessor, make_preprocessor
from imbtab.bench._registry import (
    LEARNERS,
    METHODS,
    MethodSpec,
    NotApplicable,
    all_method_names,
    available_methods,
    build_estimator,
)
from imbtab.bench._report import ReportResult, report
from imbtab.bench._runner import DEFAULT_METHODS, RunSummary, plan_cells, resolve_methods, run
from imbtab.bench._stats import Comparison, compare_methods, nemenyi_cd, score_matrix
from imbtab.bench._store import ResultStore

__all__ = [
    "DEFAULT_METHODS",
    "LEARNERS",
    "METHODS",
    "METRICS",
    "PREPROCESSING",
    "CellKey",
    "Comparison",
    "FoldPreprocessor",
    "ReportResult",
    "compare_methods",
    "nemenyi_cd",
    "report",
    "score_matrix",
    "MethodSpec",
    "NotApplicable",
    "ResultStore",
    "RunSummary",
    "all_method_names",
    "available_methods",
    "build_estimator",
    "fold_indices",
    "load_config",
    "make_preprocessor",
    "plan_cells",
    "resolve_methods",
    "run",
    "run_cell",
    "score_predictions",
]
