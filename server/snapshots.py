"""Saved sessions on the server: a live session as the bytes the store keeps, and back.

A snapshot (the `/s/<id>` link, content-addressed, kept for good) and a
checkpoint (by session id, replaced, expiring) hold the same thing: the
engine's saved-session value (`engine/session_state.py`, docs/state.md) plus
what the page around the session keeps — the link's hidden controls and
unknown keys — and whether it was training:

    {"format": "neural-playground/saved", "version": 1,
     "session": <saved-session value>, "hidden": {name: bool},
     "unknown": [[key, value], ...], "playing": bool}

A snapshot is always written paused, so the same trained network gives the
same id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import orjson

from engine.session import Session
from engine.session_state import StateError, session_from_state

FORMAT = "neural-playground/saved"
VERSION = 1


def snapshot_url(snapshot_id: str) -> str:
    """The page that opens a snapshot."""
    return f"/s/{snapshot_id}"


def saved_body(session: Session, hidden: dict, unknown: list, playing: bool = False) -> bytes:
    """The bytes of a saved live session (compact JSON)."""
    value = {
        "format": FORMAT,
        "version": VERSION,
        "session": session.to_state(),
        "hidden": dict(sorted(hidden.items())),
        "unknown": [list(pair) for pair in unknown],
        "playing": bool(playing),
    }
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)


@dataclass
class Opened:
    """A saved live session read back: the session and the page's extras."""

    session: Session
    hidden: dict[str, bool] = field(default_factory=dict)
    unknown: list[tuple[str, str]] = field(default_factory=list)
    playing: bool = False


def open_saved(body: bytes, datasets=None) -> Opened:
    """The live session `saved_body` wrote. Raises `StateError` (a message: engine/messages.py)."""
    try:
        value = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StateError("saved_not_json", {"detail": str(error)}) from None
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise StateError("saved_not_network")
    version = value.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise StateError("saved_newer", {"version": version, "max": VERSION})
    session = session_from_state(value.get("session"), datasets=datasets)
    try:
        hidden = {str(name): bool(flag) for name, flag in dict(value.get("hidden") or {}).items()}
        unknown = [(str(key), str(text)) for key, text in value.get("unknown") or []]
    except (TypeError, ValueError):
        raise StateError("saved_extras_damaged") from None
    return Opened(session, hidden, unknown, bool(value.get("playing")))
