"""`GET /readyz`: whether this process should get new tabs from a load balancer.

`/healthz` says the process is alive (restart it if not); `/readyz` says it can
serve a tab now: its store answers (a shared Redis is reachable, the SQLite
file is readable). A load balancer stops sending
new tabs to a process that answers 503 here and sends them again once it
answers 200; the process itself keeps its running sessions either way.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from .store import StoreError

router = APIRouter()


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    store = getattr(state, "store", None)
    if store is None:
        return JSONResponse({"ready": False, "reason": "the server is starting"}, status_code=503)
    try:
        await run_in_threadpool(store.check)
    except (StoreError, OSError) as error:
        return JSONResponse({"ready": False, "reason": str(error)}, status_code=503)
    return JSONResponse({"ready": True})
