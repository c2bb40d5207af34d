"""Disconnects lose nothing; several sessions at once."""

from __future__ import annotations

import json
import threading
import time
import urllib.request

import pytest

from .support import Client


def test_dropped_connection_resumes_the_same_session(server_url):
    first = Client(server_url)
    header, _ = first.hello("seed=0.4")
    session_id = header["session"]
    for _ in range(3):
        first.send(type="step")
    stepped, _ = first.frame(where=lambda h: h["epoch"] == 3)
    first.socket.close()  # the tab's connection drops

    again = Client(server_url)
    header, _ = again.hello("seed=0.4", resume=session_id)
    assert header["session"] == session_id
    assert header["epoch"] == 3
    assert header["weights"] == stepped["weights"]
    assert header["data"]["train"] == stepped.get("data", header["data"])["train"]
    assert [p[0] for p in header["lossPoints"]] == [0, 1, 2, 3]
    again.close()


def test_session_is_freed_after_the_hold_time_and_comes_back_from_its_checkpoint(server_url):
    first = Client(server_url)
    header, _ = first.hello("seed=0.4")
    first.send(type="step")
    stepped, _ = first.frame(where=lambda h: h["epoch"] == 1)
    first.close()
    time.sleep(3 + 5 + 1)  # hold time of the test server + the reaper's period
    assert stats(server_url)["sessions"] == 0  # the memory is freed
    again = Client(server_url)
    header2, _ = again.hello("seed=0.4", resume=header["session"])
    assert header2["session"] == header["session"]  # the store still had it
    assert header2["epoch"] == 1 and header2["weights"] == stepped["weights"]
    again.close()


def test_a_session_in_use_cannot_be_taken_over(server_url):
    first = Client(server_url)
    header, _ = first.hello("seed=0.4")
    thief = Client(server_url)
    stolen, _ = thief.hello("seed=0.4", resume=header["session"])
    assert stolen["session"] != header["session"]
    first.close()
    thief.close()


def test_concurrent_sessions_all_train(server_url):
    results = {}

    def run(index: int) -> None:
        c = Client(server_url)
        c.hello(f"seed=0.{index}1&dataset=xor")
        c.send(type="play")
        header, _ = c.frame(where=lambda h: h["epoch"] >= 20, timeout=60)
        c.send(type="pause")
        results[index] = header["epoch"]
        c.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    assert sorted(results) == list(range(6))
    assert all(epoch >= 20 for epoch in results.values())


def stats(server_url: str) -> dict:
    with urllib.request.urlopen(server_url + "/stats", timeout=5) as response:
        return json.loads(response.read())


def test_many_abrupt_disconnects_leak_nothing(server_url):
    time.sleep(3 + 5 + 1)  # let earlier tests' sessions expire
    before = stats(server_url)
    for i in range(100):
        c = Client(server_url)
        c.send(type="hello", hash=f"seed=0.{i}", resume=None)
        if i % 2:
            c.send(type="play")
            c.frame()
        c.socket.close()
    time.sleep(3 + 5 + 1)  # the hold time of the test server, then the reaper
    after = stats(server_url)
    assert after["sessions"] == before["sessions"] == 0
    assert after["tasks"] <= before["tasks"]
    assert after["threads"] <= before["threads"] + 1  # the engine thread may have started
    assert after["rss_kib"] - before["rss_kib"] < 40_000
    c = Client(server_url)
    header, _ = c.hello("seed=0.5")
    assert header["epoch"] == 0
    c.close()


def test_a_full_server_asks_new_tabs_to_come_back_later():
    from websockets.exceptions import ConnectionClosed

    from .support import running_server

    with running_server("--max-sessions", "2") as base:
        first, second = Client(base), Client(base)
        first.hello("seed=0.1")
        second.hello("seed=0.2")
        third = Client(base)
        third.send(type="hello", hash="seed=0.3", resume=None)
        error = third.error()
        assert "holds 2 sessions" in error["message"] and error["command"] == "hello"
        with pytest.raises(ConnectionClosed) as closed:
            third.receive(timeout=5)
        assert closed.value.rcvd.code == 1013
        first.send(type="step")  # the tabs already in keep working
        header, _ = first.frame(where=lambda h: h["epoch"] == 1)
        assert header["epoch"] == 1
        for c in (first, second):
            c.close()
