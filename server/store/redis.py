"""The shared store: one Redis server for several processes on several machines.

Selected with `playground serve --store redis://host:port/db`. Each item is one
Redis string under `playground:<kind>:<key>`, so every primitive is a single
Redis command and therefore atomic: `_put` is `SET NX` (the first write of a
content-addressed item wins, the same bytes anyway), `_replace` is `SET PX`
(body and expiry in one command; Redis forgets the key when the TTL runs out),
`_delete` is `DEL`. `count` walks the kind's keys with `SCAN` (for tests and
figures, not for a hot path). `playground:schema` holds the layout's version,
so a server refuses a Redis written by a newer one, as the SQLite file does.

Faults: a Redis that does not answer at start raises StoreError naming the URL
(the password left out). Once running, a lost Redis makes each call raise
StoreUnavailable after a short timeout instead of hanging: callers keep their
sessions in memory and try again later; the client reconnects by itself when
Redis is back.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from . import Store, StoreError, StoreUnavailable

SCHEMA_VERSION = 1
PREFIX = "playground:"
SCHEMA_KEY = PREFIX + "schema"
# A call waits this long for Redis before it counts as lost: long enough for a
# busy Redis on a LAN, short enough that an engine or checkpoint thread is not
# held up for long.
TIMEOUT_SECONDS = 2.0


def public_url(url: str) -> str:
    """`url` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


class RedisStore(Store):
    def __init__(self, url: str):
        self.url = public_url(url)
        try:
            # One retry after a dropped connection (Redis restarted, an idle
            # connection closed by a proxy): the next command reconnects.
            self._redis = redis.Redis.from_url(
                url,
                socket_timeout=TIMEOUT_SECONDS,
                socket_connect_timeout=TIMEOUT_SECONDS,
                retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), 1),
                retry_on_error=[redis.ConnectionError, redis.TimeoutError],
                health_check_interval=30,
            )
        except (ValueError, redis.RedisError) as error:
            raise StoreError(f"cannot use the store {self.url}: {error}") from None
        try:
            self._redis.set(SCHEMA_KEY, SCHEMA_VERSION, nx=True)
            version = int(self._redis.get(SCHEMA_KEY) or SCHEMA_VERSION)
        except (redis.RedisError, OSError) as error:
            self._redis.close()
            raise StoreError(f"cannot reach the store {self.url}: {error}") from None
        except ValueError:
            self._redis.close()
            raise StoreError(f"{self.url} holds a {SCHEMA_KEY} that is not a number; is it another program's Redis?")
        if version > SCHEMA_VERSION:
            self._redis.close()
            raise StoreError(f"{self.url} was written by a newer version (schema {version}); upgrade to use it")

    def _call(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError, OSError) as error:
            raise StoreUnavailable(f"the store {self.url} does not answer: {error}") from None
        except redis.RedisError as error:
            # e.g. a Redis out of memory (maxmemory with noeviction) or read-only replica
            raise StoreUnavailable(f"the store {self.url} refused: {error}") from None

    @staticmethod
    def _key(kind: str, key: str) -> str:
        return f"{PREFIX}{kind}:{key}"

    def _put(self, kind: str, key: str, body: bytes) -> None:
        self._call(self._redis.set, self._key(kind, key), bytes(body), nx=True)

    def _get(self, kind: str, key: str) -> bytes | None:
        return self._call(self._redis.get, self._key(kind, key))

    def _replace(self, kind: str, key: str, body: bytes, ttl_seconds: float) -> None:
        # Redis keeps expiries in whole milliseconds; at least one.
        self._call(self._redis.set, self._key(kind, key), bytes(body), px=max(1, round(ttl_seconds * 1000)))

    def _delete(self, kind: str, key: str) -> None:
        self._call(self._redis.delete, self._key(kind, key))

    def count(self, kind: str) -> int:
        return sum(1 for _ in self._call(lambda: list(self._redis.scan_iter(match=self._key(kind, "*"), count=1000))))

    def check(self) -> None:
        self._call(self._redis.ping)

    def close(self) -> None:
        self._redis.close()
