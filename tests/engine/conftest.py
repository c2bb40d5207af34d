"""Loading helpers for the original app's reference vectors.

Every test that takes a `run_vector` argument runs once per run file found in
the vector directory (every `*.json` there except `seedrandom.json`), so files
added to the directory are picked up without changing any test.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

VECTOR_DIR = Path(os.environ.get("PLAYGROUND_VECTORS", "/work/shared/reference/vectors"))
SEEDRANDOM_FILE = "seedrandom.json"


def run_vector_paths() -> list[Path]:
    """The run files, sorted by name."""
    return sorted(p for p in VECTOR_DIR.glob("*.json") if p.name != SEEDRANDOM_FILE)


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
