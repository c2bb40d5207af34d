"""Session checkpoints: what lets a tab's session outlive its server process.

Every held session is written to the store (`put_checkpoint`, keyed by the
session id, expiring after `ttl_seconds`) as `snapshots.saved_body` bytes:
a paused session at once after every turn that changed something, a training
one every `every_seconds`, every session when its tab disconnects and when
the server shuts down gracefully. A tab that reconnects with its session id
to a process that does not hold the session (the server was killed or
restarted, or the tab landed on another `--workers` process) gets it back
from its last checkpoint.

The state is encoded in the session's own turn (an engine thread, which owns
the session then); the store write happens on this module's one writer
thread, so neither the event loop nor the engine threads wait for the disk.
Writes for one session are coalesced: only the newest body is written.

Ownership: the process that restores a session from its checkpoint claims it
in the store (`claim_session`). A process writes checkpoints only of sessions
nobody else has claimed, and before resuming a session it still holds it
checks the claim; if another process took the session, it frees its own copy
and restores the newer checkpoint instead. So two processes never both own
a session.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time

from engine.messages import Message
from engine.session_state import StateError

from .snapshots import Opened, open_saved, saved_body
from .store import StoreUnavailable

LOG = logging.getLogger("playground")
# While the store does not answer (a shared Redis lost), the writer keeps the
# newest checkpoint of each session and tries again this often; the sessions
# go on training in memory meanwhile.
RETRY_SECONDS = 1.0


class Checkpoints:
    """Checkpoint writer and reader of one server process (`owner` names it)."""

    def __init__(self, store, every_seconds: float = 3.0, ttl_seconds: float = 86400.0):
        self.store = store
        self.owner = secrets.token_hex(8)
        self.every_seconds = every_seconds
        self.ttl_seconds = ttl_seconds
        self.written = 0
        self._last: dict[str, float] = {}  # session id → when its last checkpoint was taken (monotonic)
        self._pending: dict[str, bytes] = {}
        self._claims: list[str] = []
        self._busy = False
        self._closed = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._write_forever, name="checkpoint-writer", daemon=True)
        self._thread.start()

    # --- taking checkpoints (engine threads, in the session's turn) ---------------

    def after_turn(self, live, changed: bool) -> None:
        """Checkpoint `live` if due: paused and changed, or training and the
        last checkpoint is `every_seconds` old."""
        now = time.monotonic()
        if live.playing:
            due = now - self._last.get(live.id, -1e18) >= self.every_seconds
        else:
            due = changed
        if due:
            self.take(live, now)

    def take(self, live, now: float | None = None) -> None:
        """Encode `live` now and queue the write."""
        body = saved_body(live.session, live.hidden, live.unknown, playing=live.playing)
        self._last[live.id] = time.monotonic() if now is None else now
        with self._cond:
            self._pending[live.id] = body
            self._cond.notify()

    def forget(self, session_id: str) -> None:
        self._last.pop(session_id, None)

    def keep_only(self, held: set[str]) -> None:
        """Forget the timing of sessions this process no longer holds (their
        checkpoints stay in the store)."""
        for session_id in [key for key in list(self._last) if key not in held]:
            self._last.pop(session_id, None)

    # --- restoring (engine threads) ---------------------------------------------------

    def owned_elsewhere(self, session_id: str) -> bool:
        """Whether another process has claimed `session_id`."""
        try:
            owner = self.store.session_owner(session_id)
        except StoreUnavailable:
            return False  # nobody can tell: keep the copy held here, which goes on training
        return owner is not None and owner != self.owner

    def restore(self, session_id: str, datasets=None) -> tuple[Opened | None, Message | None]:
        """The session's last checkpoint, or None, and a notice when there was
        one that cannot be used."""
        try:
            body = self.store.get_checkpoint(session_id)
        except StoreUnavailable:
            return None, Message("checkpoint_unreachable")
        if body is None:
            return None, None
        try:
            return open_saved(body, datasets), None
        except StateError as error:
            return None, Message("checkpoint_unusable", {"reason": error.message})

    def claim(self, session_id: str) -> None:
        """This process owns `session_id` from now on (written before any
        later checkpoint of it)."""
        with self._cond:
            self._claims.append(session_id)
            self._cond.notify()

    # --- the writer thread -----------------------------------------------------------

    def _write_forever(self) -> None:
        retry_at = 0.0  # after a failed write, nothing is tried before this (monotonic)
        while True:
            with self._cond:
                while True:
                    wait = retry_at - time.monotonic()
                    if self._closed or ((self._pending or self._claims) and wait <= 0):
                        break
                    self._cond.wait(wait if wait > 0 else None)
                if self._closed and not (self._pending or self._claims):
                    return
                claims, self._claims = self._claims, []
                pending, self._pending = self._pending, {}
                self._busy = True
            written_claims, written = 0, []
            try:
                for session_id in claims:
                    self.store.claim_session(session_id, self.owner, self.ttl_seconds)
                    written_claims += 1
                for session_id, body in pending.items():
                    if not self.owned_elsewhere(session_id):  # else another process took it: its checkpoints are newer
                        self.store.put_checkpoint(session_id, body, self.ttl_seconds)
                        self.written += 1
                    written.append(session_id)
            except StoreUnavailable as error:
                # Keep what was not written (unless a newer body came meanwhile)
                # and try again; one log line per interval (logs.OncePerInterval).
                LOG.warning("session checkpoints not written, retrying every %gs: %s", RETRY_SECONDS, error)
                with self._cond:
                    self._claims = claims[written_claims:] + self._claims
                    for session_id, body in pending.items():
                        if session_id not in written:
                            self._pending.setdefault(session_id, body)
                    self._busy = False
                    self._cond.notify_all()
                    if self._closed:
                        return  # shutting down: the store is gone, nothing more can be kept
                retry_at = time.monotonic() + RETRY_SECONDS
                continue
            except Exception:  # a full disk must not end the writer
                LOG.exception("writing session checkpoints failed")
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued is written; returns whether it was."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending or self._claims or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued, then stop the writer."""
        self.flush(timeout)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout)
