"""The application factory: page, static files, websocket, and the lifespan
that owns the session registry, the engine's worker threads and the reaper
that frees sessions whose tab is gone."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from fastapi import FastAPI, Request, WebSocket
from fastapi.staticfiles import StaticFiles

from engine.training import warm_up

from . import pages
from .assets import asset_dir
from .connection import Connection
from .sessions import SessionRegistry

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors *"
)
REAP_EVERY_SECONDS = 5.0
GIL_SWITCH_SECONDS = 0.0005


def create_app(allowed_origins: list[str] | None = None, hold_seconds: float = 60.0,
               max_sessions: int = 200, engine_threads: int = 1) -> FastAPI:
    """The playground app. `allowed_origins` (e.g. ["https://example.org"]) are
    accepted for the websocket besides the page's own origin."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # The engine thread is CPU-bound and the event loop does many short I/O
        # calls, each of which gives the GIL away; with the default 5 ms switch
        # interval the loop then waits up to 5 ms to get it back for every send.
        sys.setswitchinterval(GIL_SWITCH_SECONDS)
        # The compiled training kernel is loaded from numba's on-disk cache here,
        # not in a tab's first frame. The very first start after an install
        # compiles it (tens of seconds of CPU): in a thread, so the server
        # answers meanwhile; a tab that needs the kernel before then waits for it.
        app.state.warm = threading.Thread(target=warm_up, name="kernel-warm-up", daemon=True)
        app.state.warm.start()
        # Everything loaded so far lives as long as the server: keep it out of
        # the collector's full passes, which otherwise stall the loop now and then.
        gc.freeze()
        app.state.registry = SessionRegistry(hold_seconds=hold_seconds, max_sessions=max_sessions)
        app.state.executor = ThreadPoolExecutor(max_workers=engine_threads, thread_name_prefix="engine")
        app.state.lag = LoopLag()
        tasks = [asyncio.create_task(_reap_forever(app.state.registry)), asyncio.create_task(app.state.lag.watch())]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            app.state.executor.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(title="Neural Playground", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.allowed_origins = set(allowed_origins or [])
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(asset_dir("static"))), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.get("/stats")
    async def stats(reset: bool = False) -> dict:
        """Figures for the load benchmark: held sessions and the event loop's
        lag since the last `?reset=true`."""
        summary = {"sessions": len(app.state.registry), "tasks": len(asyncio.all_tasks()),
                   "threads": threading.active_count(), "rss_kib": _rss_kib(), **app.state.lag.summary()}
        if reset:
            app.state.lag.reset()
        return summary

    @app.websocket("/ws")
    async def websocket(socket: WebSocket):
        if not origin_allowed(socket.headers.get("origin"), socket.headers.get("host"), app.state.allowed_origins):
            await socket.close(code=1008, reason="origin not allowed")
            return
        await socket.accept()
        await Connection(socket, app.state.registry, app.state.executor).run()

    return app


def origin_allowed(origin: str | None, host: str | None, allowed: set[str]) -> bool:
    """Browsers always send Origin; a page of the same host, or one listed,
    may connect. Clients that send no Origin (scripts, tests) are not pages."""
    if origin is None:
        return True
    if origin in allowed:
        return True
    return host is not None and urlsplit(origin).netloc == host


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory` with several workers: settings come from the environment."""
    origins = [o for o in os.environ.get("PLAYGROUND_ALLOWED_ORIGINS", "").split(",") if o]
    return create_app(allowed_origins=origins)


class LoopLag:
    """How late the event loop wakes a sleeping task: the longest piece of work
    that blocked it, give or take a millisecond."""

    PERIOD = 0.02

    def __init__(self):
        self.samples: deque[float] = deque(maxlen=3000)

    async def watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            await asyncio.sleep(self.PERIOD)
            self.samples.append(max(0.0, loop.time() - started - self.PERIOD) * 1000)

    def summary(self) -> dict:
        ordered = sorted(self.samples) or [0.0]
        return {"loop_lag_ms_max": round(ordered[-1], 2),
                "loop_lag_ms_p99": round(ordered[int(0.99 * (len(ordered) - 1))], 2),
                "loop_lag_samples": len(self.samples)}

    def reset(self) -> None:
        self.samples.clear()


def _rss_kib() -> int | None:
    """This process's resident memory (Linux), for leak checks."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


async def _reap_forever(registry: SessionRegistry) -> None:
    while True:
        await asyncio.sleep(REAP_EVERY_SECONDS)
        try:
            registry.reap(time.monotonic())
        except Exception:  # the reaper must outlive any one bad pass
            logging.getLogger("playground").exception("freeing expired sessions failed")
