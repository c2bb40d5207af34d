"""Frame rate and event-loop lag with and without session checkpoints.

Starts `playground serve` twice on a loopback port (checkpoints off:
`--checkpoint-seconds 0`; on: every `--every` seconds for training sessions),
opens `--tabs` websocket tabs that play at 1 epoch per frame, counts the
frames each tab receives over `--seconds`, and reads /stats for the event
loop's lag. Prints one JSON line per mode; docs/benchmarks.md has figures.

    python benchmarks/checkpoint_frames.py --tabs 8 --seconds 10 --every 0.25
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live_server import ServerProcess  # noqa: E402
from tests.server.support import Client  # noqa: E402


def measure(every: float, tabs: int, seconds: float) -> dict:
    server = ServerProcess(None, "--checkpoint-seconds", str(every), "--max-sessions-per-client", "100").start()
    try:
        clients = []
        for number in range(tabs):
            client = Client(server.url)
            clients.append(client)
            client.hello(f"seed=0.{number:05d}")
            client.send(type="speed", value="1")
            client.send(type="play")
        time.sleep(2)  # warm: every tab playing
        urllib.request.urlopen(urllib.request.Request(server.url + "/stats/reset", method="POST")).read()
        counts = [0] * tabs

        def count(index: int, client: Client, until: float) -> None:
            while time.monotonic() < until:
                try:
                    kind, _, _ = client.receive(timeout=max(0.01, until - time.monotonic()))
                except TimeoutError:
                    return
                if kind == "frame":
                    counts[index] += 1

        until = time.monotonic() + seconds
        threads = [threading.Thread(target=count, args=(i, c, until)) for i, c in enumerate(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with urllib.request.urlopen(server.url + "/stats") as response:
            stats = json.loads(response.read())
        for client in clients:
            client.close()
        return {
            "checkpoint_seconds": every,
            "tabs": tabs,
            "seconds": seconds,
            "frames_per_second_median": round(statistics.median(counts) / seconds, 1),
            "frames_per_second_min": round(min(counts) / seconds, 1),
            "loop_lag_ms_p99": stats["loop_lag_ms_p99"],
            "loop_lag_ms_max": stats["loop_lag_ms_max"],
        }
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tabs", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--every", type=float, default=0.25, help="checkpoint interval of the 'on' run")
    args = parser.parse_args()
    for every in (0, args.every):
        print(json.dumps(measure(every, args.tabs, args.seconds)), flush=True)


if __name__ == "__main__":
    main()
