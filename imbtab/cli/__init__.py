"""The ``imbtab`` command line.

Exit codes: 0 success; 1 the run finished but some cells failed or timed out;
2 bad arguments or unreadable input (unknown method, malformed dataset file...);
130 interrupted (finished cells are kept; run the same command again to resume).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from imbtab import __version__

__all__ = ["EXIT_FAILED_CELLS", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]

EXIT_OK = 0
EXIT_FAILED_CELLS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _csv_list(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def _add_bench(sub) -> None:
    from imbtab.bench._cell import METRICS

    bench = sub.add_parser(
        "bench",
        help="run and report benchmarks of methods over dataset folders",
        description="Benchmark imbalance methods over a folder of datasets.",
    )
    bsub = bench.add_subparsers(dest="bench_command", metavar="{run,report,list,export}")
    bsub.required = True

    run = bsub.add_parser(
        "run",
        help="run methods x datasets x folds into a results store",
        description=(
            "Run every method on every dataset with stratified k-fold cross-validation. "
            "Each cell (dataset, method, fold, repeat, seed) is written to the SQLite store "
            "as soon as it finishes; running the same command again skips finished cells, "
            "so an interrupted run resumes. With no DIR and no --suite, the bundled demo "
            "suite is used."
        ),
    )
    run.add_argument(
        "folder", nargs="?", metavar="DIR", help="dataset folder (see `imbtab datasets describe`)"
    )
    run.add_argument("--suite", help="bundled suite instead of DIR (available: demo)")
    run.add_argument("--datasets", type=_csv_list, metavar="A,B", help="only these datasets")
    run.add_argument(
        "--methods",
        type=_csv_list,
        metavar="A,B",
        help="registry methods method+learner (see `imbtab bench list`); "
        "default: the available ones of " + ",".join(_default_methods()),
    )
    run.add_argument("--config", metavar="TOML", help="TOML file of methods and run options")
    run.add_argument("--folds", type=int, default=5, help="stratified CV folds (default 5)")
    run.add_argument("--repeats", type=int, default=1, help="CV repetitions (default 1)")
    run.add_argument("--seed", type=int, default=0, help="seed of splits and models (default 0)")
    run.add_argument(
        "--metrics",
        type=_csv_list,
        default=list(METRICS),
        metavar="A,B",
        help="metrics to compute (default all: " + ",".join(METRICS) + ")",
    )
    run.add_argument(
        "--n-jobs",
        type=int,
        default=-1,
        help="parallel worker processes, -1 = all cores (default -1)",
    )
    run.add_argument(
        "--scheduler",
        metavar="ADDRESS|local",
        help="run cells on a Dask cluster at ADDRESS, or on a new LocalCluster with "
        "--n-jobs workers ('local')",
    )
    run.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="time limit per cell; over it the cell is recorded as timeout",
    )
    run.add_argument(
        "--retry-failed", action="store_true", help="re-run cells stored as failed or timeout"
    )
    run.add_argument("--out", required=True, metavar="results.db", help="SQLite results store")
    run.add_argument(
        "--export", metavar="FILE", help="also export all rows to FILE (.csv/.parquet)"
    )
    run.add_argument("--no-progress", action="store_true", help="no progress bar")

    rep = bsub.add_parser(
        "report",
        help="write a Markdown + HTML report with statistics and figures",
        description="Tables, average ranks, Friedman/Iman-Davenport, Nemenyi and "
        "Holm-Wilcoxon post-hoc tests, CD diagram, score-vs-runtime plot and heatmap.",
    )
    rep.add_argument("results", metavar="results.db", help="results store")
    rep.add_argument(
        "--out", default="report", metavar="DIR", help="output folder (default report)"
    )
    rep.add_argument(
        "--metric", default="average_precision", choices=METRICS, help="metric to rank on"
    )
    rep.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")

    lst = bsub.add_parser("list", help="list methods and their parameters")
    lst.add_argument("--all", action="store_true", help="also list methods not built yet")
    lst.add_argument("--params", action="store_true", help="show every estimator parameter")

    exp = bsub.add_parser("export", help="export a results store to CSV or Parquet")
    exp.add_argument("results", metavar="results.db")
    exp.add_argument("file", metavar="FILE", help="output .csv or .parquet")


def _default_methods() -> tuple[str, ...]:
    from imbtab.bench._runner import DEFAULT_METHODS

    return DEFAULT_METHODS


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``imbtab`` command."""
    parser = argparse.ArgumentParser(
        prog="imbtab",
        description="imbtab: learning on class-imbalanced tabular data.",
        epilog="Exit codes: 0 ok, 1 some cells failed, 2 bad input, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"imbtab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{bench,datasets}")
    _add_bench(sub)
    ds = sub.add_parser("datasets", help="inspect dataset folders")
    dsub = ds.add_subparsers(dest="datasets_command", metavar="{describe}")
    dsub.required = True
    desc = dsub.add_parser(
        "describe",
        help="rows, features, imbalance ratio, categorical and missing counts",
        description="Load every dataset of DIR (or a bundled suite) and summarise it.",
    )
    desc.add_argument("folder", nargs="?", metavar="DIR")
    desc.add_argument("--suite", help="bundled suite instead of DIR (available: demo)")
    return parser


def _print(text: str = "") -> None:
    try:
        from rich.console import Console

        Console(highlight=False).print(text, markup=False, soft_wrap=True)
    except ImportError:  # pragma: no cover
        print(text)


def _table(title: str, columns: list[str], rows: list[list]) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # pragma: no cover
        print(title)
        for r in [columns, *rows]:
            print("\t".join(map(str, r)))
        return
    console = Console() if sys.stdout.isatty() else Console(width=200)
    table = Table(title=title)
    for c in columns:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*map(str, r))
    console.print(table)


def _cmd_run(args) -> int:
    from imbtab.bench import run

    summary = run(
        args.folder,
        suite=args.suite,
        names=args.datasets,
        methods=args.methods,
        config=args.config,
        folds=args.folds,
        repeats=args.repeats,
        seed=args.seed,
        metrics=args.metrics,
        n_jobs=args.n_jobs,
        scheduler=args.scheduler,
        timeout=args.timeout,
        retry_failed=args.retry_failed,
        out=args.out,
        progress=not args.no_progress,
    )
    counts = ", ".join(f"{v} {k}" for k, v in sorted(summary.counts.items())) or "nothing to do"
    _print(
        f"{summary.n_cells} cells: {summary.skipped} already stored, ran {counts} "
        f"in {summary.wall_time:.1f} s on {summary.workers} worker(s); "
        f"time in cells {summary.cell_time:.1f} s (fit+predict {summary.fit_predict_time:.1f} s), "
        f"harness overhead {100 * summary.overhead:.1f} % of worker time; CPU: method "
        f"{summary.cpu_time:.1f} s, harness {100 * summary.cpu_overhead:.1f} % of it "
        f"-> {summary.out}"
    )
    if args.export:
        from imbtab.bench import ResultStore

        with ResultStore(args.out) as store:
            _print(f"exported to {store.export(args.export)}")
    if summary.n_failed:
        _print(
            f"{summary.n_failed} cells failed or timed out (see `imbtab bench report`); "
            "re-run them with --retry-failed"
        )
        return EXIT_FAILED_CELLS
    return EXIT_OK


def _cmd_report(args) -> int:
    from imbtab.bench import report

    result = report(args.results, args.out, metric=args.metric, alpha=args.alpha)
    _print(f"wrote {result.markdown}, {result.html} and {len(result.figures)} figures")
    return EXIT_OK


def _cmd_list(args) -> int:
    from imbtab.bench import METHODS, all_method_names, build_estimator
    from imbtab.bench._registry import method_description

    available = dict(METHODS)
    names = all_method_names() if args.all else list(available)
    rows = []
    for name in names:
        method, learner = name.split("+", 1)
        spec = available.get(name)
        if spec is None:
            rows.append([name, "not built yet", method_description(method), "", ""])
            continue
        try:
            est = build_estimator(spec, 0, {"categorical_indices": [0]})
            text = _describe_estimator(est, args.params)
        except Exception as exc:  # noqa: BLE001 - listing must not crash
            text = f"cannot build: {exc}"
        rows.append([name, "available", method_description(method), spec.preprocess, text])
    _table(
        f"imbtab methods ({len(available)} available)",
        ["name", "status", "what", "preprocess", "estimator"],
        rows,
    )
    return EXIT_OK


def _describe_estimator(est, all_params: bool) -> str:
    steps = getattr(est, "steps", None)
    if steps is not None:
        return " -> ".join(_describe_estimator(s, all_params) for _, s in steps)
    params = est.get_params(deep=False)
    inner = [
        f"{k}={_describe_estimator(v, all_params) if hasattr(v, 'get_params') else repr(v)}"
        for k, v in params.items()
        if all_params or k in _KEY_PARAMS or hasattr(v, "get_params")
    ]
    return f"{type(est).__name__}({', '.join(inner)})"


_KEY_PARAMS = {"class_weight", "n_estimators", "strategy", "sampling_strategy", "k_neighbors"}


def _cmd_export(args) -> int:
    from imbtab.bench import ResultStore

    with ResultStore(args.results) as store:
        _print(f"exported to {store.export(args.file)}")
    return EXIT_OK


def _cmd_describe(args) -> int:
    from imbtab.datasets import load_folder, load_suite

    data = load_folder(args.folder) if args.folder else load_suite(args.suite or "demo")
    rows = []
    for ds in data.values():
        d = ds.describe()
        rows.append(
            [
                d["name"],
                d["n_samples"],
                d["n_features"],
                d["n_positive"],
                f"{100 * d['positive_rate']:.1f}%",
                f"{d['imbalance_ratio']:.1f}",
                d["n_categorical"],
                d["n_missing"],
                ds.positive,
            ]
        )
    _table(
        f"{len(rows)} datasets",
        [
            "name",
            "rows",
            "features",
            "positives",
            "rate",
            "IR",
            "categorical",
            "missing",
            "positive",
        ],
        rows,
    )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``imbtab`` command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    handlers = {
        ("bench", "run"): _cmd_run,
        ("bench", "report"): _cmd_report,
        ("bench", "list"): _cmd_list,
        ("bench", "export"): _cmd_export,
    }
    if args.command == "datasets":
        handler = _cmd_describe
    else:
        handler = handlers[(args.command, args.bench_command)]
    try:
        return handler(args)
    except KeyboardInterrupt:
        print(
            "interrupted: finished cells are stored; run the same command to resume",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except (ValueError, KeyError, FileNotFoundError, ImportError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"imbtab: error: {message}", file=sys.stderr)
        return EXIT_USAGE
