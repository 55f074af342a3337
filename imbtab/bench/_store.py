"""SQLite results store: one row per cell, written as each cell finishes."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import pandas as pd

from imbtab.bench._cell import METRICS, CellKey

__all__ = ["ResultStore"]

_KEY = ("dataset", "method", "fold", "repeat", "seed")
_COLUMNS = (
    *_KEY,
    "status",
    *METRICS,
    "prep_time",
    "fit_time",
    "predict_time",
    "cpu_time",
    "cell_cpu_time",
    "peak_rss_mb",
    "n_train",
    "n_test",
    "error",
    "host",
    "pid",
    "started_at",
    "finished_at",
)
_TYPES = {
    "dataset": "TEXT NOT NULL",
    "method": "TEXT NOT NULL",
    "fold": "INTEGER NOT NULL",
    "repeat": "INTEGER NOT NULL",
    "seed": "INTEGER NOT NULL",
    "status": "TEXT NOT NULL",
    "error": "TEXT",
    "host": "TEXT",
    "pid": "INTEGER",
    "n_train": "INTEGER",
    "n_test": "INTEGER",
}


class ResultStore:
    """Results of a benchmark in one SQLite file (WAL journal).

    Every cell is one row with primary key ``(dataset, method, fold, repeat, seed)``,
    committed on its own as soon as the cell finishes, so a killed run loses only the
    cells in flight and a re-run skips what is stored. Writing a key again replaces the
    row (used by ``--retry-failed``); there is never more than one row per key.

    Parameters
    ----------
    path : str or path-like
        The database file (created if missing).

    Examples
    --------
    >>> import tempfile, os
    >>> from imbtab.bench import ResultStore, CellKey
    >>> store = ResultStore(os.path.join(tempfile.mkdtemp(), "r.db"))
    >>> store.write({"dataset": "d", "method": "m", "fold": 0, "repeat": 0, "seed": 0,
    ...              "status": "ok", "f1": 0.5})
    >>> store.finished() == {CellKey("d", "m", 0, 0, 0)}
    True
    >>> store.close()
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = sqlite3.connect(str(self.path), timeout=60.0, isolation_level=None)
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute("PRAGMA synchronous=NORMAL")
        cols = ", ".join(f'"{c}" {_TYPES.get(c, "REAL")}' for c in _COLUMNS)
        key = ", ".join(f'"{c}"' for c in _KEY)
        self._con.execute(f"CREATE TABLE IF NOT EXISTS cells ({cols}, PRIMARY KEY ({key}))")
        present = {r[1] for r in self._con.execute("PRAGMA table_info(cells)")}
        for c in _COLUMNS:  # stores written by an older imbtab gain the new columns
            if c not in present:
                self._con.execute(f'ALTER TABLE cells ADD COLUMN "{c}" {_TYPES.get(c, "REAL")}')
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS methods (name TEXT PRIMARY KEY, spec TEXT NOT NULL)"
        )
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "started_at REAL, finished_at REAL, config TEXT)"
        )

    # ------------------------------------------------------------------ writing
    def write(self, row: dict) -> None:
        """Insert or replace one cell row, committed immediately."""
        names = [c for c in _COLUMNS if c in row]
        placeholders = ", ".join("?" for _ in names)
        quoted = ", ".join(f'"{c}"' for c in names)
        self._con.execute(
            f"INSERT OR REPLACE INTO cells ({quoted}) VALUES ({placeholders})",
            [row[c] for c in names],
        )

    def save_methods(self, specs: dict[str, dict]) -> None:
        """Record the description of each method (parameters, preprocessing)."""
        self._con.execute("BEGIN")
        for name, spec in specs.items():
            self._con.execute(
                "INSERT OR REPLACE INTO methods VALUES (?, ?)",
                (name, json.dumps(spec, sort_keys=True, default=str)),
            )
        self._con.execute("COMMIT")

    def start_run(self, config: dict) -> int:
        """Record the start of a run and return its id."""
        cur = self._con.execute(
            "INSERT INTO runs (started_at, config) VALUES (?, ?)",
            (time.time(), json.dumps(config, sort_keys=True, default=str)),
        )
        return int(cur.lastrowid)

    def end_run(self, run_id: int) -> None:
        """Record the end of a run."""
        self._con.execute("UPDATE runs SET finished_at=? WHERE id=?", (time.time(), run_id))

    # ------------------------------------------------------------------ reading
    def _keys(self, where: str) -> set[CellKey]:
        cols = ", ".join(f'"{c}"' for c in _KEY)
        rows = self._con.execute(f"SELECT {cols} FROM cells WHERE {where}").fetchall()
        return {CellKey(*r) for r in rows}

    def finished(self) -> set[CellKey]:
        """Keys of cells with a final result (ok or not applicable)."""
        return self._keys("status IN ('ok', 'n/a')")

    def failed(self) -> set[CellKey]:
        """Keys of cells that failed or timed out."""
        return self._keys("status IN ('failed', 'timeout')")

    def to_frame(self, status: str | None = None) -> pd.DataFrame:
        """All cell rows as a DataFrame (optionally only one ``status``)."""
        query = "SELECT * FROM cells"
        params: tuple = ()
        if status is not None:
            query += " WHERE status = ?"
            params = (status,)
        query += " ORDER BY dataset, method, repeat, fold, seed"
        return pd.read_sql_query(query, self._con, params=params)

    def methods(self) -> dict[str, dict]:
        """Stored method descriptions."""
        return {n: json.loads(s) for n, s in self._con.execute("SELECT name, spec FROM methods")}

    def runs(self) -> pd.DataFrame:
        """The run log."""
        return pd.read_sql_query("SELECT * FROM runs ORDER BY id", self._con)

    def export(self, path: str | os.PathLike) -> Path:
        """Write all cell rows to ``.csv`` or ``.parquet`` (by the file suffix)."""
        path = Path(path)
        frame = self.to_frame()
        if path.suffix.lower() in (".parquet", ".pq"):
            frame.to_parquet(path, index=False)
        elif path.suffix.lower() == ".csv":
            frame.to_csv(path, index=False)
        else:
            raise ValueError(f"export to .csv or .parquet, not {path.suffix!r}")
        return path

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
