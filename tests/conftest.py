"""Settings shared by every test folder."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="session", autouse=True)
def compiled_v8math():
    """Compile engine.v8math's functions once, in the test process, before any test.

    numba compiles a function on first use and keeps it in its on-disk cache; the
    servers the tests start then load it in milliseconds instead of compiling it
    (seconds) while a test waits for their first frame.
    """
    from engine import v8math

    for scalar in v8math.FUNCTIONS.values():
        scalar(0.5)
    for ufunc in v8math.ARRAY_FUNCTIONS.values():
        ufunc(np.array([0.5]))
    # The training kernel too: on a fresh clone its first compile takes about a
    # minute of CPU, which no server's first frame should wait for in a test.
    from engine.training import warm_up

    warm_up()


@pytest.fixture(scope="session")
def redis_server():
    """One real redis-server for the whole run (tests/redis_server.py)."""
    from .redis_server import RedisServer

    server = RedisServer().start()
    yield server
    server.stop()
