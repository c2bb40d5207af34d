"""Bounds on raw connections, before any request is read: the HTTP protocol
the server runs (uvicorn's h11 protocol with two additions).

- A request's head (or a websocket upgrade) must arrive in full within
  `head_seconds` of the connection opening or of the previous response;
  otherwise the connection is closed. Half-sent requests then cannot pile
  up until the process runs out of file descriptors.
- At most `max_connections` connections (HTTP and websocket) are open at
  once in a worker; one more is closed at once. The bound is kept below the
  process's file limit, which is raised to its hard maximum at start.

Each refusal is logged, one line per cause per interval (`logs.py`).
"""

from __future__ import annotations

import logging
import resource

from uvicorn.protocols.http.h11_impl import H11Protocol

LOG = logging.getLogger("playground")
SPARE_DESCRIPTORS = 64  # for files, the listening socket and the engine


def usable_connections(wanted: int) -> int:
    """`wanted`, but below this process's file limit (raised to the hard
    limit first); a bound above it would fail as "too many open files"."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(16, min(wanted, soft - SPARE_DESCRIPTORS))


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request head and a
    bound on open connections (both set by `configure`)."""

    head_seconds = 10.0
    max_connections = 1000

    @classmethod
    def configure(cls, head_seconds: float, max_connections: int) -> None:
        cls.head_seconds = head_seconds
        cls.max_connections = usable_connections(max_connections)

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._head_timer = None
        self._head_scope = None
        if len(self.connections) > self.max_connections:
            LOG.warning(
                "refused a connection: %d connections are open, the most is %d",
                len(self.connections),
                self.max_connections,
            )
            transport.abort()
            return
        self._arm_head_timer()

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_scope = self.scope
        self._head_timer = self.loop.call_later(self.head_seconds, self._head_timeout)

    def _cancel_head_timer(self) -> None:
        if getattr(self, "_head_timer", None) is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timeout(self) -> None:
        self._head_timer = None
        if self.scope is self._head_scope:  # no new request head arrived in time
            LOG.warning("closed a connection that did not send a whole request within %g s", self.head_seconds)
            self.transport.close()

    def handle_events(self) -> None:
        super().handle_events()
        if self._head_timer is not None and self.scope is not self._head_scope:
            self._cancel_head_timer()  # the head arrived

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_head_timer()  # a kept-alive connection's next request has the same deadline

    def connection_lost(self, exc) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)
