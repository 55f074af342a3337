"""Numba kernels of the SMOTE family: interpolation and categorical modes."""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True)
def _interpolate_row(
    X, nn_data, nn_num, rows, cols, steps, diff_scale, use_scale, out, i
):  # pragma: no cover
    r = rows[i]
    j = nn_num[r, cols[i]]
    s = steps[i]
    p = out.shape[1]
    if use_scale:
        f = diff_scale[i]
        for c in range(p):
            out[i, c] = (nn_data[j, c] - X[r, c]) * f
        for c in range(p):
            out[i, c] = X[r, c] + s * out[i, c]
    else:
        for c in range(p):
            x = X[r, c]
            out[i, c] = x + s * (nn_data[j, c] - x)


@njit(cache=True, parallel=True)
def interpolate(
    X, nn_data, nn_num, rows, cols, steps, diff_scale, use_scale, out
):  # pragma: no cover
    """``out[i] = X[r] + steps[i] * (nn_data[nn_num[r, cols[i]]] - X[r])`` with ``r = rows[i]``.

    The arithmetic follows numpy's promotion in imbalanced-learn's expression: the
    difference is taken in the input dtype, the product and the sum in float64, and the
    result is cast to ``out.dtype``. With ``use_scale`` the difference is first multiplied
    by ``diff_scale[i]`` and cast back to ``out.dtype`` (Borderline-SMOTE-2's in-place
    ``diffs[mask] *= u``).
    """
    for i in prange(out.shape[0]):
        _interpolate_row(X, nn_data, nn_num, rows, cols, steps, diff_scale, use_scale, out, i)


@njit(cache=True)
def interpolate_serial(
    X, nn_data, nn_num, rows, cols, steps, diff_scale, use_scale, out
):  # pragma: no cover
    """:func:`interpolate` on one thread (small outputs: thread start-up costs more)."""
    for i in range(out.shape[0]):
        _interpolate_row(X, nn_data, nn_num, rows, cols, steps, diff_scale, use_scale, out, i)


@njit(cache=True, parallel=True)
def count_modes(codes, nn_num, rows, n_levels, scale, counts_out):  # pragma: no cover
    """Number of most frequent levels among the neighbours of each base row.

    ``codes`` (n_rows, n_cat) holds level codes; for new sample ``i`` and categorical
    column ``c`` the candidates are the codes of the k neighbours ``nn_num[rows[i]]``.
    A level is "most frequent" as in imbalanced-learn's ``np.isclose`` on summed one-hot
    values ``count * scale``. ``counts_out[c, i]`` receives the number of such levels.
    """
    n = rows.shape[0]
    k = nn_num.shape[1]
    n_cat = codes.shape[1]
    for i in prange(n):
        r = rows[i]
        vals = np.empty(k, dtype=np.int64)
        cnts = np.empty(k, dtype=np.int64)
        for c in range(n_cat):
            m = _distinct_counts(codes, nn_num, r, c, k, vals, cnts)
            best = 0
            for a in range(m):
                if cnts[a] > best:
                    best = cnts[a]
            n_max = 0
            for a in range(m):
                if _is_close(cnts[a] * scale, best * scale):
                    n_max += 1
            if _is_close(0.0, best * scale):
                # absent levels also tie (tiny scale): every level of the column counts
                n_max = n_levels[c]
            counts_out[c, i] = n_max


@njit(cache=True, parallel=True)
def pick_modes(codes, nn_num, rows, n_levels, scale, offsets, inv_perm, out):  # pragma: no cover
    """Choose, per new sample and column, the tied level that a random permutation puts first.

    ``offsets[c, i]`` is the position, in ``inv_perm``, of sample ``i``'s first candidate
    of column ``c`` (candidates of a column are listed row-major by (sample, level) with
    levels ascending, the columns one after the other); ``inv_perm`` maps a candidate to
    its place in the permutation drawn for its column.
    """
    n = rows.shape[0]
    k = nn_num.shape[1]
    n_cat = codes.shape[1]
    for i in prange(n):
        r = rows[i]
        vals = np.empty(k, dtype=np.int64)
        cnts = np.empty(k, dtype=np.int64)
        for c in range(n_cat):
            m = _distinct_counts(codes, nn_num, r, c, k, vals, cnts)
            best = 0
            for a in range(m):
                if cnts[a] > best:
                    best = cnts[a]
            base = offsets[c, i]
            perm = inv_perm
            chosen = -1
            chosen_pos = np.iinfo(np.int64).max
            if _is_close(0.0, best * scale):
                for level in range(n_levels[c]):
                    pos = perm[base + level]
                    if pos < chosen_pos:
                        chosen_pos = pos
                        chosen = level
            else:
                # candidates in ascending level order; vals is sorted ascending
                e = 0
                for a in range(m):
                    if _is_close(cnts[a] * scale, best * scale):
                        pos = perm[base + e]
                        if pos < chosen_pos:
                            chosen_pos = pos
                            chosen = vals[a]
                        e += 1
            out[i, c] = chosen


@njit(cache=True)
def _is_close(a, b):  # pragma: no cover
    # numpy.isclose defaults: |a - b| <= atol + rtol * |b|
    return abs(a - b) <= 1e-8 + 1e-5 * abs(b)


@njit(cache=True)
def _distinct_counts(codes, nn_num, r, c, k, vals, cnts):  # pragma: no cover
    """Sorted distinct codes (``vals``) of column ``c`` among row ``r``'s neighbours."""
    m = 0
    for t in range(k):
        v = codes[nn_num[r, t], c]
        # insertion into the sorted distinct list
        pos = 0
        while pos < m and vals[pos] < v:
            pos += 1
        if pos < m and vals[pos] == v:
            cnts[pos] += 1
            continue
        for q in range(m, pos, -1):
            vals[q] = vals[q - 1]
            cnts[q] = cnts[q - 1]
        vals[pos] = v
        cnts[pos] = 1
        m += 1
    return m


@njit(cache=True, parallel=True)
def minority_mode(codes_nn, out):  # pragma: no cover
    """Mode of each row of ``codes_nn`` (n, k), ties to the smallest code (scipy.stats.mode)."""
    n, k = codes_nn.shape
    for i in prange(n):
        best_v = 0
        best_c = 0
        for a in range(k):
            v = codes_nn[i, a]
            cnt = 0
            for b in range(k):
                if codes_nn[i, b] == v:
                    cnt += 1
            if cnt > best_c or (cnt == best_c and v < best_v):
                best_c = cnt
                best_v = v
        out[i] = best_v


@njit(cache=True)
def _insert(d, j, best_d, best_i, k):  # pragma: no cover
    # sorted insertion; an equal distance keeps the earlier (smaller) index first
    if d >= best_d[k - 1]:
        return
    pos = k - 1
    while pos > 0 and best_d[pos - 1] > d:
        best_d[pos] = best_d[pos - 1]
        best_i[pos] = best_i[pos - 1]
        pos -= 1
    best_d[pos] = d
    best_i[pos] = j


@njit(cache=True, parallel=True)
def mixed_knn(cont, codes, mismatch, k, out):  # pragma: no cover
    """k nearest rows (own row excluded) under SMOTE-NC's distance.

    Squared distance: ``sum((a - b) ** 2)`` over the continuous columns plus
    ``mismatch`` per categorical column whose codes differ (a one-hot column pair scaled
    by ``v`` contributes ``2 v**2``). Ties go to the smaller index.
    """
    n = cont.shape[0]
    p = cont.shape[1]
    q = codes.shape[1]
    for i in prange(n):
        best_d = np.full(k, np.inf)
        best_i = np.full(k, -1, dtype=np.int64)
        for j in range(n):
            if j == i:
                continue
            d = 0.0
            for c in range(p):
                t = cont[i, c] - cont[j, c]
                d += t * t
            m = 0
            for c in range(q):
                if codes[i, c] != codes[j, c]:
                    m += 1
            d += m * mismatch
            _insert(d, j, best_d, best_i, k)
        for t in range(k):
            out[i, t] = best_i[t]


@njit(cache=True, parallel=True)
def vdm_knn(codes, proba, k, out):  # pragma: no cover
    """k nearest rows (own row included) under the Value Difference Metric (r=2, k=1).

    ``proba[f, level, c]`` is P(class c | feature f = level); the distance is
    ``sum_f (sum_c |proba[f, a_f, c] - proba[f, b_f, c]|) ** 2`` accumulated in the order
    imbalanced-learn's ``ValueDifferenceMetric.pairwise`` uses. Ties go to the smaller index.
    """
    n, n_feat = codes.shape
    n_cls = proba.shape[2]
    for i in prange(n):
        best_d = np.full(k, np.inf)
        best_i = np.full(k, -1, dtype=np.int64)
        for j in range(n):
            d = 0.0
            for f in range(n_feat):
                a = codes[i, f]
                b = codes[j, f]
                s = 0.0
                for c in range(n_cls):
                    s += abs(proba[f, a, c] - proba[f, b, c])
                d += s * s
            _insert(d, j, best_d, best_i, k)
        for t in range(k):
            out[i, t] = best_i[t]
