"""The fair scheduler: every session gets its share of the engine, whatever its network.

Engine work (building a session, applying commands, training, drawing a
frame) runs on a small pool of engine threads, so the event loop keeps
serving every tab; with an engine that releases the GIL the pool uses every
core. Sessions take turns by fair queuing: each session's `Account` records
the engine seconds it has used, and a free thread always takes the waiting
turn of the session that has used least (a session that was idle starts
level with the least-served waiting one, so idling banks no credit). A
light tab is therefore served next even beside heavy ones, and a heavy
session's turn is kept short: `slice_seconds()` is its share of the engine
for one frame, and the turn trains only as many examples as that allows,
from the session's own measured seconds per example.

A session is never worked on by two threads at once: an account has at most
one turn waiting or running (`run` refuses a second), and each connection
awaits its turn before asking for the next.

State belongs to the event loop; threads only report back through
`call_soon_threadsafe`.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

FRAME_SECONDS = 1 / 60  # the display's pace
ENGINE_SHARE = 0.75  # of each thread's frame time, the rest is drawing frames and the loop
MIN_SLICE_SECONDS = 0.002
MAX_SLICE_SECONDS = 0.012
DEMAND_WINDOW_SECONDS = 0.1  # a session that had a turn this recently competes for the next frame


class Account:
    """One session's standing with the scheduler."""

    def __init__(self):
        self.used = 0.0  # engine seconds used (its virtual time)
        self.busy = False  # a turn is waiting or running
        self.seconds_per_example: float | None = None  # measured, smoothed
        self.last_turn = 0.0

    def learn(self, seconds: float, examples: int) -> None:
        """Fold one training measurement into the seconds per example."""
        if examples <= 0 or seconds <= 0:
            return
        rate = seconds / examples
        old = self.seconds_per_example
        self.seconds_per_example = rate if old is None else 0.7 * old + 0.3 * rate

    def examples_for(self, seconds: float) -> int | None:
        """How many training examples fit in `seconds` (None: not measured yet)."""
        if self.seconds_per_example is None:
            return None
        return max(1, int(seconds / self.seconds_per_example))


class FairScheduler:
    """A pool of `threads` engine threads shared by all sessions in fair turns."""

    def __init__(self, threads: int = 2):
        self.threads = max(1, threads)
        self._executor = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="engine")
        self._waiting: list = []  # heap of (virtual start, order, account, job, future)
        self._order = itertools.count()
        self._running = 0
        self._clock = 0.0  # virtual start of the latest turn begun
        self._recent: dict[Account, float] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    async def run(self, account: Account, job: Callable[[], Any]) -> Any:
        """Run `job()` on an engine thread in `account`'s turn; its result or exception."""
        if account.busy:
            raise RuntimeError("this session already has a turn waiting or running")
        self._loop = asyncio.get_running_loop()
        account.busy = True
        account.used = max(account.used, self._clock)
        future = self._loop.create_future()
        heapq.heappush(self._waiting, (account.used, next(self._order), account, job, future))
        self._start_waiting()
        return await future

    def slice_seconds(self) -> float:
        """The engine time one session's turn may take now: the pool's frame
        time shared among the sessions that want turns."""
        now = time.monotonic()
        if len(self._recent) > 64:
            self._recent = {a: t for a, t in self._recent.items() if now - t < DEMAND_WINDOW_SECONDS}
        demand = sum(1 for t in self._recent.values() if now - t < DEMAND_WINDOW_SECONDS)
        share = self.threads * FRAME_SECONDS * ENGINE_SHARE / max(1, demand)
        return min(MAX_SLICE_SECONDS, max(MIN_SLICE_SECONDS, share))

    def waiting(self) -> int:
        return len(self._waiting)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _start_waiting(self) -> None:
        while self._running < self.threads and self._waiting:
            start, _, account, job, future = heapq.heappop(self._waiting)
            if future.cancelled():  # its connection went away while it waited
                account.busy = False
                continue
            self._running += 1
            self._clock = start
            account.last_turn = self._recent[account] = time.monotonic()
            done = self._executor.submit(_timed, job)
            done.add_done_callback(lambda d, a=account, f=future: self._report(a, f, d))

    def _report(self, account: Account, future: asyncio.Future, done) -> None:
        try:
            self._loop.call_soon_threadsafe(self._finished, account, future, done)
        except RuntimeError:  # the loop is closed: the server is stopping
            pass

    def _finished(self, account: Account, future: asyncio.Future, done) -> None:
        self._running -= 1
        account.busy = False
        if done.cancelled():
            if not future.done():
                future.cancel()
        else:
            ok, value, seconds = done.result()
            account.used += seconds
            if not future.done():
                future.set_result(value) if ok else future.set_exception(value)
        self._start_waiting()


def _timed(job: Callable[[], Any]) -> tuple[bool, Any, float]:
    started = time.perf_counter()
    try:
        value, ok = job(), True
    except BaseException as error:  # handed to the awaiting task
        value, ok = error, False
    return ok, value, time.perf_counter() - started
