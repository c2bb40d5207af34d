"""The server's options: what `playground serve` was asked for, in one place.

`ServerOptions` holds every option with its default; the command line reads
its defaults from here, and with `--workers N` the options travel to each
worker process as one JSON environment variable, so every worker honours
every option it was given.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields

ENV_NAME = "PLAYGROUND_SERVER_OPTIONS"


def default_engine_threads(workers: int, cores: int | None = None) -> int:
    """Engine threads per process when `--engine-threads` is not given: two,
    or one when the workers already fill the cores. Python code runs one
    thread at a time per process, and a second engine thread only helps
    while a core is free for its compiled kernels; with two workers on two
    cores it mostly waits for the GIL (a class of 30: 50 frames/s a tab
    with one thread per worker, 41–48 with two)."""
    cores = cores or os.cpu_count() or 1
    return 2 if cores >= 2 * max(1, workers) else 1


@dataclass(frozen=True)
class ServerOptions:
    """Options of one server (all workers share them)."""

    bind_host: str = "127.0.0.1"  # the address the server listens on; its pages' Host
    allowed_origins: tuple[str, ...] = ()  # other origins whose pages may connect
    allowed_hosts: tuple[str, ...] = ()  # other Host names the server answers to
    hold_seconds: float = 60.0  # how long a dropped tab's session is kept for it to resume
    max_sessions: int = 200  # sessions held at once, over all workers
    max_sessions_per_client: int = 30  # sessions held at once for one client address
    hello_seconds: float = 10.0  # a new websocket must say hello within this time
    head_seconds: float = 10.0  # an HTTP request (or websocket upgrade) must arrive in full within this time
    max_connections: int = 1000  # open connections at once, per worker (bounded by the file limit)
    engine_threads: int = 2  # threads that train sessions, taking turns (the command line: `default_engine_threads`)
    stats_token: str = ""  # lets /stats answer clients other than localhost
    store: str = ""  # the store's SQLite file ("" = the default in the user's data directory)
    shared_dir: str = ""  # where workers keep their common session count (set for --workers > 1)
    workers: int = 1
    checkpoint_seconds: float = 3.0  # a training session is checkpointed this often (paused ones at every change)
    checkpoint_ttl_seconds: float = 7 * 86400.0  # how long a session's last checkpoint is kept

    def to_env(self) -> dict[str, str]:
        return {ENV_NAME: json.dumps(asdict(self))}

    @classmethod
    def from_env(cls, environ=os.environ) -> ServerOptions:
        raw = json.loads(environ.get(ENV_NAME, "{}"))
        known = {f.name for f in fields(cls)}
        values = {
            name: tuple(value) if isinstance(value, list) else value for name, value in raw.items() if name in known
        }
        return cls(**values)


DEFAULTS = ServerOptions()
