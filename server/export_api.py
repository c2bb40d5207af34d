"""`GET /api/export?snapshot=<id>&format=json|numpy|onnx|png`: a saved
network as a download (the page's Export menu saves the session first, so
what is downloaded is exactly what the page shows). An unknown snapshot is
404, a damaged one or a network that cannot be exported 422, each with
`{"error": "<why, in plain words>"}`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from engine.export import ExportError
from engine.session_state import StateError

from .exporting import MEDIA_TYPES, SUFFIXES, export_bytes
from .snapshots import open_saved

router = APIRouter()


@router.get("/api/export")
def export(request: Request, snapshot: str = "", format: str = "json"):  # noqa: A002  (the query's name)
    if format not in MEDIA_TYPES:
        return JSONResponse(
            {"error": f"format must be one of {', '.join(MEDIA_TYPES)}, not {format[:20]!r}"}, status_code=400
        )
    body = request.app.state.store.get_snapshot(snapshot)
    if body is None:
        return JSONResponse({"error": "there is no saved network with this id (it may have expired)"}, status_code=404)
    try:
        session = open_saved(body, request.app.state.datasets).session
        data = export_bytes(session, format)
    except (StateError, ExportError) as error:
        return JSONResponse({"error": str(error)}, status_code=422)
    name = f"neural-playground-{snapshot[:8]}-epoch{session.epoch}.{SUFFIXES[format]}"
    return Response(
        data, media_type=MEDIA_TYPES[format], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
