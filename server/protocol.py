"""The wire format: every websocket message, in one place.

Commands (page → server) are JSON text messages, one pydantic model each,
told apart by `type`. The server sends frames as binary messages (a 4-byte
little-endian header length, the JSON header, then the grid bytes) and
notices and errors as JSON text. `docs/protocol.md` describes all of it for
people; this module is what the code uses.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from engine.settings import SPEED_CHOICES

MAX_MESSAGE_BYTES = 64 * 1024
MAX_HASH_CHARS = 60_000
MAX_SETTINGS_PER_COMMAND = 64
# The most a weight or bias may be set to, either sign (the page's edit card
# checks the same bound before sending).
MAX_EDIT_VALUE = 1e6


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Hello(_Command):
    type: Literal["hello"]
    hash: str = Field("", max_length=MAX_HASH_CHARS)
    resume: str | None = Field(None, max_length=64)


class SetSettings(_Command):
    type: Literal["set"]
    settings: dict[str, Any] = Field(max_length=MAX_SETTINGS_PER_COMMAND)


class Play(_Command):
    type: Literal["play"]


class Pause(_Command):
    type: Literal["pause"]


class Step(_Command):
    type: Literal["step"]


class Reset(_Command):
    type: Literal["reset"]


class Regenerate(_Command):
    type: Literal["regenerate"]


class Speed(_Command):
    type: Literal["speed"]
    value: Literal[SPEED_CHOICES]  # type: ignore[valid-type]


class Edit(_Command):
    """Set one weight (`source` → `dest` into `layer`) or one bias (`node` of `layer`)."""

    type: Literal["edit"]
    target: Literal["weight", "bias"]
    layer: int = Field(ge=1)
    source: int | None = Field(None, ge=0)
    dest: int | None = Field(None, ge=0)
    node: int | None = Field(None, ge=0)
    value: float = Field(ge=-MAX_EDIT_VALUE, le=MAX_EDIT_VALUE)


class Hide(_Command):
    """Hide or show a control in share links (`<name>_hide=true`), as the
    original's classroom checkboxes do."""

    type: Literal["hide"]
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9]{0,39}$")
    hidden: bool


class NodeRef(_Command):
    layer: int = Field(ge=0)
    index: int = Field(ge=0)


class Focus(_Command):
    type: Literal["focus"]
    node: NodeRef | None = None


Command = Annotated[
    Union[Hello, SetSettings, Play, Pause, Step, Reset, Regenerate, Speed, Edit, Focus, Hide],
    Field(discriminator="type"),
]
_COMMAND = TypeAdapter(Command)
COMMAND_TYPES = ("hello", "set", "play", "pause", "step", "reset", "regenerate", "speed", "edit", "focus", "hide")


class BadCommand(ValueError):
    """A message that is not a usable command; the text says why in plain words."""

    def __init__(self, message: str, command: str | None = None):
        super().__init__(message)
        self.command = command


def parse_command(text: str) -> BaseModel:
    """Validate one text message as a command, or raise BadCommand naming the problem."""
    if len(text) > MAX_MESSAGE_BYTES:
        raise BadCommand(f"the message is {len(text)} characters; the most is {MAX_MESSAGE_BYTES}")
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise BadCommand(f"the message is not valid JSON ({str(error)[:80]})") from None
    if not isinstance(raw, dict):
        raise BadCommand("a command must be a JSON object with a \"type\"")
    kind = raw.get("type")
    if kind not in COMMAND_TYPES:
        shown = str(kind)[:40]
        raise BadCommand(f"unknown command type {shown!r}; known: {', '.join(COMMAND_TYPES)}")
    try:
        return _COMMAND.validate_python(raw)
    except ValidationError as error:
        raise BadCommand(_describe(error, raw), kind) from None


def edit_range_text(target: str) -> str:
    """What an edit out of range is told, in plain words."""
    limit = f"{MAX_EDIT_VALUE:,.0f}"
    return f"{'Biases' if target == 'bias' else 'Weights'} must be between −{limit} and {limit}"


def _describe(error: ValidationError, raw: dict) -> str:
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"] if part not in COMMAND_TYPES) or "message"
    if raw.get("type") == "edit" and where == "value" and first["type"] in ("greater_than_equal", "less_than_equal"):
        return edit_range_text(str(raw.get("target")))
    if first["type"] == "greater_than_equal":
        return f"{where} must be at least {first['ctx']['ge']}"
    if first["type"] == "less_than_equal":
        return f"{where} must be at most {first['ctx']['le']}"
    return f"{where}: {first['msg']}"


# --- server → page -------------------------------------------------------------


class Notice(BaseModel):
    """`about`: the settings the notice is about; the page takes it down when
    one of them changes again (empty: it goes after a while)."""

    type: Literal["notice"] = "notice"
    message: str
    about: list[str] = []


class Error(BaseModel):
    type: Literal["error"] = "error"
    message: str
    command: str | None = None


class FeatureInfo(BaseModel):
    name: str
    label: str
    active: bool


class Layout(BaseModel):
    """The network's shape: all seven features and the layer sizes [k, h1, …, 1]."""

    features: list[FeatureInfo]
    layers: list[int]
    problem: str


class DataBlock(BaseModel):
    """The points as [x1, x2, label], and the dataset thumbnails' points."""

    train: list[tuple[float, float, float]]
    test: list[tuple[float, float, float]]
    thumbnails: dict[str, list[tuple[float, float, float]]]


class SettingsBlock(BaseModel):
    """The full settings, the canonical share hash, the opening link's notices
    and the hidden controls."""

    values: dict[str, Any]
    hash: str
    notices: list[str]
    hidden: list[str]


class DivergenceBlock(BaseModel):
    epoch: int
    message: str


class FrameHeader(BaseModel):
    """The JSON header of a binary frame; `layout`, `data`, `settings` and
    `divergence` are present only when they changed (see docs/protocol.md).
    `grids` maps a grid's name to [offset, length] in the payload (or null),
    and `focusNode` to the focused node."""

    model_config = ConfigDict(ser_json_inf_nan="null")

    type: Literal["frame"] = "frame"
    session: str
    epoch: int
    playing: bool
    trainLoss: float | None
    testLoss: float | None
    weights: list[list[list[float]]]
    biases: list[list[float]]
    dead: list[list[list[int]]]
    layoutVersion: int
    dataVersion: int
    settingsVersion: int
    chartReset: bool
    lossPoints: list[tuple[int, float | None, float | None]]
    layout: Layout | None = None
    data: DataBlock | None = None
    settings: SettingsBlock | None = None
    divergence: DivergenceBlock | None = None
    grids: dict[str, Any]


def quantize(values: np.ndarray) -> bytes:
    """Grid values → one byte each: q stands for (q − 127.5)/127.5, clamped to
    [−1, 1]. Each sign has its own half (q ≥ 128 ⇔ value ≥ 0, for all values
    but negatives smaller than 1e-7 in size), so "discretize" gives the same
    picture from the bytes as from the floats. NaN becomes byte 0."""
    scaled = np.fmax(values, np.float32(-1.0), dtype=np.float32)  # fmax/fmin also turn NaN into a bound
    np.fmin(scaled, np.float32(1.0), out=scaled)
    scaled *= np.float32(127.5)
    scaled += np.float32(128.0)  # in [0.5, 255.5]; truncation then floors
    return scaled.astype(np.uint8).tobytes()


def finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def encode_frame(header: dict, blobs: dict[str, bytes]) -> bytes:
    """One binary frame: the header gains `grids` (name → [offset, length] in
    the payload, or None) and is written as JSON after its 4-byte length."""
    offsets: dict[str, list[int] | None] = {}
    payload = bytearray()
    for name, blob in blobs.items():
        if blob is None:
            offsets[name] = None
            continue
        offsets[name] = [len(payload), len(blob)]
        payload += blob
    header = {**header, "grids": {**header.get("grids", {}), **offsets}}
    text = FrameHeader.model_validate(header).model_dump_json(exclude_unset=True).encode("utf-8")
    return struct.pack("<I", len(text)) + text + bytes(payload)


def decode_frame(message: bytes) -> tuple[dict, dict[str, bytes]]:
    """The inverse of `encode_frame` (for tests and tools): header and named grids."""
    (length,) = struct.unpack_from("<I", message)
    header = json.loads(message[4 : 4 + length])
    payload = message[4 + length :]
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
    loss points only once."""

    MAX_POINTS_PER_FRAME = 1000

    def __init__(self):
        self.forget()

    def forget(self) -> None:
        """The page has nothing (a new or resumed connection)."""
        self.layout_version = self.data_version = self.settings_version = None
        self.history_mark: tuple[int, int] | None = None  # (history generation, last epoch sent)

    def frame(self, session, *, session_id: str, playing: bool, focus: tuple[int, int] | None,
              share: Callable[[], dict]) -> bytes:
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
            "trainLoss": finite_or_none(train_loss),
            "testLoss": finite_or_none(test_loss),
            "weights": [w.tolist() for w in network.weights],
            "biases": [b.tolist() for b in network.biases],
            "dead": [d.astype(np.uint8).tolist() for d in network.dead_links()],
            "layoutVersion": session.layout_version,
            "dataVersion": session.data_version,
            "settingsVersion": session.settings_version,
        }
        history = session.history
        reset_chart = self.history_mark is None or self.history_mark[0] != history.generation
        sent_up_to = -1 if reset_chart else self.history_mark[1]
        points = history.after(sent_up_to, self.MAX_POINTS_PER_FRAME)
        header["chartReset"] = reset_chart
        header["lossPoints"] = [[e, finite_or_none(a), finite_or_none(b)] for e, a, b in points]
        self.history_mark = (history.generation, points[-1][0] if points else sent_up_to)
        if self.layout_version != session.layout_version:
            header["layout"] = session.layout()
            self.layout_version = session.layout_version
        if self.data_version != session.data_version:
            header["data"] = session.data_points()
            self.data_version = session.data_version
        if self.settings_version != session.settings_version:
            header["settings"] = {"values": _json_settings(session.settings), **share()}
            self.settings_version = session.settings_version
        if session.divergence is not None:
            header["divergence"] = {"epoch": session.divergence.epoch, "message": session.divergence.reason}
        picture = session.picture()
        focus_blob = None
        if focus is not None:
            header["grids"] = {"focusNode": {"layer": focus[0], "index": focus[1]}}
            focus_blob = quantize(picture.node(*focus))
        else:
            header["grids"] = {"focusNode": None}
        blobs = {"output": quantize(picture.output()), "thumbnails": quantize(picture.thumbnails()),
                 "focus": focus_blob}
        return encode_frame(header, blobs)


def _json_settings(values: dict) -> dict:
    return {name: list(value) if isinstance(value, tuple) else value for name, value in values.items()}
