"""The default store: one SQLite file.

One table `items (kind, key, body, created, expires)`; `expires` is set for
session checkpoints (data sets and snapshots never expire) and indexed
(schema 2), so dropping the expired items reads only those: without the
index each checkpoint write scanned every row, and `expires`, stored after
the body, sits past the body's overflow pages, so a 26 MB store was read
through 30 times a second by a class of 30. The journal is in WAL
mode with full syncs, so a write is atomic and durable once `_put` returns,
several processes (`--workers`) can share the file, and readers never wait
for a writer. `PRAGMA user_version` holds the schema version.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from . import Store, StoreError

SCHEMA_VERSION = 2
PURGE_EVERY_SECONDS = 10.0  # how often a write also drops the expired items
__all__ = ["SQLiteStore", "StoreError", "SCHEMA_VERSION"]


class SQLiteStore(Store):
    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One connection shared by the threads of this process, behind a lock.
            self._db = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA busy_timeout=10000")
            self._migrate()
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"cannot open the store {self.path}: {error}") from None
        self._lock = threading.Lock()
        self._purged_at = 0.0

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} was written by a newer version (schema {version}); upgrade to use it")
        if version < 1:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS items (kind TEXT NOT NULL, key TEXT NOT NULL, body BLOB NOT NULL, "
                    "created REAL NOT NULL, expires REAL, PRIMARY KEY (kind, key)) WITHOUT ROWID"
                )
                self._db.execute("PRAGMA user_version=1")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        if version < 2:
            # The items are the same; the index makes dropping expired ones cheap.
            self._db.execute("CREATE INDEX IF NOT EXISTS items_expires ON items (expires) WHERE expires IS NOT NULL")
            self._db.execute("PRAGMA user_version=2")

    def _put(self, kind: str, key: str, body: bytes) -> None:
        with self._lock:
            # One statement in autocommit mode: its own transaction, all or nothing.
            self._db.execute(
                "INSERT OR IGNORE INTO items (kind, key, body, created) VALUES (?, ?, ?, ?)",
                (kind, key, sqlite3.Binary(body), time.time()),
            )

    def _get(self, kind: str, key: str) -> bytes | None:
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM items WHERE kind = ? AND key = ? AND (expires IS NULL OR expires > ?)",
                (kind, key, time.time()),
            ).fetchone()
        return bytes(row[0]) if row else None

    def _replace(self, kind: str, key: str, body: bytes, ttl_seconds: float) -> None:
        now = time.time()
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO items (kind, key, body, created, expires) VALUES (?, ?, ?, ?, ?)",
                (kind, key, sqlite3.Binary(body), now, now + ttl_seconds),
            )
            # Expired items go now and then, in the same lock: the table stays small.
            if now - self._purged_at >= PURGE_EVERY_SECONDS:
                self._purged_at = now
                self._db.execute("DELETE FROM items WHERE expires IS NOT NULL AND expires <= ?", (now,))

    def _delete(self, kind: str, key: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM items WHERE kind = ? AND key = ?", (kind, key))

    def count(self, kind: str) -> int:
        with self._lock:
            return self._db.execute(
                "SELECT COUNT(*) FROM items WHERE kind = ? AND (expires IS NULL OR expires > ?)", (kind, time.time())
            ).fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
