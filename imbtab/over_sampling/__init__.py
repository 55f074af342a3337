"""Over-samplers: random and synthetic (SMOTE family)."""

from imbtab.over_sampling._adasyn import ADASYN
from imbtab.over_sampling._random_over_sampler import RandomOverSampler
from imbtab.over_sampling._smote.base import SMOTE
from imbtab.over_sampling._smote.categorical import SMOTEN, SMOTENC
from imbtab.over_sampling._smote.cluster import KMeansSMOTE
from imbtab.over_sampling._smote.filter import SVMSMOTE, BorderlineSMOTE
from imbtab.over_sampling._variants import (
    MWMOTE,
    SMOTEIPF,
    GeometricSMOTE,
    PolynomFitSMOTE,
    ProWSyn,
    SafeLevelSMOTE,
)

__all__ = [
    "RandomOverSampler",
    "SMOTE",
    "BorderlineSMOTE",
    "SVMSMOTE",
    "ADASYN",
    "KMeansSMOTE",
    "SMOTENC",
    "SMOTEN",
]
__all__ += [  # SMOTE variants
    "PolynomFitSMOTE",
    "ProWSyn",
    "SMOTEIPF",
    "SafeLevelSMOTE",
    "MWMOTE",
    "GeometricSMOTE",
]
