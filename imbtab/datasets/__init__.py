"""Dataset folders, the bundled demo suite and synthetic imbalance.

:func:`load_folder` reads a folder of CSV/Parquet files (with or without a
``manifest.csv``) into :class:`Dataset` records; :func:`load_suite` loads a
suite bundled with imbtab; :func:`make_imbalance` is imbalanced-learn's
function, re-exported unchanged.
"""

from imblearn.datasets import make_imbalance

from imbtab.datasets._base import Dataset
from imbtab.datasets._loader import DatasetFormatError, load_file, load_folder
from imbtab.datasets._suites import SUITES, load_suite, suite_path

__all__ = [
    "SUITES",
    "Dataset",
    "DatasetFormatError",
    "load_file",
    "load_folder",
    "load_suite",
    "make_imbalance",
    "suite_path",
]
