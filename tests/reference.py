"""Where the original app's reference runs are: `shared/reference/vectors`
beside the checkout, or the folder named by PLAYGROUND_VECTORS."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VECTOR_DIR = Path(os.environ.get("PLAYGROUND_VECTORS", ROOT.parent / "shared" / "reference" / "vectors"))
SEEDRANDOM_FILE = "seedrandom.json"


def run_vector_paths() -> list[Path]:
    """The run files, sorted by name. Having none is an error, not a pass."""
    paths = sorted(p for p in VECTOR_DIR.glob("*.json") if p.name != SEEDRANDOM_FILE)
    if not paths:
        raise FileNotFoundError(f"no reference runs in {VECTOR_DIR}; set PLAYGROUND_VECTORS")
    return paths
