"""A histogram CART for SMOTE-IPF's filter: quantile bins, Gini splits, numba.

The default model of :class:`~imbtab.over_sampling.SMOTEIPF`'s iterative-partitioning
filter. Features are cut once into at most 256 quantile bins (every distinct value its own
bin when there are few); each tree grows depth-first with the Gini criterion, a depth limit
and a minimum leaf size, and predicts the majority class of its leaf (ties to the smaller
class code). Every choice is deterministic (ties between splits go to the first feature,
then the lowest bin), so the result does not depend on the number of threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

MAX_BINS = 256
_SAMPLE_ROWS = 200_000  # rows (evenly spaced) used to place the bin edges


def bin_edges(X: np.ndarray, max_bins: int = MAX_BINS) -> list[np.ndarray]:
    """Cut points of every column: between distinct values, or at quantiles when many."""
    n = X.shape[0]
    rows = np.unique(np.linspace(0, n - 1, min(n, _SAMPLE_ROWS)).astype(np.int64))
    edges = []
    for j in range(X.shape[1]):
        values = np.unique(X[rows, j])
        if values.size <= max_bins:
            cut = (values[:-1] + values[1:]) / 2
        else:
            pos = np.linspace(0, values.size - 1, max_bins + 1)[1:-1].astype(np.int64)
            cut = np.unique((values[pos] + values[pos + 1]) / 2)
        edges.append(np.ascontiguousarray(cut, dtype=np.float64))
    return edges


def apply_bins(X: np.ndarray, edges: list[np.ndarray]) -> np.ndarray:
    """Bin codes (uint8) of ``X``: code ``b`` means ``edges[b - 1] < x <= edges[b]``."""
    codes = np.empty(X.shape, dtype=np.uint8)
    flat = np.full((len(edges), MAX_BINS), np.inf)
    sizes = np.zeros(len(edges), dtype=np.int64)
    for j, cut in enumerate(edges):
        flat[j, : cut.size] = cut
        sizes[j] = cut.size
    _apply_bins(np.ascontiguousarray(X, dtype=np.float64), flat, sizes, codes)
    return codes


@njit(cache=True, parallel=True)
def _apply_bins(X, flat, sizes, codes):  # pragma: no cover
    n, d = X.shape
    for i in prange(n):
        for j in range(d):
            x = X[i, j]
            lo, hi = 0, sizes[j]
            while lo < hi:  # first edge >= x
                mid = (lo + hi) // 2
                if flat[j, mid] < x:
                    lo = mid + 1
                else:
                    hi = mid
            codes[i, j] = lo


@njit(cache=True, nogil=True)
def _gini_score(cum, total, n_left, n_right):  # pragma: no cover
    """Split score (higher is better): sum of squared class counts over size, both sides.

    Maximising it minimises the weighted Gini impurity of the two children.
    """
    sl = 0.0
    sr = 0.0
    for c in range(cum.shape[0]):
        sl += cum[c] * cum[c]
        rc = total[c] - cum[c]
        sr += rc * rc
    return sl / n_left + sr / n_right


@njit(cache=True, nogil=True)
def _grow(
    X, codes, y, idx, n_classes, max_depth, min_leaf, feat, thr, left, right, value
):  # pragma: no cover
    """Grow one tree on the rows ``idx`` (permuted in place); return its node count."""
    d = codes.shape[1]
    n_bins = MAX_BINS
    hist = np.zeros((d, n_bins, n_classes), dtype=np.int64)
    total = np.zeros(n_classes, dtype=np.int64)
    cum = np.zeros(n_classes, dtype=np.int64)
    base_left = np.zeros(n_classes, dtype=np.int64)
    buf = np.empty(idx.shape[0], dtype=idx.dtype)
    # explicit stack of (node, start, end, depth)
    stack = np.empty((2 * max_depth + 4, 4), dtype=np.int64)
    top = 0
    stack[0, 0] = 0
    stack[0, 1] = 0
    stack[0, 2] = idx.shape[0]
    stack[0, 3] = 0
    top = 1
    n_nodes = 1
    while top > 0:
        top -= 1
        node = stack[top, 0]
        start = stack[top, 1]
        end = stack[top, 2]
        depth = stack[top, 3]
        n = end - start
        total[:] = 0
        for t in range(start, end):
            total[y[idx[t]]] += 1
        best_c = 0
        for c in range(n_classes):
            if total[c] > total[best_c]:
                best_c = c
        value[node] = best_c
        feat[node] = -1
        if depth >= max_depth or n < 2 * min_leaf or total[best_c] == n:
            continue
        hist[:] = 0
        for t in range(start, end):
            r = idx[t]
            yc = y[r]
            for j in range(d):
                hist[j, codes[r, j], yc] += 1
        parent = 0.0
        for c in range(n_classes):
            parent += total[c] * total[c]
        parent /= n
        best_score = parent + 1e-12 * n
        best_f = -1
        best_b = -1
        for j in range(d):
            cum[:] = 0
            n_left = 0
            for b in range(n_bins - 1):
                for c in range(n_classes):
                    cum[c] += hist[j, b, c]
                    n_left += hist[j, b, c]
                if n_left < min_leaf:
                    continue
                n_right = n - n_left
                if n_right < min_leaf:
                    break
                score = _gini_score(cum, total, n_left, n_right)
                if score > best_score:
                    best_score = score
                    best_f = j
                    best_b = b
        if best_f < 0:
            continue
        # exact threshold: re-scan by value the rows of bin best_b and of the next
        # non-empty bin (rows of lower bins go left, of higher bins right, as in the
        # coarse split)
        b_hi = best_b + 1
        while b_hi < n_bins - 1:
            occupied = 0
            for c in range(n_classes):
                occupied += hist[best_f, b_hi, c]
            if occupied > 0:
                break
            b_hi += 1
        base_left[:] = 0
        n_base = 0
        m = 0
        for t in range(start, end):
            r = idx[t]
            code = codes[r, best_f]
            if code < best_b:
                base_left[y[r]] += 1
                n_base += 1
            elif code <= b_hi:
                buf[m] = r
                m += 1
        vals = np.empty(m, dtype=np.float64)
        for t in range(m):
            vals[t] = X[buf[t], best_f]
        order = np.argsort(vals, kind="mergesort")
        cum[:] = base_left
        n_left = n_base
        best_score = -1.0
        threshold = 0.0
        for q in range(m - 1):
            r = buf[order[q]]
            cum[y[r]] += 1
            n_left += 1
            v = vals[order[q]]
            v_next = vals[order[q + 1]]
            if v_next <= v:
                continue
            n_right = n - n_left
            if n_left < min_leaf or n_right < min_leaf:
                continue
            score = _gini_score(cum, total, n_left, n_right)
            if score > best_score:
                best_score = score
                threshold = v / 2.0 + v_next / 2.0
                if threshold == v_next:
                    threshold = v
        if best_score < 0:
            continue
        # stable partition by value
        lo = start
        m = 0
        for t in range(start, end):
            r = idx[t]
            if X[r, best_f] <= threshold:
                idx[lo] = r
                lo += 1
            else:
                buf[m] = r
                m += 1
        for t in range(m):
            idx[lo + t] = buf[t]
        if lo == start or lo == end:
            continue
        feat[node] = best_f
        thr[node] = threshold
        left[node] = n_nodes
        right[node] = n_nodes + 1
        stack[top, 0] = n_nodes + 1
        stack[top, 1] = lo
        stack[top, 2] = end
        stack[top, 3] = depth + 1
        stack[top + 1, 0] = n_nodes
        stack[top + 1, 1] = start
        stack[top + 1, 2] = lo
        stack[top + 1, 3] = depth + 1
        top += 2
        n_nodes += 2
    return n_nodes


@njit(cache=True, parallel=True)
def fit_trees(
    X, codes, y, part, n_parts, n_classes, max_depth, min_leaf, feat, thr, left, right, value
):  # pragma: no cover
    """One tree per part (rows with ``part == p``), the parts in parallel."""
    for p in prange(n_parts):
        idx = np.flatnonzero(part == p)
        _grow(
            X,
            codes,
            y,
            idx,
            n_classes,
            max_depth,
            min_leaf,
            feat[p],
            thr[p],
            left[p],
            right[p],
            value[p],
        )


@njit(cache=True, parallel=True)
def wrong_votes(X, y, rows, feat, thr, left, right, value):  # pragma: no cover
    """Number of trees that misclassify each of the rows ``rows`` of ``X``."""
    n = rows.shape[0]
    n_trees = feat.shape[0]
    out = np.zeros(n, dtype=np.int64)
    for q in prange(n):
        i = rows[q]
        w = 0
        for t in range(n_trees):
            node = 0
            while feat[t, node] >= 0:
                if X[i, feat[t, node]] <= thr[t, node]:
                    node = left[t, node]
                else:
                    node = right[t, node]
            if value[t, node] != y[i]:
                w += 1
        out[q] = w
    return out


class HistTreeFilter:
    """``n_parts`` histogram CARTs, one per part of the rows, and their wrong-vote counts.

    Parameters
    ----------
    max_depth : int
        Depth limit of the trees.
    min_samples_leaf : int
        Minimum number of rows in a leaf.
    """

    def __init__(self, max_depth: int = 10, min_samples_leaf: int = 10):
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf

    def fit(
        self,
        X: np.ndarray,
        codes: np.ndarray,
        y_codes: np.ndarray,
        part: np.ndarray,
        n_parts: int,
        n_classes: int,
    ):
        """Fit one tree on the rows of each part (``part``: 0..n_parts-1, -1 for none).

        ``X`` (float64, C order) holds the values and ``codes`` their bins (from
        :func:`apply_bins`); ``y_codes`` the classes as 0..n_classes-1.
        """
        n = codes.shape[0]
        cap = int(min(2 ** (self.max_depth + 1), 2 * (n // max(self.min_samples_leaf, 1)) + 3))
        self.feat_ = np.full((n_parts, cap), -1, dtype=np.int64)
        self.thr_ = np.zeros((n_parts, cap), dtype=np.float64)
        self.left_ = np.zeros((n_parts, cap), dtype=np.int64)
        self.right_ = np.zeros((n_parts, cap), dtype=np.int64)
        self.value_ = np.zeros((n_parts, cap), dtype=np.int64)
        fit_trees(
            X,
            codes,
            y_codes,
            np.ascontiguousarray(part, dtype=np.int64),
            n_parts,
            n_classes,
            self.max_depth,
            self.min_samples_leaf,
            self.feat_,
            self.thr_,
            self.left_,
            self.right_,
            self.value_,
        )
        return self

    def wrong_votes(self, X: np.ndarray, y_codes: np.ndarray, rows=None) -> np.ndarray:
        """Number of the trees that misclassify each row (of ``X[rows]`` if given)."""
        rows = np.arange(X.shape[0]) if rows is None else rows
        return wrong_votes(
            X,
            y_codes,
            np.ascontiguousarray(rows, dtype=np.int64),
            self.feat_,
            self.thr_,
            self.left_,
            self.right_,
            self.value_,
        )
