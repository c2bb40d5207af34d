"""A session's whole state as one versioned JSON value (the saved-session format).

`session_to_state(session)` describes everything a session would need to go on
training exactly as if it had never stopped; `session_from_state(state,
datasets=...)` builds that session again. `encode`/`decode` wrap them as the
bytes the store keeps (snapshots and checkpoints). docs/state.md documents
every field; tests/data/state/ holds a value of each format version, which
every later version must still read.

What is in it (format 2; format 1 differs only in how the checksum is written):
- `format`, `version`: "neural-playground/session" and the schema version.
- `settings`: every setting (names and values as in `engine/settings.py`);
  `hidden_inputs`: the features a link hides.
- `data`: where the points come from — generated data is drawn again from the
  seed in the settings, stored data is named by its id — and `digest`, the
  SHA-256 of the points drawn, so a loader notices when they differ.
- `stream`: the seeded stream's position (`SeededStream.to_state`).
- `network`: layer sizes, every parameter and the dead links.
- `trainer`: the epoch, the place inside a partial epoch, the gradient
  accumulators, the optimizer's state and step count, the dropout generator's
  state, the last gradient norms, the copy the divergence guard keeps, and the
  losses shown.
- `history`: the loss chart (`LossHistory.to_state`); `divergence`: why
  training stopped, or null.
- `checksum`: SHA-256 of the rest, so a damaged value is refused rather than
  trained on; of the rest written as compact JSON with sorted keys, by orjson
  from format 2 on (a checkpoint of every training tab every few seconds: the
  standard library took 4 ms for a long loss history, orjson a tenth), by the
  standard library's `json` in format 1.

Arrays are `{"dtype", "shape", "base64"}`: the little-endian bytes, base64, so
every float comes back bit for bit (NaN and infinities included). No pickle.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import TYPE_CHECKING

import numpy as np
import orjson

from . import data_source
from . import settings as table
from .features import active_features
from .history import LossHistory
from .messages import Message, MessageError
from .network import Network
from .rng import SeededStream
from .stopping import StopWatch
from .training import Divergence, Trainer

if TYPE_CHECKING:  # the session module imports this one
    from .session import Session

FORMAT = "neural-playground/session"
VERSION = 2
# Upgrades from each older version to the next: {version: function(state) -> state}.
# A new format version adds one entry here and keeps the fixture of the old one.
UPGRADES: dict = {
    1: lambda state: {**state, "version": 2},  # only the checksum's text differs, checked before upgrading
}

_DTYPES = {"<f8": np.float64, "<i8": np.int64, "<u8": np.uint64, "|b1": np.bool_}


def _reason(value) -> Message:
    """A saved reason (divergence, stop): a message {"code", "params"}, or, in a
    state written before messages had codes, its English sentence, kept as it is."""
    if isinstance(value, dict) and isinstance(value.get("code"), str):
        return Message(value["code"], value.get("params") if isinstance(value.get("params"), dict) else {})
    return Message("saved_reason_text", {"text": str(value)})


class StateError(MessageError):
    """A saved session that cannot be used; `message` says why (engine/messages.py).
    Damage found deep inside (a field, an array's shape) is `state_damaged` with
    the technical `detail`, which names fields and is not translated."""


def _damaged(detail: str) -> StateError:
    return StateError("state_damaged", {"detail": detail})


# --- writing ----------------------------------------------------------------------


def session_to_state(session: Session) -> dict:
    """The session as a JSON-ready dict (see the module docstring)."""
    trainer, state, network = session.trainer, session.trainer.state, session.network
    settings = {name: (list(value) if isinstance(value, tuple) else value) for name, value in session.settings.items()}
    body = {
        "format": FORMAT,
        "version": VERSION,
        "settings": settings,
        "hidden_inputs": sorted(session.hidden_inputs),
        "data": {**_source_reference(session.source), "digest": _data_digest(session.data)},
        "stream": session.stream.to_state(),
        "network": {
            "layer_sizes": list(network.layer_sizes),
            "params": _array(network.params),
            "dead": _array(network.dead),
        },
        "trainer": {
            "epoch": int(trainer.epoch),
            "acc": _array(state.acc),
            "opt": _array(state.opt),
            "ints": _array(state.ints),
            "rng": _array(state.rng),
            "grad_norms": _array(state.grad_norms),
            "snap_params": _array(state.snap_params),
            "snap_acc": _array(state.snap_acc),
            "snap_dead": _array(state.snap_dead),
            "snap_opt": _array(state.snap_opt),
            "snap_ints": _array(state.snap_ints),
            "snap_rng": _array(state.snap_rng),
            "losses": _array(np.array(trainer.losses())),
        },
        "history": session.history.to_state(),
        "divergence": (
            None
            if session.divergence is None
            else {"epoch": int(session.divergence.epoch), "reason": session.divergence.reason.to_dict()}
        ),
        # The stop conditions' watch (absent in states written before they existed).
        "stopped": None if session.stopped is None else [int(session.stopped[0]), session.stopped[1].to_dict()],
        "watch": {
            "armed": bool(session.watch.armed),
            "best_epoch": int(session.watch.best_epoch),
            "best_loss": _array(np.array([session.watch.best_loss])),
        },
    }
    body["checksum"] = _checksum(body)
    return body


def encode(session: Session) -> bytes:
    """The session's state as compact UTF-8 JSON bytes (what the store keeps)."""
    return orjson.dumps(session_to_state(session), option=orjson.OPT_SERIALIZE_NUMPY)


# --- reading ----------------------------------------------------------------------


def decode(body: bytes, datasets: data_source.DatasetLookup | None = None) -> Session:
    """The session `encode` wrote. Raises `StateError` saying what is wrong."""
    try:
        state = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StateError("state_not_json", {"detail": str(error)}) from None
    return session_from_state(state, datasets=datasets)


def session_from_state(state: dict, datasets: data_source.DatasetLookup | None = None) -> Session:
    """The session `state` describes, ready to train on exactly where it stopped.
    `datasets` finds stored data sets by id. Raises `StateError` (in plain
    words) for a value of a newer format, a damaged one, or one whose data
    cannot be found or comes out different."""
    state = _upgraded(state)
    try:
        return _build(state, datasets)
    except StateError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise _damaged(_describe(error)) from None


def _upgraded(state) -> dict:
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise StateError("state_not_session")
    version = state.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StateError("state_no_version")
    if version > VERSION:
        raise StateError("state_newer", {"version": version, "max": VERSION})
    if state.get("checksum") != _checksum(state):
        raise StateError("state_checksum")
    while version < VERSION:
        state = UPGRADES[version](state)
        version = state["version"]
    return state


def _build(state: dict, datasets) -> Session:
    from .session import Session

    saved_settings = state["settings"]
    if not isinstance(saved_settings, dict):
        raise StateError("state_settings_not_table")
    # Settings added after this value was written take their defaults.
    settings, notices = table.coerce_all(saved_settings)
    if notices:
        raise StateError("state_settings_bad", {"notices": notices})
    hidden = frozenset(state["hidden_inputs"])
    reference = state["data"]
    source, data_notices = data_source.choose(settings, datasets)
    if reference["kind"] == "stored" and source.kind != "stored":
        reason = data_notices[0] if data_notices else Message("data_unknown", {"id": str(reference.get("id"))})
        raise StateError("state_data_missing", {"reason": reason})
    if reference["kind"] != source.kind:
        raise StateError("state_data_source")

    session = Session.__new__(Session)
    session.settings = settings
    session.notices = []
    session.datasets = datasets
    session.source = source
    session.hidden_inputs = hidden
    session.layout_version = session.data_version = session.settings_version = 1
    session.data = data_source.make_data(source, settings, SeededStream(settings["seed"]))
    if _data_digest(session.data) != reference["digest"]:
        raise StateError("state_data_changed")
    session.stream = SeededStream.from_state(state["stream"])

    session.active = active_features(settings, hidden)
    sizes = [len(session.active), *settings["networkShape"], session.task.outputs]
    saved = state["network"]
    if list(saved["layer_sizes"]) != sizes:
        raise _damaged(f"its layers {saved['layer_sizes']} do not follow from its settings ({sizes})")
    network = Network(sizes, settings["activation"], session.task.head(settings["loss"]))
    _fill(network.params, saved["params"], "params")
    _fill(network.dead, saved["dead"], "dead")
    session.network = network

    features = session._features()
    saved_trainer = state["trainer"]
    trainer = Trainer(network, *features, session._config())
    arrays = trainer.state
    for name in (
        "acc",
        "opt",
        "ints",
        "rng",
        "snap_params",
        "snap_acc",
        "snap_dead",
        "snap_opt",
        "snap_ints",
        "snap_rng",
    ):
        _fill(getattr(arrays, name), saved_trainer[name], name)
    norms = _read_array(saved_trainer["grad_norms"], "grad_norms")
    if norms.shape == (network.num_layers,):
        # Written before δ norms were kept beside the gradient norms: those start at 0.
        norms = np.concatenate([norms, np.zeros(network.num_layers)])
    if norms.shape != arrays.grad_norms.shape:
        raise _damaged(f"grad_norms has shape {norms.shape}, the network needs {arrays.grad_norms.shape}")
    arrays.grad_norms[...] = norms
    trainer.epoch = _count(saved_trainer["epoch"], "epoch")
    losses = _read_array(saved_trainer["losses"], "losses")
    if losses.shape != (2,):
        raise _damaged("the losses are not a pair")
    trainer._set_losses(float(losses[0]), float(losses[1]))
    session.trainer = trainer
    session.epoch = trainer.epoch

    session.history = LossHistory.from_state(state["history"])
    divergence = state["divergence"]
    session.divergence = (
        None
        if divergence is None
        else Divergence(_count(divergence["epoch"], "divergence epoch"), _reason(divergence["reason"]))
    )
    stopped = state.get("stopped")
    session.stopped = None if stopped is None else (_count(stopped[0], "stop epoch"), _reason(stopped[1]))
    session.watch = StopWatch()
    watch = state.get("watch")
    if watch is not None:
        session.watch.armed = bool(watch["armed"])
        session.watch.best_epoch = _count(watch["best_epoch"], "best epoch")
        session.watch.best_loss = float(_read_array(watch["best_loss"], "best loss")[0])
    return session


# --- pieces -------------------------------------------------------------------------


def _source_reference(source) -> dict:
    if source.kind == "stored":
        return {"kind": "stored", "id": source.id}
    return {"kind": "generated"}


def _data_digest(data) -> str:
    digest = hashlib.sha256()
    for part in (data.train, data.test):
        values = np.ascontiguousarray(part, dtype="<f8")
        digest.update(repr(values.shape).encode())
        digest.update(values.tobytes())
    return digest.hexdigest()


def _checksum(state: dict) -> str:
    """SHA-256 of everything but the checksum, as its format version writes it."""
    rest = {key: value for key, value in state.items() if key != "checksum"}
    if state.get("version") == 1:
        text = json.dumps(rest, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()
    else:
        text = orjson.dumps(rest, option=orjson.OPT_SORT_KEYS | orjson.OPT_SERIALIZE_NUMPY)
    return hashlib.sha256(text).hexdigest()


def _array(values: np.ndarray) -> dict:
    values = np.asarray(values)
    dtype = values.dtype.newbyteorder("<") if values.dtype.byteorder not in "|" else values.dtype
    little = np.ascontiguousarray(values, dtype=dtype)
    return {
        "dtype": little.dtype.str,
        "shape": list(values.shape),
        "base64": base64.b64encode(little.tobytes()).decode("ascii"),
    }


def _read_array(saved: dict, name: str) -> np.ndarray:
    dtype = _DTYPES.get(saved.get("dtype") if isinstance(saved, dict) else None)
    if dtype is None:
        raise _damaged(f"{name} is not an array of a known type")
    try:
        raw = base64.b64decode(saved["base64"], validate=True)
    except (binascii.Error, TypeError, KeyError):
        raise _damaged(f"{name} is not base64") from None
    shape = tuple(int(n) for n in saved["shape"])
    values = np.frombuffer(raw, dtype=np.dtype(saved["dtype"]))
    if values.size != int(np.prod(shape, dtype=np.int64)):
        raise _damaged(f"{name} holds {values.size} values, not {shape}")
    return values.reshape(shape).astype(dtype)


def _fill(target: np.ndarray, saved: dict, name: str) -> None:
    values = _read_array(saved, name)
    if values.shape != target.shape:
        raise _damaged(f"{name} has shape {values.shape}, the network needs {target.shape}")
    target[...] = values


def _count(value, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _damaged(f"{name} is not a count")
    return value


def _describe(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"the field {error.args[0]!r} is missing"
    return str(error) or type(error).__name__
