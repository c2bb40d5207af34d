"""The store: what the server keeps beyond a session's life.

A small interface (`Store`) with interchangeable backends: `SQLiteStore` (the
default, one file in the user's data directory), `MemoryStore` (for one
process that keeps nothing, e.g. `playground train --data FILE`) and
`RedisStore` (`--store redis://host:port/db`: several processes on several
machines sharing one Redis), all with the same primitives.

Today it holds data sets, by content-addressed id: the id is derived from the
bytes (`content_id`), so the same content always gets the same id and a stored
item never changes. The primitives take a `kind`, so snapshots (content-
addressed too) and session checkpoints (keyed by session, with an expiry) are
new kinds on the same table, not new tables. Bodies are bytes the engine writes
as versioned JSON (no pickles).
"""

from __future__ import annotations

import hashlib
import os
import re
from abc import ABC, abstractmethod
from pathlib import Path

ID_LENGTH = 24  # hex digits of SHA-256: 96 bits, short enough for a link
ID_PATTERN = re.compile(rf"[0-9a-f]{{{ID_LENGTH}}}")
# Session ids are the registry's `secrets.token_urlsafe` values.
SESSION_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")
DATASET = "dataset"
SNAPSHOT = "snapshot"
CHECKPOINT = "checkpoint"
OWNER = "owner"


class StoreError(RuntimeError):
    """The store cannot be used; the message says which store and why."""


class StoreUnavailable(StoreError):
    """The store was reachable and is not now (e.g. Redis lost while running);
    the caller keeps working in memory and tries again later."""


def content_id(body: bytes) -> str:
    """The content address of `body`: the first 24 hex digits of its SHA-256."""
    return hashlib.sha256(body).hexdigest()[:ID_LENGTH]


class Store(ABC):
    """Put and get items by (kind, key). Writes are atomic and idempotent: a
    reader sees a whole item or none, and putting the same item twice is one."""

    # --- data sets ---------------------------------------------------------

    def put_dataset(self, body: bytes) -> str:
        """Store a data set's canonical bytes; return its id."""
        dataset_id = content_id(body)
        self._put(DATASET, dataset_id, body)
        return dataset_id

    def get_dataset(self, dataset_id: str) -> bytes | None:
        """The bytes stored under `dataset_id`, or None (also for anything that
        is not an id at all)."""
        if not isinstance(dataset_id, str) or not ID_PATTERN.fullmatch(dataset_id):
            return None
        return self._get(DATASET, dataset_id)

    # --- snapshots (content-addressed, kept for good) ---------------------------

    def put_snapshot(self, body: bytes) -> str:
        """Store a saved session's bytes; return its id (the same bytes, the same id)."""
        snapshot_id = content_id(body)
        self._put(SNAPSHOT, snapshot_id, body)
        return snapshot_id

    def get_snapshot(self, snapshot_id: str) -> bytes | None:
        if not isinstance(snapshot_id, str) or not ID_PATTERN.fullmatch(snapshot_id):
            return None
        return self._get(SNAPSHOT, snapshot_id)

    # --- session checkpoints (by session id, replaced, expiring) ----------------

    def put_checkpoint(self, session_id: str, body: bytes, ttl_seconds: float) -> None:
        """Keep `body` as the latest checkpoint of `session_id` for `ttl_seconds`
        (replacing the one before, atomically)."""
        if not SESSION_ID_PATTERN.fullmatch(session_id):
            raise ValueError(f"not a session id: {session_id!r}")
        self._replace(CHECKPOINT, session_id, body, ttl_seconds)

    def get_checkpoint(self, session_id: str) -> bytes | None:
        """The latest unexpired checkpoint of `session_id`, or None."""
        if not isinstance(session_id, str) or not SESSION_ID_PATTERN.fullmatch(session_id):
            return None
        return self._get(CHECKPOINT, session_id)

    def delete_checkpoint(self, session_id: str) -> None:
        if isinstance(session_id, str) and SESSION_ID_PATTERN.fullmatch(session_id):
            self._delete(CHECKPOINT, session_id)

    # --- which process owns a session (several `--workers`) ----------------------

    def claim_session(self, session_id: str, owner: str, ttl_seconds: float) -> None:
        """Record `owner` (a process's token) as the owner of `session_id`."""
        if not SESSION_ID_PATTERN.fullmatch(session_id):
            raise ValueError(f"not a session id: {session_id!r}")
        self._replace(OWNER, session_id, owner.encode(), ttl_seconds)

    def session_owner(self, session_id: str) -> str | None:
        """The token of the process that last claimed `session_id`, or None."""
        if not isinstance(session_id, str) or not SESSION_ID_PATTERN.fullmatch(session_id):
            return None
        body = self._get(OWNER, session_id)
        return body.decode() if body is not None else None

    # --- what a backend provides -------------------------------------------

    @abstractmethod
    def _put(self, kind: str, key: str, body: bytes) -> None:
        """Keep `body` under (kind, key) unless something is there already."""

    @abstractmethod
    def _get(self, kind: str, key: str) -> bytes | None:
        """The body under (kind, key), or None (also once it has expired)."""

    @abstractmethod
    def _replace(self, kind: str, key: str, body: bytes, ttl_seconds: float) -> None:
        """Keep `body` under (kind, key), replacing what was there; it expires
        after `ttl_seconds`."""

    @abstractmethod
    def _delete(self, kind: str, key: str) -> None:
        """Forget (kind, key), if held."""

    @abstractmethod
    def count(self, kind: str) -> int:
        """How many items of `kind` are held."""

    def check(self) -> None:
        """Raise StoreError (saying why) unless the store answers now; for `/readyz`."""
        self.count(DATASET)

    def close(self) -> None:  # noqa: B027 (a backend with nothing to release need not override it)
        """Release files and connections; the store is not used afterwards."""


def default_store_path() -> Path:
    """`$XDG_DATA_HOME/neural-playground/store.sqlite3` (~/.local/share by default)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "neural-playground" / "store.sqlite3"


def open_store(path: str | os.PathLike | None = None) -> Store:
    """The store at `path`: ":memory:" for one that keeps nothing,
    "redis://host:port/db" for a Redis server, a file path for SQLite, or the
    default file. Raises StoreError naming the store it cannot use."""
    from .memory import MemoryStore
    from .sqlite import SQLiteStore

    if str(path) == ":memory:":
        return MemoryStore()
    if is_redis_url(path):
        from .redis import RedisStore

        return RedisStore(str(path))
    return SQLiteStore(Path(path) if path is not None else default_store_path())


def is_redis_url(path) -> bool:
    return isinstance(path, str) and path.startswith(("redis://", "rediss://", "unix://"))


__all__ = [
    "Store",
    "StoreError",
    "StoreUnavailable",
    "is_redis_url",
    "content_id",
    "default_store_path",
    "open_store",
    "ID_PATTERN",
    "ID_LENGTH",
]
