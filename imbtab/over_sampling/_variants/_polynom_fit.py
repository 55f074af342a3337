"""Polynomial-fitting over-sampling (Gazzah & Essoukri Ben Amara, 2008)."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from imblearn.utils import Substitution
from numpy.polynomial import polynomial as P
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.random import sample_without_replacement

from imbtab.over_sampling._variants._common import (
    VariantOverSampler,
    check_class_size,
    evenly_spaced_segments,
)
from imbtab.utils._docstring import RANDOM_STATE, RESAMPLE_CONTRACT


def spread_counts(n: int, n_segments: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points over ``n_segments`` segments as evenly as possible.

    Every segment gets ``n // n_segments``; the remainder goes to distinct segments
    drawn at random. Returns ``(segments, counts)`` for the segments with points, in
    increasing order (only O(n) memory even when there are many more segments).
    """
    base, extra = divmod(n, n_segments)
    chosen = np.empty(0, dtype=np.int64)
    if extra:
        chosen = sample_without_replacement(
            n_segments, extra, random_state=rng.randint(np.iinfo(np.int32).max)
        ).astype(np.int64)
        chosen.sort()
    if base == 0:
        return chosen, np.ones(chosen.size, dtype=np.int64)
    counts = np.full(n_segments, base, dtype=np.int64)
    counts[chosen] += 1
    return np.arange(n_segments, dtype=np.int64), counts


def pair_from_index(p: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Decode row-major indices of the pairs ``i < j`` of ``range(m)`` into ``(i, j)``."""
    p = np.asarray(p, dtype=np.int64)
    # number of pairs starting before row i: i*m - i*(i+1)/2
    i = np.floor((2 * m - 1 - np.sqrt((2.0 * m - 1) ** 2 - 8.0 * p)) / 2).astype(np.int64)
    start = i * m - i * (i + 1) // 2
    # fix floating-point rounding at row boundaries
    low = p < start
    i[low] -= 1
    nxt = (i + 1) * m - (i + 1) * (i + 2) // 2
    high = p >= nxt
    i[high] += 1
    start = i * m - i * (i + 1) // 2
    return i, p - start + i + 1


def _points(n, n_segments, rng):
    """Segment id and position along it of ``n`` points spread over ``n_segments``."""
    segments, counts = spread_counts(n, n_segments, rng)
    which, t = evenly_spaced_segments(counts)
    return segments[which], t


@Substitution(
    sampling_strategy=VariantOverSampler._sampling_strategy_docstring,
    random_state=RANDOM_STATE,
    contract=RESAMPLE_CONTRACT,
)
class PolynomFitSMOTE(VariantOverSampler):
    """Polynomial-fitting over-sampling: new rows on a topology spanned by the class.

    Four topologies (Gazzah & Essoukri Ben Amara, 2008):

    * ``"star"``: segments from every row of the class to the class mean; the points
      on a segment are evenly spaced, ``x + j / (c + 1) * (mean - x)``, ``j = 1..c``.
    * ``"bus"``: segments between consecutive rows of the class (in data order),
      evenly spaced points as for the star.
    * ``"mesh"``: segments between all pairs of rows of the class; when there are more
      pairs than rows to add, distinct random pairs get their midpoint.
    * ``"polynomial"``: per feature, a least-squares polynomial of degree ``degree`` in
      the row's position within the class (data order); new rows are the fitted curve
      at positions drawn uniformly along it.

    Parameters
    ----------
    {sampling_strategy}

    {random_state}

    topology : {{"star", "bus", "mesh", "polynomial"}}, default="star"
        Topology of the generated rows.

    degree : int, default=2
        Degree of the polynomial for ``topology="polynomial"``.

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
    imbtab.over_sampling.SMOTE : Segments between nearest neighbours.

    Notes
    -----
    {contract}

    Multiclass: each class of ``sampling_strategy_`` is grown on its own (one-vs-rest),
    in sorted label order. Exactly ``sampling_strategy_[c]`` rows are added: the
    reference implementation gives every segment ``round(n / n_segments)`` points and so
    returns the wrong count; here the points are spread over the segments as evenly as
    possible and the remainder goes to distinct random segments. A class needs at least
    2 rows (``degree + 1`` for ``"polynomial"``). No neighbour search is needed; memory
    is O(n_new * n_features).

    References
    ----------
    .. [1] S. Gazzah and N. Essoukri Ben Amara, "New Oversampling Approaches Based on
       Polynomial Fitting for Imbalanced Data Sets", The Eighth IAPR International
       Workshop on Document Analysis Systems (DAS 2008), pp. 677-684.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbtab.over_sampling import PolynomFitSMOTE
    >>> X, y = make_classification(n_samples=1000, weights=[0.9, 0.1], random_state=0)
    >>> X_res, y_res = PolynomFitSMOTE(topology="mesh", random_state=0).fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 897), (1, 897)]
    """

    _parameter_constraints: dict = {
        **VariantOverSampler._parameter_constraints,
        "topology": [StrOptions({"star", "bus", "mesh", "polynomial"})],
        "degree": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, *, sampling_strategy="auto", random_state=None, topology="star", degree=2):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.topology = topology
        self.degree = degree

    def _generate(self, X, is_min, klass, n_new, rng):
        X_min = X[is_min]
        m = X_min.shape[0]
        if self.topology == "polynomial":
            need, why = self.degree + 1, f"degree + 1 = {self.degree} + 1"
        else:
            need, why = 2, "two rows to span a segment"
        check_class_size(klass, m, need, "PolynomFitSMOTE", why)
        if self.topology == "polynomial":
            s = np.linspace(-1.0, 1.0, m)
            coef = P.polyfit(s, X_min, self.degree)
            return P.polyval(rng.uniform(-1.0, 1.0, size=n_new), coef).T
        if self.topology == "star":
            seg, t = _points(n_new, m, rng)
            A = X_min[seg]
            B = X_min.mean(axis=0)[None, :]
        elif self.topology == "bus":
            seg, t = _points(n_new, m - 1, rng)
            A, B = X_min[seg], X_min[seg + 1]
        else:  # mesh
            n_pairs = m * (m - 1) // 2
            seg, t = _points(n_new, n_pairs, rng)
            i, j = pair_from_index(seg, m)
            A, B = X_min[i], X_min[j]
        return A + t[:, None] * (B - A)
