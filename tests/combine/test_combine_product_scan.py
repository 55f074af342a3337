"""The product scan of the segment bounds: BLAS distances choose, exact distances decide.

``nearest_other_within`` computes the distances from each row to the other-class
original rows with a matrix product (float32 or float64) and only uses them to choose
candidates, widened by an error bound; these tests check that the bound holds and that
the result is the exact one (the engine's sum, ties by the smaller position) on data
where the product alone would get it wrong: large offsets (cancellation in
``|x|^2 + |e|^2 - 2 x.e``), far-apart clusters, integer grids full of exact ties.
"""

import numpy as np
import pytest
from sklearn.datasets import make_classification

import imbtab.combine._bounds as bounds
from imbtab.combine._bounds import Segments, nearest_other_within, other_class_bounds
from imbtab.combine._common import stack_with_parents
from imbtab.combine._plain_screen import impure_plain_rows
from imbtab.over_sampling import SMOTE

WORKS = [np.float32, np.float64, "direct"]


def _segments(X, y, seed=0):
    stacked = stack_with_parents(SMOTE(random_state=seed), X, y, by_class=True)
    codes = np.unique(stacked.yZ, return_inverse=True)[1].ravel()
    return Segments(stacked.Z, codes, *stacked.parents_in_z(), stacked.synthetic_at)


def _exact_sq(A, B):
    """Squared distances summed feature by feature in order (the engine's sum)."""
    out = np.zeros((A.shape[0], B.shape[0]))
    for f in range(A.shape[1]):
        w = A[:, f, None] - B[None, :, f]
        out += w * w
    return out


def _truth(segs, klass=0):
    query = np.flatnonzero(segs.codes == klass)
    D = _exact_sq(segs.Z[query], segs.Z)
    D[:, segs.codes == klass] = np.inf
    return query, D.min(axis=1), D.argmin(axis=1)  # argmin: the first (smallest) position


def _base(n=1200, seed=0):
    return make_classification(
        n_samples=n, n_features=6, n_informative=4, n_redundant=0, weights=[0.9, 0.1],
        class_sep=0.5, random_state=seed,
    )  # fmt: skip


def _offset(X, y):
    return X + 1e5, y  # cancellation: |x|^2 ~ 6e10 against distances ~ 1


def _far_cluster(X, y):
    # a few rows of each class 1e4 away: centring cannot remove the scale
    X = X.copy()
    X[:40] += 1e4
    far = np.flatnonzero(y == 1)[:8]
    X[far] += 1e4
    return X, y


def _grid(X, y):
    # an integer grid: many exact distance ties and duplicated rows
    rng = np.random.default_rng(0)
    return rng.integers(0, 3, size=X.shape).astype(np.float64), y


def _scaled(factor):
    def f(X, y):
        return X * factor, y

    f.__name__ = f"scaled_{factor:g}"
    return f


DATA = [_offset, _far_cluster, _grid, _scaled(1e-25), _scaled(1e14), lambda X, y: (X, y)]


@pytest.mark.parametrize("work", WORKS, ids=["float32", "float64", "direct"])
@pytest.mark.parametrize("make", DATA, ids=lambda f: f.__name__)
def test_nearest_other_within_is_exact(make, work):
    X, y = make(*_base())
    segs = _segments(X, y)
    query, true_d, true_j = _truth(segs)
    for q in (0.0, 0.3, 0.7, 1.0):
        radius = np.full(query.size, np.quantile(true_d, q))
        lb, d_o, j_o = nearest_other_within(segs, query, radius, work=work)
        inside = true_d <= radius
        np.testing.assert_array_equal(d_o[inside], true_d[inside])
        np.testing.assert_array_equal(j_o[inside], true_j[inside])
        assert np.all(d_o[~inside] > radius[~inside])
        found = j_o >= 0
        np.testing.assert_array_equal(d_o[found], _exact_sq(segs.Z[query[found]], segs.Z)[
            np.arange(found.sum()), j_o[found]])  # fmt: skip
        assert (lb <= true_d).all()
    # per-row radii equal to each row's own nearest distance: ties at the boundary
    lb, d_o, j_o = nearest_other_within(segs, query, true_d, work=work)
    np.testing.assert_array_equal(d_o, true_d)
    np.testing.assert_array_equal(j_o, true_j)


def test_grid_has_ties():
    X, y = _grid(*_base())
    segs = _segments(X, y)
    query = np.flatnonzero(segs.codes == 0)
    D = _exact_sq(segs.Z[query], segs.Z)
    D[:, segs.codes == 0] = np.inf
    tied = (D == D.min(axis=1, keepdims=True)).sum(axis=1) > 1
    assert tied.mean() > 0.05


@pytest.mark.parametrize("make", [_offset, _far_cluster], ids=lambda f: f.__name__)
def test_without_the_error_bound_the_scan_goes_wrong(make):
    # the data above defeat a float32 product that is trusted as is
    X, y = make(*_base())
    segs = _segments(X, y)
    query, true_d, true_j = _truth(segs)
    ref = np.flatnonzero((segs.codes != 0) & ~segs.is_synthetic)
    ids, pa, pb, length, inc_ptr, inc_seg, lmax4 = segs.around(0, ref)
    mu, R, rn = bounds._reference_block(segs.Z, ref, np.float32)
    out = np.empty(query.size), np.empty(query.size), np.empty(query.size, dtype=np.int64)
    no_margin = np.zeros(segs.Z.shape[0]), 0.0  # and no margin either
    bounds._segment_scan_gemm(
        segs.Z, query.astype(np.int64), mu, R, rn, 0.0, 0.0, ref, *no_margin, true_d, 8,
        inc_ptr, inc_seg, pa, pb, length, lmax4, ids, segs.rows_ptr, segs.rows, *out,
        np.empty((0, ref.size)),
    )  # fmt: skip
    assert not np.array_equal(out[2], true_j)


@pytest.mark.parametrize("make", DATA, ids=lambda f: f.__name__)
def test_product_error_bound_holds(make):
    X, y = make(*_base())
    segs = _segments(X, y)
    query = np.flatnonzero(segs.codes == 0)
    ref = np.flatnonzero((segs.codes != 0) & ~segs.is_synthetic)
    exact = _exact_sq(segs.Z[query], segs.Z[ref])
    for work in (np.float32, np.float64):
        mu, R, rn = bounds._reference_block(segs.Z, ref, work)
        Q = (segs.Z[query] - mu).astype(work)
        qn = np.einsum("ij,ij->i", Q, Q, dtype=np.float64)
        approx = qn[:, None] + rn[None, :] - 2.0 * (Q @ R.T).astype(np.float64)
        rel, abs_ = bounds._product_tol_factors(X.shape[1], work)
        n = qn + rn.max()
        tol = rel * n + abs_ * (1.0 + np.sqrt(n))
        assert (np.abs(approx - exact) <= tol[:, None]).all()


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(
    "make", [_offset, _far_cluster, lambda X, y: (X, y)], ids=["offset", "far", "plain"]
)
def test_bounds_left_by_the_scan(make, n_classes):
    # the majority's scan bounds the distance from every other original row to it;
    # other_class_bounds reuses them when they cover all of a class's other classes
    X, y = make_classification(
        n_samples=1500, n_features=6, n_informative=4, n_redundant=0, n_classes=n_classes,
        weights=[0.9, 0.1] if n_classes == 2 else [0.85, 0.1, 0.05], class_sep=0.5,
        random_state=1,
    )  # fmt: skip
    X, y = make(X, y)
    segs = _segments(X, y)
    near2 = np.zeros(segs.Z.shape[0])
    impure_plain_rows(segs, 0, 3, 1, near2)
    assert 0 in segs.to_class
    ref, far = segs.to_class[0]
    to_major = _exact_sq(segs.Z[ref], segs.Z[segs.codes == 0]).min(axis=1)
    assert (far <= to_major).all()
    tight = make.__name__ == "<lambda>"  # the margins dwarf the distances on far-off data
    if tight:
        assert np.median(far / to_major) > 0.99
    other_class_bounds(segs, skip=(0,), near2=near2)
    D = _exact_sq(segs.Z, segs.Z)
    true = np.where(segs.codes[:, None] != segs.codes[None, :], D, np.inf).min(axis=1)
    assert (near2 <= true).all()
    minority = np.flatnonzero((segs.codes != 0) & ~segs.is_synthetic)
    if tight:
        assert np.median(near2[minority] / true[minority]) > (0.99 if n_classes == 2 else 0.5)


@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.parametrize("make", [_grid, lambda X, y: (X, y)], ids=["grid", "plain"])
def test_kth_near_segments_is_an_upper_bound(make, k):
    X, y = make(*_base(900, seed=2))
    segs = _segments(X, y)
    D = _exact_sq(segs.Z, segs.Z)
    same = (segs.codes[:, None] == segs.codes[None, :]) & ~np.eye(len(D), dtype=bool)
    kth = np.sort(np.where(same, D, np.inf), axis=1)[:, k - 1]
    q = np.flatnonzero(segs.codes == 1)  # the over-sampled class, original and synthetic
    near = bounds.kth_near_segments(segs, q, k)
    assert (near >= kth[q]).all()
    plain = bounds.kth_on_segments(segs, k)
    assert (near <= plain[q]).all() and (near < plain[q]).mean() > 0.2
    # with bounds on the distance to the other classes: tighter where they are undecided
    near2 = other_class_bounds(segs)
    refined = bounds.kth_on_segments(segs, k, near2)
    assert (refined >= kth).all() and (refined <= plain).all()
    undecided = np.flatnonzero((segs.codes == 1) & ~(near2 > plain))
    assert undecided.size
    expected = np.minimum(plain[undecided], bounds.kth_near_segments(segs, undecided, k))
    np.testing.assert_array_equal(refined[undecided], expected)
