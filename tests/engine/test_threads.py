"""The kernel releases the GIL: sessions in different threads of one process
train on different cores at once."""

from __future__ import annotations

import threading
import time

from engine.session import Session
from engine.share_hash import parse_hash

LINK = (
    "dataset=spiral&x=true&y=true&xTimesY=true&xSquared=true&ySquared=true&sinX=true&sinY=true"
    "&networkShape=8,8,8,8,8,8&activation=tanh&batchSize=10&seed=0.5"
)


def _session() -> Session:
    return Session(parse_hash(LINK).settings)


def test_python_runs_while_a_session_trains_in_another_thread():
    session = _session()
    session.step(1)
    inside = threading.Event()
    done = threading.Event()

    def train():
        inside.set()
        session.step(400)
        done.set()

    thread = threading.Thread(target=train)
    thread.start()
    inside.wait()
    spins = 0
    while not done.is_set():
        spins += 1  # needs the GIL: only possible while the trainer has let it go
    thread.join()
    assert session.epoch == 401
    assert spins > 10_000


def test_two_sessions_train_faster_in_two_threads_than_one_after_the_other():
    """A loose bound, as the machine is shared: in the best of five tries the
    two threads finish in under 90 % of the serial time, or their process used
    clearly more than one core's CPU time over the parallel stretch."""
    epochs = 150
    tries = []
    for _ in range(5):
        first, second = _session(), _session()
        first.step(1), second.step(1)
        started = time.perf_counter()
        first.step(epochs)
        second.step(epochs)
        serial = time.perf_counter() - started

        first, second = _session(), _session()
        first.step(1), second.step(1)
        threads = [threading.Thread(target=s.step, args=(epochs,)) for s in (first, second)]
        started, cpu = time.perf_counter(), time.process_time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        parallel, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert first.epoch == second.epoch == epochs + 1
        tries.append((parallel / serial, cpu / parallel))
        if parallel / serial < 0.9 or cpu / parallel > 1.3:
            break
    assert min(r for r, _ in tries) < 0.9 or max(c for _, c in tries) > 1.3, tries
