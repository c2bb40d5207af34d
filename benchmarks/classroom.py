"""A classroom on one machine: many tabs training at once against one server.

Starts `playground serve` on a loopback port, opens N websocket clients that
each load the default network and press play, and measures for each client
the frames per second it receives (from its first frame on; the wait for
that first frame is reported apart) and how long a control change (the
learning rate) takes to show in a frame; for the server, its memory per
session and the event loop's lag; for the machine, the share of its CPU
time the hypervisor gave to other guests meanwhile (`steal_percent`).
Prints one JSON line.

Besides the ordinary tabs it can add the tabs that spoil a class: `--heavy K`
tabs training the largest network (8×16, batch 1, 99 % of the 1,200
regression points = 1,188 training points) at "Fastest", and `--flood F`
tabs sending 250 `step` commands per frame. The figures are the ordinary
tabs' only. The load clients run on the same machine as the server.

    python benchmarks/classroom.py --clients 30 --seconds 20 [--workers 2] [--speed 1] [--link HASH]
    python benchmarks/classroom.py --clients 1 --heavy 4 --flood 1 --seconds 20
    python benchmarks/classroom.py --clients 30 --store redis://127.0.0.1:6379/0

With `--store redis://…` it also reports the Redis traffic the server caused
while the tabs ran (bytes in and out, commands), per session and second, from
Redis's own `INFO stats` counters.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.lean_socket import LeanSocket  # noqa: E402
from server.frames import frame_header, header_end  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (workers), in KiB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its children (workers)."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    ticks = 0
    for p in pids:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int]:
    """(steal, total) CPU ticks of the whole machine so far, from /proc/stat.
    Steal is time the hypervisor gave this machine's CPUs to other guests: on
    a shared virtual machine it is what makes one run slower than the next."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return fields[7], sum(fields[:8])


def redis_counters(store: str | None) -> dict | None:
    """Redis's traffic counters since it started (None unless `store` is a redis:// URL)."""
    if not store or not store.startswith("redis://"):
        return None
    import redis

    client = redis.Redis.from_url(store)
    try:
        info = client.info("stats")
    finally:
        client.close()
    return {
        "bytes_in": info["total_net_input_bytes"],
        "bytes_out": info["total_net_output_bytes"],
        "commands": info["total_commands_processed"],
    }


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


async def student(url: str, link: str, index: int, seconds: float, speed: str, results: list) -> None:
    async with LeanSocket(url) as socket_:
        await socket_.send(json.dumps({"type": "hello", "hash": f"{link}&seed=0.{index:05d}".lstrip("&")}))
        await socket_.send(json.dumps({"type": "speed", "value": speed}))
        await socket_.send(json.dumps({"type": "play"}))
        frames, latencies = 0, []
        first = None  # (time, epoch) of the first frame
        last = None  # (time, message) of the latest frame
        started = time.perf_counter()
        # The first change comes a second after the first frame (before it the
        # session is still being built: that wait is `first_frame_s`).
        next_change, pending, rate = float("inf"), None, 0.03
        while (now := time.perf_counter()) - started < seconds:
            if pending is None and now >= next_change:
                rate = 0.1 if rate == 0.03 else 0.03
                await socket_.send(json.dumps({"type": "set", "settings": {"learningRate": rate}}))
                pending = (now, f"learningRate={rate}&".encode())
            message = await socket_.recv(timeout=5)
            if not isinstance(message, bytes):
                continue
            frames += 1
            last = (time.perf_counter(), message)
            if first is None:
                first, next_change = (last[0], frame_header(message)["epoch"]), last[0] + 1.0
            # The changed rate shows in the settings block's share link. The
            # header is searched, not parsed: parsing every frame's header was
            # a third of this client's time, taken from the server's cores.
            if pending and message.find(pending[1], 4, header_end(message)) >= 0:
                latencies.append((time.perf_counter() - pending[0]) * 1000)
                pending, next_change = None, time.perf_counter() + 1.0
        # Rates from the first frame on: the time before it is the session
        # being built (and, just after a start, the kernels loading), reported
        # apart as `first_frame_s`.
        span = last[0] - first[0] if frames > 1 else float("inf")
        results.append(
            {
                "frames": frames,
                "fps": (frames - 1) / span,
                "epochs_per_s": (frame_header(last[1])["epoch"] - first[1]) / span,
                "latencies": latencies,
                "first_frame_s": first[0] - started if first else float("inf"),
            }
        )


HEAVY_LINK = "problem=regression&networkShape=16,16,16,16,16,16,16,16&batchSize=1&percTrainData=99"


async def heavy_student(url: str, index: int, seconds: float) -> None:
    """A tab with the largest network at "Fastest" that reads every frame."""
    async with LeanSocket(url) as socket_:
        await socket_.send(json.dumps({"type": "hello", "hash": f"{HEAVY_LINK}&seed=0.9{index:04d}"}))
        await socket_.send(json.dumps({"type": "speed", "value": "max"}))
        await socket_.send(json.dumps({"type": "play"}))
        started = time.perf_counter()
        while time.perf_counter() - started < seconds + 1:
            await socket_.recv(timeout=1)


async def flooding_student(url: str, index: int, seconds: float) -> None:
    """A tab with the default network sending 250 `step` commands per frame."""
    async with websockets.connect(url, max_size=2**24) as socket_:
        await socket_.send(json.dumps({"type": "hello", "hash": f"seed=0.8{index:04d}"}))
        step = json.dumps({"type": "step"})

        async def drain() -> None:
            while True:
                await socket_.recv()

        reader = asyncio.create_task(drain())
        started = time.perf_counter()
        try:
            while time.perf_counter() - started < seconds + 1:
                for _ in range(250):
                    await socket_.send(step)
                await asyncio.sleep(1 / 60)
        except websockets.ConnectionClosed as closed:  # a server that punishes valid commands
            print(f"the flooding tab was closed: {closed}", file=sys.stderr)
        finally:
            reader.cancel()


async def classroom(
    url: str, stats_url: str, link: str, clients: int, seconds: float, speed: str, heavy: int = 0, flood: int = 0
) -> list:
    """Run the students; the loop-lag window starts once all have joined (2 s in)."""
    results: list = []

    async def start_lag_window() -> None:
        await asyncio.sleep(2.0)
        await asyncio.to_thread(post, stats_url + "/reset")

    spoilers = [heavy_student(url, i, seconds) for i in range(heavy)]
    spoilers += [flooding_student(url, i, seconds) for i in range(flood)]
    await asyncio.gather(
        start_lag_window(), *spoilers, *(student(url, link, i, seconds, speed, results) for i in range(clients))
    )
    return results


def post(url: str) -> dict:
    request = urllib.request.Request(url, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--speed", default="1", help="epochs per frame, or max")
    parser.add_argument("--link", default="", help="the share-link hash every tab opens (a seed is added)")
    parser.add_argument("--heavy", type=int, default=0, help="tabs with the largest network at Fastest")
    parser.add_argument("--flood", type=int, default=0, help="tabs sending 250 step commands per frame")
    parser.add_argument("--engine-threads", type=int, default=None, help="the server's engine threads")
    parser.add_argument(
        "--checkpoint-seconds",
        default=None,
        help="the server's --checkpoint-seconds (a huge value: no checkpoints while training)",
    )
    parser.add_argument("--store", default=None, help="the server's --store (a redis:// URL adds Redis traffic)")
    args = parser.parse_args()

    port = free_port()
    extra = [] if args.engine_threads is None else ["--engine-threads", str(args.engine_threads)]
    extra += [] if args.store is None else ["--store", args.store]
    extra += [] if args.checkpoint_seconds is None else ["--checkpoint-seconds", args.checkpoint_seconds]
    redis_before = redis_counters(args.store)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--max-sessions-per-client",
            "500",
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts the server slowly
        while True:
            try:
                get_json(base + "/healthz")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the server did not start")
                time.sleep(0.1)
        idle_kib = rss_kib(server.pid)
        cpu_before = cpu_seconds(server.pid)
        ticks_before = machine_ticks()
        client_cpu_before, wall_before = time.process_time(), time.perf_counter()
        results = asyncio.run(
            classroom(
                f"ws://127.0.0.1:{port}/ws",
                base + "/stats",
                args.link,
                args.clients,
                args.seconds,
                args.speed,
                args.heavy,
                args.flood,
            )
        )
        busy_kib = rss_kib(server.pid)
        cpu_used = cpu_seconds(server.pid) - cpu_before
        client_cpu_used, wall = time.process_time() - client_cpu_before, time.perf_counter() - wall_before
        steal, total = (after - before for after, before in zip(machine_ticks(), ticks_before))
        redis_after = redis_counters(args.store)
        stats = get_json(base + "/stats") if args.workers == 1 else {}
    finally:
        server.terminate()
        server.wait(timeout=10)

    fps = sorted(r["fps"] for r in results)
    latencies = sorted(x for r in results for x in r["latencies"])
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    row = {
        "clients": args.clients,
        "heavy": args.heavy,
        "flood": args.flood,
        "engine_threads": args.engine_threads,
        "workers": args.workers,
        "checkpoint_seconds": args.checkpoint_seconds,
        "speed": args.speed,
        "seconds": args.seconds,
        "link": args.link,
        "fps_min": round(fps[0], 1),
        "fps_median": round(statistics.median(fps), 1),
        "epochs_per_s_median": round(statistics.median(r["epochs_per_s"] for r in results), 1),
        "first_frame_s_median": round(statistics.median(r["first_frame_s"] for r in results), 2),
        "first_frame_s_max": round(max(r["first_frame_s"] for r in results), 2),
        "change_latency_ms_median": round(statistics.median(latencies), 1) if latencies else None,
        "change_latency_ms_p95": round(p95, 1),
        "change_latency_ms_deciles": [
            round(latencies[int(q * (len(latencies) - 1))], 1) for q in (0.1, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0)
        ]
        if latencies
        else None,
        # Frames per CPU-second of the server: what one core serves, whatever
        # else the machine is doing (the load clients run on it too).
        "frames_per_cpu_second": round(sum(r["frames"] for r in results) / cpu_used, 1) if cpu_used else None,
        # Cores busy on average during the run: the server's processes, and
        # this load client's (it shares the machine's cores with the server).
        "server_cores": round(cpu_used / wall, 2),
        "load_client_cores": round(client_cpu_used / wall, 2),
        "memory_per_session_kib": round((busy_kib - idle_kib) / (args.clients + args.heavy + args.flood)),
        # Of the machine's CPU time during the run, the share the hypervisor gave
        # to other guests: figures from runs with much steal are not comparable.
        "steal_percent": round(100 * steal / total, 1) if total else None,
        "loop_lag_ms_p99": stats.get("loop_lag_ms_p99"),
        "loop_lag_ms_max": stats.get("loop_lag_ms_max"),
    }
    if redis_before and redis_after:
        per = (args.clients + args.heavy + args.flood) * args.seconds
        row.update(
            {
                f"redis_{name}_per_session_per_s": round((redis_after[name] - redis_before[name]) / per, 1)
                for name in redis_before
            }
        )
    print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
