"""Where a session's points come from: its data source.

- `GeneratedData`: one of the built-in data sets, drawn from the seeded stream
  with the `noise` setting (the original's data; `regenerate` draws anew).
- `StoredData`: a drawn or uploaded data set, by its content-addressed id in the
  server's store (the `data` setting). Its points are fixed: noise and
  regenerate do not apply to it.

Both are then shuffled once by the seeded stream and split by `percTrainData`
(`datasets.shuffle_split`), so the seed decides the split (and, after it, the
initial weights) the same way for both.

The store is not the engine's business: a session is given a lookup,
`DatasetLookup(id) -> UserDataset | None`, and asks it for stored data sets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import settings as table
from .datasets import POINTS_PER_PROBLEM, Data, dataset_name, shuffle_split, split_index
from .messages import Message
from .rng import SeededStream
from .task import task_of
from .user_data import DataError, UserDataset

DatasetLookup = Callable[[str], "UserDataset | None"]

# Classes a session can train on: every count the task has colours for.
TRAINABLE_CLASSES = table.MAX_CLASSES


@dataclass(frozen=True)
class GeneratedData:
    """The built-in data set named by the settings (`dataset` or `regDataset`)."""

    kind = "generated"
    ignores = frozenset()  # every data setting means something here

    def points(self, settings: dict, stream: SeededStream) -> np.ndarray:
        """P (n, 3) drawn from `stream` (500 or 1200 points), in the form the
        task asks for (K classes; two are the original's)."""
        generate = task_of(settings).generator(dataset_name(settings))
        return generate(POINTS_PER_PROBLEM[settings["problem"]], float(settings["noise"]) / 100, stream)

    def describe(self, settings: dict) -> dict:
        return {"kind": self.kind, "dataset": dataset_name(settings)}


@dataclass(frozen=True)
class StoredData:
    """A data set from the store: `id` and its `dataset` (user's units + scaling)."""

    id: str
    dataset: UserDataset
    kind = "stored"
    ignores = frozenset({"noise"})  # kept in the link, but stored points have no noise to change

    def points(self, settings: dict, stream: SeededStream) -> np.ndarray:
        """P (n, 3) in the plane; nothing is drawn from `stream`."""
        return self.dataset.plane_points()

    def describe(self, settings: dict) -> dict:
        return {"kind": self.kind, **self.dataset.summary(self.id)}


def make_data(source, settings: dict, stream: SeededStream) -> Data:
    """The source's points, shuffled once by `stream` and split by `percTrainData`."""
    return shuffle_split(source.points(settings, stream), settings["percTrainData"], stream)


def choose(settings: dict, lookup: DatasetLookup | None) -> tuple[GeneratedData | StoredData, list[Message]]:
    """The data source `settings` ask for, and notices. Changes `settings` in
    place: `data` becomes None when the id cannot be used (unknown, damaged, or
    more classes than a session trains), and `problem` and `classes` (and a
    loss that no longer suits them) follow a stored data set."""
    data_id = settings.get("data")
    if not data_id:
        settings["data"] = None
        return GeneratedData(), []
    shown = data_id if len(data_id) <= 40 else data_id[:37] + "..."
    try:
        dataset = lookup(data_id) if lookup is not None else None
    except DataError as error:
        settings["data"] = None
        return GeneratedData(), [Message("data_unreadable", {"id": shown, "reason": error.message})]
    if dataset is None:
        settings["data"] = None
        return GeneratedData(), [Message("data_unknown", {"id": shown})]
    if dataset.problem == "classification" and dataset.num_classes > TRAINABLE_CLASSES:
        settings["data"] = None
        return GeneratedData(), [
            Message(
                "data_too_many_classes",
                {"id": shown, "count": dataset.num_classes, "classes": list(dataset.classes), "max": TRAINABLE_CLASSES},
            )
        ]
    notices = []
    classes = dataset.num_classes if dataset.problem == "classification" else 2
    if (settings["problem"], settings.get("classes", 2)) != (dataset.problem, classes):
        settings["problem"] = dataset.problem
        settings["classes"] = classes
        notices.extend(table.fix_combinations(settings, changed=["problem"]))
    return StoredData(data_id, dataset), notices


def membership(num_points: int, perc_train: float, seed: str) -> list[str]:
    """ "train" or "test" for each stored point, in stored order, as a session
    with this seed and ratio splits them (for exports)."""
    order = list(range(num_points))
    SeededStream(seed).shuffle(order)
    cut = split_index(num_points, perc_train)
    training = set(order[:cut])
    return ["train" if i in training else "test" for i in range(num_points)]
