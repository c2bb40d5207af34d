"""The fair scheduler with real engine threads and real sessions."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from engine.session import Session
from server.scheduler import Account, FairScheduler

from .support import run_in_fresh_loop


def busy(seconds: float) -> None:
    """CPU work: the thread spins for `seconds` of its CPU time."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_a_session_never_has_two_turns_at_once():
    async def main():
        scheduler = FairScheduler(2)
        account = Account()
        inside = []
        lock = threading.Lock()

        def job():
            with lock:
                inside.append(1)
                assert len(inside) == 1
            busy(0.01)
            with lock:
                inside.pop()

        first = asyncio.ensure_future(scheduler.run(account, job))
        await asyncio.sleep(0)
        with pytest.raises(RuntimeError, match="already has a turn"):
            await scheduler.run(account, job)
        await first
        await scheduler.run(account, job)  # the next turn, once the first is done
        scheduler.shutdown()

    run_in_fresh_loop(main)


def test_a_light_session_is_served_beside_heavy_ones():
    async def main():
        scheduler = FairScheduler(2)
        heavies = [Account() for _ in range(4)]
        stop = False

        async def heavy(account):
            while not stop:
                await scheduler.run(account, lambda: busy(0.05))

        tasks = [asyncio.create_task(heavy(a)) for a in heavies]
        await asyncio.sleep(0.3)  # the heavy sessions are known to be heavy now
        light = Account()
        waits = []
        for _ in range(20):
            asked = time.perf_counter()
            await scheduler.run(light, lambda: busy(0.001))
            waits.append(time.perf_counter() - asked)
            await asyncio.sleep(1 / 60)
        stop = True
        await asyncio.gather(*tasks)
        scheduler.shutdown()
        return sorted(waits), [a.used for a in heavies]

    waits, used = run_in_fresh_loop(main)
    # one thread is kept for light turns, so the light session never waits for
    # a 50 ms heavy turn to end (loose: this machine is shared)
    assert waits[len(waits) // 2] < 0.03, waits
    assert min(used) > 0  # every heavy session had turns too


def test_slices_are_sized_from_the_measured_seconds_per_example():
    session = Session({"seed": "0.3", "networkShape": (8, 8), "batchSize": 1})
    account = Account()
    started = time.perf_counter()
    assert session.step(1) == 1
    account.learn(time.perf_counter() - started, session.examples_per_epoch)
    per_epoch_examples = session.examples_per_epoch
    two_epochs = account.seconds_per_example * per_epoch_examples * 2
    assert account.examples_for(two_epochs) == pytest.approx(2 * per_epoch_examples, rel=0.01)
    # The kernel stops at the first batch boundary after the bound (batch 1: right
    # there) and goes on from that place in the epoch at the next call.
    assert session.step(100, max_examples=int(1.5 * per_epoch_examples)) == 1
    assert session.trainer.position == per_epoch_examples // 2
    assert session.step(100, max_examples=per_epoch_examples // 2) == 1
    assert session.trainer.position == 0 and session.epoch == 3
    assert session.step(3, max_examples=10**9) == 3


def test_one_slow_turn_does_not_starve_a_tab_in_a_class():
    """A tab whose first turn was slow (the engine still loading, a collector
    pause) is served again within a few turns of the others, not after every
    other tab has caught up with it, and is not spaced as a heavy session."""

    async def main():
        scheduler = FairScheduler(1)
        class_ = [Account() for _ in range(10)]
        slow = Account()
        await scheduler.run(slow, lambda: busy(0.3))  # one slow turn
        assert scheduler.spacing(slow) > 0  # judged by that turn alone, it is heavy
        served = []
        stop = False

        async def tab(account, name):
            while not stop:
                await scheduler.run(account, lambda: busy(0.001))
                served.append(name)

        tasks = [asyncio.create_task(tab(a, i)) for i, a in enumerate(class_)]
        tasks.append(asyncio.create_task(tab(slow, "slow")))
        while "slow" not in served and len(served) < 2000:
            await asyncio.sleep(0.01)
        stop = True
        await asyncio.gather(*tasks)
        scheduler.shutdown()
        assert "slow" in served
        # Fair queuing with the lead bound: served once the others used ~50 ms more, not 300 ms each.
        assert served.index("slow") < 10 * 60, served.index("slow")
        assert scheduler.spacing(slow) == 0.0  # its latest turn was light: not spaced

    run_in_fresh_loop(main)


def test_a_waiting_turn_is_hurried_ahead_when_a_person_acts_once_every_tenth_of_a_second():
    """A change that arrives while its tab's ordinary turn waits in the queue
    moves that turn ahead (the turn then applies it), on the same allowance as
    a prompt turn; a turn already running is left alone."""

    async def main():
        scheduler = FairScheduler(1)
        order = []
        gate = threading.Event()
        holder = Account()
        blocker = asyncio.ensure_future(scheduler.run(holder, gate.wait))
        await asyncio.sleep(0.05)  # the one engine thread is held: the rest wait in the queue
        waiting = [asyncio.ensure_future(scheduler.run(Account(), lambda i=i: order.append(i))) for i in range(5)]
        person = Account()
        tab = asyncio.ensure_future(scheduler.run(person, lambda: order.append("tab")))
        await asyncio.sleep(0.01)
        hurried = scheduler.hurry(person)
        again = scheduler.hurry(person)  # the allowance is used
        running = scheduler.hurry(holder)  # its turn is not waiting
        gate.set()
        await asyncio.gather(blocker, tab, *waiting)
        scheduler.shutdown()
        return order, hurried, again, running

    order, hurried, again, running = run_in_fresh_loop(main)
    assert (hurried, again, running) == (True, False, False)
    assert order == ["tab", 0, 1, 2, 3, 4]


def test_a_prompt_turn_goes_ahead_of_the_queue_at_most_every_tenth_of_a_second():
    """A turn applying what a person did (a changed setting) starts before the
    turns already waiting; a page sending changes without pause gets that
    once per PROMPT_EVERY_SECONDS, its other turns waiting their fair turn."""

    async def main():
        scheduler = FairScheduler(1)
        order = []
        gate = threading.Event()
        blocker = asyncio.ensure_future(scheduler.run(Account(), gate.wait))
        await asyncio.sleep(0.05)  # the one engine thread is held: the rest wait in the queue
        waiting = [asyncio.ensure_future(scheduler.run(Account(), lambda i=i: order.append(i))) for i in range(5)]
        person = Account()
        changes = asyncio.ensure_future(scheduler.run(person, lambda: order.append("change"), prompt=True))
        await asyncio.sleep(0.01)
        gate.set()
        await asyncio.gather(blocker, changes, *waiting)
        first = list(order)

        # The same person again at once: not ahead this time (its share is used).
        order.clear()
        gate.clear()
        blocker = asyncio.ensure_future(scheduler.run(Account(), gate.wait))
        await asyncio.sleep(0.05)
        waiting = [asyncio.ensure_future(scheduler.run(Account(), lambda i=i: order.append(i))) for i in range(5)]
        again = asyncio.ensure_future(scheduler.run(person, lambda: order.append("change"), prompt=True))
        await asyncio.sleep(0.01)
        gate.set()
        await asyncio.gather(blocker, again, *waiting)
        scheduler.shutdown()
        return first, list(order)

    first, second = run_in_fresh_loop(main)
    assert first == ["change", 0, 1, 2, 3, 4]
    assert second.index("change") > 0, second
