"""Memory of the largest session a link can ask for, held by a real server.

Starts `playground serve`, opens N tabs that each load the largest network
(8×16 hidden layers, batch 1, 99 % of the 1,200 regression points = 1,188
training points) and train one step, then pause; reports the server's
resident memory growth per session (paused sessions, as a class leaves them).

    python benchmarks/session_memory.py --sessions 20
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.classroom import HEAVY_LINK, free_port, get_json, rss_kib  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server",
            "serve",
            "--port",
            str(port),
            "--max-sessions-per-client",
            str(args.sessions + 1),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    tabs = []
    tabs_open = ExitStack()  # every tab stays open until the memory is read
    try:
        for _ in range(100):
            try:
                get_json(base + "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        with connect(f"ws://127.0.0.1:{port}/ws", max_size=2**24) as warm:  # one-time costs out of the figure
            warm.send(json.dumps({"type": "hello", "hash": HEAVY_LINK + "&seed=0.5"}))
            warm.recv(timeout=60)
        time.sleep(1)
        idle = rss_kib(server.pid)
        for index in range(args.sessions):
            tab = tabs_open.enter_context(connect(f"ws://127.0.0.1:{port}/ws", max_size=2**24))
            tab.send(json.dumps({"type": "hello", "hash": f"{HEAVY_LINK}&seed=0.{index:05d}"}))
            tab.send(json.dumps({"type": "step"}))
            while True:
                message = tab.recv(timeout=60)
                if isinstance(message, bytes) and b'"epoch":1' in message[:200]:
                    break
            tabs.append(tab)
        time.sleep(1)
        held = rss_kib(server.pid)
    finally:
        tabs_open.close()
        server.terminate()
        server.wait(timeout=10)
    print(
        json.dumps(
            {
                "sessions": args.sessions,
                "link": HEAVY_LINK,
                "memory_per_session_kib": round((held - idle) / args.sessions),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
