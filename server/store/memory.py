"""A store in this process's memory: the same contract, nothing kept after exit."""

from __future__ import annotations

import threading
import time

from . import Store


class MemoryStore(Store):
    def __init__(self):
        self._items: dict[tuple[str, str], tuple[bytes, float | None]] = {}  # (body, expires or None)
        self._lock = threading.Lock()

    def _put(self, kind: str, key: str, body: bytes) -> None:
        with self._lock:
            self._items.setdefault((kind, key), (bytes(body), None))

    def _get(self, kind: str, key: str) -> bytes | None:
        with self._lock:
            item = self._items.get((kind, key))
        if item is None or (item[1] is not None and item[1] <= time.time()):
            return None
        return item[0]

    def _replace(self, kind: str, key: str, body: bytes, ttl_seconds: float) -> None:
        with self._lock:
            self._items[(kind, key)] = (bytes(body), time.time() + ttl_seconds)

    def _delete(self, kind: str, key: str) -> None:
        with self._lock:
            self._items.pop((kind, key), None)

    def count(self, kind: str) -> int:
        now = time.time()
        with self._lock:
            return sum(
                1 for (k, _), (_, expires) in self._items.items() if k == kind and (expires is None or expires > now)
            )
