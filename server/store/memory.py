"""A store in this process's memory: the same contract, nothing kept after exit."""

from __future__ import annotations

import threading

from . import Store


class MemoryStore(Store):
    def __init__(self):
        self._items: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

    def _put(self, kind: str, key: str, body: bytes) -> None:
        with self._lock:
            self._items.setdefault((kind, key), bytes(body))

    def _get(self, kind: str, key: str) -> bytes | None:
        with self._lock:
            return self._items.get((kind, key))

    def count(self, kind: str) -> int:
        with self._lock:
            return sum(1 for k, _ in self._items if k == kind)
