"""A real `playground serve` on a loopback port, for the server and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`python -m server serve` on a fixed loopback port; can be stopped and
    started again on the same port (to test reconnecting)."""

    def __init__(self, port: int | None = None, *extra: str):
        self.port = port or free_port()
        self.extra = extra
        self.process: subprocess.Popen | None = None
        # The default store lives in the user's data directory: keep each test server's in its own.
        self.data_home = tempfile.mkdtemp(prefix="playground-data-")
        self.last_output = ""  # what the server printed, once it was stopped

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--host", "127.0.0.1", "--port", str(self.port), *self.extra],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "XDG_DATA_HOME": self.data_home},
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    output = self.process.stdout.read().decode(errors="replace") if self.process.stdout else ""
                    raise RuntimeError(f"the server did not start:\n{output}")
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.last_output = self.process.stdout.read().decode(errors="replace")
        self.process = None
