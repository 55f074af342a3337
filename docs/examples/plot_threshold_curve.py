"""
Threshold versus metric: what ThresholdTuner chooses
====================================================

A classifier's default rule "positive when p >= 0.5" is rarely the best one on
imbalanced data. :class:`~imbtab.decision.ThresholdTuner` pools out-of-fold scores and
evaluates the objective at every distinct threshold, then shrinks the choice toward the
prior threshold (the prevalence) when the minority class is small.

Here we draw F1, precision and recall against the threshold on out-of-fold
probabilities, and mark the tuner's unshrunk and final thresholds, the prior threshold,
and the thresholds single folds would have chosen.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_recall_curve
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split

from imbtab.decision import ThresholdTuner

X, y = make_classification(
    n_samples=4000,
    n_features=10,
    n_informative=4,
    weights=[0.95],
    class_sep=0.8,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
model = LogisticRegression(max_iter=1000)

tuner = ThresholdTuner(model, objective="f1", random_state=0).fit(X_train, y_train)
print(f"positives in training: {int(y_train.sum())} of {y_train.size}")
print(f"prior threshold (prevalence): {tuner.prior_threshold_:.3f}")
print(f"threshold on pooled out-of-fold scores: {tuner.unshrunk_threshold_:.3f}")
print(f"shrinkage weight w: {tuner.shrinkage_weight_:.3f}")
print(f"final threshold_: {tuner.threshold_:.3f}")
print(f"spread of the per-fold thresholds: {tuner.threshold_spread_:.3f}")

# %%
# Test-set F1 of the default rule and of the tuned rule.
default_f1 = f1_score(y_test, model.fit(X_train, y_train).predict(X_test))
tuned_f1 = f1_score(y_test, tuner.predict(X_test))
print(f"test F1 at 0.5: {default_f1:.3f}; with ThresholdTuner: {tuned_f1:.3f}")

# %%
# The curves, from out-of-fold probabilities of the training set.
cv = StratifiedKFold(5, shuffle=True, random_state=0)
oof = cross_val_predict(model, X_train, y_train, cv=cv, method="predict_proba")[:, 1]
precision, recall, thresholds = precision_recall_curve(y_train, oof)
precision, recall = precision[:-1], recall[:-1]
f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0)

fig, ax = plt.subplots(figsize=(8, 4.5))
ax.plot(thresholds, f1, label="F1", lw=2)
ax.plot(thresholds, precision, label="precision", alpha=0.7)
ax.plot(thresholds, recall, label="recall", alpha=0.7)
ax.axvline(0.5, color="grey", ls=":", label="default 0.5")
ax.axvline(tuner.prior_threshold_, color="tab:purple", ls="--", label="prior (prevalence)")
ax.axvline(tuner.unshrunk_threshold_, color="tab:olive", ls="-.", label="pooled OOF optimum")
ax.axvline(tuner.threshold_, color="black", lw=1.5, label="threshold_ (after shrinkage)")
ax.plot(
    tuner.cv_thresholds_,
    np.full(tuner.cv_thresholds_.shape, 0.02),
    "|",
    color="black",
    ms=12,
    label="single-fold optima",
)
ax.set_xlim(0, 1)
ax.set_xlabel("threshold on P(positive)")
ax.set_ylabel("score")
ax.set_title("Out-of-fold precision, recall and F1 against the threshold")
ax.legend(fontsize=8, loc="upper right")
fig.tight_layout()
plt.show()
