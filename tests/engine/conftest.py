"""Loading helpers for the original app's reference vectors.

Every test that takes a `run_vector` argument runs once per run file found in
the vector directory (every `*.json` there except `seedrandom.json`), so files
added to the directory are picked up without changing any test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.reference import SEEDRANDOM_FILE, VECTOR_DIR, run_vector_paths


def pytest_generate_tests(metafunc):
    if "run_vector" in metafunc.fixturenames:
        paths = run_vector_paths()
        metafunc.parametrize("run_vector", paths, ids=[p.stem for p in paths], indirect=True)


@pytest.fixture
def run_vector(request) -> dict:
    """One run file of the original, as parsed JSON."""
    return json.loads(request.param.read_text())


@pytest.fixture(scope="session")
def seedrandom_vectors() -> dict:
    """The seedrandom 2.4.4 vectors (uniform, normal, shuffle)."""
    return json.loads((VECTOR_DIR / SEEDRANDOM_FILE).read_text())


@pytest.fixture(scope="session")
def vector_paths() -> list[Path]:
    return run_vector_paths()
