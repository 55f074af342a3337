"""Instance hardness threshold under-sampling."""

from __future__ import annotations

import numbers
from collections import Counter

import numpy as np
from imblearn.utils import Substitution
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods

from imbtab.base import BaseUnderSampler, Resampled
from imbtab.utils._docstring import RANDOM_STATE, RESAMPLE_CONTRACT

__all__ = ["InstanceHardnessThreshold"]

_N_JOBS = """n_jobs : int, default=None
        Number of jobs of the cross-validation (and of the default random forest).
        ``None`` means 1 unless in a joblib context; ``-1`` means all cores."""


def _seed_random_states(estimator, random_state) -> None:
    """Set every ``random_state`` parameter of ``estimator`` from ``random_state``.

    Draws one ``int32`` seed per parameter, in sorted parameter-name order, as
    scikit-learn's ensembles (and imbalanced-learn) do for their sub-estimators.
    """
    to_set = {}
    for key in sorted(estimator.get_params(deep=True)):
        if key == "random_state" or key.endswith("__random_state"):
            to_set[key] = random_state.randint(np.iinfo(np.int32).max)
    if to_set:
        estimator.set_params(**to_set)


@Substitution(
    sampling_strategy=BaseUnderSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    n_jobs=_N_JOBS,
    contract=RESAMPLE_CONTRACT,
)
class InstanceHardnessThreshold(BaseUnderSampler):
    """Under-sample by removing the rows a classifier finds hardest (Smith et al., 2014).

    Each row's *hardness* is one minus the probability of its own class predicted out
    of fold by ``estimator``; a resampled class keeps its easiest rows. A drop-in
    replacement for :class:`imblearn.under_sampling.InstanceHardnessThreshold`: the same
    parameters and, for the same ``random_state``, the same kept rows.

    Parameters
    ----------
    estimator : estimator object, default=None
        Classifier with ``fit`` and ``predict_proba`` (a pipeline ending in one is fine).
        It is cloned and every ``random_state`` parameter in it is seeded from
        ``random_state``. ``None`` means
        ``RandomForestClassifier(n_estimators=100, random_state=random_state,
        n_jobs=n_jobs)``.

    {sampling_strategy}

    {random_state}

    cv : int, cross-validation generator or iterable, default=5
        An int (or ``None``, meaning 5) is the number of folds of a shuffled
        ``StratifiedKFold`` seeded from ``random_state``; a splitter or an iterable of
        (train, test) index pairs forming a partition is used as given.

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of rows asked per resampled class.
    estimator_ : estimator object
        The (unfitted) classifier that was cross-validated.
    sample_indices_ : ndarray of shape (n_samples_new,)
        Positions in ``X`` of the kept rows, class by class in sorted label order.
    n_features_in_ : int
        Number of features seen in ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` has string column names.

    See Also
    --------
    NearMiss : Keep rows by their distance to the minority class.

    Notes
    -----
    {contract}

    A class keeps the rows whose out-of-fold probability of their own class is at least
    the ``(1 - n_keep / n_class)`` percentile of the class, so ties at the threshold can
    keep a few more rows than ``sampling_strategy`` asks (as in imbalanced-learn).

    The cost is that of ``cv`` fits of ``estimator`` on the whole data; no neighbour
    search is involved.

    **Fixed relative to imbalanced-learn 0.14.** It reads each row's probability from
    column ``y[i]`` of ``predict_proba``, which crashes on string labels and, for
    integer labels other than ``0..n_classes - 1``, crashes or silently reads another
    class's column (with labels ``{{-1, 1}}`` the class ``-1`` rows get the probability of
    class ``1``). Here the column is the label's position among the sorted classes, the
    order ``cross_val_predict`` uses. imbalanced-learn also crashes when ``cv`` is a
    splitter object, an iterable or ``None`` (it always builds
    ``StratifiedKFold(n_splits=cv)``) and, with an ``AttributeError``, when
    ``estimator`` has ``predict_proba`` but is not tagged as a classifier; both work
    here. Results are unchanged wherever imbalanced-learn works.

    References
    ----------
    .. [1] D. Smith, Michael R., Tony Martinez, and Christophe Giraud-Carrier.
       "An instance level analysis of data complexity." Machine learning
       95.2 (2014): 225-256.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from imbtab.under_sampling import InstanceHardnessThreshold
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> iht = InstanceHardnessThreshold(estimator=LogisticRegression(), random_state=0)
    >>> X_res, y_res = iht.fit_resample(X, y)
    >>> sorted(Counter(y_res).items())
    [(np.int64(0), 103), (np.int64(1), 103)]
    """

    _parameter_constraints: dict = {
        **BaseUnderSampler._parameter_constraints,
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "cv": ["cv_object"],
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        estimator=None,
        sampling_strategy="auto",
        random_state=None,
        cv=5,
        n_jobs=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.estimator = estimator
        self.cv = cv
        self.n_jobs = n_jobs

    def _validate_estimator(self, random_state):
        if self.estimator is None:
            self.estimator_ = RandomForestClassifier(
                n_estimators=100, random_state=self.random_state, n_jobs=self.n_jobs
            )
        else:
            self.estimator_ = clone(self.estimator)
            _seed_random_states(self.estimator_, random_state)

    def _splitter(self, random_state):
        cv = 5 if self.cv is None else self.cv
        if isinstance(cv, numbers.Integral):
            return StratifiedKFold(n_splits=int(cv), shuffle=True, random_state=random_state)
        return cv

    def _resample(self, X, y, sample_weight):
        # same order of random draws as imbalanced-learn: estimator seeds, then folds
        random_state = check_random_state(self.random_state)
        self._validate_estimator(random_state)
        target_stats = Counter(y)
        probabilities = cross_val_predict(
            self.estimator_,
            X,
            y,
            cv=self._splitter(random_state),
            n_jobs=self.n_jobs,
            method="predict_proba",
        )
        # predict_proba columns follow the sorted classes (cross_val_predict encodes y)
        classes, codes = np.unique(y, return_inverse=True)
        if probabilities.shape[1] != classes.size:  # pragma: no cover - defensive
            raise ValueError(
                f"estimator's predict_proba gave {probabilities.shape[1]} columns for "
                f"{classes.size} classes."
            )
        own = probabilities[np.arange(y.shape[0]), codes.ravel()]

        kept = []
        for klass in classes:
            class_rows = np.flatnonzero(y == klass)
            if klass in self.sampling_strategy_:
                n_samples = self.sampling_strategy_[klass]
                threshold = np.percentile(
                    own[class_rows], (1.0 - (n_samples / target_stats[klass])) * 100.0
                )
                class_rows = class_rows[own[class_rows] >= threshold]
            kept.append(class_rows)
        return Resampled.select(np.concatenate(kept))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.sampler_tags.sample_indices = True
        return tags
