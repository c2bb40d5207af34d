"""The sessions the server holds: one per open tab, kept a while after a drop.

A tab whose connection drops can come back within `hold_seconds` and resume
the very same session (data, weights, epoch). After that the session is
freed. The registry never holds more than `max_sessions`; when full, the
oldest detached session goes first, and a new tab is refused only when every
held session is in use.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from engine.session import Session


@dataclass
class LiveSession:
    """An engine session plus what the page around it needs: whether it is
    playing, the speed, the hovered node, and the share-link extras (hide keys
    and unknown keys kept from the link it was opened with)."""

    id: str
    session: Session
    hidden: dict[str, bool] = field(default_factory=dict)
    unknown: list[tuple[str, str]] = field(default_factory=list)
    link_notices: list[str] = field(default_factory=list)
    playing: bool = False
    focus: tuple[int, int] | None = None
    attached: bool = True
    detached_at: float | None = None


class RegistryFull(RuntimeError):
    pass


class SessionRegistry:
    def __init__(self, hold_seconds: float = 60.0, max_sessions: int = 200):
        self.hold_seconds = hold_seconds
        self.max_sessions = max_sessions
        self._held: dict[str, LiveSession] = {}

    def __len__(self) -> int:
        return len(self._held)

    def add(self, session: Session, **extras) -> LiveSession:
        if len(self._held) >= self.max_sessions and not self._evict_one():
            raise RegistryFull(f"the server already holds {self.max_sessions} sessions; try again later")
        live = LiveSession(id=secrets.token_urlsafe(16), session=session, **extras)
        self._held[live.id] = live
        return live

    def resume(self, session_id: str | None) -> LiveSession | None:
        """The detached session `session_id`, attached again, or None."""
        live = self._held.get(session_id or "")
        if live is None or live.attached:
            return None
        live.attached = True
        live.detached_at = None
        return live

    def detach(self, live: LiveSession, now: float) -> None:
        live.attached = False
        live.detached_at = now
        live.focus = None

    def reap(self, now: float) -> int:
        """Free sessions detached longer than the hold time; return how many."""
        expired = [key for key, live in self._held.items()
                   if not live.attached and now - live.detached_at >= self.hold_seconds]
        for key in expired:
            del self._held[key]
        return len(expired)

    def _evict_one(self) -> bool:
        detached = [live for live in self._held.values() if not live.attached]
        if not detached:
            return False
        oldest = min(detached, key=lambda live: live.detached_at)
        del self._held[oldest.id]
        return True
