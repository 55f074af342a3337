"""Over-sampling followed by cleaning."""

from imbtab.combine._smote_enn import SMOTEENN
from imbtab.combine._smote_tomek import SMOTETomek

__all__ = ["SMOTEENN", "SMOTETomek"]
