"""The fair scheduler: every session gets its share of the engine, whatever its network.

Engine work (building a session, applying commands, training, drawing a
frame) runs on a small pool of engine threads, so the event loop keeps
serving every tab; with an engine that releases the GIL the pool uses every
core. Sessions take turns by fair queuing: each session's `Account` records
the engine seconds it has used, and a free thread always takes the waiting
turn of the session that has used least (a session that was idle starts
level with the least-served waiting one, so idling banks no credit, and no
session stands more than MAX_LEAD_SECONDS ahead, so none waits long). A
light tab is therefore served next even beside heavy ones, and a heavy
session's turn is kept short: `slice_seconds()` is its share of the engine
for one frame, and the turn trains only as many examples as that allows,
from the session's own measured seconds per example.

Some work cannot be cut: with the NumPy engine a whole epoch, and with any
engine the grids of a large network. A session whose last turn took longer
than the longest slice is "heavy", and heavy turns may occupy all threads but
one, so a light tab always finds a thread within one light turn; heavy
sessions share the rest, and `spacing()` gives each heavy session fewer
frames rather than more than its share.

A session is never worked on by two threads at once: an account has at most
one turn waiting or running (`run` refuses a second), and each connection
awaits its turn before asking for the next.

The waiting queue and the accounts are shared by the loop and the engine
threads under one lock; results reach the loop through
`call_soon_threadsafe`.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

from .loop_waker import LoopWaker

FRAME_SECONDS = 1 / 60  # the display's pace
ENGINE_SHARE = 0.75  # of each thread's frame time, the rest is drawing frames and the loop
MIN_SLICE_SECONDS = 0.002
MAX_SLICE_SECONDS = 0.012
MAX_SPACING_SECONDS = 1.0  # even the heaviest session shows a frame a second
# How far ahead of the others a session's used time may stand. Fair queuing
# serves the least-served first; without a bound, one slow turn (a first
# turn while the engine still loads, a collector pause) put a tab seconds of
# engine time ahead of a class of 30, and it waited for all of them to catch
# up: 10 s without a frame.
MAX_LEAD_SECONDS = 0.05
DEMAND_WINDOW_SECONDS = 0.5  # a session that had a turn this recently competes for the next frame
PROMPT_EVERY_SECONDS = 0.1  # a session's turns go ahead of the queue at most this often
DEMAND_RECOUNT = 0.05  # seconds between counts of the sessions that want turns
# How long a finished turn may wait for the next one to finish before the loop
# is woken for it (its frame is that much later; the loop wakes less often).
DELIVERY_DELAY_SECONDS = 0.002


class Account:
    """One session's standing with the scheduler."""

    def __init__(self):
        self.used = 0.0  # engine seconds used (its virtual time)
        self.busy = False  # a turn is waiting or running
        self.seconds_per_example: float | None = None  # measured, smoothed
        self.last_turn = 0.0
        self.last_prompt = -1e9  # when a turn of its last went ahead of the queue (`run(prompt=True)`)
        self.last_cost = 0.0  # engine seconds of its latest turn
        self.cost = 0.0  # engine seconds of its turns, smoothed (what spacing reads)

    def charge(self, seconds: float) -> None:
        """A turn of `seconds` ended."""
        self.used += seconds
        self.last_cost = seconds
        self.cost = 0.8 * self.cost + 0.2 * seconds

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
    """`threads` engine threads shared by all sessions in fair turns.

    The engine threads take turns from the waiting queue themselves, and a
    thread that finishes a turn starts the next at once; finished turns go
    back to the event loop in batches (one wake-up of the loop for all the
    turns that ended while it was busy). A class of 30 tabs asks for 1,800
    turns a second: handing each through an executor and back through its
    own loop wake-up cost more GIL time than drawing its frame.

    The queue and every `Account` field it reads are guarded by one lock.
    """

    def __init__(self, threads: int = 2):
        self.threads = max(1, threads)
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)  # engine threads wait here for a turn
        self._waiting: list = []  # heap of (virtual start, order, account, job, future, heavy)
        self._order = itertools.count()
        self._running = 0
        self._running_heavy = 0  # turns running for heavy sessions (see `_heavy`)
        self._clock = 0.0  # virtual start of the latest turn begun
        self._recent: dict[Account, float] = {}
        self._demand_cache = (0.0, 1)  # (when counted, sessions) — counted at most every DEMAND_RECOUNT
        self._finished: list = []  # (account, future, ok, value) for the loop to deliver
        self._finished_since = 0.0  # engine_clock() when the oldest of them finished
        self._delivery_due = False  # a `_deliver` call is on its way to the loop
        self._engine_threads: list[threading.Thread] = []
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waker: LoopWaker | None = None  # how engine threads wake the loop (made with it)

    async def run(
        self, account: Account, job: Callable[[], Any], heavy: bool | None = None, prompt: bool = False
    ) -> Any:
        """Run `job()` on an engine thread in `account`'s turn; its result or
        exception. `heavy` says up front that the job cannot be kept short
        (None: judge by the session's last turn). `prompt`: the turn applies
        something a person just did (a changed setting, a click); it goes
        ahead of the waiting turns, once per PROMPT_EVERY_SECONDS at most, so
        a change shows within a frame or two even in a full class, and a page
        that sends changes without pause still takes its fair share only."""
        if account.busy:
            raise RuntimeError("this session already has a turn waiting or running")
        if self._stopping:
            raise RuntimeError("the engine is stopping")
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            if self._waker is not None:
                self._waker.close()
            self._loop, self._waker = loop, LoopWaker(loop, self._deliver)
        future = loop.create_future()
        now = time.monotonic()
        with self._lock:
            account.busy = True
            account.used = min(max(account.used, self._clock), self._clock + MAX_LEAD_SECONDS)
            start = self._go_ahead(account, now) if prompt and self._may_go_ahead(account, now) else account.used
            heapq.heappush(self._waiting, (start, next(self._order), account, job, future, heavy))
            self._work.notify()
        if len(self._engine_threads) < self.threads:
            self._start_threads()
        return await future

    def hurry(self, account: Account) -> bool:
        """A person just did something in `account`'s session while its turn
        waits in the queue (the tab's ordinary next frame): that turn goes
        ahead, on the same allowance as `run(prompt=True)`, and applies what
        arrived (the connection's turn takes it from the inbox). Without this
        the change waited for that turn's fair place, its frame, and then a
        turn of its own: a third of a frame to a frame and a half more in a
        full class. False when the turn is already running or the allowance
        is used."""
        now = time.monotonic()
        with self._lock:
            if not self._may_go_ahead(account, now):
                return False
            for at, entry in enumerate(self._waiting):
                if entry[2] is account:
                    self._waiting[at] = (self._go_ahead(account, now), *entry[1:])
                    heapq.heapify(self._waiting)
                    return True
        return False

    @staticmethod
    def _may_go_ahead(account: Account, now: float) -> bool:
        """Whether `account`'s allowance lets a turn of its go ahead now (lock held)."""
        return now - account.last_prompt >= PROMPT_EVERY_SECONDS

    def _go_ahead(self, account: Account, now: float) -> float:
        """Use `account`'s allowance: the virtual start that puts its turn
        ahead of every waiting one (its account keeps its time; lock held)."""
        account.last_prompt = now
        return self._clock - MAX_LEAD_SECONDS

    def slice_seconds(self) -> float:
        """The engine time one session's turn may take now: the pool's frame
        time shared among the sessions that want turns."""
        share = self.threads * FRAME_SECONDS * ENGINE_SHARE / self._demand()
        return min(MAX_SLICE_SECONDS, max(MIN_SLICE_SECONDS, share))

    def _demand(self) -> int:
        """Sessions that had a turn within the demand window (at least 1),
        recounted at most every DEMAND_RECOUNT seconds (asked twice per frame
        of every tab, and the count goes over every session)."""
        now = time.monotonic()
        counted_at, count = self._demand_cache
        if now - counted_at < DEMAND_RECOUNT:
            return count
        with self._lock:
            self._recent = {a: t for a, t in self._recent.items() if now - t < DEMAND_WINDOW_SECONDS}
            count = max(1, len(self._recent))
        self._demand_cache = (now, count)
        return count

    def spacing(self, account: Account) -> float:
        """The least time from the start of `account`'s latest turn to its
        next one. A heavy session (its turns, smoothed, cost more than the
        longest slice: a large network, whose grids alone cannot be split)
        waits its cost over its share of the pool, so it shows fewer frames
        instead of taking other sessions' time; at most MAX_SPACING_SECONDS.
        Light sessions (and one whose latest turn was light) are not spaced:
        fair queuing already orders them, and spacing them by one slow turn (a
        collector pause, a busy machine) once left a tab without frames for
        seconds."""
        if min(account.cost, account.last_cost) <= MAX_SLICE_SECONDS:
            return 0.0
        return min(MAX_SPACING_SECONDS, account.cost * self._demand() / self.threads)

    def waiting(self) -> int:
        return len(self._waiting)

    def shutdown(self, wait: bool = False) -> None:
        """Stop taking turns (the waiting ones are cancelled); with `wait`,
        let the running ones finish first. Called on the event loop."""
        with self._lock:
            self._stopping = True
            waiting, self._waiting = self._waiting, []
            self._work.notify_all()
        for _, _, account, _, future, _ in waiting:
            account.busy = False
            future.cancel()
        if wait:
            for thread in self._engine_threads:
                thread.join()

    # --- the engine threads -------------------------------------------------------

    def _start_threads(self) -> None:
        while len(self._engine_threads) < self.threads:
            thread = threading.Thread(target=self._serve, name=f"engine-{len(self._engine_threads)}", daemon=True)
            self._engine_threads.append(thread)
            thread.start()

    def _serve(self) -> None:
        """One engine thread: take the fairest turn that may run, run it, and
        hand finished turns to the loop when it has no next turn, when the
        next is not a short one, or when the oldest has waited
        DELIVERY_DELAY_SECONDS. Waking the loop is a
        write to its self-pipe and a thread switch; once per turn, that was a
        twelfth of a worker's busy time in a class of 30."""
        while True:
            with self._lock:
                entry = self._next_turn()
                due = (
                    entry is None
                    or entry[2].cost > DELIVERY_DELAY_SECONDS  # the next turn is a long one: deliver first
                    or engine_clock() - self._finished_since >= DELIVERY_DELAY_SECONDS
                )
                deliver = due and bool(self._finished) and not self._delivery_due
                self._delivery_due |= deliver
            if deliver and not self._wake_loop():
                return
            if entry is None:
                with self._lock:
                    entry = self._next_turn()
                    while entry is None:
                        if self._stopping:
                            return
                        self._work.wait()
                        entry = self._next_turn()
            _, _, account, job, future, heavy = entry
            ok, value, seconds = _timed(job)
            with self._lock:
                self._running -= 1
                self._running_heavy -= heavy
                account.charge(seconds)
                if not self._finished:
                    self._finished_since = engine_clock()
                self._finished.append((account, future, ok, value))
                if heavy and self._waiting:
                    self._work.notify_all()  # a held-back heavy turn may run now

    def _wake_loop(self) -> bool:
        """Ask the loop to deliver the finished turns (False: the loop is closed).
        The `LoopWaker` keeps the GIL while it wakes the loop (see its docstring)."""
        return self._waker.wake()

    def _next_turn(self):
        """The waiting turn to start now (lock held), or None. Fair queuing: the
        session that has used least goes first; heavy turns may hold all
        threads but one, so a light tab always finds a thread."""
        held_back = []
        chosen = None
        while self._waiting and not self._stopping:
            entry = heapq.heappop(self._waiting)
            start, _, account, _, future, heavy = entry
            if future.cancelled():  # its connection went away while it waited
                account.busy = False
                continue
            heavy = self._heavy(account) if heavy is None else heavy
            if heavy and self._running_heavy >= self.threads - 1 and self.threads > 1:
                held_back.append(entry)  # one thread stays free for light turns
                continue
            self._running += 1
            self._running_heavy += heavy
            self._clock = max(self._clock, start)  # a prompt turn starts early without turning the clock back
            account.last_turn = self._recent[account] = time.monotonic()
            chosen = entry[:5] + (heavy,)
            break
        for entry in held_back:
            heapq.heappush(self._waiting, entry)
        return chosen

    @staticmethod
    def _heavy(account: Account) -> bool:
        """A session whose turns cannot be kept to a slice (its last one was
        longer than the longest slice: an epoch or grids that cannot be split)."""
        return account.last_cost > MAX_SLICE_SECONDS

    def _deliver(self) -> None:
        """On the loop: hand every finished turn's result to its awaiting task."""
        with self._lock:
            finished, self._finished = self._finished, []
            self._delivery_due = False
            for account, *_ in finished:
                account.busy = False  # from here its connection may ask for the next turn
        for _, future, ok, value in finished:
            if not future.done():
                future.set_result(value) if ok else future.set_exception(value)


# The clock turns are measured and budgeted with. Wall time, not the thread's
# CPU time: CPU time would not charge a session for waiting on the GIL or a
# core, but reading it is a system call (CLOCK_THREAD_CPUTIME_ID has no vDSO
# path), about 10 µs on the virtual machines this runs on, made with the GIL
# held, several times per frame of every session: with a class of 30 tabs that
# was a quarter of all GIL time. perf_counter costs 0.2 µs.
engine_clock = time.perf_counter


def _timed(job: Callable[[], Any]) -> tuple[bool, Any, float]:
    """Run `job`; (ok, value or exception, the seconds it took)."""
    started = engine_clock()
    try:
        value, ok = job(), True
    except BaseException as error:  # handed to the awaiting task
        value, ok = error, False
    return ok, value, engine_clock() - started
