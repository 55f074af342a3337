"""SMOTE followed by edited nearest neighbours."""

from __future__ import annotations

import numbers

import numpy as np
from imblearn.base import BaseSampler
from imblearn.utils import Substitution
from sklearn.base import clone

from imbtab.base import BaseOverSampler, SamplerMixin
from imbtab.combine._bounds import Segments, other_class_bounds
from imbtab.combine._common import (
    direct_path_applies,
    oversample_then_select,
    select_in_place,
    smote_for,
    stack_with_parents,
)
from imbtab.combine._plain_screen import (
    impure_over_sampled_rows,
    impure_plain_rows,
    plain_class_applies,
)
from imbtab.neighbors import numba_threads
from imbtab.over_sampling import SMOTE
from imbtab.under_sampling import EditedNearestNeighbours
from imbtab.under_sampling._prototype_selection._common import is_int
from imbtab.under_sampling._prototype_selection._edited_nearest_neighbours import edit
from imbtab.utils._docstring import N_JOBS, RANDOM_STATE, RESAMPLE_CONTRACT

__all__ = ["SMOTEENN"]


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    n_jobs=N_JOBS,
    contract=RESAMPLE_CONTRACT,
)
class SMOTEENN(SamplerMixin, BaseSampler):
    """Over-sample with SMOTE, then clean with edited nearest neighbours.

    A drop-in replacement for :class:`imblearn.combine.SMOTEENN`: same parameters and,
    for the same ``random_state`` on data without distance ties, the same ``X`` and
    ``y``. It reuses imbtab's :class:`~imbtab.over_sampling.SMOTE` and
    :class:`~imbtab.under_sampling.EditedNearestNeighbours`.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    smote : SMOTE, default=None
        The over-sampler (cloned); ``None`` means
        ``SMOTE(sampling_strategy=sampling_strategy, random_state=random_state)``.

    enn : EditedNearestNeighbours, default=None
        The cleaner (cloned); ``None`` means
        ``EditedNearestNeighbours(sampling_strategy="all", n_jobs=n_jobs)``.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The over-sampling targets, as computed from ``sampling_strategy``
        (imbalanced-learn stores the raw parameter here).
    smote_ : SMOTE
        The fitted over-sampler.
    enn_ : EditedNearestNeighbours
        The fitted cleaner.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    SMOTETomek : SMOTE followed by Tomek links.

    Notes
    -----
    {contract}

    The output is ENN's selection of ``[X; synthetic rows]``: original rows keep their
    pandas index, surviving synthetic rows get fresh labels. There is no
    ``sample_indices_`` (the output contains new rows).

    **Cost.** ENN here cleans every class of the balanced SMOTE output, so there is no
    small class left to follow; what SMOTE knows is where its rows are. Each synthetic
    row lies on the segment between its two parents (a row of its class and one of its
    ``k_neighbors``), and its squared distance to any point is
    ``(1 - t) |a - p|^2 + t |b - p|^2 - t (1 - t) |a - b|^2``. With imbtab's own SMOTE and
    ENN (integer ``n_neighbors``) on float64 data, the combination uses it:

    * SMOTE writes its rows straight into one array, class by class (ENN's output
      order), and the kept rows are moved to its front in place: no copy of ``X`` for
      the cleaner, none for the output.
    * A class SMOTE did not touch (the majority) needs, for every row, the nearest
      other-class row, which is mostly synthetic. Instead of searching all of them, one
      pass over the other-class *original* rows gives the distance to every segment
      in O(1) from the distances to its two ends (a float32 matrix product in
      cache-sized blocks, which only chooses candidates, its rounding error bounded;
      every distance that decides anything is recomputed exactly). The same pass
      bounds each other-class original row's distance to the class, which the
      bounds of the over-sampled classes reuse. Only the few segments that come
      within the row's bound on its k-th same-class distance (from a Voronoi
      partition of the class) have their synthetic rows measured. Rows whose nearest
      other-class row is nearer than that bound try the nearest cells, and only the
      rows still open get an exact k-th neighbour search.
    * The other classes go through ENN's exact screen with lower bounds on each row's
      distance to the other classes (the segment distances above for original rows;
      the identity applied to the parents' bounds for synthetic rows), which settle
      nearly all synthetic rows without a search.

    The result is exact (the same rows as the full search, ties by the smaller
    position). On 100k x 20 data with imbalance ratio 100 the segment pass and the
    exact k-th neighbour search of the rows near the synthetic ones are most of the
    time; at 1M rows the latter grows quadratically (see the benchmark). Any other
    configuration (a custom ``smote`` subclass or neighbours object, float32 data)
    runs SMOTE, then ENN on its output.

    References
    ----------
    .. [1] G. Batista, R. C. Prati, M. C. Monard, "A study of the behavior of several
       methods for balancing machine learning training data", SIGKDD Explorations, 2004.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.combine import SMOTEENN
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> X_res, y_res = SMOTEENN(random_state=0).fit_resample(X, y)
    >>> bool((y_res == 1).sum() > (y == 1).sum())
    True
    """

    # like imbalanced-learn: an over-sampling strategy, but not an over-sampler's
    # guarantee on the output counts (the cleaning step removes rows)
    _sampling_type = "over-sampling"
    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "smote": [SMOTE, None],
        "enn": [EditedNearestNeighbours, None],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self, *, sampling_strategy="auto", random_state=None, smote=None, enn=None, n_jobs=None
    ):
        super().__init__()
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.smote = smote
        self.enn = enn
        self.n_jobs = n_jobs

    def _resample(self, X, y, sample_weight):
        self.smote_ = smote_for(self)
        if self.enn is not None:
            self.enn_ = clone(self.enn)
        else:
            self.enn_ = EditedNearestNeighbours(sampling_strategy="all", n_jobs=self.n_jobs)
        if direct_path_applies(self.smote_, self.enn_, EditedNearestNeighbours, X) and is_int(
            self.enn_.n_neighbors
        ):
            return self._smote_then_edit(X, y)
        return oversample_then_select(self.smote_, self.enn_, X, y)

    def _smote_then_edit(self, X, y):
        enn = self.enn_
        stacked = stack_with_parents(self.smote_, X, y, by_class=True)
        Z, yZ = stacked.Z, stacked.yZ
        enn.fit(Z, yZ)  # parameters, sampling_strategy_, n_features_in_
        k = int(enn.n_neighbors)
        classes, codes = np.unique(yZ, return_inverse=True)
        codes = codes.ravel().astype(np.intp)
        to_clean = [ci for ci, c in enumerate(classes) if c in enn.sampling_strategy_]
        with numba_threads(enn.n_jobs) as nt:
            segs = Segments(Z, codes, *stacked.parents_in_z(), stacked.synthetic_at)
            # the parents are in segs now; natural is made again at the end
            stacked.base = stacked.neighbour = None
            stacked.release_natural()
            plain, over = [], []
            if enn.kind_sel == "all" and k <= yZ.shape[0] - 1:
                plain = [c for c in to_clean if plain_class_applies(segs, c, k)]
                has_new = np.zeros(classes.size, dtype=bool)
                has_new[codes[stacked.synthetic_at]] = True
                over = [c for c in to_clean if has_new[c]]
            near2 = np.zeros(Z.shape[0])
            # the plain classes first: their scans also bound the distances from the
            # other classes' original rows to them, which other_class_bounds then reuses
            removed = [impure_plain_rows(segs, c, k, nt, near2) for c in plain]
            other_class_bounds(segs, skip=plain, near2=near2)
            removed.append(impure_over_sampled_rows(segs, over, k, nt, near2))
        rest = {classes[c] for c in to_clean if c not in plain and c not in over}
        kept = edit(Z, yZ, rest, k, enn.kind_sel, enn.n_jobs, near2)
        kept = kept[~np.isin(kept, np.concatenate(removed))]
        enn.sample_indices_ = stacked.natural_rows()[kept].astype(np.intp)
        return select_in_place(stacked, kept)
