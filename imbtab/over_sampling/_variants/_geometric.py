"""Geometric SMOTE (Douzas & Bacao, 2019)."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from imblearn.utils import Substitution
from sklearn.utils._param_validation import Interval, StrOptions

from imbtab.neighbors import kneighbors
from imbtab.over_sampling._variants._common import VariantOverSampler, check_class_size
from imbtab.utils._docstring import N_JOBS, RANDOM_STATE, RESAMPLE_CONTRACT

# synthetic rows per block of the geometric step (bounds the temporary arrays)
_CHUNK = 65536


def geometric_samples(centers, surfaces, truncation_factor, deformation_factor, rng):
    """Random points in the truncated, deformed hyper-spheres of Geometric SMOTE.

    Row ``i`` lies in the ball centred on ``centers[i]`` whose radius is the distance to
    ``surfaces[i]``; the ball is truncated along the centre-to-surface axis and its
    directions orthogonal to that axis are shrunk by ``1 - deformation_factor``.
    """
    n, d = centers.shape
    diff = surfaces - centers
    radius = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    normal = rng.normal(size=(n, d))
    norms = np.sqrt(np.einsum("ij,ij->i", normal, normal))
    norms[norms == 0] = 1.0
    point = normal / norms[:, None] * (rng.uniform(size=n) ** (1.0 / d))[:, None]
    safe = np.where(radius > 0, radius, 1.0)
    axis = diff / safe[:, None]
    proj = np.einsum("ij,ij->i", point, axis)
    if truncation_factor > 0:
        flip = proj < truncation_factor - 1
    elif truncation_factor < 0:
        flip = proj > truncation_factor + 1
    else:
        flip = np.zeros(n, dtype=bool)
    point[flip] -= 2 * proj[flip, None] * axis[flip]
    proj = np.einsum("ij,ij->i", point, axis)
    parallel = proj[:, None] * axis
    point = parallel + (1.0 - deformation_factor) * (point - parallel)
    return centers + radius[:, None] * point


@Substitution(
    sampling_strategy=VariantOverSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    n_jobs=N_JOBS,
    contract=RESAMPLE_CONTRACT,
)
class GeometricSMOTE(VariantOverSampler):
    """Geometric SMOTE: sample inside truncated, deformed hyper-spheres around minority rows.

    For each synthetic row, a *centre* is drawn uniformly among the rows of the class and
    a *surface point* is chosen by ``selection_strategy``. The new row is drawn uniformly
    from the ball around the centre whose radius is the centre-to-surface distance, then
    (1) *truncated*: for ``truncation_factor = t > 0`` a point whose projection on the
    unit centre-to-surface axis is below ``t - 1`` is reflected across the hyper-plane
    orthogonal to the axis (``t = 1`` keeps the half ball facing the surface point);
    ``t < 0`` mirrors this towards the opposite side; (2) *deformed*: its component
    orthogonal to the axis is multiplied by ``1 - deformation_factor`` (``1`` gives the
    line segment, as SMOTE).

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    truncation_factor : float in [-1, 1], default=1.0
        Truncation of the hyper-sphere along the centre-to-surface axis.

    deformation_factor : float in [0, 1], default=0.0
        Deformation of the hyper-sphere into a hyper-spheroid (1 = a line segment).

    selection_strategy : {{"combined", "minority", "majority"}}, default="combined"
        Surface point: a random one of the ``k_neighbors`` nearest rows of the class
        (``"minority"``), the nearest row of any other class (``"majority"``), or the
        closer of the two (``"combined"``).

    k_neighbors : int, default=5
        Number of same-class neighbours for the ``"minority"`` and ``"combined"``
        strategies.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows added per class.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    imbtab.over_sampling.SMOTE : Line segments between same-class neighbours.

    Notes
    -----
    {contract}

    Multiclass: each class of ``sampling_strategy_`` is grown against all other rows
    (one-vs-rest), in sorted label order; exactly ``sampling_strategy_[c]`` rows are
    added. A class needs ``k_neighbors + 1`` rows for the ``"minority"`` and
    ``"combined"`` strategies, and one row for ``"majority"``. A centre that coincides
    with its surface point gives a copy of the centre.

    Cost: one k-NN search within the class and, for ``"majority"`` and ``"combined"``,
    one 1-NN search of the class's rows among the other rows.

    References
    ----------
    .. [1] G. Douzas and F. Bacao, "Geometric SMOTE a geometrically enhanced drop-in
       replacement for SMOTE", Information Sciences 501 (2019), pp. 118-135.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.over_sampling import GeometricSMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> X_res, y_res = GeometricSMOTE(random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 897), (1, 897)]
    """

    _parameter_constraints: dict = {
        **VariantOverSampler._parameter_constraints,
        "truncation_factor": [Interval(Real, -1, 1, closed="both")],
        "deformation_factor": [Interval(Real, 0, 1, closed="both")],
        "selection_strategy": [StrOptions({"combined", "minority", "majority"})],
        "k_neighbors": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        truncation_factor=1.0,
        deformation_factor=0.0,
        selection_strategy="combined",
        k_neighbors=5,
        n_jobs=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.truncation_factor = truncation_factor
        self.deformation_factor = deformation_factor
        self.selection_strategy = selection_strategy
        self.k_neighbors = k_neighbors
        self.n_jobs = n_jobs

    def _generate(self, X, is_min, klass, n_new, rng):
        k = self.k_neighbors
        strategy = self.selection_strategy
        X_min = X[is_min]
        n_min = X_min.shape[0]
        if strategy == "majority":
            check_class_size(klass, n_min, 1, "GeometricSMOTE", "one row")
        else:
            check_class_size(klass, n_min, k + 1, "GeometricSMOTE", f"k_neighbors + 1 = {k} + 1")
        centers = rng.randint(0, n_min, size=n_new)
        X_c = X_min[centers]
        if strategy != "majority":
            nn = kneighbors(X_min, k=k, return_distance=False, n_jobs=self.n_jobs)
            surf = X_min[nn[centers, rng.randint(0, k, size=n_new)]]
        if strategy != "minority":
            X_maj = X[~is_min]
            d_maj, i_maj = kneighbors(X_min, X_maj, k=1, n_jobs=self.n_jobs)
            surf_maj = X_maj[i_maj[centers, 0]]
            if strategy == "majority":
                surf = surf_maj
            else:
                diff = surf - X_c
                d_min = np.sqrt(np.einsum("ij,ij->i", diff, diff))
                use_maj = d_maj[centers, 0] < d_min
                surf[use_maj] = surf_maj[use_maj]
        X_new = np.empty_like(X_c)
        for s in range(0, n_new, _CHUNK):  # bounds the temporaries
            X_new[s : s + _CHUNK] = geometric_samples(
                X_c[s : s + _CHUNK],
                surf[s : s + _CHUNK],
                self.truncation_factor,
                self.deformation_factor,
                rng,
            )
        copy_of = np.where(np.all(X_new == X_c, axis=1), centers, -1)
        return X_new, copy_of
