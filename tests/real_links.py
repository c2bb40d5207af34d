"""The collection of real TensorFlow Playground links (tests/data/real_links.txt),
each stored as found, below a `# source:` line naming where it was found."""

from __future__ import annotations

from pathlib import Path

LINKS_FILE = Path(__file__).resolve().parent / "data" / "real_links.txt"


def load_links() -> list[tuple[str, str]]:
    """(source, link) for every link of the file, each below its `# source:` line."""
    entries, source = [], None
    for line in LINKS_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("# source:"):
            source = line[len("# source:") :].strip()
        elif line.strip() and not line.startswith("#"):
            assert source, f"link without a source: {line[:80]}"
            entries.append((source, line.strip()))
            source = None
    return entries


LINKS = load_links()
