"""Fixtures for the neighbour tests."""

import pytest


@pytest.fixture
def force(monkeypatch):
    """Force one code path for every call ("direct" or "gemm")."""
    import imbtab.neighbors._search as search

    def _force(method):
        if method == "gemm":
            monkeypatch.setattr(search, "_GEMM_MIN_WORK", 0)
            monkeypatch.setattr(search, "_GEMM_MIN_D", 1)
            monkeypatch.setattr(search, "_GEMM_CHUNK", 128)  # several chunks, odd sizes
            monkeypatch.setattr(search, "_GEMM_RBLOCK", 48)
        else:
            monkeypatch.setattr(search, "_GEMM_MIN_D", 10**9)

    return _force
