"""Docstring pieces shared by the samplers (substituted with ``imblearn.utils.Substitution``)."""

RANDOM_STATE = """random_state : int, RandomState instance or None, default=None
        Controls the randomisation. An int gives reproducible output; a
        ``RandomState`` instance continues its stream (so, as in imbalanced-learn,
        an int seed and a ``RandomState`` give different results)."""

N_JOBS = """n_jobs : int, default=None
        Number of threads of the neighbour search. ``None`` keeps numba's current
        setting (all cores unless changed with ``numba.set_num_threads``); ``-1`` means
        all cores. Results do not depend on it."""

RESAMPLE_CONTRACT = """All imbtab samplers share one contract (see :mod:`imbtab.base`): pandas
    input gives pandas output with the original index of kept rows;
    ``fit_resample(X, y, sample_weight=w, return_sample_weight=True)`` also returns
    the resampled weights; selection samplers set ``sample_indices_``."""
