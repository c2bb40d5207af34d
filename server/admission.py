"""Admission: how many sessions the server holds, in all and per client address.

A session is counted from the moment it is admitted until the registry frees
it (its tab gone for the hold time, or evicted). Two bounds protect a class:
`max_sessions` over the whole server, and `max_sessions_per_client` for one
client address, so that one student cannot take every seat.

`LocalLedger` counts in memory, for a server of one process. `SharedLedger`
counts for several worker processes in one small file under a lock
(`fcntl.flock`), one entry per worker, so that `--workers N` keeps the same
bounds as one process; entries of workers that are gone are dropped.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from engine.messages import Message


class Refused(RuntimeError):
    """No seat: `message` says why and what to do (engine/messages.py)."""

    def __init__(self, message: Message):
        super().__init__(message)
        self.message = message


def _refusal(total: int, own: int, max_sessions: int, per_client: int) -> Message | None:
    if own >= per_client:
        return Message("refused_per_client", {"max": per_client})
    if total >= max_sessions:
        return Message("refused_full", {"max": max_sessions})
    return None


class LocalLedger:
    """Session counts of one process."""

    def __init__(self, max_sessions: int, max_sessions_per_client: int):
        self.max_sessions = max_sessions
        self.max_sessions_per_client = max_sessions_per_client
        self.counts: Counter[str] = Counter()

    def try_take(self, client: str) -> Message | None:
        """Count one more session for `client`, or return why not."""
        reason = _refusal(
            sum(self.counts.values()), self.counts[client], self.max_sessions, self.max_sessions_per_client
        )
        if reason is None:
            self.counts[client] += 1
        return reason

    def give_back(self, client: str) -> None:
        self.counts[client] -= 1
        if self.counts[client] <= 0:
            del self.counts[client]

    def is_per_client(self, reason: Message) -> bool:
        return reason.code == "refused_per_client"


class SharedLedger(LocalLedger):
    """Session counts of all workers, in `directory/sessions.json` under a lock."""

    def __init__(self, directory: str, max_sessions: int, max_sessions_per_client: int):
        super().__init__(max_sessions, max_sessions_per_client)
        self.path = Path(directory) / "sessions.json"
        self.lock_path = Path(directory) / "sessions.lock"
        self.pid = str(os.getpid())

    def try_take(self, client: str) -> Message | None:
        with self._locked() as table:
            total = sum(sum(counts.values()) for counts in table.values())
            own = sum(counts.get(client, 0) for counts in table.values())
            reason = _refusal(total, own, self.max_sessions, self.max_sessions_per_client)
            if reason is None:
                self.counts[client] += 1
                table[self.pid] = dict(self.counts)
            return reason

    def give_back(self, client: str) -> None:
        with self._locked() as table:
            super().give_back(client)
            table[self.pid] = dict(self.counts)

    @contextmanager
    def _locked(self):
        """The table {worker pid: {client: count}} of live workers, written back on exit."""
        with open(self.lock_path, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                try:
                    table = json.loads(self.path.read_text() or "{}")
                except (OSError, ValueError):
                    table = {}
                table = {pid: counts for pid, counts in table.items() if _alive(pid)}
                yield table
                temporary = self.path.with_suffix(".tmp")
                temporary.write_text(json.dumps(table))
                temporary.replace(self.path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
