"""The exact count "k class rows before the nearest other row" over Voronoi cells."""

import numpy as np
import pytest

import imbtab.neighbors._closer as closer
import imbtab.neighbors._packed_cells as packed_cells
import imbtab.neighbors._screen as screen
from imbtab.neighbors._validation import check_points, numba_threads


def _sq(X, a, rows):
    """Squared distances summed in feature order, as the engine sums them."""
    diff = X[rows].astype(np.float64) - X[a].astype(np.float64)
    return np.cumsum(diff * diff, axis=1)[:, -1]


def _brute(X, rows, pos, d_o, j_o, k):
    out = np.empty(pos.size, dtype=bool)
    for i, p in enumerate(pos):
        d = _sq(X, rows[p], rows)
        before = (d < d_o[i]) | ((d == d_o[i]) & (rows < j_o[i]))
        before[p] = False
        out[i] = before.sum() >= k
    return out


def _cells(X, rows, cell_size, monkeypatch):
    monkeypatch.setattr(screen, "_CELL_SIZE", cell_size)
    with numba_threads(1) as nt:
        return screen._Cells(screen._Rows(X, rows), nt)


def _thresholds(X, rows, other, pos, rng):
    """The nearest other row of each query, or (on every third query) a tie with a class row."""
    d_o = np.empty(pos.size)
    j_o = np.empty(pos.size, dtype=np.int64)
    for i, p in enumerate(pos):
        d = _sq(X, rows[p], other)
        j = int(np.lexsort((other, d))[0])
        d_o[i], j_o[i] = d[j], other[j]
        if i % 3 == 0:  # same distance as a class row; the index decides
            t = rng.choice(np.delete(np.arange(rows.size), p))
            d_o[i] = _sq(X, rows[p], rows[[t]])[0]
            j_o[i] = rows[t] + rng.choice([-1, 1])
    return d_o, j_o


@pytest.mark.parametrize("k", [1, 2, 5])
@pytest.mark.parametrize(
    "kind", ["gaussian-20d", "grid-ties-3d", "offset-1e6", "float32", "duplicates"]
)
def test_count_matches_brute_force(monkeypatch, kind, k):
    rng = np.random.default_rng(len(kind) + k)
    n, d = 1500, 20 if kind in ("gaussian-20d", "offset-1e6") else 3
    X = rng.standard_normal((n, d))
    if kind == "grid-ties-3d":
        X = rng.integers(0, 6, size=(n, d)).astype(float)
    elif kind == "offset-1e6":
        X = X + 1e6
    elif kind == "float32":
        X = X.astype(np.float32)
    elif kind == "duplicates":
        X = np.repeat(rng.integers(0, 4, size=(n // 3, d)).astype(float), 3, axis=0)
    y = rng.random(n) < 0.2
    X = check_points(X)
    rows, other = np.flatnonzero(~y), np.flatnonzero(y)
    cells = _cells(X, rows, 40, monkeypatch)
    pos = np.sort(rng.choice(rows.size, 300, replace=False))
    d_o, j_o = _thresholds(X, rows, other, pos, rng)
    got = closer.closer_rows_reach_k(cells, pos, d_o, j_o, k)
    want = _brute(X, rows, pos, d_o, j_o, k)
    np.testing.assert_array_equal(got, want)
    assert 0 < want.sum() < want.size  # both answers occur


def test_rows_of_one_class_interleaved_with_others(monkeypatch):
    # class rows scattered through X: positions and indices in X must not be mixed up
    rng = np.random.default_rng(3)
    X = check_points(rng.integers(0, 8, size=(2000, 2)).astype(float))
    y = rng.integers(0, 3, size=2000)
    rows, other = np.flatnonzero(y == 1), np.flatnonzero(y != 1)
    cells = _cells(X, rows, 25, monkeypatch)
    pos = np.arange(rows.size)
    d_o, j_o = _thresholds(X, rows, other, pos, rng)
    for k in (1, 3):
        got = closer.closer_rows_reach_k(cells, pos, d_o, j_o, k)
        np.testing.assert_array_equal(got, _brute(X, rows, pos, d_o, j_o, k))


def test_too_many_cells_declines(monkeypatch):
    rng = np.random.default_rng(0)
    X = check_points(rng.standard_normal((400, 4)))
    rows = np.arange(300)
    cells = _cells(X, rows, 10, monkeypatch)
    monkeypatch.setattr(packed_cells, "MAX_CELLS", cells.n_cells - 1)
    assert closer.closer_rows_reach_k(cells, np.arange(5), np.ones(5), np.full(5, 399), 2) is None
