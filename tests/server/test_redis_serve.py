"""`playground serve --store redis://…`: a real server on a real Redis, and the
faults: a Redis that is not there at start, and one lost while running."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request

from ..live_server import ROOT, ServerProcess, free_port
from ..redis_server import RedisServer


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _upload(url: str, body: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(
        url + "/api/datasets", data=body, method="POST", headers={"Content-Type": "text/csv"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


CSV = b"x1,x2,label\n" + b"".join(f"{i / 10},{-i / 10},{1 if i % 2 else -1}\n".encode() for i in range(20))


def test_serve_names_a_redis_it_cannot_reach():
    url = f"redis://127.0.0.1:{free_port()}/0"
    result = subprocess.run(
        [sys.executable, "-m", "server", "serve", "--port", str(free_port()), "--store", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"cannot reach the store {url}" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_server_on_redis_is_ready_then_not_when_redis_is_lost_and_ready_again():
    redis_server = RedisServer().start()
    server = ServerProcess(None, "--store", redis_server.url).start()
    try:
        assert _get(server.url + "/readyz") == (200, {"ready": True})
        status, answer = _upload(server.url, CSV)
        assert status == 201
        redis_server.stop()
        status, answer = _get(server.url + "/readyz")
        assert status == 503 and f"the store {redis_server.url} does not answer" in answer["reason"]
        assert _get(server.url + "/healthz")[0] == 200  # alive: a load balancer should not restart it
        status, answer = _upload(server.url, CSV)
        assert status == 503 and "not reachable just now" in answer["detail"]
        again = RedisServer()
        again.port = redis_server.port
        again.start()
        try:
            assert _get(server.url + "/readyz") == (200, {"ready": True})
            assert _upload(server.url, CSV)[0] == 201
        finally:
            again.stop()
    finally:
        server.stop()
        redis_server.stop()
    assert "Traceback" not in server.last_output


def test_redis_lost_while_training_keeps_the_tab_training_and_checkpoints_come_back():
    import time

    import redis

    from .support import Client

    redis_server = RedisServer().start()
    server = ServerProcess(None, "--store", redis_server.url, "--checkpoint-seconds", "0.5").start()
    again = None
    try:
        client = Client(server.url)
        client.hello("seed=0.3&networkShape=3")
        client.send(type="play")
        header, _ = client.frame(where=lambda h: h["playing"] and h["epoch"] >= 5)
        session_id = header["session"]
        redis_server.stop()
        lost_at, until = header["epoch"], time.monotonic() + 3
        while time.monotonic() < until:  # three seconds without Redis: it trains on in memory
            header, _ = client.frame(timeout=2)
        assert header["epoch"] >= lost_at + 20
        again = RedisServer()
        again.port = redis_server.port
        again.start()  # an empty Redis on the same address
        raw = redis.Redis.from_url(again.url)
        deadline = time.monotonic() + 10
        while raw.get(f"playground:checkpoint:{session_id}") is None:
            assert time.monotonic() < deadline, "no checkpoint written after Redis came back"
            time.sleep(0.2)
        raw.close()
        client.frame(where=lambda h: h["epoch"] >= header["epoch"] + 5)
        client.close()
    finally:
        server.stop()
        if again is not None:
            again.stop()
        redis_server.stop()
    warnings = [line for line in server.last_output.splitlines() if "session checkpoints not written" in line]
    assert 1 <= len(warnings) <= 2, server.last_output  # one line per 10 s interval, not one per try
    assert "Traceback" not in server.last_output


def test_a_checkpoint_of_a_newer_format_or_damaged_is_refused_and_the_link_opens(redis_server):
    from server.store import open_store

    from .support import Client

    redis_server.flush()
    server = ServerProcess(None, "--store", redis_server.url).start()
    store = open_store(redis_server.url)
    try:
        client = Client(server.url)
        first, _ = client.hello("seed=0.4&networkShape=2")
        for _ in range(3):
            client.send(type="step")
        client.frame(where=lambda h: h["epoch"] == 3)
        client.close()
        deadline = time.monotonic() + 10
        while (body := store.get_checkpoint(first["session"])) is None:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        newer = json.loads(body)
        newer["version"] = 99
        cases = {
            "newer-format-session": (json.dumps(newer).encode(), "newer version"),
            "damaged-session-1": (body[: len(body) // 2], "damaged"),
        }
        for session_id, (bad, words) in cases.items():
            store.put_checkpoint(session_id, bad, ttl_seconds=60)
            tab = Client(server.url)
            header, _ = tab.hello("seed=0.4&networkShape=2", resume=session_id)
            assert header["epoch"] == 0 and header["session"] != session_id  # the link's set-up
            notices = [n.get("message", "") for n in tab.notices + header["settings"].get("notices", [])]
            assert any("could not be restored" in text and words in text for text in notices), notices
            tab.close()
    finally:
        store.close()
        server.stop()
    assert "Traceback" not in server.last_output
