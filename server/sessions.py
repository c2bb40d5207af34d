"""The sessions the server holds: one per open tab, kept a while after a drop.

A tab whose connection drops can come back within `hold_seconds` and resume
the very same session (data, weights, epoch). After that the session is
freed. Admission (`admission.py`) bounds the sessions held, in all and per
client address; when a bound is reached, the oldest detached session that
counts against it goes first, and a new tab is refused (with the reason)
only when every such session is in use.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from engine.session import Session

from .admission import LocalLedger, Refused


@dataclass
class LiveSession:
    """An engine session plus what the page around it needs: whether it is
    playing, the hovered node, the share-link extras (hide keys and unknown
    keys kept from the link it was opened with) and the client address it
    counts against."""

    id: str
    session: Session
    client: str = ""
    hidden: dict[str, bool] = field(default_factory=dict)
    unknown: list[tuple[str, str]] = field(default_factory=list)
    link_notices: list = field(default_factory=list)  # engine Messages about the opening link
    playing: bool = False
    focus: tuple[int, int] | None = None
    attached: bool = True
    detached_at: float | None = None


class SessionRegistry:
    """Held sessions by id (event loop only)."""

    def __init__(self, hold_seconds: float = 60.0, max_sessions: int = 200, ledger: LocalLedger | None = None):
        self.hold_seconds = hold_seconds
        self.ledger = ledger or LocalLedger(max_sessions, max_sessions)
        self._held: dict[str, LiveSession] = {}

    def __len__(self) -> int:
        return len(self._held)

    def admit(self, client: str) -> None:
        """Count a session about to be built for `client`, evicting detached
        sessions if a bound requires; raises `Refused` saying why."""
        while (reason := self.ledger.try_take(client)) is not None:
            only = client if self.ledger.is_per_client(reason) else None
            if not self._evict_one(only):
                raise Refused(reason)

    def withdraw(self, client: str) -> None:
        """Undo `admit` (the session could not be built)."""
        self.ledger.give_back(client)

    def add(self, session: Session, client: str = "", session_id: str | None = None, **extras) -> LiveSession:
        """Hold `session` (admitted before with `admit(client)`), under a new id
        or, restored from a checkpoint, under its old `session_id`."""
        live = LiveSession(id=session_id or secrets.token_urlsafe(16), session=session, client=client, **extras)
        self._held[live.id] = live
        return live

    def resume(self, session_id: str | None) -> LiveSession | None:
        """The detached session `session_id`, attached again, or None (then
        the connection falls back to the store's checkpoint: `checkpoints.py`)."""
        live = self._held.get(session_id or "")
        if live is None or live.attached:
            return None
        live.attached = True
        live.detached_at = None
        return live

    def held(self, session_id: str | None) -> LiveSession | None:
        """The session `session_id` if this process holds it (attached or not)."""
        return self._held.get(session_id or "")

    def all(self) -> list[LiveSession]:
        return list(self._held.values())

    def free(self, live: LiveSession) -> None:
        """Let go of a detached session now (another process took it over)."""
        if self._held.get(live.id) is live:
            self._free(live)

    def detach(self, live: LiveSession, now: float) -> None:
        live.attached = False
        live.detached_at = now
        live.focus = None

    def reap(self, now: float) -> int:
        """Free sessions detached longer than the hold time; return how many."""
        expired = [
            live for live in self._held.values() if not live.attached and now - live.detached_at >= self.hold_seconds
        ]
        for live in expired:
            self._free(live)
        return len(expired)

    def _free(self, live: LiveSession) -> None:
        del self._held[live.id]
        self.ledger.give_back(live.client)

    def _evict_one(self, client: str | None) -> bool:
        """Free the oldest detached session (of `client`, if given)."""
        detached = [
            live for live in self._held.values() if not live.attached and (client is None or live.client == client)
        ]
        if not detached:
            return False
        self._free(min(detached, key=lambda live: live.detached_at))
        return True


__all__ = ["LiveSession", "Refused", "SessionRegistry"]
