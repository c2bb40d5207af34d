"""Logs that a flood cannot fill: one line per cause per interval.

A burst of bad clients (thousands of half-sent requests, a full file table)
makes the server and asyncio log the same complaint thousands of times a
second, each with a traceback. `OncePerInterval` lets the first record of a
cause through, as one line without the traceback, and drops the rest of that
interval; the next line of that cause says how many were dropped.
"""

from __future__ import annotations

import logging
import time

INTERVAL_SECONDS = 10.0
FLOODED_LOGGERS = ("uvicorn.error", "asyncio", "playground")


class OncePerInterval(logging.Filter):
    """A filter that passes one record per cause (logger, message template,
    exception type) per `interval` seconds."""

    def __init__(self, interval: float = INTERVAL_SECONDS, clock=time.monotonic):
        super().__init__()
        self.interval = interval
        self.clock = clock
        self.last: dict[tuple, float] = {}
        self.dropped: dict[tuple, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        cause = (record.name, str(record.msg), type(error).__name__ if error else None)
        now = self.clock()
        if now - self.last.get(cause, -self.interval) < self.interval:
            self.dropped[cause] = self.dropped.get(cause, 0) + 1
            return False
        self.last[cause] = now
        if len(self.last) > 1000:  # causes are few; never let the table itself grow without bound
            self.last = {cause: now}
        dropped = self.dropped.pop(cause, 0)
        if error is not None:
            record.msg = f"{record.getMessage()}: {type(error).__name__}: {error}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        if dropped:
            record.msg = f"{record.getMessage()} ({dropped} more like this in the last {self.interval:g} s)"
            record.args = None
        return True


def install(interval: float = INTERVAL_SECONDS) -> None:
    """Put one filter on each logger that floods can reach (idempotent)."""
    for name in FLOODED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, OncePerInterval) for f in logger.filters):
            logger.addFilter(OncePerInterval(interval))
