"""A user's own data set: read from a CSV or JSON file, checked, and scaled into the plane.

`read_table(body, kind)` turns the bytes of a file into a `Table` (column names and
rows of cells); `build_dataset(table, ...)` picks the two input columns and the
label column and makes a `UserDataset`. Every problem with a file raises
`DataError`, whose message names the row or column and says how to fix it.

A `UserDataset` keeps the values in the user's own units, U (n, 2) and the
labels (n,), together with the linear scaling that puts them into the
playground's plane: x = (u − offset) · factor per input column (the fitted
scaling maps each column's range onto [−5, 5], the span of the built-in data
sets inside the ±6 view), and for regression the target's range onto [−1, 1].
Exports therefore give the user's numbers back unchanged.

Labels of classification data are class indices 0..K−1 into `classes` (the class
names, at most 8). For K = 2 the plane's labels are the original's: class 0 is
−1 (orange) and class 1 is +1 (blue); numeric class names are ordered by value,
others alphabetically, so −1/1 and 0/1 labels keep their usual colours.

The stored form (`to_record`) is versioned JSON; `canonical_bytes()` is that
record written in one fixed way, so the same content always has the same bytes
(and so the same content-addressed id in the store).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass

import numpy as np

from .messages import Message, MessageError

MAX_BYTES = 2 * 1024 * 1024
MAX_POINTS = 5000
MIN_POINTS = 4
MAX_CLASSES = 8
PLANE_HALF = 5.0  # fitted inputs span [−5, 5], like the built-in data sets
PLANE_LIMIT = 6.0  # the visible plane; unscaled inputs must lie within it
RECORD_FORMAT = "neural-playground.dataset"
RECORD_VERSION = 1
PROBLEMS = ("classification", "regression")
SCALINGS = ("fit", "none")
EXPORT_COLUMNS = ("x1", "x2", "label", "split")
_SHOWN_CHARS = 30


class DataError(MessageError):
    """A file or a choice of columns that cannot be used; `message` says
    where (row, column) and what to do (engine/messages.py)."""


def _place(place: str) -> dict:
    """The parameters that name a place ("row 5", "point 5") in a message:
    `place` (a message such as "row 5") and `kind` ("row" or "point")."""
    kind, number = place.split()
    return {"place": Message(f"place_{kind}", {"n": int(number)}), "kind": kind}


@dataclass(frozen=True)
class Table:
    """A file's cells: `columns` (names, unique), `rows` (each as many cells as
    columns; a cell is a str, or a float/int/bool/None from JSON) and
    `places[i]`, how a message names row i ("row 5" of a CSV file, counting the
    header as row 1, or "point 5" of a JSON list)."""

    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    places: tuple[str, ...]
    classes: tuple[str, ...] | None = None  # class names declared by a JSON file, in order
    hints: tuple[tuple[str, str], ...] = ()  # defaults a JSON file gives: x1, x2, label, problem, scale


@dataclass(frozen=True)
class Scale:
    """x = (u − offset) · factor: from the user's units u to the plane's x."""

    offset: float
    factor: float

    def to_plane(self, values: np.ndarray) -> np.ndarray:
        return (values - self.offset) * self.factor

    def as_list(self) -> list[float]:
        return [self.offset, self.factor]


IDENTITY = Scale(0.0, 1.0)


@dataclass(frozen=True)
class UserDataset:
    """A data set in the user's units.

    `values` (n, 3): rows [u1, u2, label], label a class index (classification)
    or the target in the user's units (regression). `columns`: the names of the
    x1, x2 and label columns in the user's file. `classes`: the K class names
    (empty for regression). `scales`: x1, x2 and target scaling (the target's is
    None for classification).
    """

    problem: str
    columns: tuple[str, str, str]
    classes: tuple[str, ...]
    scales: tuple[Scale, Scale, Scale | None]
    values: np.ndarray

    @property
    def num_points(self) -> int:
        return len(self.values)

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    def plane_points(self) -> np.ndarray:
        """P (n, 3): rows [x1, x2, label] in the plane. Labels are ±1 for two
        classes, the class index for more, the scaled target for regression."""
        x1 = self.scales[0].to_plane(self.values[:, 0])
        x2 = self.scales[1].to_plane(self.values[:, 1])
        labels = self.values[:, 2]
        if self.problem == "regression":
            labels = self.scales[2].to_plane(labels)
        elif self.num_classes == 2:
            labels = np.where(labels == 1, 1.0, -1.0)
        return np.column_stack([x1, x2, labels]).astype(np.float64)

    def label_text(self, label: float) -> str:
        """A label as the user wrote it: the class name or the target value."""
        return self.classes[int(label)] if self.problem == "classification" else number_text(label)

    # --- the stored form -------------------------------------------------

    def to_record(self) -> dict:
        labels = self.values[:, 2]
        points = [
            [float(u1), float(u2), int(label) if self.problem == "classification" else float(label)]
            for (u1, u2), label in zip(self.values[:, :2].tolist(), labels.tolist())
        ]
        return {
            "format": RECORD_FORMAT,
            "version": RECORD_VERSION,
            "problem": self.problem,
            "columns": list(self.columns),
            "classes": list(self.classes),
            "scale": {
                "x1": self.scales[0].as_list(),
                "x2": self.scales[1].as_list(),
                "label": self.scales[2].as_list() if self.scales[2] else None,
            },
            "points": points,
        }

    def canonical_bytes(self) -> bytes:
        return json.dumps(
            self.to_record(), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        ).encode("utf-8")

    @classmethod
    def from_bytes(cls, body: bytes) -> UserDataset:
        try:
            record = json.loads(body)
        except ValueError as error:
            raise DataError("stored_not_json", {"error": str(error)}) from None
        return cls.from_record(record)

    @classmethod
    def from_record(cls, record: dict) -> UserDataset:
        """The data set of a stored record (any version this code knows)."""
        try:
            if record["format"] != RECORD_FORMAT or record["version"] != RECORD_VERSION:
                raise DataError("stored_format", {"format": repr(record["format"]), "version": repr(record["version"])})
            problem = record["problem"]
            scale = record["scale"]
            scales = (
                Scale(*map(float, scale["x1"])),
                Scale(*map(float, scale["x2"])),
                Scale(*map(float, scale["label"])) if scale["label"] is not None else None,
            )
            values = np.array(record["points"], dtype=np.float64).reshape(-1, 3)
            return cls(
                problem=problem,
                columns=tuple(map(str, record["columns"])),
                classes=tuple(map(str, record["classes"])),
                scales=scales,
                values=values,
            )
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, DataError):
                raise
            raise DataError("stored_damaged", {"error": f"{type(error).__name__}: {error}"}) from None

    # --- exports ---------------------------------------------------------

    def export_rows(self, split: list[str] | None = None) -> list[list[str]]:
        """Rows [x1, x2, label, split] as text in the user's units; split is
        "train"/"test" per point, or "" when no seed was given."""
        split = split or [""] * self.num_points
        return [
            [number_text(u1), number_text(u2), self.label_text(label), part]
            for (u1, u2, label), part in zip(self.values.tolist(), split)
        ]

    def to_csv(self, split: list[str] | None = None) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        for row in self.export_rows(split):
            # A class name a spreadsheet would run as a formula is written as text.
            if row[2][:1] in ("=", "+", "-", "@") and not _is_number_text(row[2]):
                row[2] = "'" + row[2]
            writer.writerow(row)
        return out.getvalue()

    def to_json(self, split: list[str] | None = None, dataset_id: str | None = None) -> dict:
        """The export as JSON: what the data set is and its points in the user's units.
        Uploading it again gives the same data set (and id)."""
        points = []
        for u1, u2, label, part in self.export_rows(split):
            point = {
                "x1": float(u1),
                "x2": float(u2),
                "label": label if self.problem == "classification" else float(label),
            }
            if part:
                point["split"] = part
            points.append(point)
        return {
            "id": dataset_id,
            "problem": self.problem,
            "columns": ["x1", "x2", "label"],
            "source_columns": list(self.columns),
            "classes": list(self.classes),
            "scale": self.to_record()["scale"],
            "points": points,
        }

    def summary(self, dataset_id: str | None = None) -> dict:
        """What the API answers about a data set (no points)."""
        return {
            "id": dataset_id,
            "points": self.num_points,
            "classes": list(self.classes),
            "problem": self.problem,
            "columns": list(self.columns),
            "scale": self.to_record()["scale"],
        }


# --- reading files ---------------------------------------------------------------


def number_text(value: float) -> str:
    """A number written short: 1.0 → "1", 0.25 → "0.25"."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _is_number_text(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _shown(value) -> str:
    text = str(value)
    return repr(text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…")


def decode_text(body: bytes) -> str:
    """The text of a file: UTF-8 (with or without a byte-order mark)."""
    if not body.strip():
        raise DataError("file_empty", {"min": MIN_POINTS})
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError("file_utf16")
    head = body[:4096]
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 13, 12))
    if b"\x00" in head or controls > len(head) // 20:
        raise DataError("file_binary")
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        raise DataError("file_not_utf8", {"byte": f"0x{body[error.start]:02X}", "line": line}) from None


def read_table(body: bytes, kind: str = "csv") -> Table:
    """The cells of a CSV (`kind` "csv") or JSON ("json") file."""
    if len(body) > MAX_BYTES:
        raise DataError("file_too_big", {"size": len(body), "max": MAX_BYTES, "rows": MAX_POINTS})
    text = decode_text(body)
    return _read_json(text) if kind == "json" else _read_csv(text)


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(text: str) -> Table:
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = _delimiter(first)
    try:
        raw_rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise DataError("csv_unreadable", {"error": str(error)}) from None
    numbered = [(index + 1, row) for index, row in enumerate(raw_rows) if any(cell.strip() for cell in row)]
    header_line, header = numbered[0]
    cells = [cell.strip() for cell in header]
    if all(_is_number_text(cell) for cell in cells):
        columns = [f"column{i + 1}" for i in range(len(cells))]  # no header line: the first row is data
        data = numbered
    else:
        columns = [cell or f"column{i + 1}" for i, cell in enumerate(cells)]
        data = numbered[1:]
    _check_names(columns)
    if not data:
        raise DataError("csv_no_rows", {"columns": list(columns), "min": MIN_POINTS})
    if len(data) > MAX_POINTS:
        raise DataError("csv_too_many_rows", {"count": len(data), "max": MAX_POINTS})
    rows, places = [], []
    for line, row in data:
        row = [cell.strip() for cell in row]
        while len(row) > len(columns) and row[-1] == "":
            row.pop()  # a trailing separator
        if len(row) != len(columns):
            raise DataError(
                "csv_row_width", {"line": line, "count": len(row), "width": len(columns), "columns": list(columns)}
            )
        if delimiter == ";":
            row = [re.sub(r"^(-?\d+),(\d+)$", r"\1.\2", cell) for cell in row]  # decimal commas
        rows.append(tuple(row))
        places.append(f"row {line}")
    return Table(tuple(columns), tuple(rows), tuple(places))


def _check_names(columns: list[str]) -> None:
    seen: dict[str, int] = {}
    for index, name in enumerate(columns):
        if name in seen:
            raise DataError("column_twice", {"name": _shown(name), "first": seen[name] + 1, "second": index + 1})
        seen[name] = index


def _read_json(text: str) -> Table:
    """A JSON list of objects ({"x1": 1, "x2": 2, "label": "a"}) or of lists, or an
    object holding such a list under "points" (our own export) or "rows" (with
    "columns"), optionally with "classes" (the class names in order)."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise DataError("json_invalid", {"error": str(error)}) from None
    classes = None
    columns = None
    hints: dict[str, str] = {}
    if isinstance(document, dict):
        if isinstance(document.get("classes"), list) and document["classes"]:
            classes = tuple(_class_name(name) for name in document["classes"])
        columns = document.get("columns")
        if isinstance(columns, list) and len(columns) >= 3 and all(isinstance(c, str) for c in columns[:3]):
            hints.update(x1=columns[0], x2=columns[1], label=columns[2])
        if document.get("problem") in PROBLEMS:
            hints["problem"] = document["problem"]
        scale = document.get("scale")
        if scale == "none" or (
            isinstance(scale, dict)
            and all(scale.get(key) in (None, [0, 1], [0.0, 1.0]) for key in ("x1", "x2", "label"))
        ):
            hints["scale"] = "none"  # already in the plane (drawn data), as our export says
        items = document.get("points", document.get("rows"))
        if not isinstance(items, list):
            raise DataError("json_needs_points")
    elif isinstance(document, list):
        items = document
    else:
        raise DataError("json_not_list")
    if not items:
        raise DataError("json_no_points", {"min": MIN_POINTS})
    if len(items) > MAX_POINTS:
        raise DataError("json_too_many_points", {"count": len(items), "max": MAX_POINTS})
    first = items[0]
    if isinstance(first, dict):
        names = list(dict.fromkeys(key for item in items if isinstance(item, dict) for key in item))
        columns = [str(name) for name in names]
    elif isinstance(first, list):
        width = len(first)
        if not (isinstance(columns, list) and len(columns) == width):
            columns = ["x1", "x2", "label", "split"][:width] if width <= 4 else [f"column{i + 1}" for i in range(width)]
        columns = [str(name) for name in columns]
    else:
        raise DataError("json_first_point")
    rows, places = [], []
    for index, item in enumerate(items):
        place = f"point {index + 1}"
        if isinstance(item, dict):
            row = tuple(item.get(name) for name in columns)
        elif isinstance(item, list):
            if len(item) != len(columns):
                raise DataError("json_point_width", {"n": index + 1, "count": len(item), "width": len(columns)})
            row = tuple(item)
        else:
            raise DataError("json_point_kind", {"n": index + 1, "value": _shown(item)})
        for name, cell in zip(columns, row):
            if isinstance(cell, (dict, list)):
                raise DataError(
                    "json_nested_object" if isinstance(cell, dict) else "json_nested_list",
                    {"n": index + 1, "name": name},
                )
        rows.append(row)
        places.append(place)
    source = document.get("source_columns") if isinstance(document, dict) else None
    if (
        isinstance(source, list)
        and len(source) == 3
        and all(isinstance(c, str) and c for c in source)
        and hints.get("x1") in columns
        and hints.get("x2") in columns
        and hints.get("label") in columns
    ):
        # Our own export: points keyed x1, x2, label; the user's names come back.
        names = dict(zip((hints["x1"], hints["x2"], hints["label"]), source))
        columns = [names.get(name, name) for name in columns]
        hints.update(x1=source[0], x2=source[1], label=source[2])
    _check_names(columns)
    hints = {key: value for key, value in hints.items() if key in ("problem", "scale") or value in columns}
    return Table(tuple(columns), tuple(rows), tuple(places), classes, tuple(hints.items()))


# --- choosing columns and scaling ------------------------------------------------


def _number(cell, place: str, column: str, role: str) -> float:
    """The number in a cell, or DataError naming the place and the fix."""
    where = {**_place(place), "column": _shown(column), "role": role}
    if cell is None or (isinstance(cell, str) and cell == ""):
        raise DataError("cell_empty", where)
    if isinstance(cell, bool):
        raise DataError("cell_bool", {**where, "value": str(cell).lower()})
    if isinstance(cell, (int, float)):
        value = float(cell)
    else:
        try:
            value = float(cell)
        except ValueError:
            raise DataError("cell_not_number", {**where, "value": _shown(cell)}) from None
    if not math.isfinite(value):
        raise DataError("cell_not_finite", {**where, "value": _shown(cell)})
    return value


def _class_name(cell) -> str:
    """A label cell as a class name: numbers written short (1.0 and "1" are the same class)."""
    if isinstance(cell, bool):
        return str(cell).lower()
    if isinstance(cell, (int, float)):
        return number_text(cell) if math.isfinite(cell) else str(cell)
    text = str(cell).strip()
    return number_text(float(text)) if _is_number_text(text) else text


def _column(table: Table, name: str | None, role: str) -> int:
    if name not in table.columns:
        raise DataError("no_such_column", {"name": _shown(name), "role": role, "columns": list(table.columns)})
    return table.columns.index(name)


def _looks_numeric(table: Table, index: int) -> bool:
    cell = table.rows[0][index]
    return (isinstance(cell, (int, float)) and not isinstance(cell, bool)) or (
        isinstance(cell, str) and _is_number_text(cell)
    )


def build_dataset(
    table: Table,
    x1: str | None = None,
    x2: str | None = None,
    label: str | None = None,
    problem: str | None = None,
    scale: str | None = None,
) -> UserDataset:
    """Pick the columns (defaults: what a JSON file names, else a column named
    `label`, else the last; the first two numeric columns besides it), read the
    numbers, find the classes or the target, and scale into the plane (`scale`
    "fit", the default, or "none" for values that are already plane
    coordinates, as drawn data is)."""
    hints = dict(table.hints)
    x1, x2, label = x1 or hints.get("x1"), x2 or hints.get("x2"), label or hints.get("label")
    problem = problem or hints.get("problem")
    scale = scale or hints.get("scale", "fit")
    if problem not in (None, *PROBLEMS):
        raise DataError("problem_invalid", {"value": _shown(problem)})
    if scale not in SCALINGS:
        raise DataError("scale_invalid", {"value": _shown(scale)})
    columns = table.columns
    if len(columns) < 3:
        raise DataError("too_few_columns", {"count": len(columns), "columns": list(columns)})
    if len(table.rows) < MIN_POINTS:
        raise DataError("too_few_rows", {"count": len(table.rows), "min": MIN_POINTS})
    if len(table.rows) > MAX_POINTS:
        raise DataError("too_many_rows", {"count": len(table.rows), "max": MAX_POINTS})
    if label is None:
        named = [i for i, name in enumerate(columns) if name.strip().lower() == "label"]
        label_index = named[0] if named else len(columns) - 1
    else:
        label_index = _column(table, label, "label")
    inputs = []
    for name, role in ((x1, "x1"), (x2, "x2")):
        if name is not None:
            inputs.append(_column(table, name, role))
    if len(inputs) < 2:
        others = [i for i in range(len(columns)) if i != label_index and i not in inputs and columns[i] != "split"]
        numeric = [i for i in others if _looks_numeric(table, i)]
        for index in numeric + [i for i in others if i not in numeric]:
            if len(inputs) == 2:
                break
            inputs.append(index)
    if inputs[0] == inputs[1]:
        raise DataError("same_inputs", {"name": _shown(columns[inputs[0]])})
    if label_index in inputs:
        raise DataError("label_is_input", {"name": _shown(columns[label_index])})
    role_text = "inputs"  # a term of the catalogs (role.inputs)
    u = np.array(
        [
            [_number(row[i], place, columns[i], role_text) for i in inputs]
            for row, place in zip(table.rows, table.places)
        ],
        dtype=np.float64,
    ).reshape(-1, 2)
    cells = [row[label_index] for row in table.rows]
    label_name = columns[label_index]
    for cell, place in zip(cells, table.places):
        if cell is None or (isinstance(cell, str) and cell.strip() == ""):
            raise DataError("label_empty", {**_place(place), "column": _shown(label_name)})
    numeric_labels = all(
        isinstance(c, (int, float)) and not isinstance(c, bool) or (isinstance(c, str) and _is_number_text(c))
        for c in cells
    )
    if problem is None:
        if numeric_labels and table.classes is None:
            distinct = {float(c) for c in cells}
            problem = (
                "classification"
                if len(distinct) <= MAX_CLASSES and all(v.is_integer() for v in distinct)
                else "regression"
            )
        else:
            problem = "classification"
    scales: list[Scale | None] = [
        _fit(u[:, 0], columns[inputs[0]], scale, table, PLANE_HALF),
        _fit(u[:, 1], columns[inputs[1]], scale, table, PLANE_HALF),
    ]
    if problem == "regression":
        targets = np.array(
            [_number(c, place, label_name, "target") for c, place in zip(cells, table.places)], dtype=np.float64
        )
        scales.append(_fit(targets, label_name, scale, table, 1.0, limit=math.inf))
        classes: tuple[str, ...] = ()
        labels = targets
    else:
        classes, labels = _classes(cells, label_name, table, numeric_labels)
        scales.append(None)
    values = np.column_stack([u, labels]).astype(np.float64)
    return UserDataset(
        problem=problem,
        columns=(columns[inputs[0]], columns[inputs[1]], label_name),
        classes=classes,
        scales=tuple(scales),
        values=values,
    )


def _fit(values: np.ndarray, name: str, scale: str, table: Table, half: float, limit: float = PLANE_LIMIT) -> Scale:
    if scale == "none":
        outside = np.flatnonzero(np.abs(values) > limit)
        if outside.size:
            i = int(outside[0])
            raise DataError(
                "outside_plane",
                {
                    **_place(table.places[i]),
                    "column": _shown(name),
                    "value": number_text(values[i]),
                    "limit": f"{limit:g}",
                },
            )
        return IDENTITY
    low, high = float(values.min()), float(values.max())
    if high == low:
        return Scale(low, 1.0)  # one value only: centred, not stretched
    middle = (low + high) / 2
    return Scale(middle, half / ((high - low) / 2))


def _classes(cells: list, name: str, table: Table, numeric: bool) -> tuple[tuple[str, ...], np.ndarray]:
    names = [_class_name(cell) for cell in cells]
    if table.classes is not None:
        classes = table.classes
        for cell, place in zip(names, table.places):
            if cell not in classes:
                raise DataError(
                    "not_a_class",
                    {**_place(place), "column": _shown(name), "value": _shown(cell), "classes": list(classes)},
                )
    else:
        distinct = set(names)
        if numeric:
            classes = tuple(sorted(distinct, key=float))
        else:
            classes = tuple(sorted(distinct))
        if len(classes) < 2:
            raise DataError("one_class", {"name": _shown(name), "value": _shown(classes[0])})
    if len(classes) > MAX_CLASSES:
        shown = list(classes[: MAX_CLASSES + 1]) + (["…"] if len(classes) > MAX_CLASSES + 1 else [])
        raise DataError(
            "too_many_classes", {"name": _shown(name), "count": len(classes), "classes": shown, "max": MAX_CLASSES}
        )
    index = {cls: i for i, cls in enumerate(classes)}
    return tuple(classes), np.array([index[cell] for cell in names], dtype=np.float64)


def parse_dataset(body: bytes, kind: str = "csv", **choices) -> UserDataset:
    """`read_table` then `build_dataset` (choices: x1, x2, label, problem, scale)."""
    return build_dataset(read_table(body, kind), **choices)
