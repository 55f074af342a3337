"""Prototype selection and cleaning under-samplers built on imbtab's neighbour engine."""

from imbtab.under_sampling._prototype_selection._all_knn import AllKNN
from imbtab.under_sampling._prototype_selection._condensed_nearest_neighbour import (
    CondensedNearestNeighbour,
)
from imbtab.under_sampling._prototype_selection._edited_nearest_neighbours import (
    EditedNearestNeighbours,
)
from imbtab.under_sampling._prototype_selection._neighbourhood_cleaning_rule import (
    NeighbourhoodCleaningRule,
)
from imbtab.under_sampling._prototype_selection._one_sided_selection import OneSidedSelection
from imbtab.under_sampling._prototype_selection._repeated_edited_nearest_neighbours import (
    RepeatedEditedNearestNeighbours,
)
from imbtab.under_sampling._prototype_selection._tomek_links import TomekLinks

__all__ = [
    "AllKNN",
    "CondensedNearestNeighbour",
    "EditedNearestNeighbours",
    "NeighbourhoodCleaningRule",
    "OneSidedSelection",
    "RepeatedEditedNearestNeighbours",
    "TomekLinks",
]
