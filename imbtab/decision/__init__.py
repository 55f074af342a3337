"""Decision-level tools: threshold tuning, class-weight tuning, prior correction, costs.

These act after (or instead of) resampling: the model is trained as usual and the
decision rule, the class weights or the probabilities are adjusted.
"""

from ._class_weight import ClassWeightTuner
from ._cost import CostSensitiveClassifier
from ._prior import PriorCorrectedClassifier
from ._threshold import ThresholdTuner

__all__ = [
    "ClassWeightTuner",
    "CostSensitiveClassifier",
    "PriorCorrectedClassifier",
    "ThresholdTuner",
]
