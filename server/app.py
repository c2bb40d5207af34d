"""The application factory: page, static files, websocket, and the lifespan
that owns the session registry, the fair scheduler with its engine threads
and the reaper that frees sessions whose tab is gone. Every request passes
the host check (`hosts.py`) first."""

from __future__ import annotations

import asyncio
import gc
import hmac
import ipaddress
import logging
import os
import sys
import threading
import time
from collections import deque
from contextlib import asynccontextmanager
from dataclasses import replace

from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from engine.messages import Message
from engine.training import warm_up as warm_up_engine

from . import datasets_api, export_api, frames, logs, pages, readiness
from .admission import LocalLedger, SharedLedger
from .assets import asset_dir
from .checkpoints import Checkpoints
from .connection import Connection, Services
from .hosts import HostGuard, HostPolicy
from .httpguard import GuardedH11Protocol
from .options import ServerOptions
from .scheduler import FairScheduler
from .sessions import SessionRegistry
from .store import Store, StoreUnavailable, open_store

# No `frame-ancestors`: lesson pages embed the playground from anywhere, local
# files included, and `frame-ancestors *` matches only network schemes, not
# `file:`; leaving the directive out (and sending no X-Frame-Options) allows all.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'"
)
REAP_EVERY_SECONDS = 5.0
GIL_SWITCH_SECONDS = 0.0005


def _warm_up() -> None:
    """Every compiled kernel a frame needs: the engine's and the encoder's."""
    warm_up_engine()
    frames.warm_up()


def create_app(options: ServerOptions | None = None, store: Store | None = None, **overrides) -> FastAPI:
    """The playground app with `options` (see `ServerOptions`; keyword
    `overrides` replace single options, e.g. `create_app(max_sessions=5)`).
    `store`: a Store to use instead of opening `options.store` (the SQLite file;
    "" = the default file in the user's data directory)."""
    options = replace(options or ServerOptions(), **overrides)
    GuardedH11Protocol.configure(options.head_seconds, options.max_connections)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # The engine threads are CPU-bound and the event loop does many short I/O
        # calls, each of which gives the GIL away; with the default 5 ms switch
        # interval the loop then waits up to 5 ms to get it back for every send.
        sys.setswitchinterval(GIL_SWITCH_SECONDS)
        logs.install()
        # The compiled training kernel is loaded from numba's on-disk cache here,
        # not in a tab's first frame. The very first start after an install
        # compiles it (tens of seconds of CPU): in a thread, so the server
        # answers meanwhile; a tab that needs the kernel before then waits for it.
        app.state.warm = threading.Thread(target=_warm_up, name="kernel-warm-up", daemon=True)
        app.state.warm.start()
        # Everything loaded so far lives as long as the server: keep it out of
        # the collector's full passes, which otherwise stall the loop now and then.
        gc.freeze()
        if options.shared_dir:
            ledger = SharedLedger(options.shared_dir, options.max_sessions, options.max_sessions_per_client)
        else:
            ledger = LocalLedger(options.max_sessions, options.max_sessions_per_client)
        registry = SessionRegistry(hold_seconds=options.hold_seconds, ledger=ledger)
        scheduler = FairScheduler(options.engine_threads)
        app.state.store = store if store is not None else open_store(options.store or None)
        app.state.datasets = datasets_api.DatasetLookup(app.state.store)
        app.state.example_ids = datasets_api.store_examples(app.state.store)
        # --checkpoint-seconds 0 turns checkpoints off (sessions then live in this process only).
        app.state.checkpoints = (
            Checkpoints(
                app.state.store, every_seconds=options.checkpoint_seconds, ttl_seconds=options.checkpoint_ttl_seconds
            )
            if options.checkpoint_seconds > 0
            else None
        )
        app.state.services = Services(
            registry,
            scheduler,
            options,
            datasets=app.state.datasets,
            store=app.state.store,
            checkpoints=app.state.checkpoints,
        )
        app.state.registry = registry
        app.state.lag = LoopLag()
        tasks = [
            asyncio.create_task(_reap_forever(registry, app.state.checkpoints)),
            asyncio.create_task(app.state.lag.watch()),
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            scheduler.shutdown(wait=True)  # no turn may change a session while it is written
            # A graceful stop (SIGTERM, Ctrl-C) keeps every session for its tab.
            if app.state.checkpoints is not None:
                for live in registry.all():
                    try:
                        app.state.checkpoints.take(live)
                    except Exception:
                        logging.getLogger("playground").exception("checkpointing session %s failed", live.id)
                app.state.checkpoints.close()
            if store is None:
                app.state.store.close()

    app = FastAPI(title="Neural Playground", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    policy = HostPolicy(options.bind_host, options.allowed_hosts, options.allowed_origins)
    app.state.hosts = policy
    app.include_router(pages.router)
    app.include_router(datasets_api.router)
    app.include_router(export_api.router)
    app.include_router(readiness.router)
    app.add_exception_handler(datasets_api.ApiError, datasets_api.answer_api_error)
    app.mount("/static", StaticFiles(directory=str(asset_dir("static"))), name="static")

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(request: Request, error: StoreUnavailable):
        # A shared store (Redis) lost while running: the request fails, the server
        # and its sessions go on; the details go to the log, not to the page.
        logging.getLogger("playground").warning("store unavailable: %s", error)
        return await datasets_api.answer_api_error(request, datasets_api.api_error(503, Message("store_unreachable")))

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def stats_refusal(request: Request) -> JSONResponse | None:
        """/stats answers localhost, or anyone with the token (`--stats-token`)."""
        given = request.headers.get("x-stats-token") or request.query_params.get("token") or ""
        if options.stats_token and hmac.compare_digest(given.encode(), options.stats_token.encode()):
            return None
        if _is_loopback(request.client.host if request.client else ""):
            return None
        return JSONResponse(
            {
                "error": "the server's figures are only for its own machine, or with its token "
                "(start it with --stats-token and send X-Stats-Token)"
            },
            status_code=403,
        )

    @app.get("/stats")
    async def stats(request: Request):
        """Figures for the load benchmark: held sessions, the scheduler and the
        event loop's lag since the last POST /stats/reset."""
        if (refusal := stats_refusal(request)) is not None:
            return refusal
        services = app.state.services
        return {
            "pid": os.getpid(),
            "sessions": len(services.registry),
            "tasks": len(asyncio.all_tasks()),
            "threads": threading.active_count(),
            "rss_kib": _rss_kib(),
            "engine_threads": services.scheduler.threads,
            "turns_waiting": services.scheduler.waiting(),
            **app.state.lag.summary(),
        }

    @app.post("/stats/reset")
    async def stats_reset(request: Request):
        """Start a new window for the loop-lag figures."""
        if (refusal := stats_refusal(request)) is not None:
            return refusal
        app.state.lag.reset()
        return {"reset": True}

    @app.websocket("/ws")
    async def websocket(socket: WebSocket):
        if not policy.origin_allowed(socket.headers.get("origin"), socket.headers.get("host")):
            await socket.close(code=1008, reason="origin not allowed")
            return
        await socket.accept()
        await Connection(socket, app.state.services).run()

    # Outermost: a request for a host this server does not serve reaches nothing else.
    app.add_middleware(HostGuard, policy=policy)
    return app


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory` with several workers: the options come from the
    environment (`ServerOptions.to_env`), so every worker honours all of them."""
    return create_app(ServerOptions.from_env())


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
        return {
            "loop_lag_ms_max": round(ordered[-1], 2),
            "loop_lag_ms_p99": round(ordered[int(0.99 * (len(ordered) - 1))], 2),
            "loop_lag_samples": len(self.samples),
        }

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


async def _reap_forever(registry: SessionRegistry, checkpoints: Checkpoints | None) -> None:
    while True:
        await asyncio.sleep(REAP_EVERY_SECONDS)
        try:
            registry.reap(time.monotonic())
            if checkpoints is not None:
                checkpoints.keep_only({live.id for live in registry.all()})
        except Exception:  # the reaper must outlive any one bad pass
            logging.getLogger("playground").exception("freeing expired sessions failed")
