"""`GET /api/export?snapshot=<id>&format=json|numpy|onnx|png`: a saved
network as a download (the page's Export menu saves the session first, so
what is downloaded is exactly what the page shows). An unknown snapshot is
404, a damaged one or a network that cannot be exported 422, each with
`{"error": "<why, in English>", "code": …, "params": {…}}`: the reason as a
message (engine/messages.py) that the page says in its own language."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from engine.export import ExportError
from engine.messages import Message
from engine.session_state import StateError

from .exporting import MEDIA_TYPES, SUFFIXES, export_bytes
from .i18n import english
from .snapshots import open_saved

router = APIRouter()


@router.get("/api/export")
def export(request: Request, snapshot: str = "", format: str = "json"):  # noqa: A002  (the query's name)
    if format not in MEDIA_TYPES:
        return _refused(Message("export_format", {"formats": list(MEDIA_TYPES), "value": repr(format[:20])}), 400)
    body = request.app.state.store.get_snapshot(snapshot)
    if body is None:
        return _refused(Message("export_no_snapshot"), 404)
    try:
        session = open_saved(body, request.app.state.datasets).session
        data = export_bytes(session, format)
    except (StateError, ExportError) as error:
        return _refused(error.message, 422)
    name = f"neural-playground-{snapshot[:8]}-epoch{session.epoch}.{SUFFIXES[format]}"
    return Response(
        data, media_type=MEDIA_TYPES[format], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _refused(message: Message, status: int) -> JSONResponse:
    return JSONResponse({"error": english(message), **message.to_dict()}, status_code=status)
