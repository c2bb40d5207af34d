"""deploy/nginx.conf in front of two real servers sharing one Redis: a tab
stays on its process, data uploaded through one opens through the other, and
a tab whose process is killed (`kill -9`) carries on through the other."""

from __future__ import annotations

import json
import os
import signal
import urllib.request

import pytest

from ..live_server import ServerProcess
from ..nginx_front import NginxFront
from ..redis_server import RedisServer
from .support import Client

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
            connect(url.replace("http", "ws", 1) + f"/ws?tab={tab}", max_size=2**24))
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


def test_a_tab_carries_on_through_the_other_process_after_kill_9(cluster):
    front, servers = cluster
    tab = "f" * 24
    before = [_sessions(s) for s in servers]
    client = _TabClient(front.url, tab)
    client.hello("#dataset=circle&seed=0.25")
    home = _where(servers, before)
    victim, survivor = servers[home], servers[1 - home]
    os.kill(victim.process.pid, signal.SIGKILL)
    victim.process.wait()
    with pytest.raises(Exception):
        client.receive(timeout=10)  # the socket ends with its process
    client.close()
    # The page reconnects with the same tab id: nginx sends it to the survivor.
    before_survivor = _sessions(survivor)
    again = _TabClient(front.url, tab)
    header, _ = again.hello("#dataset=circle&seed=0.25")
    assert _sessions(survivor) == before_survivor + 1
    again.close()
    victim.process = None  # already gone
