"""LoopWaker: another thread wakes a real asyncio loop, which calls back on its own thread."""

from __future__ import annotations

import asyncio
import os
import threading

import pytest

from server.loop_waker import LoopWaker

from .support import run_in_fresh_loop


def test_a_wake_from_another_thread_calls_back_on_the_loop_thread():
    async def scenario():
        loop = asyncio.get_running_loop()
        called = asyncio.Event()
        threads = []

        def callback():
            threads.append(threading.get_ident())
            called.set()

        waker = LoopWaker(loop, callback)
        woke = []
        sender = threading.Thread(target=lambda: woke.append(waker.wake()))
        sender.start()
        sender.join()
        await asyncio.wait_for(called.wait(), 5)
        waker.close()
        return woke, threads, threading.get_ident()

    woke, threads, loop_thread = run_in_fresh_loop(scenario)
    assert woke == [True]
    assert threads and set(threads) == {loop_thread}


def test_many_wakes_before_the_loop_looks_give_at_least_one_call_and_leave_the_pipe_empty():
    async def scenario():
        loop = asyncio.get_running_loop()
        calls = []
        waker = LoopWaker(loop, lambda: calls.append(1))
        # 100,000 bytes overfill a pipe (64 KiB): the writes past that fail with
        # EAGAIN and must neither block nor raise.
        sender = threading.Thread(target=lambda: [waker.wake() for _ in range(100_000)])
        sender.start()
        sender.join()
        for _ in range(50):
            await asyncio.sleep(0.01)
        settled = len(calls)
        await asyncio.sleep(0.1)
        read_fd = waker._fds[0]
        waker.close()
        return settled, len(calls), read_fd

    settled, later, read_fd = run_in_fresh_loop(scenario)
    assert settled >= 1
    assert later == settled  # drained: no call without a new wake
    with pytest.raises(OSError):
        os.fstat(read_fd)  # closed


def test_after_close_or_with_the_loop_closed_a_wake_says_no_and_writes_nothing():
    loop = asyncio.new_event_loop()
    calls = []
    waker = LoopWaker(loop, lambda: calls.append(1))
    waker.close()
    waker.close()  # idempotent
    assert waker.wake() is False

    second = LoopWaker(loop, lambda: calls.append(2))
    loop.close()
    assert second.wake() is False
    assert calls == []
