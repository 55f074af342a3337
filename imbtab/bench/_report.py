"""Markdown + self-contained HTML report of a results store, with figures."""

from __future__ import annotations

import base64
import html
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from imbtab.bench._cell import LOWER_IS_BETTER, METRICS
from imbtab.bench._stats import Comparison, compare_methods, score_matrix
from imbtab.bench._store import ResultStore

__all__ = ["ReportResult", "report"]


@dataclass
class ReportResult:
    """Paths written by :func:`report` and the statistics it computed."""

    markdown: Path
    html: Path
    figures: list[Path] = field(default_factory=list)
    comparison: Comparison | None = None


def _fmt(x, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "–"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (float, np.floating)):
        if x != 0 and abs(x) < 10 ** (-digits):
            return f"{x:.1e}"
        return f"{x:.{digits}f}"
    return str(x)


def _rows(frame: pd.DataFrame):
    """Rows as (index, [(column, value)]) keeping each column's own type (ints stay ints)."""
    columns = list(frame.columns)
    data = [frame[c].tolist() for c in columns]
    for i, idx in enumerate(frame.index):
        yield idx, [(c, data[j][i]) for j, c in enumerate(columns)]


def _md_table(frame: pd.DataFrame, index_name: str = "", bold: dict | None = None) -> str:
    bold = bold or {}
    head = [index_name, *map(str, frame.columns)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for idx, row in _rows(frame):
        cells = []
        for col, v in row:
            text = v if isinstance(v, str) else _fmt(v)
            cells.append(f"**{text}**" if bold.get(idx) == col else text)
        lines.append("| " + " | ".join([str(idx), *cells]) + " |")
    return "\n".join(lines)


def _html_table(frame: pd.DataFrame, index_name: str = "", bold: dict | None = None) -> str:
    bold = bold or {}
    out = ["<table><thead><tr>", f"<th>{html.escape(index_name)}</th>"]
    out += [f"<th>{html.escape(str(c))}</th>" for c in frame.columns]
    out.append("</tr></thead><tbody>")
    for idx, row in _rows(frame):
        out.append(f"<tr><th>{html.escape(str(idx))}</th>")
        for col, v in row:
            text = html.escape(v if isinstance(v, str) else _fmt(v))
            out.append(f"<td><b>{text}</b></td>" if bold.get(idx) == col else f"<td>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


class _Doc:
    """Builds the Markdown and HTML versions of the report side by side."""

    def __init__(self) -> None:
        self.md: list[str] = []
        self.html: list[str] = []

    def heading(self, text: str, level: int = 2) -> None:
        self.md.append("#" * level + " " + text)
        self.html.append(f"<h{level}>{html.escape(text)}</h{level}>")

    def para(self, text: str) -> None:
        self.md.append(text)
        self.html.append(f"<p>{html.escape(text).replace('`', '')}</p>")

    def table(self, frame: pd.DataFrame, index_name: str = "", bold: dict | None = None) -> None:
        self.md.append(_md_table(frame, index_name, bold))
        self.html.append(_html_table(frame, index_name, bold))

    def image(self, png: Path, rel: str, alt: str) -> None:
        self.md.append(f"![{alt}]({rel})")
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        self.html.append(
            f'<p><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"></p>'
        )

    def markdown(self) -> str:
        return "\n\n".join(self.md) + "\n"

    def page(self, title: str) -> str:
        style = (
            "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
            "table{border-collapse:collapse;margin:1em 0;font-size:90%}"
            "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
            "th{background:#f3f3f3}img{max-width:100%}"
        )
        body = "\n".join(self.html)
        return (
            f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{style}</style></head><body>\n{body}\n</body></html>\n"
        )


def _save(fig, out: Path, stem: str) -> list[Path]:
    paths = []
    for ext in ("png", "svg"):
        path = out / f"{stem}.{ext}"
        fig.savefig(path, dpi=120 if ext == "png" else None, bbox_inches="tight")
        paths.append(path)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return paths


def _cd_figure(comp: Comparison, out: Path) -> list[Path]:
    import matplotlib.pyplot as plt
    import scikit_posthocs as sp

    k = len(comp.average_ranks)
    fig, ax = plt.subplots(figsize=(8, 0.5 + 0.35 * k))
    sig = comp.nemenyi_p if comp.nemenyi_p is not None else comp.wilcoxon_holm_p
    sp.critical_difference_diagram(comp.average_ranks, sig, ax=ax, alpha=comp.alpha)
    ax.set_title(
        f"Average ranks on {comp.metric} over {comp.matrix.shape[0]} datasets "
        f"(bars: no significant difference, Nemenyi alpha={comp.alpha}; CD={comp.cd:.2f})",
        fontsize=9,
    )
    return _save(fig, out, "cd_diagram")


def _runtime_figure(summary: pd.DataFrame, metric: str, out: Path) -> list[Path]:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    col = "cpu_time" if "cpu_time" in summary else "fit_time"
    x = summary[col]
    y = summary[metric]
    ax.scatter(x, y)
    for name in summary.index:
        ax.annotate(name, (x[name], y[name]), fontsize=8, xytext=(3, 3), textcoords="offset points")
    ax.set_xscale("log")
    what = "CPU time (preprocess + fit + predict)" if col == "cpu_time" else "fit time"
    ax.set_xlabel(f"mean {what} per cell (s, log scale)")
    ax.set_ylabel(f"mean {metric} over datasets")
    ax.set_title(f"{metric} vs {'CPU' if col == 'cpu_time' else 'fit'} time")
    ax.grid(alpha=0.3)
    return _save(fig, out, "score_vs_runtime")


def _heatmap_figure(matrix: pd.DataFrame, metric: str, higher: bool, out: Path) -> list[Path]:
    import matplotlib.pyplot as plt

    n, k = matrix.shape
    ranks = matrix.rank(axis=1, ascending=not higher, method="average").to_numpy(dtype=float)
    values = matrix.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(1.5 + 0.9 * k, 1.2 + 0.3 * n))
    image = ax.imshow(ranks, aspect="auto", cmap="RdYlGn_r", vmin=1, vmax=max(k, 2))
    ax.set_xticks(range(k), matrix.columns, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(n), matrix.index, fontsize=8)
    if n * k <= 900:
        for i in range(n):
            for j in range(k):
                if np.isfinite(values[i, j]):
                    ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center", fontsize=6)
    fig.colorbar(image, ax=ax, label="rank within dataset (1 = best)")
    ax.set_title(f"{metric} per dataset (mean over folds; colour = rank)", fontsize=10)
    return _save(fig, out, "heatmap")


def report(
    results: str | os.PathLike,
    out: str | os.PathLike = "report",
    *,
    metric: str = "average_precision",
    alpha: float = 0.05,
) -> ReportResult:
    """Write a Markdown and a self-contained HTML report of a results store.

    Contents: run summary; per-method means of every metric with the average rank on
    ``metric``, fit/predict time and memory; a per-dataset table (mean ± std over
    folds); Friedman and Iman-Davenport tests, Nemenyi post-hoc with its critical
    difference and Holm-corrected pairwise Wilcoxon tests; a critical-difference
    diagram, a score-vs-runtime plot and a per-dataset heatmap (PNG and SVG); failed
    cells with the last line of their traceback.

    Parameters
    ----------
    results : path
        The SQLite store written by :func:`imbtab.bench.run`.
    out : path, default="report"
        Output folder (created); holds ``report.md``, ``report.html``, figures and CSVs.
    metric : str, default="average_precision"
        Metric used for ranks, tests and figures.
    alpha : float, default=0.05
        Significance level.

    Returns
    -------
    ReportResult
    """
    import matplotlib

    matplotlib.use("Agg")
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose from {METRICS}")
    results = Path(results)
    if not results.is_file():
        raise FileNotFoundError(f"results store not found: {results}")
    with ResultStore(results) as store:
        frame = store.to_frame()
        specs = store.methods()
        runs = store.runs()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    higher = metric not in LOWER_IS_BETTER
    ok = frame[frame["status"] == "ok"]
    doc = _Doc()
    doc.heading("imbtab benchmark report", 1)
    status = frame["status"].value_counts().to_dict()
    n_data, n_meth = frame["dataset"].nunique(), frame["method"].nunique()
    folds = int(frame["fold"].max()) + 1 if len(frame) else 0
    repeats = int(frame["repeat"].max()) + 1 if len(frame) else 0
    doc.para(
        f"Store `{results.name}`: {n_data} datasets x {n_meth} methods x {folds} folds x "
        f"{repeats} repeat(s) = {len(frame)} cells ("
        + ", ".join(f"{v} {k}" for k, v in sorted(status.items()))
        + f"). Main metric: `{metric}` ({'higher' if higher else 'lower'} is better). "
        f"Total fit time {ok['fit_time'].sum():.1f} s over {len(runs)} run(s)."
    )
    if ok.empty:
        doc.para("No successful cells: nothing to compare.")
        md, page = out / "report.md", out / "report.html"
        md.write_text(doc.markdown())
        page.write_text(doc.page("imbtab benchmark report"))
        return ReportResult(md, page)

    matrix = score_matrix(frame, metric)
    comp = compare_methods(matrix, metric=metric, higher_is_better=higher, alpha=alpha)
    metrics_present = [m for m in METRICS if m in ok and ok[m].notna().any()]
    per_method = (
        ok.groupby(["method", "dataset"])[[*metrics_present, "fit_time", "predict_time"]]
        .mean()
        .groupby("method")
        .mean()
    )
    per_method["peak_rss_mb"] = ok.groupby("method")["peak_rss_mb"].max()
    failures = frame[frame["status"].isin(["failed", "timeout"])].groupby("method").size()
    per_method["failed"] = failures.reindex(per_method.index).fillna(0).astype(int)
    per_method.insert(0, "avg_rank", comp.average_ranks.reindex(per_method.index))
    per_method = per_method.sort_values("avg_rank")
    per_method.to_csv(out / "methods.csv")

    doc.heading("Methods")
    doc.para(
        "Mean over datasets of the per-dataset mean over folds; `avg_rank` is the average "
        f"rank on `{metric}` over the {comp.matrix.shape[0]} datasets where every method "
        "has a score (1 = best); times in seconds per cell (`fit_time`, `predict_time`: wall "
        "clock; `cpu_time`: CPU of preprocessing, fit and predict, robust to a loaded "
        "machine); `peak_rss_mb` is the largest worker peak memory of a cell."
    )
    doc.table(per_method, "method")

    doc.heading(f"Per dataset: {metric}")
    mean = ok.pivot_table(index="dataset", columns="method", values=metric, aggfunc="mean")
    std = ok.pivot_table(index="dataset", columns="method", values=metric, aggfunc="std")
    order = list(per_method.index)
    mean, std = mean.reindex(columns=order), std.reindex(columns=order)
    cells = mean.copy().astype(object)
    for c in mean.columns:
        cells[c] = [
            f"{m:.3f} ± {s:.3f}" if np.isfinite(m) and np.isfinite(s) else _fmt(m)
            for m, s in zip(mean[c], std[c], strict=True)
        ]
    best = (mean.idxmax(axis=1) if higher else mean.idxmin(axis=1)).to_dict()
    doc.para("Mean ± standard deviation over folds and repeats; best per dataset in bold.")
    doc.table(cells, "dataset", bold=best)
    mean.to_csv(out / f"per_dataset_{metric}.csv")

    doc.heading("Statistical comparison")
    if comp.dropped_methods:
        doc.para(
            "Left out of the tests (scored on at most half of the datasets; failed or not "
            "applicable elsewhere, see the failures column): " + ", ".join(comp.dropped_methods)
        )
    if comp.dropped_datasets:
        doc.para(
            "Left out of the tests (a method has no score there): "
            + ", ".join(comp.dropped_datasets)
        )
    if comp.note:
        doc.para(comp.note)
    n, k = comp.matrix.shape
    if np.isfinite(comp.friedman_p):
        doc.para(
            f"Friedman test over N={n} datasets and k={k} methods: chi2_F = "
            f"{comp.friedman_chi2:.3f}, p = {_fmt(comp.friedman_p, 4)}. Iman-Davenport: "
            f"F_F = {_fmt(comp.iman_davenport_f)} with ({k - 1}, {(k - 1) * (n - 1)}) degrees "
            f"of freedom, p = {_fmt(comp.iman_davenport_p, 4)}. Nemenyi critical difference "
            f"at alpha = {alpha}: CD = {comp.cd:.3f} (average ranks further apart than CD "
            "differ significantly)."
        )
    figures: list[Path] = []
    if comp.nemenyi_p is not None:
        doc.heading("Nemenyi post-hoc p-values", 3)
        doc.table(comp.nemenyi_p.loc[comp.average_ranks.index, comp.average_ranks.index])
    if comp.wilcoxon_holm_p is not None:
        doc.heading("Pairwise Wilcoxon signed-rank p-values, Holm-corrected", 3)
        doc.table(comp.wilcoxon_holm_p.loc[comp.average_ranks.index, comp.average_ranks.index])
    doc.heading("Figures")
    if k >= 2 and n >= 2 and (comp.nemenyi_p is not None or comp.wilcoxon_holm_p is not None):
        paths = _cd_figure(comp, out)
        figures += paths
        doc.image(paths[0], paths[0].name, "critical difference diagram")
    paths = _runtime_figure(per_method, metric, out)
    figures += paths
    doc.image(paths[0], paths[0].name, "score vs runtime")
    paths = _heatmap_figure(mean, metric, higher, out)
    figures += paths
    doc.image(paths[0], paths[0].name, "per-dataset heatmap")

    bad = frame[frame["status"].isin(["failed", "timeout", "n/a"])]
    if not bad.empty:
        doc.heading("Cells without a score")
        rows = bad.groupby(["method", "status"]).agg(
            cells=("dataset", "size"),
            datasets=("dataset", lambda s: ", ".join(sorted(set(s))[:5])),
            error=("error", lambda s: (str(s.iloc[0]).strip().splitlines() or [""])[-1][:160]),
        )
        rows.index = [f"{m} ({s})" for m, s in rows.index]
        doc.table(rows, "method (status)")
    if specs:
        doc.heading("Method definitions")
        defs = pd.DataFrame(
            {
                n: {
                    "method": s.get("method") or "pipeline",
                    "learner": s.get("learner") or "",
                    "preprocess": s.get("preprocess", ""),
                    "params": str(s.get("params") or s.get("pipeline") or ""),
                }
                for n, s in sorted(specs.items())
                if n in set(frame["method"])
            }
        ).T
        if not defs.empty:
            doc.table(defs, "name")

    md, page = out / "report.md", out / "report.html"
    md.write_text(doc.markdown())
    page.write_text(doc.page("imbtab benchmark report"))
    return ReportResult(md, page, figures, comp)
