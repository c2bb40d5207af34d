"""The data sets API and `data=` links through a real server (docs/api.md)."""

from __future__ import annotations

import csv
import io
import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from engine.example_data import example_dataset
from engine.user_data import parse_dataset
from server.i18n import catalog, english
from server.store import content_id
from tests.engine.test_user_data import BAD_FILES

from .support import ROOT, Client, ServerProcess

GOOD = b"height,weight,label\n150.5,50,cat\n190,95.25,dog\n170,70,cat\n160,80,dog\n155,60,dog\n"


def request(url: str, body: bytes | None = None, content_type: str = "text/csv", method: str | None = None):
    """(status, headers, body bytes) of one HTTP request; 4xx/5xx answers too."""
    headers = {"Content-Type": content_type} if body is not None else {}
    req = urllib.request.Request(
        url, data=body, headers=headers, method=method or ("POST" if body is not None else "GET")
    )
    try:
        with urllib.request.urlopen(req, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def upload(base: str, body: bytes, query: str = "", content_type: str = "text/csv"):
    status, headers, answer = request(f"{base}/api/datasets{query}", body, content_type)
    return status, json.loads(answer)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    process = ServerProcess(None, "--hold-seconds", "3", "--store", str(tmp_path_factory.mktemp("store") / "s.db"))
    process.start()
    yield process
    process.stop()


def test_a_good_csv_is_stored_and_answered_with_its_id(server):
    status, answer = upload(server.url, GOOD)
    assert status == 201
    assert answer["points"] == 5 and answer["classes"] == ["cat", "dog"] and answer["problem"] == "classification"
    assert answer["id"] == content_id(parse_dataset(GOOD).canonical_bytes())
    assert answer["columns"] == ["height", "weight", "label"] and answer["trainable"] is True


def test_the_same_content_gives_the_same_id(server):
    _, first = upload(server.url, GOOD)
    _, again = upload(server.url, GOOD.replace(b",", b", "))
    _, other = upload(server.url, GOOD, "?x1=weight&x2=height")
    assert first["id"] == again["id"] != other["id"]


def test_columns_and_problem_from_the_query(server):
    body = b"a,b,c,d\n1,2,3,10\n2,3,4,20\n3,4,5,35\n4,5,7,40\n"
    status, answer = upload(server.url, body, "?x1=c&x2=a&label=d&problem=regression")
    assert status == 201 and answer["problem"] == "regression" and answer["classes"] == []
    assert answer["columns"] == ["c", "a", "d"]


def test_json_uploads(server):
    records = [{"x": i, "y": -i, "label": "ab"[i % 2]} for i in range(8)]
    status, answer = upload(server.url, json.dumps(records).encode(), content_type="application/json")
    assert status == 201 and answer["points"] == 8


@pytest.mark.parametrize("body, kind, words", [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_every_bad_file_gets_a_4xx_with_a_plain_detail(server, body, kind, words):
    status, answer = upload(server.url, body, content_type="application/json" if kind == "json" else "text/csv")
    assert 400 <= status < 500
    # The reason in English, and as a code with its parameters for the page's language.
    assert set(answer) == {"detail", "code", "params"}
    assert english(answer) == answer["detail"]
    assert catalog("zh").has(answer["code"]) and catalog("zh").render(answer) != answer["detail"]
    for word in words:
        assert word in answer["detail"]
    assert request(server.url + "/healthz")[0] == 200


def test_bad_choices_are_400(server):
    for query, words in (
        ("?x1=nope", "no column 'nope'"),
        ("?problem=clusters", "problem must be"),
        ("?scale=log", "scale must be"),
    ):
        status, answer = upload(server.url, GOOD, query)
        assert status == 400 and words in answer["detail"]


def raw_post(base: str, body: bytes, chunked: bool) -> tuple[int, dict]:
    """POST `body` over a plain socket (with Content-Length, or chunked without
    it), reading the answer even when the server stops reading early."""
    host, port = base.removeprefix("http://").split(":")
    head = f"POST /api/datasets HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/csv\r\nConnection: close\r\n"
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {len(body)}\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        try:
            sock.sendall(head.encode())
            if chunked:
                for start in range(0, len(body), 65536):
                    piece = body[start : start + 65536]
                    sock.sendall(f"{len(piece):X}\r\n".encode() + piece + b"\r\n")
                sock.sendall(b"0\r\n\r\n")
            else:
                sock.sendall(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered before reading everything: that is the point
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1])
    payload = answer.split(b"\r\n\r\n", 1)[1]
    return status, json.loads(payload)


def test_size_limits(server):
    big = b"x1,x2,label\n" + b"1.000000001,2.0000001,a\n" * 90_000
    for chunked in (False, True):
        status, answer = raw_post(server.url, big, chunked)
        assert status == 413 and "2 MB" in answer["detail"]
    assert request(server.url + "/healthz")[0] == 200
    rows = b"x1,x2,label\n" + b"".join(f"{i},{i % 7},{'ab'[i % 2]}\n".encode() for i in range(5001))
    status, answer = upload(server.url, rows)
    assert status == 400 and "5,001 rows" in answer["detail"]
    rows = b"x1,x2,label\n" + b"".join(f"{i},{i % 7},{'ab'[i % 2]}\n".encode() for i in range(5000))
    assert upload(server.url, rows)[1]["points"] == 5000


def test_exports_give_the_users_units_and_the_sessions_split(server):
    _, answer = upload(server.url, GOOD)
    status, headers, body = request(f"{server.url}/api/datasets/{answer['id']}.csv?seed=0.5&percTrainData=60")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0] == ["x1", "x2", "label", "split"]
    assert [row[:3] for row in rows[1:]] == [
        ["150.5", "50", "cat"],
        ["190", "95.25", "dog"],
        ["170", "70", "cat"],
        ["160", "80", "dog"],
        ["155", "60", "dog"],
    ]
    assert sorted(row[3] for row in rows[1:]) == ["test", "test", "train", "train", "train"]
    status, _, body = request(f"{server.url}/api/datasets/{answer['id']}.json")
    exported = json.loads(body)
    assert exported["id"] == answer["id"] and exported["points"][1] == {"x1": 190.0, "x2": 95.25, "label": "dog"}
    # Uploading the export again gives the same data set.
    assert upload(server.url, body, content_type="application/json")[1]["id"] == answer["id"]
    status, _, body = request(f"{server.url}/api/datasets/{answer['id']}")
    assert json.loads(body)["points"] == 5


def test_unknown_exports_are_404(server):
    for path in ("0123456789abcdef01234567.csv", "nope.json", "nope", f"{'a' * 24}.xlsx"):
        status, _, body = request(f"{server.url}/api/datasets/{path}")
        assert status == 404 and json.loads(body)["detail"]


def test_the_iris_example_is_listed_stored_and_exported(server):
    status, _, body = request(server.url + "/api/examples")
    (iris,) = json.loads(body)
    assert iris["name"] == "iris" and iris["points"] == 150 and iris["trainable"] is True
    assert iris["classes"] == ["setosa", "versicolor", "virginica"]
    assert iris["id"] == content_id(example_dataset("iris").canonical_bytes())
    status, _, body = request(f"{server.url}/api/datasets/{iris['id']}.csv")
    assert status == 200 and body.decode().count("\n") == 151 and "virginica" in body.decode()


def test_a_link_with_data_opens_the_stored_points(server):
    _, answer = upload(server.url, GOOD)
    client = Client(server.url)
    try:
        header, _ = client.hello(f"data={answer['id']}&seed=0.5&percTrainData=60")
        data = header["data"]
        assert data["source"]["kind"] == "stored" and data["source"]["id"] == answer["id"]
        assert len(data["train"]) == 3 and len(data["test"]) == 2
        assert f"data={answer['id']}" in header["settings"]["hash"]
    finally:
        client.close()


def test_an_unknown_id_opens_the_default_data_with_a_notice(server):
    client = Client(server.url)
    try:
        header, _ = client.hello("data=0123456789abcdef01234567&seed=0.5")
        assert header["data"]["source"] == {"kind": "generated", "dataset": "circle"}
        assert any(
            n["code"] == "data_unknown" and "is not a data set on this server" in n["message"]
            for n in header["settings"]["notices"]
        )
        assert "data=" not in header["settings"]["hash"]
    finally:
        client.close()


def test_a_three_class_data_set_opens_with_three_output_nodes(server):
    iris_id = content_id(example_dataset("iris").canonical_bytes())
    client = Client(server.url)
    try:
        header, _ = client.hello(f"data={iris_id}&seed=0.5")
        assert header["data"]["source"]["kind"] == "stored"
        assert header["layout"]["layers"][-1] == 3 and header["layout"]["classes"] == 3
        assert "classes=3" in header["settings"]["hash"] and header["settings"]["notices"] == []
    finally:
        client.close()


def test_switching_to_stored_data_keeps_training(server):
    _, answer = upload(server.url, GOOD)
    client = Client(server.url)
    try:
        client.hello("seed=0.5")
        client.send(type="play")
        client.frame(where=lambda h: h["epoch"] >= 3)
        client.send(type="set", settings={"data": answer["id"]})
        header, _ = client.frame(where=lambda h: "data" in h)
        assert header["data"]["source"]["id"] == answer["id"] and header["playing"] is True
        assert header["epoch"] >= 3
        client.send(type="regenerate")
        client.frame(where=lambda h: bool(client.notices))
        assert "stored data set stays" in client.notices[-1]["message"]
    finally:
        client.close()


def test_a_restart_keeps_the_data(tmp_path):
    store = str(tmp_path / "kept.sqlite3")
    process = ServerProcess(None, "--store", store).start()
    try:
        _, answer = upload(process.url, GOOD)
    finally:
        process.stop()
    process.start()
    try:
        status, _, body = request(f"{process.url}/api/datasets/{answer['id']}.csv")
        assert status == 200 and "190,95.25,dog" in body.decode()
    finally:
        process.stop()


def test_train_reads_data_links_from_the_store_and_csv_files(tmp_path):
    store = tmp_path / "train.sqlite3"
    data_file = tmp_path / "mine.csv"
    data_file.write_bytes(GOOD)
    process = ServerProcess(None, "--store", str(store)).start()
    try:
        _, answer = upload(process.url, GOOD)
    finally:
        process.stop()

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "server", "train", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
        )

    by_link = run(f"#data={answer['id']}&seed=0.5&batchSize=1", "--epochs", "3", "--store", str(store))
    by_file = run("#seed=0.5&batchSize=1", "--epochs", "3", "--data", str(data_file))
    assert by_link.returncode == 0 and by_file.returncode == 0, by_link.stderr + by_file.stderr
    assert by_link.stdout == by_file.stdout and len(by_link.stdout.splitlines()) == 4
    losses = [json.loads(line)["train_loss"] for line in by_link.stdout.splitlines()]
    assert losses[0] != losses[-1]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"x1,x2,label\n1,2,a\n")
    failed = run("#seed=0.5", "--data", str(bad))
    assert failed.returncode == 2 and "1 row of data" in failed.stderr
    unknown = run("#data=0123456789abcdef01234567&seed=0.5", "--epochs", "1", "--store", str(store))
    assert unknown.returncode == 0 and "not a data set" in unknown.stderr
