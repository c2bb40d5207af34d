"""Test support: a real uvicorn server on a loopback port, and a websocket client for it."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from contextlib import ExitStack, contextmanager

from websockets.sync.client import connect

from server.frames import decode_frame
from server.protocol import FrameHeader
from tests.live_server import ROOT, ServerProcess, free_port  # noqa: F401  (used by the tests too)


@contextmanager
def running_server(*extra: str):
    """`playground serve` in a subprocess; yields its base URL."""
    server = ServerProcess(None, *extra).start()
    try:
        yield server.url
    finally:
        server.stop()


class Client:
    """A websocket client that speaks the protocol: JSON commands out; frames,
    notices and errors in."""

    def __init__(self, url: str, **kwargs):
        self._stack = ExitStack()
        self.socket = self._stack.enter_context(connect(url.replace("http", "ws", 1) + "/ws", max_size=2**24, **kwargs))
        self.notices: list[str] = []
        self.errors: list[dict] = []
        self.replies: list[dict] = []  # other text messages (e.g. a trace)
        self.saved: list[dict] = []

    def send(self, **command) -> None:
        self.socket.send(json.dumps(command))

    def send_raw(self, text) -> None:
        self.socket.send(text)

    def receive(self, timeout: float = 10.0):
        """The next message: ("frame", header, grids) or ("notice"/"error", dict)."""
        message = self.socket.recv(timeout=timeout)
        if isinstance(message, bytes):
            header, grids = decode_frame(message)
            FrameHeader.model_validate(header)  # every frame the tests see has the documented shape
            return "frame", header, grids
        data = json.loads(message)
        kind = data["type"]
        {"notice": self.notices, "error": self.errors, "saved": self.saved}.get(kind, self.replies).append(data)
        return data["type"], data, None

    def frame(self, timeout: float = 10.0, where=lambda header: True):
        """The next frame whose header satisfies `where` (notices and errors are kept)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching frame arrived")
            kind, header, grids = self.receive(timeout=left)
            if kind == "frame" and where(header):
                return header, grids

    def error(self, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        while not self.errors:
            self.receive(timeout=max(0.01, deadline - time.monotonic()))
        return self.errors.pop(0)

    def reply(self, kind: str, timeout: float = 10.0) -> dict:
        """The next text message of type `kind` that is not a notice or an error."""
        deadline = time.monotonic() + timeout
        while not any(r["type"] == kind for r in self.replies):
            self.receive(timeout=max(0.01, deadline - time.monotonic()))
        found = next(r for r in self.replies if r["type"] == kind)
        self.replies.remove(found)
        return found

    def hello(self, hash_: str = "", resume: str | None = None, snapshot: str | None = None):
        if snapshot is None:
            self.send(type="hello", hash=hash_, resume=resume)
        else:
            self.send(type="hello", hash=hash_, resume=resume, snapshot=snapshot)
        return self.frame()

    def save(self, timeout: float = 10.0) -> dict:
        """Send `save`; the `saved` answer."""
        self.send(type="save")
        deadline = time.monotonic() + timeout
        while not self.saved:
            self.receive(timeout=max(0.01, deadline - time.monotonic()))
        return self.saved.pop(0)

    def close(self) -> None:
        self._stack.close()


def run_in_fresh_loop(main):
    """asyncio.run(main()) on a thread of its own: the browser tests' Playwright
    keeps an event loop running on the main thread for the rest of the run."""
    result = {}

    def target():
        result["value"] = asyncio.run(main())

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the test's event loop did not finish"
    return result["value"]
