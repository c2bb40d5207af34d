"""Abuse limits of one connection: malformed messages count, valid ones never do.

More than `ABUSE_LIMIT` malformed messages (not JSON, unknown types, bad
fields) within `ABUSE_WINDOW_SECONDS` close the connection with code 1008
and a reason; a page that sends valid commands too fast is throttled by the
inbox instead (`inbox.py`). Messages over 64 KiB are refused by the
websocket itself (close code 1009).
"""

from __future__ import annotations

import time
from collections import deque

ABUSE_WINDOW_SECONDS = 10.0
ABUSE_LIMIT = 200
CLOSE_POLICY = 1008
CLOSE_TRY_AGAIN_LATER = 1013
ABUSE_REASON = "too many malformed messages"


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
