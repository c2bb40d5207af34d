"""`playground bench`: training speed, frame cost and frame size.

Measured the way the original's figures were taken (spec §14): for configs
a–e, a full epoch is the training pass plus the train-loss and test-loss
passes; the speed is the steady state after a warm-up: the median over four
sweeps of each sweep's median over five seeds, in CPU time (the machine may
be shared) and wall time; "best" is the fastest sweep. A frame is what
the server computes and encodes for the page each frame: the 100×100 output
grid, every node's thumbnail, and the whole binary message. Last, two sessions
(config b) train in two threads at once and then one after the other: the
kernel releases the GIL, so on two free cores the pair in parallel takes about
half the wall time.
"""

from __future__ import annotations

import base64
import json
import os
import platform
import statistics
import threading
import time
from datetime import date

from engine.session import Session
from engine.share_hash import parse_hash

from .frames import FrameWriter

# link, network, the original's own engine on this machine (epochs/s, CPU time,
# measured with its code under node beside ours), the target (twice that), and
# the original's frame time in ms.
CONFIGS = {
    "a": ("", "2→4→2→1 tanh, 250/250", "3,400–3,600", 7500, 7.5),
    "b": (
        "dataset=spiral&x=true&y=true&xTimesY=true&xSquared=true&ySquared=true&sinX=true&sinY=true"
        "&networkShape=8,8,8,8,8,8&activation=tanh&learningRate=0.03&batchSize=10&noise=0&percTrainData=50",
        "7→8×6→1 tanh, 250/250",
        "355–372",
        750,
        43.4,
    ),
    "c": (
        "dataset=circle&x=false&y=false&xSquared=true&ySquared=true&networkShape=",
        "2→1, 250/250",
        "8,800–9,600",
        19000,
        4.3,
    ),
    "d": (
        "dataset=xor&x=true&y=true&networkShape=4,2&activation=relu&learningRate=0.03",
        "2→4→2→1 ReLU, 250/250",
        "3,900–4,100",
        8000,
        7.3,
    ),
    "e": ("problem=regression&regDataset=reg-plane", "2→4→2→1 tanh, linear out, 600/600", "1,250–1,400", 2800, 9.2),
}
SEEDS = ("0.12345", "0.23456", "0.34567", "0.45678", "0.56789")


def session_for(config: str, seed: str) -> Session:
    link = f"{CONFIGS[config][0]}&seed={seed}".lstrip("&")
    return Session(parse_hash(link).settings)


def epochs_per_second(config: str, seed: str, warmup: int, epochs: int) -> tuple[float, float]:
    """(CPU-time rate, wall rate) of full epochs after `warmup` epochs."""
    session = session_for(config, seed)
    session.step(warmup)
    cpu, wall = time.process_time(), time.perf_counter()
    session.step(epochs)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return epochs / max(cpu, 1e-9), epochs / max(wall, 1e-9)


def frame_cost(config: str, frames: int) -> dict:
    """Median CPU ms per frame (grid + thumbnails + encoding) and sizes."""
    session = session_for(config, SEEDS[0])
    session.step(50)
    writer = FrameWriter()

    def share() -> dict:
        return {"hash": "", "notices": [], "hidden": []}

    writer.frame(session, session_id="bench", playing=True, focus=None, share=share)  # layout and data once
    times, message = [], b""
    for _ in range(frames):
        session.step(1)
        started = time.process_time()
        message = writer.frame(session, session_id="bench", playing=True, focus=None, share=share)
        times.append((time.process_time() - started) * 1000)
    header_length = int.from_bytes(message[:4], "little")
    header = json.loads(message[4 : 4 + header_length])
    payload = message[4 + header_length :]
    started = time.perf_counter()
    as_text = json.dumps({**header, "gridsBase64": base64.b64encode(payload).decode("ascii")})
    base64_ms = (time.perf_counter() - started) * 1000
    return {
        "ms": statistics.median(times),
        "best_ms": min(times),
        "bytes": len(message),
        "base64_bytes": len(as_text.encode()),
        "base64_extra_ms": base64_ms,
    }


def parallel_speedup(epochs: int, rounds: int) -> dict:
    """Wall seconds for two config-b sessions training `epochs` each, one
    after the other and in two threads at once (medians over `rounds`)."""

    def pair() -> list[Session]:
        sessions = [session_for("b", seed) for seed in SEEDS[:2]]
        for session in sessions:
            session.step(5)  # past the first calls
        return sessions

    sequential, parallel = [], []
    for _ in range(rounds):
        sessions = pair()
        started = time.perf_counter()
        for session in sessions:
            session.step(epochs)
        sequential.append(time.perf_counter() - started)
        threads = [threading.Thread(target=session.step, args=(epochs,)) for session in pair()]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        parallel.append(time.perf_counter() - started)
    one_after_the_other, at_once = statistics.median(sequential), statistics.median(parallel)
    return {"epochs": epochs, "sequential": one_after_the_other, "parallel": at_once}


def run(quick: bool = False) -> dict:
    """As the original's figures: each sweep takes the median over the seeds;
    the result is the median over the sweeps, and "best" the fastest sweep."""
    seeds = SEEDS[:2] if quick else SEEDS
    sweeps = 1 if quick else 4
    per_sweep: dict[str, list[tuple[float, float]]] = {name: [] for name in CONFIGS}
    for _ in range(sweeps):
        for name in CONFIGS:
            slow = name in ("b", "e")
            warmup, epochs = (50, 200) if quick else ((200, 600) if slow else (500, 1500))
            rates = [epochs_per_second(name, seed, warmup, epochs) for seed in seeds]
            per_sweep[name].append((statistics.median(r[0] for r in rates), statistics.median(r[1] for r in rates)))
    results = {
        name: {
            "cpu": statistics.median(r[0] for r in rows),
            "cpu_best": max(r[0] for r in rows),
            "wall": statistics.median(r[1] for r in rows),
            "frame": frame_cost(name, 30 if quick else 200),
        }
        for name, rows in per_sweep.items()
    }
    results["threads"] = parallel_speedup(100 if quick else 400, 1 if quick else 3)
    return results


def markdown(results: dict) -> str:
    lines = [
        f"Measured {date.today().isoformat()} on {platform.machine()} with {os.cpu_count()} cores "
        f"({platform.processor() or platform.platform()}), Python {platform.python_version()}, by `playground bench`.",
        "",
        "| cfg | network | full epochs/s, CPU median (best sweep) | wall median | original (CPU) | target | "
        "frame ms, CPU median (best) | original frame ms | frame bytes (binary) | as JSON+base64 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, (_, network, original_rate, target, original_frame) in CONFIGS.items():
        r = results[name]
        f = r["frame"]
        verdict = "met" if r["cpu"] >= target else "not met"
        lines.append(
            f"| {name} | {network} | {r['cpu']:,.0f} ({r['cpu_best']:,.0f}) | {r['wall']:,.0f} | {original_rate} | "
            f"≥ {target:,} ({verdict}) | "
            f"{f['ms']:.2f} ({f['best_ms']:.2f}) | {original_frame} | {f['bytes']:,} | {f['base64_bytes']:,} "
            f"(+{f['base64_extra_ms']:.2f} ms) |"
        )
    threads = results["threads"]
    lines += [
        "",
        f"Two sessions of config b, {threads['epochs']} epochs each, wall time (median): one after the other "
        f"{threads['sequential']:.2f} s, in two threads at once {threads['parallel']:.2f} s "
        f"({threads['sequential'] / threads['parallel']:.2f}× as fast; 2× is the most two cores allow).",
    ]
    return "\n".join(lines) + "\n"


def main(out: str | None = None, quick: bool = False) -> int:
    results = run(quick)
    text = markdown(results)
    print(text)
    if out:
        with open(out, "w", encoding="utf-8") as handle:
            handle.write(text)
    return 0
