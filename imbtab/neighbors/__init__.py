"""Exact, deterministic nearest-neighbour engine (numba).

Euclidean k-NN (nearest, or farthest with ``farthest=True``) with distances computed
directly in float64, neighbours sorted by distance with ties broken by the smaller index
in every path (direct scan, BLAS candidates with exact re-ranking, k-d tree for low
dimensions), a thread-limit context manager, and class-aware primitives
(other-class counts, pruned "other class within k" tests, cross-class mutual nearest
pairs) that the samplers build on.
"""

from ._class_aware import count_other_class, has_other_class_within_k, mutual_nearest_pairs
from ._estimator import KNeighbors
from ._search import kneighbors, kneighbors_rows
from ._validation import numba_threads

__all__ = [
    "KNeighbors",
    "count_other_class",
    "has_other_class_within_k",
    "kneighbors",
    "kneighbors_rows",
    "mutual_nearest_pairs",
    "numba_threads",
]
