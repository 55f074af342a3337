"""SMOTE followed by Tomek links."""

from __future__ import annotations

import numbers

from imblearn.base import BaseSampler
from imblearn.utils import Substitution
from sklearn.base import clone

from imbtab.base import BaseOverSampler, SamplerMixin
from imbtab.combine._common import oversample_then_select, smote_for
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
    As in :class:`TomekLinks`, only rows outside the largest class whose nearest
    neighbour has another label are queried (plus the reverse check); the exact screen
    that finds them compares own-cell nearest distances with the nearest other-class
    row, about half the work of a nearest-neighbour search over all rows.

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
        return oversample_then_select(self.smote_, self.tomek_, X, y)
