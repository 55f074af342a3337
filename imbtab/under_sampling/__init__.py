"""Under-samplers: random, prototype selection and cleaning rules."""

from imbtab.under_sampling._instance_hardness import InstanceHardnessThreshold
from imbtab.under_sampling._nearmiss import NearMiss
from imbtab.under_sampling._prototype_generation import ClusterCentroids
from imbtab.under_sampling._prototype_selection import (
    AllKNN,
    CondensedNearestNeighbour,
    EditedNearestNeighbours,
    NeighbourhoodCleaningRule,
    OneSidedSelection,
    RepeatedEditedNearestNeighbours,
    TomekLinks,
)
from imbtab.under_sampling._random_under_sampler import RandomUnderSampler

__all__ = [
    "AllKNN",
    "ClusterCentroids",
    "CondensedNearestNeighbour",
    "EditedNearestNeighbours",
    "InstanceHardnessThreshold",
    "NearMiss",
    "NeighbourhoodCleaningRule",
    "OneSidedSelection",
    "RandomUnderSampler",
    "RepeatedEditedNearestNeighbours",
    "TomekLinks",
]
