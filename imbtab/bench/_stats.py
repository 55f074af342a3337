"""Comparison of k methods over N datasets (Demšar 2006), with scipy and scikit-posthocs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["Comparison", "compare_methods", "nemenyi_cd", "score_matrix"]


def score_matrix(results: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Datasets x methods matrix of a metric's mean over folds and repeats (ok cells only).

    Examples
    --------
    >>> import pandas as pd
    >>> from imbtab.bench import score_matrix
    >>> r = pd.DataFrame({"dataset": ["a", "a", "a", "a"], "method": ["m", "m", "n", "n"],
    ...                   "status": "ok", "f1": [0.2, 0.4, 0.5, 0.7]})
    >>> score_matrix(r, "f1").round(2).to_dict()
    {'m': {'a': 0.3}, 'n': {'a': 0.6}}
    """
    ok = results[results["status"] == "ok"]
    matrix = ok.pivot_table(index="dataset", columns="method", values=metric, aggfunc="mean")
    matrix.columns.name = None
    return matrix


def nemenyi_cd(k: int, n: int, alpha: float = 0.05) -> float:
    """Nemenyi critical difference ``q_alpha * sqrt(k (k + 1) / (6 N))``.

    ``q_alpha`` is the studentized range quantile divided by sqrt(2).

    Examples
    --------
    >>> from imbtab.bench import nemenyi_cd
    >>> round(nemenyi_cd(4, 30), 3)  # Demšar (2006): 0.856
    0.856
    """
    q = stats.studentized_range.ppf(1 - alpha, k, np.inf) / np.sqrt(2)
    return float(q * np.sqrt(k * (k + 1) / (6.0 * n)))


@dataclass
class Comparison:
    """Result of :func:`compare_methods`."""

    metric: str
    matrix: pd.DataFrame  # complete datasets x methods used in the tests
    ranks: pd.DataFrame  # per-dataset ranks, 1 = best
    average_ranks: pd.Series
    dropped_datasets: list
    dropped_methods: list = field(default_factory=list)
    friedman_chi2: float = np.nan
    friedman_p: float = np.nan
    iman_davenport_f: float = np.nan
    iman_davenport_p: float = np.nan
    cd: float = np.nan
    nemenyi_p: pd.DataFrame | None = None
    wilcoxon_holm_p: pd.DataFrame | None = None
    alpha: float = 0.05
    note: str = ""


def compare_methods(
    matrix: pd.DataFrame, *, metric: str = "", higher_is_better: bool = True, alpha: float = 0.05
) -> Comparison:
    """Average ranks, Friedman / Iman-Davenport, Nemenyi and Holm-corrected Wilcoxon tests.

    A method with scores on at most half of the datasets (one that fails or does not
    apply on most of them) is left out of the tests first (``dropped_methods``), so that
    it does not take the other methods' datasets with it; then datasets where any
    remaining method has no score are left out (``dropped_datasets``). Ranks use the
    average rank for ties.

    Parameters
    ----------
    matrix : DataFrame
        Datasets x methods scores.
    metric : str
        Name of the metric, for display.
    higher_is_better : bool, default=True
        Rank direction.
    alpha : float, default=0.05
        Significance level for the critical difference.

    Returns
    -------
    Comparison
    """
    coverage = matrix.notna().sum(axis=0)
    sparse_methods = [m for m in matrix.columns if coverage[m] <= matrix.shape[0] / 2]
    complete = matrix.drop(columns=sparse_methods).dropna(axis=0, how="any")
    dropped = sorted(set(matrix.index) - set(complete.index))
    ranks = complete.rank(axis=1, ascending=not higher_is_better, method="average")
    comp = Comparison(
        metric=metric,
        matrix=complete,
        ranks=ranks,
        average_ranks=ranks.mean(axis=0).sort_values(),
        dropped_datasets=dropped,
        dropped_methods=sparse_methods,
        alpha=alpha,
    )
    n, k = complete.shape
    if k < 2 or n < 2:
        comp.note = f"tests need at least 2 methods and 2 complete datasets (have {k} and {n})"
        return comp
    import scikit_posthocs as sp

    cols = [complete[c].to_numpy() for c in complete.columns]
    if k >= 3:
        chi2, p = stats.friedmanchisquare(*cols)
        comp.friedman_chi2, comp.friedman_p = float(chi2), float(p)
        denom = n * (k - 1) - chi2
        if denom > 0:
            f = (n - 1) * chi2 / denom
            comp.iman_davenport_f = float(f)
            comp.iman_davenport_p = float(stats.f.sf(f, k - 1, (k - 1) * (n - 1)))
        else:
            comp.iman_davenport_p = 0.0
        # scikit-posthocs ranks each row ascending; negate so that rank 1 is the best
        signed = complete if not higher_is_better else -complete
        nem = sp.posthoc_nemenyi_friedman(signed.to_numpy())
        nem.index = nem.columns = list(complete.columns)
        comp.nemenyi_p = nem
    comp.cd = nemenyi_cd(k, n, alpha)
    try:
        wil = sp.posthoc_wilcoxon(cols, p_adjust="holm", zero_method="zsplit")
        wil.index = wil.columns = list(complete.columns)
        comp.wilcoxon_holm_p = wil
    except ValueError as exc:  # e.g. all differences zero
        comp.note = f"Wilcoxon tests not computed: {exc}"
    return comp
