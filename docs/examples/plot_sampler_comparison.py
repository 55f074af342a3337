"""
What each sampler does to a 2-D data set
========================================

Over-samplers add synthetic minority points (orange); under-samplers and cleaning rules
remove points, mostly majority points near the class boundary.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification

from imbtab.combine import SMOTEENN
from imbtab.over_sampling import (
    ADASYN,
    SMOTE,
    BorderlineSMOTE,
    GeometricSMOTE,
    RandomOverSampler,
)
from imbtab.under_sampling import (
    EditedNearestNeighbours,
    NearMiss,
    RandomUnderSampler,
    TomekLinks,
)

X, y = make_classification(
    n_samples=600,
    n_features=2,
    n_informative=2,
    n_redundant=0,
    n_clusters_per_class=1,
    weights=[0.9, 0.1],
    class_sep=0.8,
    random_state=3,
)

samplers = [
    ("original", None),
    ("RandomOverSampler", RandomOverSampler(random_state=0)),
    ("SMOTE", SMOTE(random_state=0)),
    ("BorderlineSMOTE", BorderlineSMOTE(random_state=0)),
    ("ADASYN", ADASYN(random_state=0)),
    ("GeometricSMOTE", GeometricSMOTE(random_state=0)),
    ("RandomUnderSampler", RandomUnderSampler(random_state=0)),
    ("TomekLinks", TomekLinks()),
    ("EditedNearestNeighbours", EditedNearestNeighbours()),
    ("NearMiss", NearMiss(version=1)),
    ("SMOTEENN", SMOTEENN(random_state=0)),
]

fig, axes = plt.subplots(3, 4, figsize=(13, 9.5), sharex=True, sharey=True)
for ax, (name, sampler) in zip(axes.ravel(), samplers, strict=False):
    X_res, y_res = (X, y) if sampler is None else sampler.fit_resample(X, y)
    ax.scatter(*X_res[y_res == 0].T, s=6, alpha=0.5, label="majority")
    ax.scatter(*X_res[y_res == 1].T, s=6, alpha=0.8, label="minority")
    counts = np.bincount(y_res)
    ax.set_title(f"{name}\n{counts[0]} / {counts[1]}", fontsize=9)
for ax in axes.ravel()[len(samplers) :]:
    ax.axis("off")
axes[0, 0].legend(loc="lower left", fontsize=8)
fig.tight_layout()
plt.show()
