"""The screen's cells kept across the passes of RENN and AllKNN change no result."""

import numpy as np
import pytest
from sklearn.datasets import make_classification

import imbtab.neighbors._packed_cells as packed_cells
import imbtab.under_sampling._prototype_selection._all_knn as all_knn_module
import imbtab.under_sampling._prototype_selection._repeated_edited_nearest_neighbours as renn_module
from imbtab.neighbors._screen import CellStore, _Cells, _Rows
from imbtab.under_sampling import AllKNN, RepeatedEditedNearestNeighbours


@pytest.fixture(scope="module")
def data():
    # large enough for the screen (and so the cell store) to run on the majority class
    return make_classification(
        n_samples=9000, n_features=6, weights=[0.96, 0.04], class_sep=0.6, random_state=3
    )


@pytest.mark.parametrize(
    ("cls", "module"),
    [(AllKNN, all_knn_module), (RepeatedEditedNearestNeighbours, renn_module)],
)
@pytest.mark.parametrize("kind_sel", ["all", "mode"])
def test_cell_store_same_rows(data, cls, module, kind_sel, monkeypatch):
    X, y = data
    used = []

    class Spy(CellStore):
        def screen_cells(self, *args):
            used.append(self.classes.get(args[2]) is not None)
            return super().screen_cells(*args)

    monkeypatch.setattr(module, "CellStore", Spy)
    if module is renn_module:  # full passes (not the incremental one) after the first
        monkeypatch.setattr(module, "_AGAIN_MAX_REMOVED", 0)
    with_store = cls(kind_sel=kind_sel).fit_resample(X, y)
    kept = cls(kind_sel=kind_sel)
    kept.fit_resample(X, y)
    assert any(used)  # a later pass reused the cells of an earlier one
    monkeypatch.setattr(module, "CellStore", lambda *args: None)
    plain = cls(kind_sel=kind_sel)
    plain.fit_resample(X, y)
    np.testing.assert_array_equal(kept.sample_indices_, plain.sample_indices_)
    assert with_store[0].shape[0] < X.shape[0]


def _brute_kth(X, rows, cells, q, probes, k):
    values = []
    for c in probes:
        members = cells.members[c]
        members = members[members != q]
        diff = (X[rows[members]] - X[rows[q]]) ** 2
        d2 = np.zeros(members.size)
        for f in range(X.shape[1]):  # feature order, as the engine sums
            d2 += diff[:, f]
        values.extend(np.sort(d2)[:k])
    return np.sort(values)[k - 1] if len(values) >= k else np.inf


@pytest.mark.parametrize("packed", [True, False])
@pytest.mark.parametrize("k", [1, 3])
def test_probe_bound_matches_definition(monkeypatch, data, k, packed):
    # exact without packing; packed (float32), at or above it by at most the rounding band
    if not packed:
        monkeypatch.setattr(packed_cells, "MAX_CELLS", 0)
    X, y = data
    rows = np.flatnonzero(y == 0)
    cells = _Cells(_Rows(X, rows), 1)
    pos = np.arange(0, rows.size, 37)
    got = cells.probe_bound(pos, k, 4)
    d2 = ((X[rows[pos]][:, None, :] - cells.centres[None, :, :]) ** 2).sum(axis=2)
    for i, q in enumerate(pos[:60]):
        probes = np.argsort(d2[i], kind="stable")[:4]
        want = _brute_kth(X, rows, cells, q, probes, k)
        if packed:
            assert want <= got[i] <= want + 1e-3 * (1.0 + want)
        else:
            assert got[i] == want


def test_store_bound_is_kth_alive_in_cell(data):
    X, y = data
    rows = np.flatnonzero(y == 0)
    store = CellStore(X.shape[0], 3)
    cells, own = store.screen_cells(_Rows(X, rows), 1, 0, rows, 3)
    np.testing.assert_array_equal(own, cells.own_bound(3))
    # remove some rows: the kept bounds equal a fresh search of the shrunken cells
    alive = rows[np.random.default_rng(0).random(rows.size) > 0.05]
    cells2, own2 = store.screen_cells(_Rows(X, alive), 1, 0, alive, 2)
    np.testing.assert_array_equal(own2, cells2.own_bound(2))
