"""Fixtures for the neighbour tests."""

import pytest


@pytest.fixture
def force(monkeypatch):
    """Force one code path for every call ("direct", "gemm" or "kd")."""
    import imbtab.neighbors._search as search

    def _force(method):
        monkeypatch.setattr(search, "_KD_MAX_D", 0)
        if method == "kd":  # nearest queries take the k-d tree, farthest the direct scan
            monkeypatch.setattr(search, "_KD_MAX_D", 10**9)
            monkeypatch.setattr(search, "_KD_MIN_REF", 0)
            monkeypatch.setattr(search, "_KD_MIN_QUERY_WORK", 0)
            monkeypatch.setattr(search, "_KD_LEAF", 4)  # deep trees on small tests
            monkeypatch.setattr(search, "_GEMM_MIN_D", 10**9)
        elif method == "gemm":
            monkeypatch.setattr(search, "_GEMM_MIN_WORK", 0)
            monkeypatch.setattr(search, "_GEMM_MIN_D", 1)
            monkeypatch.setattr(search, "_GEMM_CHUNK", 128)  # several chunks, odd sizes
            monkeypatch.setattr(search, "_GEMM_RBLOCK", 48)
        else:
            monkeypatch.setattr(search, "_GEMM_MIN_D", 10**9)

    return _force
