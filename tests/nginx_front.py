"""Debian's nginx in front of test servers, configured by the shipped deploy/nginx.conf.

The test config is deploy/nginx.conf itself with only what a test must change:
the upstream servers (the test's loopback ports), the listening port, and
files kept in a private prefix folder (pid, logs, temp files), nginx in the
foreground. CI installs Debian's `nginx-light` (tests/run.sh).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from .live_server import ROOT, free_port

SHIPPED = ROOT / "deploy" / "nginx.conf"


def front_config(shipped: str, upstream_ports: list[int], port: int, prefix: Path) -> str:
    """`shipped` with the test's ports and private files."""
    servers = "".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in upstream_ports)
    text, count = re.subn(r"(?m)^\s*server 10\.0\.0\.\d+:8000[^\n]*\n", "", shipped)
    assert count >= 2, "deploy/nginx.conf has no example upstream servers to replace"
    text = text.replace("        keepalive 32;", servers + "        keepalive 32;", 1)
    text = text.replace("listen 80;", f"listen 127.0.0.1:{port};", 1)
    text = text.replace("worker_processes auto;", "worker_processes 1;")
    files = f"daemon off;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log warn;\n"
    temp = "".join(
        f"    {name}_temp_path {prefix}/{name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = text.replace("http {\n", "http {\n" + temp, 1)
    return files + text


class NginxFront:
    def __init__(self, upstream_ports: list[int]):
        self.port = free_port()
        self.upstream_ports = upstream_ports
        self.prefix = Path(tempfile.mkdtemp(prefix="playground-nginx-"))
        # nginx's workers drop root for `nobody`: they must be able to use the folder.
        os.chmod(self.prefix, 0o777)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> NginxFront:
        binary = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
        if binary is None:
            raise RuntimeError(
                "nginx is not installed: this test needs a real nginx (bash tests/run.sh installs Debian's nginx-light)"
            )
        config = self.prefix / "nginx.conf"
        config.write_text(front_config(SHIPPED.read_text(), self.upstream_ports, self.port, self.prefix))
        self.process = subprocess.Popen(
            [binary, "-p", str(self.prefix), "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    output = self.process.stdout.read().decode(errors="replace") if self.process.stdout else ""
                    log = self.prefix / "error.log"
                    self.stop()
                    raise RuntimeError(f"nginx did not start:\n{output}\n{log.read_text() if log.exists() else ''}")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # nginx's graceful stop
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stdout:
            self.process.stdout.close()
        shutil.rmtree(self.prefix, ignore_errors=True)
