"""Sessions outlive their server process (real processes): after kill -9 or a
restart, a tab that reconnects with its session id resumes from its last
checkpoint (a paused session exactly as it was); with `--workers 2`, tabs
that reconnect to either worker all get their sessions back."""

from __future__ import annotations

import signal
import time

from .support import Client, ServerProcess, running_server
from .test_workers_and_hosts import stats_of_each_worker

LINK = "seed=0.777&optimizer=adam&dropout=0.1&batchSize=7&networkShape=4,3"


def steps(client: Client, count: int, start: int = 0) -> dict:
    for _ in range(count):
        client.send(type="step")
    header, _ = client.frame(where=lambda h: h["epoch"] == start + count and not h["playing"])
    return header


def same_network(one: dict, two: dict) -> None:
    for key in ("epoch", "trainLoss", "testLoss", "weights", "biases", "dead"):
        assert one[key] == two[key], key


def resume(server: ServerProcess, session_id: str) -> tuple[Client, dict]:
    client = Client(server.url)
    header, _ = client.hello("seed=0.1", resume=session_id)
    return client, header


def test_a_paused_session_survives_kill_9_exactly_and_trains_on_the_same():
    server = ServerProcess(None, "--hold-seconds", "5").start()
    try:
        client = Client(server.url)
        first, _ = client.hello(LINK)
        trained = steps(client, 5)
        session_id = trained["session"]
        time.sleep(0.5)  # the checkpoint is written off the event loop, a moment later
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
        client.close()
        server.start()
        again, header = resume(server, session_id)
        try:
            assert header["session"] == session_id and header["playing"] is False
            same_network(header, trained)
            assert [p[0] for p in header["lossPoints"]] == list(range(6))
            on = steps(again, 3, start=5)
            reference = Client(server.url)
            reference.hello(LINK)
            same_network(on, steps(reference, 8))
            reference.close()
        finally:
            again.close()
    finally:
        server.stop()


def test_a_training_session_comes_back_from_its_last_checkpoint_after_kill_9():
    server = ServerProcess(None, "--checkpoint-seconds", "0.5").start()
    try:
        client = Client(server.url)
        client.hello(LINK)
        client.send(type="speed", value="1")
        client.send(type="play")
        playing, _ = client.frame(where=lambda h: h["playing"] and h["epoch"] >= 30)
        time.sleep(1.5)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
        client.close()
        server.start()
        again, header = resume(server, playing["session"])
        try:
            assert header["session"] == playing["session"]
            assert header["epoch"] >= playing["epoch"]
            assert header["playing"] is True  # it goes on training where it was
        finally:
            again.close()
    finally:
        server.stop()


def test_a_graceful_stop_keeps_every_session():
    server = ServerProcess(None, "--checkpoint-seconds", "1000").start()
    try:
        client = Client(server.url)
        client.hello(LINK)
        client.send(type="play")
        playing, _ = client.frame(where=lambda h: h["playing"] and h["epoch"] >= 20)
        server.stop()  # SIGTERM
        client.close()
        server.start()
        again, header = resume(server, playing["session"])
        try:
            assert header["session"] == playing["session"] and header["epoch"] >= playing["epoch"]
        finally:
            again.close()
    finally:
        server.stop()


def test_thirty_tabs_reconnecting_to_two_workers_all_get_their_sessions_back():
    with running_server("--workers", "2", "--hold-seconds", "30") as base:
        assert len(stats_of_each_worker(base)) == 2
        tabs = []
        for number in range(30):
            client = Client(base)
            client.hello(f"seed=0.{number:05d}")
            tabs.append((client, steps(client, 1 + number % 4)))
        for client, _ in tabs:
            client.close()
        time.sleep(0.5)
        restored_on = set()
        for _, before in tabs:
            for _attempt in range(3):  # each reconnect lands on either worker
                client = Client(base)
                header, _ = client.hello("seed=0.1", resume=before["session"])
                same_network(header, before)
                assert header["session"] == before["session"]
                client.close()
                time.sleep(0.05)
        held = {pid: figures["sessions"] for pid, figures in stats_of_each_worker(base).items()}
        assert sum(held.values()) >= 30 and len(held) == 2
        restored_on.update(pid for pid, count in held.items() if count)
        assert len(restored_on) == 2
