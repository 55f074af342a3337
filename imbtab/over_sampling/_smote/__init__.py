"""The SMOTE family (drop-in replacements for imbalanced-learn's)."""
