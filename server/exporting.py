"""Exports for the command line and the page: which session a link names, and
the bytes of each format (`engine/export.py` makes them; ONNX `engine/onnx_export.py`).

A link is a share link or its hash (the network after training from the
link's set-up), or a saved network: `/s/<id>`, alone or in a full URL.
"""

from __future__ import annotations

import json
import re

from engine.export import decision_png, model_json, numpy_source
from engine.features import hidden_inputs
from engine.messages import Message, MessageError
from engine.session import Session
from engine.share_hash import parse_hash

from .datasets_api import DatasetLookup
from .snapshots import open_saved

SNAPSHOT_LINK = re.compile(r"(?:^|/)s/([0-9a-f]{24})(?:[?#]|$)")
MEDIA_TYPES = {
    "json": "application/json",
    "numpy": "text/x-python",
    "onnx": "application/octet-stream",
    "png": "image/png",
}
SUFFIXES = {"json": "json", "numpy": "py", "onnx": "onnx", "png": "png"}


class SavedMissing(MessageError, LookupError):
    """A saved network the store does not have; `message` says so."""


def session_for(link: str, store) -> tuple[Session, list[Message]]:
    """The session `link` names, and notices. Raises LookupError for a saved
    network that is not in `store`, StateError for a damaged one."""
    datasets = DatasetLookup(store)
    found = SNAPSHOT_LINK.search(link.strip())
    if found:
        body = store.get_snapshot(found.group(1))
        if body is None:
            raise SavedMissing("export_snapshot_missing", {"id": found.group(1)})
        return open_saved(body, datasets).session, []
    parsed = parse_hash(link)
    session = Session(parsed.settings, hidden_inputs=hidden_inputs(parsed.hidden), datasets=datasets)
    return session, list(parsed.notices) + list(session.notices)


def export_bytes(session: Session, fmt: str) -> bytes:
    """The network in `fmt` (one of engine.export.FORMATS). Raises ExportError."""
    if fmt == "json":
        return (json.dumps(model_json(session), indent=1) + "\n").encode()
    if fmt == "numpy":
        return numpy_source(session).encode()
    if fmt == "png":
        return decision_png(session)
    if fmt == "onnx":
        from engine.onnx_export import onnx_bytes

        return onnx_bytes(session)
    raise ValueError(f"unknown export format {fmt!r}")
