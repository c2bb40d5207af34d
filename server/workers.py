"""`--workers N`: N server processes on one port, sharing the tabs evenly.

Each worker binds its own listening socket to the same address with
SO_REUSEPORT, so the kernel (Linux's; other systems may not spread them)
spreads new connections over the workers by a hash of each connection's
addresses. With one socket shared by all workers
(uvicorn's own `workers=`), whichever process happened to be awake took the
connection: 26 of a class of 30 tabs landed on one worker and 4 on the other,
and the busy one ran out of CPU while the other idled.

The supervisor (this process) starts the workers, restarts one that dies
while serving, and stops them all on Ctrl-C or SIGTERM. A worker that fails
while starting (the port is taken, the store cannot be opened) stops the
whole server with its exit code: restarting it would fail the same way.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import time
from multiprocessing.connection import wait

STARTUP_SECONDS = 15.0  # a worker that exits sooner failed to start
STOP_SECONDS = 10.0  # how long stopping workers may take before they are killed


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on (host, port) that the other workers bind too."""
    sock = _socket_for(host)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def check_port_free(host: str, port: int) -> None:
    """Raise OSError when anything listens on (host, port). Bound without
    SO_REUSEPORT, so that a second playground started on the same port by
    mistake is refused instead of quietly sharing the first one's tabs."""
    probe = _socket_for(host)
    try:
        probe.bind((host, port))
    finally:
        probe.close()


def _socket_for(host: str) -> socket.socket:
    # The protocol named, not left 0: asyncio turns Nagle's algorithm off
    # (TCP_NODELAY) only on connections whose socket says IPPROTO_TCP, and an
    # accepted connection says what its listening socket said. With Nagle on,
    # a frame written while the page's kernel still delayed its
    # acknowledgement of the previous one (up to 40 ms) waited for it: a
    # tenth of the frames of a class came 40 ms late, two at once.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past connections' TIME_WAIT does not block
    return sock


def _worker(host: str, port: int, settings: dict) -> None:
    """One worker process: its own socket, the app built from the environment."""
    import uvicorn

    sock = reuse_port_socket(host, port)
    config = uvicorn.Config("server.app:create_app_from_env", factory=True, host=host, port=port, **settings)
    uvicorn.Server(config).run(sockets=[sock])


class Supervisor:
    """Runs `count` workers until stopped; `run()` returns the exit code."""

    def __init__(self, count: int, host: str, port: int, settings: dict):
        self.count = count
        self.host, self.port, self.settings = host, port, settings
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[tuple[multiprocessing.Process, float]] = []
        self.stopping = False

    def run(self) -> int:
        check_port_free(self.host, self.port)  # raises OSError: the caller says why
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.workers = [self._start() for _ in range(self.count)]
            while not self.stopping:
                wait([process.sentinel for process, _ in self.workers], timeout=0.5)
                code = self._replace_dead()
                if code is not None:
                    return code
            return 0
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _start(self) -> tuple[multiprocessing.Process, float]:
        process = self.context.Process(
            target=_worker, args=(self.host, self.port, self.settings), name="playground-worker"
        )
        process.start()
        return process, time.monotonic()

    def _replace_dead(self) -> int | None:
        """Restart workers that died while serving; an exit code when one failed to start."""
        for index, (process, started) in enumerate(self.workers):
            if process.is_alive() or self.stopping:
                continue
            code = process.exitcode or 1
            if time.monotonic() - started < STARTUP_SECONDS:
                print(f"playground serve: a worker failed to start (exit code {code})", file=sys.stderr)
                return code
            print(f"playground serve: a worker stopped (exit code {code}); starting another", file=sys.stderr)
            self.workers[index] = self._start()
        return None

    def _stop(self, signum, frame) -> None:
        self.stopping = True

    def _stop_all(self) -> None:
        for process, _ in self.workers:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the open requests and the app's shutdown
        deadline = time.monotonic() + STOP_SECONDS
        for process, _ in self.workers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
