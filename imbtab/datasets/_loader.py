"""Read dataset folders (CSV or Parquet files, optional ``manifest.csv``)."""

from __future__ import annotations

import csv
import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from imbtab.datasets._base import Dataset

__all__ = ["DatasetFormatError", "load_folder", "load_file"]

_MISSING = ["?", ""]
_TABLE_SUFFIXES = (".csv", ".parquet", ".pq")
_BYTES_LITERAL = re.compile(r"""^b(['"])(.*)\1$""", re.DOTALL)


class DatasetFormatError(ValueError):
    """A dataset file or manifest cannot be read; the message names the file (and line)."""


def _detect_encoding(path: Path) -> str:
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"


def _sniff_sep(header: str) -> str:
    if "," in header:
        return ","
    for sep in (";", "\t", "|"):
        if sep in header:
            return sep
    return ","


def _check_csv_shape(path: Path, encoding: str, sep: str) -> None:
    """Raise :class:`DatasetFormatError` at the first row whose field count is wrong."""
    with open(path, newline="", encoding=encoding) as fh:
        reader = csv.reader(fh, delimiter=sep, skipinitialspace=True)
        header = next(reader, None)
        if header is None:
            raise DatasetFormatError(f"{path}: the file is empty (no header line)")
        n_fields = len(header)
        try:
            for row in reader:
                if row and len(row) != n_fields:
                    raise DatasetFormatError(
                        f"{path}, line {reader.line_num}: expected {n_fields} fields "
                        f"(as in the header), found {len(row)}"
                    )
        except csv.Error as exc:
            raise DatasetFormatError(f"{path}, line {reader.line_num}: {exc}") from exc


def _read_csv(path: Path, target: str | None) -> tuple[pd.DataFrame, str]:
    encoding = _detect_encoding(path)
    with open(path, newline="", encoding=encoding) as fh:
        first = fh.readline().splitlines()
    sep = _sniff_sep(first[0] if first else "")
    _check_csv_shape(path, encoding, sep)
    header = pd.read_csv(path, sep=sep, nrows=0, encoding=encoding, skipinitialspace=True)
    columns = [str(c) for c in header.columns]
    if not columns:
        raise DatasetFormatError(f"{path}: no columns found")
    target = _resolve_target(path, columns, target)
    try:
        frame = pd.read_csv(
            path,
            sep=sep,
            encoding=encoding,
            skipinitialspace=True,
            na_values=_MISSING,
            dtype={target: str},
            keep_default_na=True,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise DatasetFormatError(f"{path}: cannot parse the file: {exc}") from exc
    frame.columns = columns
    return frame, target


def _resolve_target(path: Path, columns: list[str], target: str | None) -> str:
    if target:
        if target in columns:
            return target
        stripped = {c.strip(): c for c in columns}
        if target.strip() in stripped:
            return stripped[target.strip()]
        raise DatasetFormatError(
            f"{path}: target column {target!r} not found; columns are {columns}"
        )
    return "target" if "target" in columns else columns[-1]


def _clean_text(values: pd.Series) -> pd.Series:
    """Strip spaces, unwrap byte literals (``b'x'`` -> ``x``), map '?' and '' to NaN."""
    s = values.astype(object)
    mask = s.map(lambda v: isinstance(v, bytes))
    if mask.any():
        s = s.where(~mask, s[mask].map(lambda v: v.decode("utf-8", "replace")))
    notna = s.notna()
    s = s.where(~notna, s.astype(str).str.strip())
    unwrapped = s[notna].str.replace(_BYTES_LITERAL, lambda m: m.group(2), regex=True)
    s = s.where(~notna, unwrapped)
    s = s.where(~s.isin(_MISSING), np.nan)
    return s


def _convert_feature(col: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        return col
    s = _clean_text(col)
    present = s.notna()
    numeric = pd.to_numeric(s, errors="coerce")
    if present.sum() == numeric.notna().sum():
        if numeric.notna().all() and np.all(np.mod(numeric, 1) == 0):
            text = s.astype(str)
            if not text.str.contains(r"[.eE]", regex=True).any():
                return numeric.astype(np.int64)
        return numeric.astype(np.float64)
    return s.astype(str).where(present, np.nan).astype("category")


def _match_positive(path: Path, labels: pd.Series, positive: str) -> np.ndarray:
    wanted = _clean_text(pd.Series([positive])).iloc[0]
    is_pos = (labels == wanted).to_numpy()
    if is_pos.any():
        return is_pos
    num_labels = pd.to_numeric(labels, errors="coerce")
    num_wanted = pd.to_numeric(pd.Series([wanted]), errors="coerce").iloc[0]
    if not pd.isna(num_wanted):
        is_pos = (num_labels == num_wanted).to_numpy()
        if is_pos.any():
            return is_pos
    values = sorted(labels.dropna().unique().tolist())[:20]
    raise DatasetFormatError(
        f"{path}: positive label {positive!r} not found in the target; labels are {values}"
    )


def load_file(
    path: str | os.PathLike,
    *,
    name: str | None = None,
    target: str | None = None,
    positive: str | None = None,
) -> Dataset:
    """Read one CSV or Parquet file into a :class:`Dataset`.

    Parameters
    ----------
    path : str or path-like
        A ``.csv``, ``.parquet`` or ``.pq`` file.
    name : str, default=None
        Dataset name; the file stem by default.
    target : str, default=None
        Label column; ``"target"`` if present, else the last column.
    positive : str, default=None
        Positive label as written in the file (byte literals such as ``b'1'``
        and surrounding spaces are tolerated); the rarest class by default.

    Returns
    -------
    Dataset
        Features with numeric/categorical dtypes and a 0/1 label.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from imbtab.datasets import load_file
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "toy.csv").write_text("a,b,cls\\n1,x,b'no'\\n?,y,b'no'\\n3,x,b'yes'\\n")
    >>> ds = load_file(d / "toy.csv")
    >>> ds.X.dtypes.astype(str).tolist(), ds.y.tolist(), ds.positive
    (['float64', 'category'], [0, 0, 1], 'yes')
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"dataset file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame, target = _read_csv(path, target)
    elif suffix in (".parquet", ".pq"):
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises many types
            raise DatasetFormatError(f"{path}: cannot read Parquet file: {exc}") from exc
        frame.columns = [str(c) for c in frame.columns]
        target = _resolve_target(path, list(frame.columns), target)
    else:
        raise DatasetFormatError(f"{path}: unsupported file type {suffix!r} (csv or parquet)")

    labels = _clean_text(frame[target])
    missing = labels.isna().to_numpy()
    if missing.any():
        warnings.warn(
            f"{path}: {int(missing.sum())} rows without a label were dropped", stacklevel=2
        )
        frame = frame.loc[~missing].reset_index(drop=True)
        labels = labels[~missing].reset_index(drop=True)
    counts = labels.value_counts(sort=False)
    if len(counts) < 2:
        raise DatasetFormatError(
            f"{path}: the target {target!r} has {len(counts)} class(es); need at least 2"
        )
    if positive is None or str(positive).strip() == "":
        rarest = counts[counts == counts.min()].index
        positive = sorted(str(v) for v in rarest)[0]
        if len(counts) > 2:
            warnings.warn(
                f"{path}: {len(counts)} classes in {target!r}; the rarest, {positive!r}, "
                "is positive and all others negative",
                stacklevel=2,
            )
    is_pos = _match_positive(path, labels, str(positive))
    X = frame.drop(columns=[target])
    X = pd.DataFrame({c: _convert_feature(X[c]) for c in X.columns}, index=X.index)
    return Dataset(
        name=name or path.stem,
        X=X,
        y=is_pos.astype(np.int64),
        positive=str(_clean_text(pd.Series([str(positive)])).iloc[0]),
        source=path,
        target=target,
    )


def _read_manifest(folder: Path) -> pd.DataFrame | None:
    manifest = folder / "manifest.csv"
    if not manifest.is_file():
        return None
    _check_csv_shape(manifest, _detect_encoding(manifest), ",")
    frame = pd.read_csv(manifest, dtype=str, keep_default_na=False)
    frame.columns = [c.strip() for c in frame.columns]
    if "file" not in frame.columns:
        raise DatasetFormatError(f"{manifest}: needs a 'file' column (and name, target, positive)")
    return frame


def load_folder(
    path: str | os.PathLike,
    *,
    names: list[str] | None = None,
) -> dict[str, Dataset]:
    """Load every dataset of a folder.

    With a ``manifest.csv`` (columns ``name, file, target, positive``; any other
    column goes to :attr:`Dataset.meta`) the listed files are read with that
    label column and positive class. Without one, every ``.csv``/``.parquet``
    file is read, the label is the column named ``target`` (else the last
    column) and the rarest class is positive.

    Messy files are read as they are: ``'?'`` and empty cells are missing,
    byte-literal strings such as ``b'1'`` are unwrapped, spaces after
    separators are ignored, and any line ending (``\\n``, ``\\r\\n``, ``\\r``)
    works. Columns whose present values are all numbers become numeric, the
    others ``category``. A row with the wrong number of fields raises
    :class:`DatasetFormatError` naming the file and the line.

    Parameters
    ----------
    path : str or path-like
        The folder.
    names : list of str, default=None
        Load only these datasets (manifest names or file stems).

    Returns
    -------
    dict of str to Dataset
        Datasets by name, in manifest (else file-name) order.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from imbtab.datasets import load_folder
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_text("x,target\\n1,0\\n2,0\\n3,1\\n")
    >>> suite = load_folder(d)
    >>> list(suite), suite["a"].y.tolist()
    (['a'], [0, 0, 1])
    """
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"dataset folder not found: {folder}")
    manifest = _read_manifest(folder)
    datasets: dict[str, Dataset] = {}
    if manifest is None:
        files = sorted(
            p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in _TABLE_SUFFIXES
        )
        if not files:
            raise DatasetFormatError(f"{folder}: no manifest.csv and no CSV/Parquet files")
        for file in files:
            if names is None or file.stem in names:
                datasets[file.stem] = load_file(file)
    else:
        for _, row in manifest.iterrows():
            record = {k: str(v) for k, v in row.items()}
            file = record.pop("file").strip()
            name = record.pop("name", "").strip() or Path(file).stem
            if names is not None and name not in names:
                continue
            ds = load_file(
                folder / file,
                name=name,
                target=record.pop("target", "") or None,
                positive=record.pop("positive", "") or None,
            )
            ds.meta = record
            datasets[name] = ds
    if names is not None:
        unknown = sorted(set(names) - set(datasets))
        if unknown:
            raise KeyError(f"datasets not found in {folder}: {unknown}")
    return datasets
