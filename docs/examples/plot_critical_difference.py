"""
Comparing methods over data sets: the critical-difference diagram
=================================================================

:func:`imbtab.bench.run` evaluates ``method+learner`` combinations with stratified
k-fold cross-validation on every data set of a folder (here: the small bundled
``"demo"`` suite) and stores one row per cell in SQLite. :func:`imbtab.bench.report`
then ranks the methods per data set, runs the Friedman / Iman-Davenport tests, the
Nemenyi and Holm-Wilcoxon post-hoc tests, and draws a critical-difference diagram.

To stay fast this example uses four of the demo data sets, three quick methods on a
decision tree and 3 folds; a real comparison uses more folds, repeats and data sets
(``imbtab bench run DIR --methods ... --folds 5``).
"""

import tempfile
from pathlib import Path

import matplotlib.image as mpimg
import matplotlib.pyplot as plt

from imbtab.bench import ResultStore, compare_methods, report, run, score_matrix

workdir = Path(tempfile.mkdtemp())
summary = run(
    suite="demo",
    names=["pc1", "seismic_bumps", "vowel", "yeast"],
    methods=["baseline+tree", "class_weight+tree", "rus+tree"],
    folds=3,
    metrics=["average_precision", "balanced_accuracy", "brier"],
    out=workdir / "results.db",
    n_jobs=1,
)
print(f"{summary.n_cells} cells: {dict(summary.counts)}, {summary.skipped} skipped")

# %%
# The store holds one row per (dataset, method, fold, repeat, seed); a re-run of the
# same call skips finished cells. Scores as a datasets x methods matrix:
with ResultStore(workdir / "results.db") as store:
    results = store.to_frame()
matrix = score_matrix(results, "balanced_accuracy")
print(matrix.round(3))

comparison = compare_methods(matrix, metric="balanced_accuracy")
print("average ranks (1 = best):")
print(comparison.average_ranks.round(2))
print(f"Friedman p = {comparison.friedman_p:.4f}, Nemenyi CD = {comparison.cd:.2f}")

# %%
# The report writes Markdown, a self-contained HTML page and figures; here is its
# critical-difference diagram. Methods joined by a bar are not significantly different.
result = report(workdir / "results.db", workdir / "report", metric="balanced_accuracy")
cd_png = next(p for p in result.figures if p.name == "cd_diagram.png")
image = mpimg.imread(cd_png)
fig, ax = plt.subplots(figsize=(9, 9 * image.shape[0] / image.shape[1]))
ax.imshow(image)
ax.axis("off")
fig.tight_layout()
plt.show()
