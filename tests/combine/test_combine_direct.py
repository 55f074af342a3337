"""The direct path of SMOTEENN / SMOTETomek: segment bounds and the same rows as imblearn."""

import numpy as np
import pytest
from imblearn.combine import SMOTEENN as ImbSMOTEENN
from imblearn.combine import SMOTETomek as ImbSMOTETomek
from sklearn.datasets import make_classification

from imbtab.combine import SMOTEENN, SMOTETomek
from imbtab.combine._bounds import (
    Segments,
    kth_on_segments,
    nearest_on_segments,
    nearest_other_within,
    other_class_bounds,
)
from imbtab.combine._common import stack_with_parents
from imbtab.combine._plain_screen import impure_plain_rows, plain_class_applies
from imbtab.neighbors import _packed_cells as packed_cells
from imbtab.over_sampling import SMOTE


def _big(n_samples=6000, n_classes=2, seed=0):
    weights = [0.95, 0.05] if n_classes == 2 else [0.9, 0.06, 0.04]
    return make_classification(
        n_samples=n_samples,
        n_features=8,
        n_informative=4,
        n_classes=n_classes,
        weights=weights,
        class_sep=0.7,
        random_state=seed,
    )


def _segments(X, y, by_class=True, seed=0):
    stacked = stack_with_parents(SMOTE(random_state=seed), X, y, by_class=by_class)
    codes = np.unique(stacked.yZ, return_inverse=True)[1].ravel()
    return stacked, Segments(stacked.Z, codes, *stacked.parents_in_z(), stacked.synthetic_at)


def _sq(A, B):
    return ((A[:, None, :] - B[None, :, :]) ** 2).sum(-1)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_stack_matches_smote(n_classes):
    X, y = _big(1500, n_classes)
    X_ref, y_ref = SMOTE(random_state=0).fit_resample(X, y)
    stacked, _ = _segments(X, y, by_class=False)
    np.testing.assert_array_equal(stacked.Z, X_ref)
    np.testing.assert_array_equal(stacked.yZ, y_ref)
    a, b, t = stacked.parents_in_z()
    syn = stacked.synthetic_at
    np.testing.assert_allclose(stacked.Z[syn], X[a] + t[:, None] * (X[b] - X[a]), atol=1e-12)
    assert (y[a] == y_ref[syn]).all() and (y[b] == y_ref[syn]).all()
    by_class, _ = _segments(X, y, by_class=True)
    np.testing.assert_array_equal(by_class.Z, X_ref[by_class.natural])


@pytest.mark.parametrize("n_classes", [2, 3])
def test_bounds_are_lower_bounds(n_classes):
    X, y = _big(1500, n_classes)
    _, segs = _segments(X, y)
    near2 = other_class_bounds(segs)
    D = _sq(segs.Z, segs.Z)
    other = segs.codes[:, None] != segs.codes[None, :]
    true = np.where(other, D, np.inf).min(axis=1)
    assert (near2 <= true).all()
    assert (near2 > 0).mean() > 0.5  # and they say something
    same = ~other & ~np.eye(len(D), dtype=bool)
    # an upper bound: computed exactly, so equal up to the last bit where it is tight
    nearest_same = np.where(same, D, np.inf).min(axis=1)
    assert (nearest_on_segments(segs) >= nearest_same * (1 - 1e-12)).all()
    third_same = np.sort(np.where(same, D, np.inf), axis=1)[:, 2]
    assert (kth_on_segments(segs, 3) >= third_same * (1 - 1e-12)).all()


def test_nearest_other_within_is_exact():
    X, y = _big(1500)
    _, segs = _segments(X, y)
    query = np.flatnonzero(segs.codes == 0)
    D = _sq(segs.Z[query], segs.Z)
    D[:, segs.codes == 0] = np.inf
    true_d, true_j = D.min(axis=1), D.argmin(axis=1)
    radius = np.quantile(true_d, 0.5) * np.ones(query.size)
    lb, d_o, j_o = nearest_other_within(segs, query, radius)
    inside = true_d <= radius
    assert inside.any() and (~inside).any()
    np.testing.assert_allclose(d_o[inside], true_d[inside], rtol=1e-12)
    np.testing.assert_array_equal(j_o[inside], true_j[inside])
    assert np.all(d_o[~inside] > radius[~inside])
    assert (lb <= true_d).all()


@pytest.mark.parametrize("counted", [True, False])
def test_plain_screen_matches_brute_force(monkeypatch, counted):
    # the open rows are decided by counting over the cells, or (too many cells) searched
    if not counted:
        monkeypatch.setattr(packed_cells, "MAX_CELLS", 0)
    X, y = _big(4400)
    _, segs = _segments(X, y)
    assert plain_class_applies(segs, 0, 3)
    near2 = np.zeros(segs.Z.shape[0])
    got = impure_plain_rows(segs, 0, 3, 1, near2)
    rows = np.flatnonzero(segs.codes == 0)
    D = _sq(segs.Z[rows], segs.Z)
    D[np.arange(rows.size), rows] = np.inf
    nn = np.argpartition(D, 3, axis=1)[:, :3]  # tie-free data: the set is unique
    expected = rows[(segs.codes[nn] != 0).any(axis=1)]
    np.testing.assert_array_equal(got, expected)
    other = np.where(segs.codes[None, :] != 0, D, np.inf).min(axis=1)
    assert (near2[rows] <= other * (1 + 1e-12)).all()


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(("cls", "ref_cls"), [(SMOTEENN, ImbSMOTEENN), (SMOTETomek, ImbSMOTETomek)])
def test_large_matches_imblearn(cls, ref_cls, n_classes):
    # large enough for the segment screen of the majority class (>= 4000 rows)
    X, y = _big(6000, n_classes, seed=3)
    ours = cls(random_state=1)
    X_a, y_a = ours.fit_resample(X, y)
    ref = ref_cls(random_state=1)
    X_b, y_b = ref.fit_resample(X, y)
    np.testing.assert_array_equal(y_a, y_b)
    np.testing.assert_array_equal(X_a, X_b)
    cleaner = "enn_" if cls is SMOTEENN else "tomek_"
    np.testing.assert_array_equal(
        getattr(ours, cleaner).sample_indices_, getattr(ref, cleaner).sample_indices_
    )


@pytest.mark.parametrize(("cls", "ref_cls"), [(SMOTEENN, ImbSMOTEENN), (SMOTETomek, ImbSMOTETomek)])
def test_float32_and_weights_take_the_other_path(cls, ref_cls):
    X, y = _big(1500)
    X32 = X.astype(np.float32)
    X_a, y_a = cls(random_state=0).fit_resample(X32, y)
    X_b, y_b = ref_cls(random_state=0).fit_resample(X32, y)
    assert X_a.dtype == X_b.dtype == np.float32
    np.testing.assert_array_equal(y_a, y_b)
    np.testing.assert_array_equal(X_a, X_b)
    w = np.linspace(1.0, 2.0, len(y))
    X_w, y_w, w_res = cls(random_state=0).fit_resample(
        X, y, sample_weight=w, return_sample_weight=True
    )
    X_c, y_c = cls(random_state=0).fit_resample(X, y)
    np.testing.assert_array_equal(X_w, X_c)
    original = np.isin(X_w, X).all(axis=1)
    assert w_res.shape == y_w.shape and original.any() and (~original).any()
    np.testing.assert_allclose(w_res[~original], w[y == 1].mean())
