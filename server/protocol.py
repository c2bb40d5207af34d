"""The wire format's messages: every JSON the websocket carries, in one place.

Commands (page → server) are JSON text messages, one pydantic model each,
told apart by `type`. The server sends notices and errors as JSON text, and
frames as binary messages whose JSON header is `FrameHeader` here. The binary
layout of a frame (the header's length, the header, the grid bytes) belongs
to `server/frames.py`, the frame encoder; this module owns every JSON model,
that one the byte layout. `docs/protocol.md` describes both for people.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from engine.messages import Message, MessageError
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
    # A saved network's id (the `/s/<id>` page): open it instead of the link.
    snapshot: str | None = Field(None, max_length=64)


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


class TraceCommand(_Command):
    """Walk training point `index` through forward and backward at the weights
    of the frame on screen (training pauses first); `"trace_step"` then
    applies exactly that example's update."""

    type: Literal["trace", "trace_step"]
    index: int = Field(ge=0)


class Save(_Command):
    """Store the session as it is now (weights, optimizer, epoch, history, ...);
    answered by `Saved`."""

    type: Literal["save"]


class NodeRef(_Command):
    layer: int = Field(ge=0)
    index: int = Field(ge=0)


class Focus(_Command):
    type: Literal["focus"]
    node: NodeRef | None = None


Command = Annotated[
    Hello | SetSettings | Play | Pause | Step | Reset | Regenerate | Speed | Edit | Focus | Hide | TraceCommand | Save,
    Field(discriminator="type"),
]
_COMMAND = TypeAdapter(Command)
COMMAND_TYPES = (
    "hello",
    "set",
    "play",
    "pause",
    "step",
    "reset",
    "regenerate",
    "speed",
    "edit",
    "focus",
    "hide",
    "trace",
    "trace_step",
    "save",
)


class BadCommand(MessageError):
    """A message that is not a usable command; `message` says why (a code and
    its parameters, engine/messages.py); `command` is its type when known."""

    def __init__(self, code: str, params: dict | None = None, command: str | None = None):
        super().__init__(code, params)
        self.command = command


def parse_command(text: str) -> BaseModel:
    """Validate one text message as a command, or raise BadCommand naming the problem."""
    if len(text) > MAX_MESSAGE_BYTES:
        raise BadCommand("message_too_long", {"count": len(text), "max": MAX_MESSAGE_BYTES})
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise BadCommand("message_not_json", {"error": str(error)[:80]}) from None
    if not isinstance(raw, dict):
        raise BadCommand("command_not_object")
    kind = raw.get("type")
    if kind not in COMMAND_TYPES:
        shown = str(kind)[:40]
        raise BadCommand("command_unknown", {"type": repr(shown), "known": list(COMMAND_TYPES)})
    if "\\ud" in text.lower():  # JSON escapes can spell a lone UTF-16 surrogate; raw text cannot
        where = _lone_surrogate(raw)
        if where is not None:
            raise BadCommand("lone_surrogate", {"where": where or "message"}, kind)
    try:
        return _COMMAND.validate_python(raw)
    except ValidationError as error:
        code, params = _describe(error, raw)
        raise BadCommand(code, params, kind) from None


def _lone_surrogate(value, where: str = "") -> str | None:
    """Where in a decoded JSON value a string holds a lone surrogate, or None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return where
        return None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        path = f"{where}.{key}" if where and key != "settings" else ("" if key == "settings" else str(key))
        if isinstance(key, str) and _lone_surrogate(key) is not None:
            return path
        found = _lone_surrogate(item, path)
        if found is not None:
            return found
    return None


def edit_range(target: str) -> tuple[str, dict]:
    """What an edit out of range is told: (code, params)."""
    return ("edit_bias_range" if target == "bias" else "edit_weight_range"), {"max": MAX_EDIT_VALUE}


def _describe(error: ValidationError, raw: dict) -> tuple[str, dict]:
    """(code, params) of the first problem pydantic found. Pydantic's own
    words for other problems stay in English (`detail`): the field is named."""
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"] if part not in COMMAND_TYPES) or "message"
    if raw.get("type") == "edit" and where == "value" and first["type"] in ("greater_than_equal", "less_than_equal"):
        return edit_range(str(raw.get("target")))
    if first["type"] == "greater_than_equal":
        return "field_at_least", {"field": where, "min": first["ctx"]["ge"]}
    if first["type"] == "less_than_equal":
        return "field_at_most", {"field": where, "max": first["ctx"]["le"]}
    return "field_invalid", {"field": where, "detail": first["msg"]}


# --- server → page -------------------------------------------------------------


class Notice(BaseModel):
    """A message (`code` and `params`, engine/messages.py) for the page to say in
    its language; `message` is the same in English, for API clients.
    `about`: the settings the notice is about; the page takes it down when
    one of them changes again (empty: it goes after a while)."""

    type: Literal["notice"] = "notice"
    code: str
    params: dict[str, Any] = {}
    message: str
    about: list[str] = []


class Error(BaseModel):
    """Like `Notice`: why a command could not be used; `command` is its type."""

    type: Literal["error"] = "error"
    code: str
    params: dict[str, Any] = {}
    message: str
    command: str | None = None


class TraceLayer(BaseModel):
    """One non-input layer of a trace: per node z = b + Σ w·a, a = f(z) and δ = ∂E/∂z."""

    z: list[float]
    a: list[float]
    delta: list[float]


class TraceReply(BaseModel):
    """The answer to `trace` (and `trace_step`, which says `applied`): the
    point, its label, the input nodes' values (`features`, active features in
    input order), per non-input layer z, a, δ, and this example's gradients
    (`weightGradients[l][source][dest]`, `biasGradients[l][node]`), its error."""

    model_config = ConfigDict(ser_json_inf_nan="null")

    type: Literal["trace"] = "trace"
    index: int
    input: tuple[float, float]
    label: float
    features: list[float]
    layers: list[TraceLayer]
    weightGradients: list[list[list[float]]]
    biasGradients: list[list[float]]
    error: float
    applied: bool = False


class Saved(BaseModel):
    """The answer to `save`: the snapshot's id and the page that opens it (`/s/<id>`)."""

    type: Literal["saved"] = "saved"
    id: str
    url: str


class MessageBlock(BaseModel):
    """A message inside a frame: `code`, `params`, the English `message`, `about`."""

    code: str
    params: dict[str, Any] = {}
    message: str
    about: list[str] = []


def message_fields(message: Message) -> dict:
    """The wire fields of `message`: code, params, and its English words."""
    from .i18n import english  # the catalogs are read once, at first use

    return {**message.to_dict(), "message": english(message)}


def notice(message: Message) -> Notice:
    return Notice(**message_fields(message), about=list(message.about))


def error(message: Message, command: str | None = None) -> Error:
    return Error(**message_fields(message), command=command)


def message_block(message: Message) -> dict:
    return {**message_fields(message), "about": list(message.about)}


class FeatureInfo(BaseModel):
    """One of the seven features: `active` when the network uses it, `hidden`
    when the link hides it (then it is not an input at all)."""

    name: str
    label: str
    active: bool
    hidden: bool = False


class Layout(BaseModel):
    """The network's shape: all seven features and the layer sizes [k, h1, …, K]
    (K = 1 output but for K ≥ 3 classes); the task: `labelKind` ("sign": ±1,
    "index": class 0..K-1, "real": regression), `classes` (null for
    regression) and `palette` (a colour per class, class 0 first)."""

    features: list[FeatureInfo]
    layers: list[int]
    problem: str
    labelKind: Literal["sign", "index", "real"] = "sign"
    classes: int | None = 2
    palette: list[str] = []


class SetMetrics(BaseModel):
    """One set's numbers: `accuracy` (0–1) and `confusion` (K×K counts, rows =
    true class, columns = predicted) for classification; `r2` and `rmse` for
    regression."""

    accuracy: float | None = None
    confusion: list[list[int]] | None = None
    r2: float | None = None
    rmse: float | None = None
    predicted: list[int] | None = None  # test only: each point's predicted class, in data order


class MetricsBlock(BaseModel):
    train: SetMetrics
    test: SetMetrics


class DataBlock(BaseModel):
    """The points as [x1, x2, label], the dataset thumbnails' points, and where
    the points come from: `source` is {"kind": "generated", "dataset"} or
    {"kind": "stored", "id", "points", "classes", "problem", "columns", "scale"}."""

    train: list[tuple[float, float, float]]
    test: list[tuple[float, float, float]]
    thumbnails: dict[str, list[tuple[float, float, float]]]
    source: dict[str, Any] | None = None


class SettingsBlock(BaseModel):
    """The full settings, the canonical share hash, the opening link's notices
    and the hidden controls."""

    values: dict[str, Any]
    hash: str
    notices: list[MessageBlock]
    hidden: list[str]


class DivergenceBlock(BaseModel):
    """Why training stopped: `code`, `params` and the English `message`."""

    epoch: int
    code: str
    params: dict[str, Any] = {}
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
    # null: a value that overflowed inside an epoch, before the divergence guard
    # puts the epoch's starting weights back at its end (JSON has no inf or NaN)
    weights: list[list[list[float | None]]]
    biases: list[list[float | None]]
    dead: list[list[list[int]]]
    layoutVersion: int
    dataVersion: int
    settingsVersion: int
    chartReset: bool
    lossPoints: list[tuple[int, float | None, float | None]]
    gradientNorms: list[float | None]
    deltaNorms: list[float | None]
    layout: Layout | None = None
    data: DataBlock | None = None
    settings: SettingsBlock | None = None
    divergence: DivergenceBlock | None = None
    metrics: MetricsBlock | None = None
    learningRateNow: float | None = None  # the schedule's rate for the next epoch
    stopped: DivergenceBlock | None = None  # a stop condition held: the epoch and why
    grids: dict[str, Any]
