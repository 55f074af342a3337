"""Bundled dataset suites."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from imbtab.datasets._base import Dataset
from imbtab.datasets._loader import load_folder

__all__ = ["SUITES", "load_suite", "suite_path"]

#: Names of the suites bundled with imbtab.
SUITES: tuple[str, ...] = ("demo",)


def suite_path(name: str) -> Path:
    """Return the folder of a bundled suite.

    Parameters
    ----------
    name : str
        Suite name, one of :data:`SUITES`.

    Returns
    -------
    pathlib.Path
        The folder holding the suite's files and ``manifest.csv``.

    Examples
    --------
    >>> from imbtab.datasets import suite_path
    >>> (suite_path("demo") / "manifest.csv").is_file()
    True
    """
    if name not in SUITES:
        raise ValueError(f"unknown suite {name!r}; bundled suites are {list(SUITES)}")
    return Path(str(resources.files("imbtab.datasets") / "data" / name))


def load_suite(name: str = "demo", *, names: list[str] | None = None) -> dict[str, Dataset]:
    """Load a dataset suite bundled with imbtab.

    The ``"demo"`` suite holds six small real datasets from the rt30 collection
    (Ready Tensor, MIT licence; see ``README.md`` and ``LICENSE`` next to the
    files): chess, pc1, seismic_bumps, thyroid_disease, vowel and yeast,
    988 to 3,772 rows, 3 % to 11 % positives, with categorical columns and
    missing values.

    Parameters
    ----------
    name : str, default="demo"
        Suite name, one of :data:`SUITES`.
    names : list of str, default=None
        Load only these datasets of the suite.

    Returns
    -------
    dict of str to Dataset
        Datasets by name.

    Examples
    --------
    >>> from imbtab.datasets import load_suite
    >>> suite = load_suite("demo")
    >>> sorted(suite)
    ['chess', 'pc1', 'seismic_bumps', 'thyroid_disease', 'vowel', 'yeast']
    >>> suite["yeast"].n_positive
    163
    """
    return load_folder(suite_path(name), names=names)
