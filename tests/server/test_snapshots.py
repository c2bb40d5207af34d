"""Snapshots through a real server: `save` gives a short link; the link (the
`/s/<id>` page, or `hello` with `snapshot`) opens the trained network paused
where it was, and training on from it is training on without stopping."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from server import i18n
from server.store import ID_PATTERN, open_store

from .support import Client, ServerProcess

LINK = "seed=0.4242&optimizer=adam&dropout=0.2&regularization=L1&regularizationRate=0.001&batchSize=7&networkShape=5,3"


@pytest.fixture(scope="module")
def server():
    process = ServerProcess(None, "--hold-seconds", "3").start()
    yield process
    process.stop()


@pytest.fixture
def client(server):
    c = Client(server.url)
    yield c
    c.close()


def steps(client: Client, count: int, start: int = 0) -> dict:
    """Step `count` epochs from epoch `start`; the frame that shows the last."""
    for _ in range(count):
        client.send(type="step")
    header, _ = client.frame(where=lambda h: h["epoch"] == start + count and not h["playing"])
    return header


def trained_snapshot(client: Client, epochs: int = 6) -> tuple[dict, dict]:
    first, _ = client.hello(LINK)
    header = steps(client, epochs)
    assert header["epoch"] == epochs
    return header, client.save()


def same_network(one: dict, two: dict) -> None:
    for key in ("epoch", "trainLoss", "testLoss", "weights", "biases", "dead"):
        assert one[key] == two[key], key


def test_save_answers_with_an_id_and_its_page(client):
    _, saved = trained_snapshot(client)
    assert ID_PATTERN.fullmatch(saved["id"]) and saved["url"] == f"/s/{saved['id']}"
    assert client.save()["id"] == saved["id"]  # the same trained network, the same id


def test_a_snapshot_opens_paused_at_the_same_epoch_and_trains_on_exactly(server, client):
    header, saved = trained_snapshot(client)
    other = Client(server.url)
    try:
        opened, _ = other.hello("", snapshot=saved["id"])
        assert opened["playing"] is False
        same_network(opened, header)
        assert "seed=0.4242" in opened["settings"]["hash"] and "optimizer=adam" in opened["settings"]["hash"]
        assert [p[0] for p in opened["lossPoints"]] == list(range(0, 7))
        on = steps(client, 4, start=6)
        on_from_snapshot = steps(other, 4, start=6)
        assert on["epoch"] == 10
        same_network(on_from_snapshot, on)
        assert other.errors == [] and other.notices == []
    finally:
        other.close()


def test_an_unknown_snapshot_opens_the_link_with_a_notice(client):
    header, _ = client.hello("seed=0.5", snapshot="0123456789abcdef01234567")
    assert header["epoch"] == 0 and "seed=0.5" in header["settings"]["hash"]
    notices = header["settings"]["notices"]
    assert any("There is no saved network 0123456789abcdef01234567" in n["message"] for n in notices)
    assert [(n["code"], n["params"]) for n in notices] == [("snapshot_unknown", {"id": "0123456789abcdef01234567"})]


def test_the_snapshot_page_and_its_missing_and_damaged_pages(server, client):
    _, saved = trained_snapshot(client, 2)
    with urllib.request.urlopen(server.url + saved["url"]) as response:
        page = response.read().decode()
    assert f'data-snapshot="{saved["id"]}"' in page and 'id="save-button"' in page

    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(server.url + "/s/0123456789abcdef01234567")
    assert missing.value.code == 404
    text = missing.value.read().decode()
    assert "This saved network does not exist" in text and 'href="/"' in text
    # In the language asked for, with the way back in it too.
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(server.url + "/s/0123456789abcdef01234567?lang=zh")
    text = missing.value.read().decode()
    assert '<html lang="zh-CN">' in text and "这个保存的网络不存在" in text and 'href="/#lang=zh"' in text

    store = open_store(Path(server.data_home) / "neural-playground" / "store.sqlite3")
    try:
        value = json.loads(store.get_snapshot(saved["id"]))
        value["session"]["trainer"]["epoch"] = 99  # the checksum no longer matches
        damaged = store.put_snapshot(json.dumps(value).encode())
    finally:
        store.close()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(server.url + f"/s/{damaged}")
    assert refused.value.code == 422
    assert "checksum does not match" in refused.value.read().decode()
    # The websocket refuses it too, and the server goes on.
    other = Client(server.url)
    try:
        header, _ = other.hello("seed=0.5", snapshot=damaged)
        assert header["epoch"] == 0
        assert any(
            "cannot be opened" in n["message"] and "damaged" in n["message"] for n in header["settings"]["notices"]
        )
        steps(other, 1)
    finally:
        other.close()


def test_the_export_endpoint_gives_a_saved_network_or_says_why_not(server, client):
    _, saved = trained_snapshot(client, 3)
    with urllib.request.urlopen(server.url + f"/api/export?snapshot={saved['id']}&format=json") as response:
        model = json.loads(response.read())
        assert "attachment" in response.headers["Content-Disposition"]
    assert model["epoch"] == 3 and model["layer_sizes"] == [2, 5, 3, 1]
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(server.url + "/api/export?snapshot=0123456789abcdef01234567&format=json")
    assert missing.value.code == 404 and "no saved network" in json.loads(missing.value.read())["error"]
    diverging = Client(server.url)
    try:
        diverging.hello("learningRate=10&problem=regression&networkShape=8,8,8&seed=0.5")
        diverging.send(type="speed", value="max")
        diverging.send(type="play")
        diverging.frame(where=lambda h: h.get("divergence") is not None, timeout=60)
        diverged = diverging.save()
    finally:
        diverging.close()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(server.url + f"/api/export?snapshot={diverged['id']}&format=numpy")
    assert refused.value.code == 422
    body = json.loads(refused.value.read())
    assert "its training diverged" in body["error"]
    # The reason as a message the page says in its language, the divergence inside it.
    assert body["code"] == "export_diverged" and body["params"]["reason"]["code"].startswith("diverged_")
    assert i18n.render(body, "zh").startswith("无法导出这个网络：训练已发散（学习率 10 使")
