"""Abuse limits of one connection: malformed messages count, valid ones never do.

More than `ABUSE_LIMIT` malformed messages (not JSON, unknown types, bad
fields) within `ABUSE_WINDOW_SECONDS` close the connection with code 1008
and a reason; a page that sends valid commands too fast is throttled by the
inbox instead (`inbox.py`). Messages over 64 KiB are refused by the
websocket itself (close code 1009).

Reading is paced too (`MessageRate`): one connection's messages are read at
most `MESSAGES_PER_SECOND` a second after a burst of `MESSAGE_BURST`. Every
message read costs the event loop, which all tabs share; a page that sends
faster is simply read later (the socket's flow control slows its sender),
and nothing it sent is lost or counted against it.
"""

from __future__ import annotations

import time
from collections import deque

ABUSE_WINDOW_SECONDS = 10.0
ABUSE_LIMIT = 200
CLOSE_POLICY = 1008
CLOSE_TRY_AGAIN_LATER = 1013
ABUSE_REASON = "too many malformed messages"
MESSAGES_PER_SECOND = 600.0  # ten a frame: far more than a person at a page can send
MESSAGE_BURST = 300.0


class AbuseCounter:
    """Malformed messages of one connection within the window."""

    def __init__(self, limit: int = ABUSE_LIMIT, window: float = ABUSE_WINDOW_SECONDS, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self.strikes: deque[float] = deque()

    def strike(self) -> bool:
        """Count one malformed message; True when the limit is passed."""
        now = self.clock()
        self.strikes.append(now)
        while self.strikes and now - self.strikes[0] > self.window:
            self.strikes.popleft()
        return self.exceeded

    @property
    def exceeded(self) -> bool:
        return len(self.strikes) > self.limit


class MessageRate:
    """A token bucket for reading one connection's messages."""

    def __init__(self, rate: float = MESSAGES_PER_SECOND, burst: float = MESSAGE_BURST, clock=time.monotonic):
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.tokens = burst
        self.updated = clock()

    def delay(self) -> float:
        """Take one message; the seconds to wait before reading it (0: now)."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate
