"""SMOTE followed by edited nearest neighbours."""

from __future__ import annotations

import numbers

from imblearn.base import BaseSampler
from imblearn.utils import Substitution
from sklearn.base import clone

from imbtab.base import BaseOverSampler, SamplerMixin
from imbtab.combine._common import oversample_then_select, smote_for
from imbtab.over_sampling import SMOTE
from imbtab.under_sampling import EditedNearestNeighbours
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
    small class left to follow. The exact screen of :class:`EditedNearestNeighbours`
    (own-cell bounds compared with the nearest other-class row) runs for both classes,
    largest first; the first screen leaves, for every row, a lower bound on its distance
    to the other class, so the synthetic rows (whose neighbourhoods are tiny, on their
    segments) only need to look at the few other-class rows that come that close. On
    100k x 20 data with imbalance ratio 100 this is less than half the work of a full
    k-NN search of the 200k rows, most of it the nearest-minority search of the
    majority rows.

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
        return oversample_then_select(self.smote_, self.enn_, X, y)
