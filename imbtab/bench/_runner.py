"""Run methods x datasets x folds into a results store, locally or on Dask."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from imbtab.bench._cell import METRICS, CellKey, run_cell
from imbtab.bench._config import load_config
from imbtab.bench._registry import METHODS, MethodSpec
from imbtab.bench._store import ResultStore
from imbtab.datasets import Dataset, load_folder, load_suite

__all__ = ["DEFAULT_METHODS", "RunSummary", "plan_cells", "resolve_methods", "run"]

#: Methods run when none are given (those whose classes exist); the demo suite takes a
#: few minutes with them on 2 cores.
DEFAULT_METHODS: tuple[str, ...] = (
    "baseline+lgbm",
    "class_weight+lgbm",
    "threshold+lgbm",
    "smote+lgbm",
    "rus+lgbm",
    "spe+lgbm",
)


@dataclass
class RunSummary:
    """What a run did.

    ``counts`` maps status to the number of cells run now; ``skipped`` counts the
    cells already in the store; ``wall_time`` is the run's duration and ``cell_time`` the
    summed wall time of the cells run now (so ``1 - cell_time / (wall_time * workers)`` is
    the share of worker time not spent inside cells).
    """

    out: Path
    n_cells: int = 0
    skipped: int = 0
    counts: Counter = field(default_factory=Counter)
    wall_time: float = 0.0
    cell_time: float = 0.0
    fit_predict_time: float = 0.0
    cpu_time: float = 0.0
    cell_cpu_time: float = 0.0
    parent_cpu_time: float = 0.0
    workers: int = 1

    @property
    def n_failed(self) -> int:
        """Cells that failed or timed out in this run."""
        return self.counts["failed"] + self.counts["timeout"]

    @property
    def cpu_overhead(self) -> float:
        """Harness CPU per method CPU: the parent process (loading, scheduling, storing) plus
        the in-cell work outside preprocessing/fit/predict (splitting, scoring), divided by
        the CPU time of preprocessing, fit and predict. Worker start-up is not included."""
        if self.cpu_time <= 0:
            return 0.0
        return (self.parent_cpu_time + self.cell_cpu_time - self.cpu_time) / self.cpu_time

    @property
    def overhead(self) -> float:
        """Share of worker time outside cells (scheduling, data transfer, storing, idle tail)."""
        busy = self.wall_time * self.workers
        return max(0.0, 1.0 - self.cell_time / busy) if busy > 0 else 0.0


def resolve_methods(
    methods: Iterable[str | MethodSpec] | None = None, config: str | os.PathLike | None = None
) -> tuple[dict[str, MethodSpec], dict]:
    """Turn method names and/or a TOML config into method specs.

    Returns the specs by name and the config's ``[run]`` options. Without methods and
    config, the available :data:`DEFAULT_METHODS`.
    """
    specs: dict[str, MethodSpec] = {}
    options: dict = {}
    if config is not None:
        specs, options = load_config(config)
    for m in methods or ():
        if isinstance(m, MethodSpec):
            specs[m.name] = m
        else:
            specs[m] = METHODS[m]
    if not specs:
        available = set(METHODS)
        specs = {m: METHODS[m] for m in DEFAULT_METHODS if m in available}
    return specs, options


def _load_datasets(datasets, suite, names) -> dict[str, Dataset]:
    if isinstance(datasets, dict):
        return datasets
    if datasets is not None:
        return load_folder(datasets, names=names)
    return load_suite(suite or "demo", names=names)


def plan_cells(
    datasets: dict[str, Dataset],
    methods: Iterable[str],
    *,
    folds: int,
    repeats: int,
    seed: int,
) -> list[CellKey]:
    """Every cell key, largest datasets first (better packing on parallel workers)."""
    order = sorted(datasets.values(), key=lambda d: -d.n_samples * max(d.n_features, 1))
    return [
        CellKey(d.name, m, f, r, seed)
        for d in order
        for r in range(repeats)
        for m in methods
        for f in range(folds)
    ]


def _progress(enabled: bool, total: int):
    from contextlib import nullcontext

    if not enabled:
        return nullcontext(None)
    try:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
    except ImportError:  # rich is in the `bench` extra
        return nullcontext(None)
    return Progress(
        TextColumn("[bold]cells"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )


def _execute_local(cells, datasets, specs, kw, n_jobs) -> Iterator[dict]:
    if n_jobs == 1:
        for key in cells:
            d = datasets[key.dataset]
            yield run_cell(key, d.X, d.y, specs[key.method], **kw)
        return
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered", batch_size=1)
    yield from parallel(
        delayed(run_cell)(
            key, datasets[key.dataset].X, datasets[key.dataset].y, specs[key.method], **kw
        )
        for key in cells
    )


def _execute_dask(cells, datasets, specs, kw, scheduler, n_jobs, summary) -> Iterator[dict]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise ImportError("--scheduler needs dask.distributed: pip install 'imbtab[dask]'") from exc
    cluster = None
    if scheduler == "local":
        n_workers = n_jobs if n_jobs and n_jobs > 0 else (os.cpu_count() or 1)
        cluster = LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        summary.workers = max(1, sum(client.nthreads().values()))
        needed = {k.dataset for k in cells}
        data = {
            name: client.scatter((datasets[name].X, datasets[name].y), broadcast=True)
            for name in needed
        }
        futures = [
            client.submit(_run_on_pair, key, data[key.dataset], specs[key.method], kw, pure=False)
            for key in cells
        ]
        for future in as_completed(futures):
            yield future.result()
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _run_on_pair(key, pair, spec, kw):
    X, y = pair
    return run_cell(key, X, y, spec, **kw)


def run(
    datasets: str | os.PathLike | dict[str, Dataset] | None = None,
    *,
    suite: str | None = None,
    names: list[str] | None = None,
    methods: Iterable[str | MethodSpec] | None = None,
    config: str | os.PathLike | None = None,
    folds: int = 5,
    repeats: int = 1,
    seed: int = 0,
    metrics: Iterable[str] = METRICS,
    n_jobs: int = 1,
    scheduler: str | None = None,
    timeout: float | None = None,
    retry_failed: bool = False,
    out: str | os.PathLike = "results.db",
    progress: bool = False,
) -> RunSummary:
    """Run methods over datasets with stratified k-fold CV into a SQLite results store.

    Each cell (dataset, method, fold, repeat, seed) fits the per-fold preprocessing and
    the method on the training fold only, scores the test fold and is written to ``out``
    as soon as it finishes. Cells already stored are skipped, so an interrupted run is
    resumed by running the same command again; failed and timed-out cells are recorded
    with their traceback and re-run only with ``retry_failed=True``.

    Parameters
    ----------
    datasets : path, dict of Dataset or None
        A dataset folder (see :func:`imbtab.datasets.load_folder`) or loaded datasets;
        ``None`` uses the bundled ``suite``.
    suite : str, default=None
        Bundled suite when ``datasets`` is None (``"demo"``).
    names : list of str, default=None
        Only these datasets of the folder or suite.
    methods : iterable of str or MethodSpec, default=None
        Registry names (``"smote+lgbm"``) or specs; default :data:`DEFAULT_METHODS`.
    config : path, default=None
        TOML file of methods (see :func:`imbtab.bench.load_config`).
    folds, repeats, seed : int
        Stratified k-fold CV repeated ``repeats`` times; ``seed`` fixes splits and models.
    metrics : iterable of str
        Metrics to compute (:data:`imbtab.bench.METRICS`).
    n_jobs : int, default=1
        Parallel worker processes (joblib; -1 for all cores), or Dask workers for
        ``scheduler="local"``.
    scheduler : str, default=None
        ``"local"`` starts a Dask LocalCluster; an address (``tcp://host:8786``) uses an
        existing Dask cluster. Results are identical to a local run.
    timeout : float, default=None
        Seconds per cell before it is recorded as ``timeout``.
    retry_failed : bool, default=False
        Re-run cells stored as failed or timed out.
    out : path, default="results.db"
        The SQLite results store.
    progress : bool, default=False
        Show a progress bar with ETA.

    Returns
    -------
    RunSummary
        Cell counts by status, skipped cells and timings.
    """
    specs, options = resolve_methods(methods, config)
    folds = int(options.get("folds", folds))
    repeats = int(options.get("repeats", repeats))
    seed = int(options.get("seed", seed))
    timeout = options.get("timeout", timeout)
    metrics = tuple(options.get("metrics", metrics))
    unknown = set(metrics) - set(METRICS)
    if unknown:
        raise ValueError(f"unknown metrics {sorted(unknown)}; choose from {METRICS}")
    if folds < 2:
        raise ValueError(f"folds must be at least 2, got {folds}")
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    data = _load_datasets(datasets, suite, names)
    if not data:
        raise ValueError("no datasets to run")
    for d in data.values():
        if d.n_positive < folds or d.n_samples - d.n_positive < folds:
            raise ValueError(
                f"dataset {d.name!r} has {d.n_positive} positives: too few for {folds} folds"
            )

    summary = RunSummary(out=Path(out))
    t_start = time.perf_counter()
    cpu_start = time.process_time()
    with ResultStore(out) as store:
        store.save_methods({n: s.describe() for n, s in specs.items()})
        run_id = store.start_run(
            {
                "datasets": sorted(data),
                "methods": sorted(specs),
                "folds": folds,
                "repeats": repeats,
                "seed": seed,
                "metrics": list(metrics),
                "timeout": timeout,
                "n_jobs": n_jobs,
                "scheduler": scheduler,
            }
        )
        all_cells = plan_cells(data, list(specs), folds=folds, repeats=repeats, seed=seed)
        done = store.finished()
        if not retry_failed:
            done |= store.failed()
        cells = [c for c in all_cells if c not in done]
        summary.n_cells = len(all_cells)
        summary.skipped = len(all_cells) - len(cells)
        kw = {"n_folds": folds, "metrics": metrics, "timeout": timeout}
        if scheduler:
            results = _execute_dask(cells, data, specs, kw, scheduler, n_jobs, summary)
        else:
            n = n_jobs if n_jobs > 0 else (os.cpu_count() or 1)
            summary.workers = min(n, max(len(cells), 1))
            results = _execute_local(cells, data, specs, kw, summary.workers)
        with _progress(progress and bool(cells), len(cells)) as bar:
            task = bar.add_task("run", total=len(cells), status="") if bar else None
            for row in results:
                store.write(row)
                summary.counts[row["status"]] += 1
                summary.cell_time += row["finished_at"] - row["started_at"]
                summary.fit_predict_time += (row.get("fit_time") or 0.0) + (
                    row.get("predict_time") or 0.0
                )
                summary.cpu_time += row.get("cpu_time") or 0.0
                summary.cell_cpu_time += row.get("cell_cpu_time") or 0.0
                if bar is not None:
                    bad = summary.n_failed
                    bar.update(task, advance=1, status=f"[red]{bad} failed" if bad else "")
        store.end_run(run_id)
    summary.wall_time = time.perf_counter() - t_start
    # with n_jobs=1 the cells run in this process: count their CPU only once
    parent = time.process_time() - cpu_start
    summary.parent_cpu_time = parent - (
        summary.cell_cpu_time if summary.workers == 1 and not scheduler else 0.0
    )
    return summary
