"""The store's contract, run against every backend (add a backend to BACKENDS)."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from server.store import ID_LENGTH, StoreUnavailable, content_id, default_store_path, open_store
from server.store.memory import MemoryStore
from server.store.redis import RedisStore
from server.store.sqlite import SQLiteStore, StoreError

from ..live_server import free_port
from ..redis_server import RedisServer


def _sqlite(request, tmp_path):
    return SQLiteStore(tmp_path / "store.sqlite3")


def _redis(request, tmp_path):
    server = request.getfixturevalue("redis_server")  # one real redis-server for the run
    server.flush()
    return open_store(server.url)


BACKENDS = {"sqlite": _sqlite, "memory": lambda request, tmp_path: MemoryStore(), "redis": _redis}


@pytest.fixture(params=list(BACKENDS))
def store(request, tmp_path):
    backend = BACKENDS[request.param](request, tmp_path)
    yield backend
    backend.close()


def test_the_id_is_the_content_address(store):
    body = b'{"points": [[1, 2, 0]]}'
    dataset_id = store.put_dataset(body)
    assert dataset_id == content_id(body) and len(dataset_id) == ID_LENGTH
    assert store.get_dataset(dataset_id) == body


def test_the_same_content_is_one_item(store):
    first = store.put_dataset(b"same")
    second = store.put_dataset(b"same")
    assert first == second and store.count("dataset") == 1
    assert store.put_dataset(b"other") != first and store.count("dataset") == 2


@pytest.mark.parametrize("key", ["", "nope", "0" * 23, "G" * 24, "../../etc/passwd", "' OR 1=1 --", None, 5])
def test_anything_that_is_not_a_stored_id_is_none(store, key):
    store.put_dataset(b"x")
    assert store.get_dataset(key) is None


def test_an_unknown_id_is_none(store):
    assert store.get_dataset("0123456789abcdef01234567") is None


def test_writes_from_many_threads_all_arrive(store):
    bodies = [f"body {i}".encode() for i in range(40)]
    threads = [threading.Thread(target=store.put_dataset, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(store.get_dataset(content_id(body)) == body for body in bodies)


def test_snapshots_are_content_addressed_and_kept(store):
    body = b'{"version": 1, "epoch": 7}'
    snapshot_id = store.put_snapshot(body)
    assert snapshot_id == content_id(body) and store.put_snapshot(body) == snapshot_id
    assert store.get_snapshot(snapshot_id) == body
    assert store.get_snapshot("0" * ID_LENGTH) is None and store.get_snapshot("../x") is None
    assert store.get_dataset(snapshot_id) is None  # kinds do not mix


def test_a_checkpoint_is_replaced_and_deleted(store):
    store.put_checkpoint("session_A-1", b"first", ttl_seconds=60)
    store.put_checkpoint("session_A-1", b"second", ttl_seconds=60)
    assert store.get_checkpoint("session_A-1") == b"second"
    assert store.count("checkpoint") == 1
    store.delete_checkpoint("session_A-1")
    assert store.get_checkpoint("session_A-1") is None
    store.delete_checkpoint("never-there")  # nothing to do, no error


def test_a_checkpoint_expires(store):
    store.put_checkpoint("short-lived", b"body", ttl_seconds=0.05)
    assert store.get_checkpoint("short-lived") == b"body"
    time.sleep(0.1)
    assert store.get_checkpoint("short-lived") is None and store.count("checkpoint") == 0


@pytest.mark.parametrize("bad", ["", "a b", "x" * 65, "semi;colon"])
def test_a_checkpoint_needs_a_session_id(store, bad):
    with pytest.raises(ValueError):
        store.put_checkpoint(bad, b"x", ttl_seconds=1)
    assert store.get_checkpoint(bad) is None


def test_sqlite_keeps_everything_after_a_restart(tmp_path):
    path = tmp_path / "nested" / "store.sqlite3"
    first = SQLiteStore(path)
    dataset_id = first.put_dataset(b"kept")
    first.close()
    again = SQLiteStore(path)
    assert again.get_dataset(dataset_id) == b"kept"
    again.close()


def test_sqlite_upgrades_a_schema_1_file_and_drops_expired_items_by_its_index(tmp_path):
    path = tmp_path / "store.sqlite3"
    with sqlite3.connect(path) as db:  # a file as the first schema wrote it
        db.execute(
            "CREATE TABLE items (kind TEXT NOT NULL, key TEXT NOT NULL, body BLOB NOT NULL, "
            "created REAL NOT NULL, expires REAL, PRIMARY KEY (kind, key)) WITHOUT ROWID"
        )
        db.execute("INSERT INTO items VALUES ('dataset', '0123456789abcdef01234567', x'01', 0, NULL)")
        db.execute("INSERT INTO items VALUES ('checkpoint', 'old', x'02', 0, 1.0)")
        db.execute("PRAGMA user_version=1")
    store = SQLiteStore(path)
    assert store.get_dataset("0123456789abcdef01234567") == b"\x01"
    plan = store._db.execute(
        "EXPLAIN QUERY PLAN DELETE FROM items WHERE expires IS NOT NULL AND expires <= 5"
    ).fetchall()
    assert "items_expires" in str(plan)  # not a scan of every row and its body
    store.put_checkpoint("session-1", b"new", ttl_seconds=60)  # a write drops what expired
    raw = store._db.execute("SELECT key FROM items ORDER BY key").fetchall()
    assert raw == [("0123456789abcdef01234567",), ("session-1",)]
    store.close()


def test_sqlite_refuses_a_file_from_a_newer_version(tmp_path):
    path = tmp_path / "store.sqlite3"
    SQLiteStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version=99")
    with pytest.raises(StoreError, match="newer version"):
        SQLiteStore(path)


def test_sqlite_says_which_file_it_cannot_open(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot open the store"):
        SQLiteStore(blocker / "store.sqlite3")


def test_the_default_file_is_in_the_users_data_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_store_path() == tmp_path / "neural-playground" / "store.sqlite3"
    store = open_store()
    assert isinstance(store, SQLiteStore) and default_store_path().exists()
    store.close()
    assert isinstance(open_store(":memory:"), MemoryStore)


def test_redis_is_chosen_by_its_url(redis_server):
    store = open_store(redis_server.url)
    assert isinstance(store, RedisStore)
    store.check()
    store.close()


def test_an_unreachable_redis_is_named_at_start():
    url = f"redis://:secret@127.0.0.1:{free_port()}/0"  # nothing listens there
    with pytest.raises(StoreError, match=r"cannot reach the store redis://:\*\*\*@127\.0\.0\.1:\d+/0") as caught:
        open_store(url)
    assert "secret" not in str(caught.value)


def test_redis_refuses_a_layout_from_a_newer_version(redis_server):
    redis_server.flush()
    import redis

    raw = redis.Redis.from_url(redis_server.url)
    raw.set("playground:schema", 99)
    with pytest.raises(StoreError, match="newer version"):
        open_store(redis_server.url)
    raw.delete("playground:schema")
    raw.close()


def test_redis_lost_while_running_is_unavailable_then_back():
    server = RedisServer().start()
    store = open_store(server.url)
    try:
        dataset_id = store.put_dataset(b"before")
        server.stop()
        with pytest.raises(StoreUnavailable, match="does not answer"):
            store.put_checkpoint("session-1", b"x", ttl_seconds=60)
        with pytest.raises(StoreUnavailable):
            store.check()
        # The same port again: the client reconnects by itself (the old data is gone:
        # this Redis keeps nothing on disk).
        again = RedisServer()
        again.port = server.port
        again.start()
        try:
            store.put_checkpoint("session-1", b"after", ttl_seconds=60)
            assert store.get_checkpoint("session-1") == b"after"
            assert store.get_dataset(dataset_id) is None
        finally:
            again.stop()
    finally:
        store.close()
        server.stop()
