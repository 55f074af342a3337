"""SMOTE followed by Tomek links."""

from __future__ import annotations

import numbers

import numpy as np
from imblearn.base import BaseSampler
from imblearn.utils import Substitution
from sklearn.base import clone

from imbtab.base import BaseOverSampler, SamplerMixin
from imbtab.combine._bounds import Segments, nearest_on_segments, other_class_bounds
from imbtab.combine._common import (
    direct_path_applies,
    oversample_then_select,
    select_in_place,
    smote_for,
    stack_with_parents,
)
from imbtab.neighbors import mutual_nearest_pairs, numba_threads
from imbtab.neighbors._screen import other_class_within_k, screen_applies
from imbtab.over_sampling import SMOTE
from imbtab.under_sampling import TomekLinks
from imbtab.utils._docstring import N_JOBS, RANDOM_STATE, RESAMPLE_CONTRACT

__all__ = ["SMOTETomek"]


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    n_jobs=N_JOBS,
    contract=RESAMPLE_CONTRACT,
)
class SMOTETomek(SamplerMixin, BaseSampler):
    """Over-sample with SMOTE, then clean with Tomek links.

    A drop-in replacement for :class:`imblearn.combine.SMOTETomek`: same parameters and,
    for the same ``random_state`` on data without distance ties, the same ``X`` and
    ``y``. It reuses imbtab's :class:`~imbtab.over_sampling.SMOTE` and
    :class:`~imbtab.under_sampling.TomekLinks`.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    smote : SMOTE, default=None
        The over-sampler (cloned); ``None`` means
        ``SMOTE(sampling_strategy=sampling_strategy, random_state=random_state)``.

    tomek : TomekLinks, default=None
        The cleaner (cloned); ``None`` means
        ``TomekLinks(sampling_strategy="all", n_jobs=n_jobs)``.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The over-sampling targets, as computed from ``sampling_strategy``
        (imbalanced-learn stores the raw parameter here).
    smote_ : SMOTE
        The fitted over-sampler.
    tomek_ : TomekLinks
        The fitted cleaner.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    SMOTEENN : SMOTE followed by edited nearest neighbours.

    Notes
    -----
    {contract}

    The output is the Tomek-links selection of ``[X; synthetic rows]``: original rows keep their
    pandas index, surviving synthetic rows get fresh labels. There is no
    ``sample_indices_`` (the output contains new rows).

    **Cost.** Tomek links are removed from every class of the balanced SMOTE output.
    Every link joins two classes, so it is enough to look from the rows of all classes
    but one; the class left out is the largest one SMOTE did not touch. With imbtab's
    own SMOTE and TomekLinks on float64 data, the combination uses where SMOTE put its
    rows: each synthetic row lies on the segment between its two parents, so its
    squared distance to any point is ``(1 - t) |a - p|^2 + t |b - p|^2 - t (1 - t)
    |a - b|^2``. The parents' distance to the nearest other-class row (a search of the
    original rows only) then bounds every synthetic row's distance to the other classes
    from below, while its parents and its neighbours along the segment bound its
    nearest same-class distance from above. A row can only be in a link if the first
    bound does not exceed the second, which leaves a few rows in a thousand for the
    exact mutual nearest-neighbour check. SMOTE writes its rows straight into one
    array and the kept rows are moved to its front in place (no further copy of the
    data). Any other configuration runs SMOTE, then TomekLinks on its output.

    References
    ----------
    .. [1] G. Batista, A. L. C. Bazzan, M. C. Monard, "Balancing training data for
       automated annotation of keywords: a case study", WOB, 2003.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.combine import SMOTETomek
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> X_res, y_res = SMOTETomek(random_state=0).fit_resample(X, y)
    >>> bool((y_res == 1).sum() > (y == 1).sum())
    True
    """

    # like imbalanced-learn: an over-sampling strategy, but not an over-sampler's
    # guarantee on the output counts (the cleaning step removes rows)
    _sampling_type = "over-sampling"
    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "smote": [SMOTE, None],
        "tomek": [TomekLinks, None],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(
        self, *, sampling_strategy="auto", random_state=None, smote=None, tomek=None, n_jobs=None
    ):
        super().__init__()
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.smote = smote
        self.tomek = tomek
        self.n_jobs = n_jobs

    def _resample(self, X, y, sample_weight):
        self.smote_ = smote_for(self)
        if self.tomek is not None:
            self.tomek_ = clone(self.tomek)
        else:
            self.tomek_ = TomekLinks(sampling_strategy="all", n_jobs=self.n_jobs)
        if direct_path_applies(self.smote_, self.tomek_, TomekLinks, X):
            return self._smote_then_tomek(X, y)
        return oversample_then_select(self.smote_, self.tomek_, X, y)

    def _smote_then_tomek(self, X, y):
        tomek = self.tomek_
        stacked = stack_with_parents(self.smote_, X, y, by_class=False)
        Z, yZ = stacked.Z, stacked.yZ
        tomek.fit(Z, yZ)  # parameters, sampling_strategy_, n_features_in_
        classes, codes = np.unique(yZ, return_inverse=True)
        codes = codes.ravel().astype(np.intp)
        counts = np.bincount(codes, minlength=classes.size)
        # every link joins two classes, so the rows of all classes but one are enough:
        # leave out the largest class SMOTE did not touch (its rows would have to look
        # through the synthetic rows), else the largest class
        has_new = np.zeros(classes.size, dtype=bool)
        has_new[codes[stacked.synthetic_at]] = True
        pool = np.flatnonzero(~has_new) if (~has_new).any() else np.arange(classes.size)
        left_out = pool[np.argmax(counts[pool])]
        queries = []
        with numba_threads(tomek.n_jobs) as nt:
            segs = Segments(Z, codes, *stacked.parents_in_z(), stacked.synthetic_at)
            # the left-out rows are not queried: no bound needed (it would cost a pass
            # over them against every other-class original row)
            near2 = other_class_bounds(segs, skip=() if has_new[left_out] else (left_out,))
            own = nearest_on_segments(segs)
            for c in range(classes.size):
                if c == left_out:
                    continue
                rows = np.flatnonzero(codes == c)
                if has_new[c]:
                    # a row can only be linked if no same-class row (a parent or a
                    # child on a segment) is nearer than every other-class row
                    rows = rows[~(near2[rows] > own[rows])]
                elif screen_applies(codes, rows, 1):
                    rows = rows[other_class_within_k(Z, codes, rows, 1, nt, near2=near2)]
                queries.append(rows)
        queries = np.sort(np.concatenate(queries)) if queries else np.arange(0)
        i, j = mutual_nearest_pairs(Z, codes, queries, n_jobs=tomek.n_jobs)
        linked = np.zeros(yZ.shape[0], dtype=bool)
        linked[i] = True
        linked[j] = True
        clean = np.isin(classes[codes], list(tomek.sampling_strategy_))
        kept = np.flatnonzero(~(linked & clean))
        tomek.sample_indices_ = kept.astype(np.intp)
        return select_in_place(stacked, kept)
