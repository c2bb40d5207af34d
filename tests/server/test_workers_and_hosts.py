"""`--workers N` honours every option; only the hosts the server serves are answered."""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from server.options import default_engine_threads
from server.workers import reuse_port_socket

from .support import ROOT, Client, run_in_fresh_loop, running_server


def stats_of_each_worker(base: str, workers: int = 2, timeout: float = 30) -> dict[int, dict]:
    """/stats of every worker (each new connection lands on one of them; a
    worker that is still starting answers a little later)."""
    seen: dict[int, dict] = {}
    deadline = time.monotonic() + timeout
    for tries in range(10**6):
        with urllib.request.urlopen(base + "/stats", timeout=5) as response:
            figures = json.loads(response.read())
        seen[figures["pid"]] = figures
        if (len(seen) >= workers and tries >= 20) or time.monotonic() > deadline:
            return seen
        if len(seen) < workers:
            time.sleep(0.05)
    return seen


def test_two_workers_share_max_sessions_and_honour_hold_seconds():
    with running_server("--workers", "2", "--max-sessions", "2", "--hold-seconds", "1") as base:
        assert len(stats_of_each_worker(base)) == 2, "both workers answer"
        first, second = Client(base), Client(base)
        first.hello("seed=0.1")
        second.hello("seed=0.2")
        refused = []
        for index in range(4):  # whichever worker a tab lands on, the server as a whole is full
            third = Client(base)
            third.send(type="hello", hash=f"seed=0.3{index}", resume=None)
            refused.append(third.error()["message"])
            with pytest.raises(ConnectionClosed):
                third.receive(timeout=5)
        assert all("holds 2 sessions" in message for message in refused), refused
        held = stats_of_each_worker(base)
        assert sum(figures["sessions"] for figures in held.values()) == 2
        first.close()
        second.close()
        time.sleep(1 + 5 + 1.5)  # the hold time, then the reaper's period
        assert all(figures["sessions"] == 0 for figures in stats_of_each_worker(base).values())
        tabs = [Client(base) for _ in range(2)]
        for index, tab in enumerate(tabs):
            assert tab.hello(f"seed=0.5{index}")[0]["epoch"] == 0
            tab.close()


def test_two_workers_honour_the_per_client_cap_the_hello_deadline_and_the_allowed_hosts():
    with running_server(
        "--workers",
        "2",
        "--max-sessions-per-client",
        "1",
        "--hello-seconds",
        "1",
        "--allow-host",
        "playground.school.test",
        "--allow-origin",
        "https://lessons.test",
    ) as base:
        assert len(stats_of_each_worker(base)) == 2
        first = Client(base)
        first.hello("seed=0.1")
        for _ in range(3):
            other = Client(base)
            other.send(type="hello", hash="seed=0.2", resume=None)
            assert "your address already holds 1 sessions" in other.error()["message"]
            other.close()
        silent = Client(base)
        assert "no hello arrived within 1 s" in silent.error(timeout=5)["message"]
        port = int(base.rsplit(":", 1)[1])
        for _ in range(6):  # every worker knows the extra host
            assert get_status(port, "/healthz", host="playground.school.test") == 200
            assert get_status(port, "/healthz", host="evil.test") == 421
        with connect(base.replace("http", "ws") + "/ws", origin="https://lessons.test") as page:
            page.send('{"type": "hello", "hash": "seed=0.1", "resume": null}')
            # the address already holds its one session: refused with the reason, not for the origin
            assert "your address" in json.loads(page.recv(timeout=10))["message"]
        first.close()


def get_status(port: int, path: str, host: str, origin: str | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Host": host}
    if origin:
        headers["Origin"] = origin
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def test_a_foreign_host_is_refused_even_when_its_origin_agrees(server_url):
    port = int(server_url.rsplit(":", 1)[1])
    # DNS rebinding: the page of evil.example, its name now resolving to this machine
    assert get_status(port, "/", host=f"evil.example:{port}", origin=f"http://evil.example:{port}") == 421
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/", headers={"Host": "evil.example"})
    response = connection.getresponse()
    assert "does not serve the host evil.example" in response.read().decode()
    # Said in the language the browser prefers.
    connection.request("GET", "/", headers={"Host": "evil.example", "Accept-Language": "zh-CN,zh;q=0.9"})
    response = connection.getresponse()
    assert response.status == 421 and "这台服务器不为主机 evil.example 提供服务" in response.read().decode()
    with pytest.raises(InvalidStatus) as refused:
        # the socket goes to this machine; the URI (so Host) names evil.example
        with connect(
            f"ws://evil.example:{port}/ws",
            origin=f"http://evil.example:{port}",
            sock=socket.create_connection(("127.0.0.1", port)),
        ):
            pass
    assert refused.value.response.status_code == 403
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost"):
        assert get_status(port, "/", host=host) == 200


def own_address() -> str:
    """This machine's address on its network (not loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.254", 9))  # no packet is sent for a datagram connect
        return probe.getsockname()[0]


def test_stats_answer_other_machines_only_with_the_token():
    address = own_address()
    assert not address.startswith("127."), "the test needs an address other than loopback"
    with running_server("--host", "0.0.0.0", "--stats-token", "s3cret") as base:
        port = int(base.rsplit(":", 1)[1])
        other = f"http://{address}:{port}"
        with urllib.request.urlopen(other + "/healthz", timeout=5) as response:
            assert response.status == 200  # a classroom reaches the server by its address
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(other + "/stats", timeout=5)
        assert refused.value.code == 403 and "token" in refused.value.read().decode()
        request = urllib.request.Request(other + "/stats", headers={"X-Stats-Token": "s3cret"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert "sessions" in json.loads(response.read())
        request = urllib.request.Request(other + "/stats/reset", method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 403
        with urllib.request.urlopen(base + "/stats", timeout=5) as response:  # this machine itself
            assert "sessions" in json.loads(response.read())


def test_two_workers_share_a_class_evenly():
    """Each worker listens on its own socket (SO_REUSEPORT): the kernel spreads
    the tabs, where one shared socket gave one worker 26 of 30."""
    with running_server("--workers", "2", "--max-sessions-per-client", "40") as base:
        workers = stats_of_each_worker(base)
        assert len(workers) == 2, "both workers answer"
        assert all(figures["engine_threads"] == default_engine_threads(2) for figures in workers.values())
        tabs = [Client(base) for _ in range(30)]
        try:
            for index, tab in enumerate(tabs):
                tab.hello(f"seed=0.7{index:02d}")
            held = sorted(figures["sessions"] for figures in stats_of_each_worker(base).values())
            # 30 tabs hashed over two sockets: fewer than 5 on one side has odds of about 1 in 3,000.
            assert sum(held) == 30 and held[0] >= 5, held
        finally:
            for tab in tabs:
                tab.close()


def test_engine_threads_default_to_one_per_worker_when_the_workers_fill_the_cores():
    assert default_engine_threads(1, cores=2) == 2
    assert default_engine_threads(2, cores=2) == 1
    assert default_engine_threads(2, cores=8) == 2
    assert default_engine_threads(1, cores=1) == 1


def test_a_second_server_on_the_same_port_is_refused_with_the_reason():
    with running_server("--workers", "2") as base:
        port = base.rsplit(":", 1)[1]
        for workers in ("1", "2"):
            second = subprocess.run(
                [sys.executable, "-m", "server", "serve", "--port", port, "--workers", workers],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert second.returncode != 0
            assert "address already in use" in second.stderr.lower(), second.stderr
        with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # the first one serves on
            assert response.status == 200


def test_a_workers_connections_send_frames_without_waiting_for_acknowledgements():
    """A worker's socket, served as uvicorn serves it (asyncio's create_server
    with `sock=`), gives connections with Nagle's algorithm off: with it on, a
    frame written while the page's kernel still delayed its acknowledgement of
    the previous one waited up to 40 ms for it."""

    async def accept_one() -> int:
        loop = asyncio.get_running_loop()
        accepted: asyncio.Future = loop.create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport):
                sock = transport.get_extra_info("socket")
                accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        listening = reuse_port_socket("127.0.0.1", 0)
        server = await loop.create_server(Probe, sock=listening)
        try:
            _, writer = await asyncio.open_connection(*listening.getsockname()[:2])
            nodelay = await asyncio.wait_for(accepted, 10)
            writer.close()
            return nodelay
        finally:
            server.close()
            await server.wait_closed()

    assert run_in_fresh_loop(accept_one) != 0
