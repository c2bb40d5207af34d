"""deploy/nginx.conf in front of two real servers sharing one Redis: a tab
stays on its process, data uploaded through one opens through the other, and
the sessions of a process killed with `kill -9` resume on the other: a paused
one exactly, a training one from its last checkpoint."""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.request

import pytest
from websockets.exceptions import ConnectionClosed

from ..live_server import ServerProcess
from ..nginx_front import NginxFront
from ..redis_server import RedisServer
from .support import Client
from .test_checkpoints import LINK, same_network, steps

CHECKPOINT_SECONDS = 3.0  # the server's default --checkpoint-seconds

CSV = b"x1,x2,label\n" + b"".join(f"{i / 10},{(i * 7 % 11) / 10},{1 if i % 3 else -1}\n".encode() for i in range(30))


def _json(url: str, data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data else "GET")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _sessions(server: ServerProcess) -> int:
    return _json(server.url + "/stats")["sessions"]


class _TabClient(Client):
    """A websocket through the front with the page's routing id, `/ws?tab=<id>`."""

    def __init__(self, url: str, tab: str):
        from contextlib import ExitStack

        from websockets.sync.client import connect

        self._stack = ExitStack()
        self.socket = self._stack.enter_context(
            connect(url.replace("http", "ws", 1) + f"/ws?tab={tab}", max_size=2**24)
        )
        self.notices, self.errors = [], []


@pytest.fixture(scope="module")
def cluster():
    redis_server = RedisServer().start()
    servers = [ServerProcess(None, "--store", redis_server.url, "--hold-seconds", "30").start() for _ in range(2)]
    front = NginxFront([s.port for s in servers]).start()
    yield front, servers
    front.stop()
    for server in servers:
        server.stop()
    redis_server.stop()


def _where(servers, before):
    """Which server holds one more session than `before`."""
    grew = [i for i, s in enumerate(servers) if s.process is not None and _sessions(s) > before[i]]
    assert len(grew) == 1, grew
    return grew[0]


def test_a_tab_stays_on_its_process_and_tabs_spread(cluster):
    front, servers = cluster
    homes = {}
    for tab in (f"{i:024x}" for i in range(1, 9)):
        places = set()
        for _ in range(3):  # the same tab connecting three times: always the same process
            before = [_sessions(s) for s in servers]
            client = _TabClient(front.url, tab)
            client.hello("#dataset=xor&seed=0.5")
            places.add(_where(servers, before))
            client.close()
        assert len(places) == 1, f"tab {tab} moved between processes: {places}"
        homes[tab] = places.pop()
    assert set(homes.values()) == {0, 1}, "eight tabs all landed on one process"


def test_data_uploaded_through_one_opens_through_the_other(cluster):
    front, servers = cluster
    answer = _json(servers[0].url + "/api/datasets", CSV, {"Content-Type": "text/csv"})
    dataset_id = answer["id"]
    assert _json(servers[1].url + f"/api/datasets/{dataset_id}")["id"] == dataset_id
    client = Client(servers[1].url)
    header, grids = client.hello(f"#data={dataset_id}&seed=0.5")
    assert not client.errors and grids["output"] is not None
    client.close()


def _home(front, servers, tab: str, link: str) -> tuple[_TabClient, dict, int]:
    """A tab through the front: its client, first frame and the index of its process."""
    before = [_sessions(s) for s in servers]
    client = _TabClient(front.url, tab)
    header, _ = client.hello(link)
    return client, header, _where(servers, before)


def test_sessions_resume_on_the_other_process_after_kill_9(cluster):
    front, servers = cluster
    # A paused tab and a training tab on the same process.
    paused, _, home = _home(front, servers, "a" * 24, LINK)
    trained = steps(paused, 5)
    for number in range(1, 50):
        training, _, where = _home(front, servers, f"b{number:023x}", LINK)
        if where == home:
            break
        training.close()
    else:
        raise AssertionError("no second tab landed on the first tab's process")
    training.send(type="speed", value="1")
    training.send(type="play")
    started = time.monotonic()
    seen, _ = training.frame(where=lambda h: h["playing"] and h["epoch"] >= 1)
    first_epoch = seen["epoch"]
    time.sleep(CHECKPOINT_SECONDS + 1.5)  # at least one checkpoint of it while it trains
    victim, survivor = servers[home], servers[1 - home]
    os.kill(victim.process.pid, signal.SIGKILL)
    killed = time.monotonic()
    victim.process.wait()
    victim.process = None
    # Every frame the process sent before it died is still to be read: the last is
    # the furthest the tab saw (reading before the kill never ends: frames keep coming).
    while True:
        try:
            kind, header, _ = training.receive(timeout=1.0)
        except (TimeoutError, ConnectionClosed):
            break
        if kind == "frame":
            seen = header
    rate = (seen["epoch"] - first_epoch) / (killed - started)
    paused.close()
    training.close()
    # The page reconnects with the same tab id and its session id: nginx sends
    # it to the survivor, which restores the session from Redis.
    again = _TabClient(front.url, "a" * 24)
    header, _ = again.hello("seed=0.1", resume=trained["session"])
    assert header["session"] == trained["session"] and header["playing"] is False
    same_network(header, trained)  # exactly where it was
    on = steps(again, 3, start=5)
    reference = Client(survivor.url)
    reference.hello(LINK)
    same_network(on, steps(reference, 8))  # and trains on exactly as it would have
    reference.close()
    again.close()
    moved = _TabClient(front.url, f"b{number:023x}")
    header, _ = moved.hello("seed=0.1", resume=seen["session"])
    assert header["session"] == seen["session"] and header["playing"] is True
    lost_seconds = (seen["epoch"] - header["epoch"]) / max(rate, 1e-9)
    # At most one checkpoint interval of training lost (plus the write's own moment).
    assert seen["epoch"] - header["epoch"] >= 0 and lost_seconds <= CHECKPOINT_SECONDS + 1.0, (seen, header, rate)
    moved.close()
