"""Where the original app's reference runs are: `tests/data/reference/`
inside the repository (see the README there). Nothing outside the checkout
is read, so a fresh clone tests itself."""

from __future__ import annotations

from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "data" / "reference"
VECTOR_DIR = REFERENCE_DIR / "vectors"
EXACT_DIR = REFERENCE_DIR / "vectors-exact"
SEEDRANDOM_FILE = "seedrandom.json"


def _runs_in(folder: Path) -> list[Path]:
    paths = sorted(p for p in folder.glob("*.json") if p.name != SEEDRANDOM_FILE)
    if not paths:
        raise FileNotFoundError(f"no reference runs in {folder}")
    return paths


def run_vector_paths() -> list[Path]:
    """The 300-epoch run files, sorted by name. Having none is an error, not a pass."""
    return _runs_in(VECTOR_DIR)


def exact_run_paths() -> list[Path]:
    """The long, deep, chaotic, diverging and hidden-input runs, sorted by name."""
    return _runs_in(EXACT_DIR)
