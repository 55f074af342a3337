"""SMOTE variants that imbalanced-learn lacks (one private module per method)."""

from imbtab.over_sampling._variants._geometric import GeometricSMOTE
from imbtab.over_sampling._variants._mwmote import MWMOTE
from imbtab.over_sampling._variants._polynom_fit import PolynomFitSMOTE
from imbtab.over_sampling._variants._prowsyn import ProWSyn
from imbtab.over_sampling._variants._safe_level import SafeLevelSMOTE
from imbtab.over_sampling._variants._smote_ipf import SMOTEIPF

__all__ = [
    "GeometricSMOTE",
    "MWMOTE",
    "PolynomFitSMOTE",
    "ProWSyn",
    "SMOTEIPF",
    "SafeLevelSMOTE",
]
