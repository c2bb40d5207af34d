"""The frame encoder: what one frame of a session looks like on the wire.

A frame is one binary websocket message: a 4-byte little-endian length `N`,
then `N` bytes of UTF-8 JSON (the header, the model `protocol.FrameHeader`),
then the payload bytes the header's `grids` point at. This module owns that
byte layout and reads the engine's objects (`Session`, its `Network`, `Data`
and `GridPicture`) to fill it; the engine itself never builds wire dicts.
`protocol.py` owns the JSON models; `docs/protocol.md` describes both.

Grids: `output` (100×100 bytes), `thumbnails` (one 10×10 block per drawn
node: the 7 features, then the hidden nodes layer by layer) and `focus`
(100×100, or null), one byte a value (see `quantize`). With K ≥ 3 classes
`output` is null and the map travels as `outputClass` (100×100, the winning
class per byte) and `outputConfidence` (100×100, its probability, see
`quantize_unit`); the thumbnails then end with the K output nodes'
probabilities.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from functools import cache
from typing import Any

import numba
import numpy as np
import orjson

from engine.datasets import thumbnail_points
from engine.features import FEATURES
from engine.rng import SeededStream
from engine.session import Session
from engine.settings import CLASSIFICATION_DATASETS, REGRESSION_DATASETS

from . import protocol


def quantize(values: np.ndarray) -> bytes:
    """Grid values → one byte each: q stands for (q − 127.5)/127.5, clamped to
    [−1, 1]. Each sign has its own half (q ≥ 128 ⇔ value ≥ 0, for all values
    but negatives smaller than 1e-7 in size), so "discretize" gives the same
    picture from the bytes as from the floats. NaN becomes byte 0."""
    flat = np.ascontiguousarray(values, dtype=np.float32).reshape(-1)
    out = np.empty(flat.size, np.uint8)
    _quantize_into(flat, out)
    return out.tobytes()


_ONE32 = np.float32(1.0)
_HALF_RANGE32 = np.float32(127.5)
_MIDDLE32 = np.float32(128.0)


@numba.njit(cache=True, error_model="numpy")  # holds the GIL: see below
def _quantize_into(values, out):
    """`quantize`'s arithmetic, compiled (it is 11,300 values per frame of every
    tab: NumPy's five passes with a temporary each cost four times this loop).
    float32 throughout, each step rounded as NumPy rounds it: clamp (NaN to
    −1), ×127.5, +128, truncate, so the bytes are those of the NumPy form.
    It keeps the GIL: releasing it for 3 µs of work let another thread take
    it, and getting it back cost up to a switch interval (0.5 ms) of waiting
    in a busy server."""
    for i in range(values.size):
        v = values[i]
        if not v >= -_ONE32:
            v = -_ONE32
        elif v > _ONE32:
            v = _ONE32
        out[i] = np.uint8(v * _HALF_RANGE32 + _MIDDLE32)


def warm_up() -> None:
    """Load (or compile, the first time) the frame encoder's kernel, beside
    the engine's (`engine.training.warm_up`), before a tab needs it."""
    quantize(np.zeros(1, np.float32))


def quantize_unit(values: np.ndarray) -> bytes:
    """Values in [0, 1] (probabilities) → one byte each, q = round(255·p)."""
    scaled = np.clip(np.nan_to_num(values, nan=0.0), 0.0, 1.0) * np.float32(255.0)
    return np.rint(scaled).astype(np.uint8).tobytes()


def finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def encode_frame(header: dict, blobs: dict[str, bytes]) -> bytes:
    """One binary frame: the header gains `grids` (name → [offset, length] in
    the payload, or None) and is written as JSON after its 4-byte length."""
    offsets: dict[str, list[int] | None] = {}
    parts: list[bytes] = []
    size = 0
    for name, blob in blobs.items():
        if blob is None:
            offsets[name] = None
            continue
        offsets[name] = [size, len(blob)]
        parts.append(blob)
        size += len(blob)
    header["grids"] = {**header.get("grids", {}), **offsets}
    text = header_json(header)
    return b"".join([struct.pack("<I", len(text)), text, *parts])


def header_json(header: dict) -> bytes:
    """A frame header as UTF-8 JSON, in the shape of `protocol.FrameHeader`.

    Written by orjson, 60 times a second per tab: the standard library's
    encoder (a float's repr at a time, after `tolist()` of every weight)
    was a seventh of the server's GIL time in a class of 30, orjson writes
    NumPy arrays directly in a tenth of the time. A non-finite number (a
    diverged loss, a weight edited to 1e309) is written as null, since JSON
    has no inf or NaN, as the model says. Arrays that are views with
    strides (a layer's weights inside the flat parameters) go through
    `tolist()`."""
    return orjson.dumps(header, default=_plain, option=orjson.OPT_SERIALIZE_NUMPY)


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON")


def header_end(message: bytes) -> int:
    """Where an `encode_frame` message's JSON header ends (it starts at 4)."""
    return 4 + struct.unpack_from("<I", message)[0]


def frame_header(message: bytes) -> dict:
    """Only the header of an `encode_frame` message (for load clients: no grid bytes copied)."""
    return orjson.loads(memoryview(message)[4 : header_end(message)])


def decode_frame(message: bytes) -> tuple[dict, dict[str, bytes]]:
    """The inverse of `encode_frame` (for tests and tools): header and named grids."""
    header = frame_header(message)
    payload = message[header_end(message) :]
    grids = {}
    for name, span in header["grids"].items():
        if isinstance(span, list):
            grids[name] = payload[span[0] : span[0] + span[1]]
    return header, grids


def dequantize(blob: bytes) -> np.ndarray:
    """Bytes of `quantize` → float32 values (for tests and tools)."""
    return (np.frombuffer(blob, dtype=np.uint8).astype(np.float32) - 127.5) / 127.5


class FrameWriter:
    """Builds the frames for one page, remembering what that page already has:
    the layout, data and settings travel only when their version moved, and
    loss points only once. While playing, the metrics (accuracy, confusion,
    each test point's class) travel in every `METRICS_EVERY`-th frame: 15
    updates a second read the same as 60, and the block cost a fifth of a
    frame's GIL time in a class of 30; a frame of a paused session has them."""

    MAX_POINTS_PER_FRAME = 1000
    METRICS_EVERY = 4

    def __init__(self):
        self.forget()

    def forget(self) -> None:
        """The page has nothing (a new or resumed connection)."""
        self.layout_version = self.data_version = self.settings_version = None
        self.history_mark: tuple[int, int] | None = None  # (history generation, last epoch sent)
        self.frames_since_metrics = self.METRICS_EVERY  # the first frame has them

    def frame(
        self,
        session: Session,
        *,
        session_id: str,
        playing: bool,
        focus: tuple[int, int] | None,
        share: Callable[[], dict],
    ) -> bytes:
        """Encode `session` now. `share()` gives {"hash", "notices", "hidden"}
        for the settings block; it is called only when that block is sent.
        Returns the binary message."""
        train_loss, test_loss = session.losses()
        network = session.network
        header: dict[str, Any] = {
            "type": "frame",
            "session": session_id,
            "epoch": session.epoch,
            "playing": playing,
            "trainLoss": train_loss,  # header_json writes a non-finite number as null
            "testLoss": test_loss,
            "weights": network.weights,
            "biases": network.biases,
            "dead": dead_links(network),
            "layoutVersion": session.layout_version,
            "dataVersion": session.data_version,
            "settingsVersion": session.settings_version,
        }
        history = session.history
        reset_chart = self.history_mark is None or self.history_mark[0] != history.generation
        sent_up_to = -1 if reset_chart else self.history_mark[1]
        points = history.after(sent_up_to, self.MAX_POINTS_PER_FRAME)
        header["chartReset"] = reset_chart
        header["lossPoints"] = points
        header["gradientNorms"] = session.gradient_norms()
        header["deltaNorms"] = session.delta_norms()
        self.history_mark = (history.generation, points[-1][0] if points else sent_up_to)
        if self.layout_version != session.layout_version:
            header["layout"] = layout(session)
            self.layout_version = session.layout_version
        if self.data_version != session.data_version:
            header["data"] = data_points(session)
            self.data_version = session.data_version
        if self.settings_version != session.settings_version:
            header["settings"] = {"values": _json_settings(session.settings), **share()}
            self.settings_version = session.settings_version
        self.frames_since_metrics += 1
        if not playing or self.frames_since_metrics >= self.METRICS_EVERY:
            header["metrics"] = metrics_block(session)
            self.frames_since_metrics = 0
        header["learningRateNow"] = session.learning_rate
        if session.stopped is not None:
            header["stopped"] = {"epoch": session.stopped[0], **protocol.message_fields(session.stopped[1])}
        if session.divergence is not None:
            header["divergence"] = {
                "epoch": session.divergence.epoch,
                **protocol.message_fields(session.divergence.reason),
            }
        picture = session.picture()
        focus_blob = None
        if focus is not None:
            header["grids"] = {"focusNode": {"layer": focus[0], "index": focus[1]}}
            focus_blob = quantize(picture.node(*focus))
        else:
            header["grids"] = {"focusNode": None}
        blobs = {**output_grids(session, picture), "focus": focus_blob}
        return encode_frame(header, blobs)


def dead_links(network) -> list:
    """Per non-input layer, (units_{l-1}, units_l) 0/1: which links are dead
    (all alive, the usual case, from a cache per layer sizes)."""
    if not network.dead.any():
        return _no_dead_links(tuple(network.layer_sizes))
    return [d.astype(np.uint8) for d in network.dead_links()]


@cache
def _no_dead_links(layer_sizes: tuple[int, ...]) -> list:
    return [np.zeros((below, units), np.uint8) for below, units in zip(layer_sizes, layer_sizes[1:])]


def output_grids(session: Session, picture) -> dict[str, bytes | None]:
    """The map and the thumbnails, in the form the task's labels need: one
    signed grid for ±1 labels and regression; winner and confidence grids
    (and output-node thumbnails) for K class indices."""
    if session.task.label_kind != "index":
        return {
            "output": quantize(picture.output()),
            "outputClass": None,
            "outputConfidence": None,
            "thumbnails": quantize(picture.thumbnails()),
        }
    winner, confidence = picture.winners()
    return {
        "output": None,
        "outputClass": winner.tobytes(),
        "outputConfidence": quantize_unit(confidence),
        "thumbnails": quantize(picture.thumbnails(outputs=True)),
    }


def metrics_block(session: Session) -> dict:
    """The task's numbers for train and test (`Task.metrics`), NaN as null;
    for classification also `test.predicted`, each test point's predicted
    class in data order (the page marks a confusion cell's points with it)."""
    numbers = session.metrics()
    block = {
        part: {name: finite_or_none(value) if isinstance(value, float) else value for name, value in values.items()}
        for part, values in numbers.items()
    }
    if "confusion" in block["test"]:
        block["test"]["predicted"] = session.predicted_classes().tolist()
    return block


def _json_settings(values: dict) -> dict:
    return {name: list(value) if isinstance(value, tuple) else value for name, value in values.items()}


def layout(session: Session) -> dict:
    """The `layout` block: all seven features (label, whether the network uses
    it, whether the link hides it), the layer sizes [k, h1, …, outputs], the
    problem and the task: its label kind, class count K (null for regression)
    and palette (one colour per class, class 0 first)."""
    features = [
        {
            "name": name,
            "label": FEATURES[name][0],
            "active": name in session.active,
            "hidden": name in session.hidden_inputs,
        }
        for name in FEATURES
    ]
    task = session.task
    return {
        "features": features,
        "layers": list(session.network.layer_sizes),
        "problem": session.settings["problem"],
        "labelKind": task.label_kind,
        "classes": None if task.label_kind == "real" else task.classes,
        "palette": list(task.palette),
    }


def data_points(session: Session) -> dict:
    """The `data` block: train and test points as [x1, x2, label], the
    problem's dataset thumbnails and where the points come from
    (`engine.data_source` describe())."""
    return {
        "train": session.data.train.tolist(),
        "test": session.data.test.tolist(),
        "thumbnails": dataset_thumbnails(session.settings["problem"]),
        "source": session.source.describe(session.settings),
    }


@cache
def dataset_thumbnails(problem: str) -> dict[str, list]:
    """200 noise-free points per dataset of `problem`, as the original's
    thumbnails show them; always the same (from a fixed stream)."""
    names = CLASSIFICATION_DATASETS if problem == "classification" else REGRESSION_DATASETS
    points = thumbnail_points(problem, SeededStream("thumbnails"), names)
    return {name: array.tolist() for name, array in points.items()}
