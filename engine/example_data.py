"""Real data sets shipped with the project, as examples of the user's own data.

`EXAMPLES[name]` says which file of `engine/examples/` and which columns;
`example_dataset(name)` reads it like an upload. Iris: petal length and width
(cm) of 150 flowers of three species (Fisher 1936, as in the UCI repository),
public domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .user_data import UserDataset, parse_dataset

FOLDER = Path(__file__).with_name("examples")


@dataclass(frozen=True)
class Example:
    title: str
    file: str
    x1: str
    x2: str
    label: str


EXAMPLES = {
    "iris": Example(
        "Iris: petal length and width of three species", "iris.csv", "petal_length", "petal_width", "species"
    ),
}


@cache
def example_dataset(name: str) -> UserDataset:
    example = EXAMPLES[name]
    return parse_dataset((FOLDER / example.file).read_bytes(), "csv", x1=example.x1, x2=example.x2, label=example.label)
