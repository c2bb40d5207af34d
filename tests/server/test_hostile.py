"""Bad input gets a clear error; the session and the server carry on."""

from __future__ import annotations

import json

import pytest
from websockets.exceptions import ConnectionClosed

from server.i18n import english

from .support import Client


@pytest.mark.parametrize(
    "text, code, says",
    [
        ("{not json", "message_not_json", "not valid JSON"),
        ("[1, 2, 3]", "command_not_object", "JSON object"),
        ('{"type": "explode"}', "command_unknown", "unknown command type"),
        (
            '{"type": "set", "settings": {"learningRate": "fast"}}',
            "setting_not_number",
            "Learning rate must be a number",
        ),
        ('{"type": "set", "settings": {"nonsense": 1}}', "setting_unknown", "no setting called"),
        ('{"type": "set", "settings": {"activation": "toString"}}', "setting_not_choice", "Activation must be one of"),
        ('{"type": "set", "settings": {"lang": "xx"}}', "setting_not_choice", "Language must be one of en, zh"),
        (
            '{"type": "edit", "target": "weight", "layer": 1, "source": 0, "dest": 0, "value": Infinity}',
            "field_invalid",
            "value",
        ),
        (
            '{"type": "edit", "target": "weight", "layer": 9, "source": 0, "dest": 0, "value": 1}',
            "edit_no_layer",
            "layer 9 does not exist",
        ),
        (
            '{"type": "edit", "target": "bias", "layer": 1, "node": 99, "value": 1}',
            "edit_no_node",
            "node 99 does not exist",
        ),
        ('{"type": "focus", "node": {"layer": 1, "index": 50}}', "focus_no_node", "no node 50"),
        ('{"type": "speed", "value": "warp"}', "field_invalid", "value"),
        ('{"type": "play", "extra": 1}', "field_invalid", "extra"),
        ('{"type": "hide", "name": "<script>", "hidden": true}', "field_invalid", "name"),
    ],
)
def test_bad_command_gets_an_error_naming_the_problem(client, text, code, says):
    client.hello("seed=0.3")
    client.send_raw(text)
    error = client.error()
    # A code and its parameters for the page's words, and the same in English.
    assert error["code"] == code and isinstance(error["params"], dict)
    assert says in error["message"] and error["message"] == english(error)
    # the session carries on
    client.send(type="step")
    header, _ = client.frame(where=lambda h: h["epoch"] == 1)
    assert header["epoch"] == 1


def test_commands_before_hello_are_refused(client):
    client.send(type="play")
    assert "hello first" in client.error()["message"]
    header, _ = client.hello("seed=0.3")
    assert header["epoch"] == 0


def test_out_of_range_values_are_clamped_with_a_notice(client):
    client.hello("seed=0.3")
    client.send(type="set", settings={"networkShape": [500] * 50, "batchSize": 0, "learningRate": 1e9})
    header, _ = client.frame(where=lambda h: "layout" in h and h["layoutVersion"] > 1)
    assert header["layout"]["layers"] == [2] + [16] * 10 + [1]  # the most a link may ask for
    notices = " ".join(n["message"] for n in client.notices)
    assert "hidden layers" in notices and "Batch size" in notices and "Learning rate" in notices
    assert "batchSize=1&" in header["settings"]["hash"]


def test_divergence_is_reported_in_plain_words(client):
    client.hello("seed=0.3&problem=regression&learningRate=10&networkShape=8,8")
    client.send(type="speed", value="max")
    client.send(type="play")
    header, _ = client.frame(where=lambda h: "divergence" in h, timeout=30)
    assert header["playing"] is False
    message = header["divergence"]["message"]
    assert "learning rate 10" in message and f"epoch {header['divergence']['epoch']}" in message
    assert header["trainLoss"] is not None  # the weights from before the bad epoch are kept
    assert not client.notices, "said once, in the frame"


def test_oversized_message_closes_only_that_connection(server_url):
    abuser = Client(server_url)
    abuser.hello("seed=0.3")
    abuser.send(type="set", settings={"seed": "x" * 70_000})
    with pytest.raises(ConnectionClosed) as closed:
        for _ in range(50):
            abuser.receive(timeout=5)
    assert closed.value.rcvd is None or closed.value.rcvd.code == 1009
    other = Client(server_url)
    header, _ = other.hello("seed=0.3")
    assert header["epoch"] == 0
    other.close()


def test_flood_of_bad_messages_closes_with_policy_code(server_url):
    abuser = Client(server_url)
    for _ in range(300):
        abuser.send_raw("{oops")
    with pytest.raises(ConnectionClosed) as closed:
        for _ in range(1000):
            abuser.receive(timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    assert abuser.errors and "not valid JSON" in abuser.errors[0]["message"]
    other = Client(server_url)
    header, _ = other.hello("seed=0.3")
    assert header["epoch"] == 0
    other.close()


def test_hostile_link_is_answered_with_defaults_and_notices(client):
    hostile = "activation=toString&networkShape&learningRate=abc&<script>alert(1)</script>=1&seed=" + "y" * 10_000
    header, _ = client.hello(hostile)
    assert header["layout"]["layers"] == [2, 4, 2, 1]
    hash_ = header["settings"]["hash"]
    assert "<" not in hash_ and ">" not in hash_
    assert "activation=tanh" in hash_ and "learningRate=0.03" in hash_
    assert json.dumps(header["settings"]["notices"])


def test_binary_message_is_refused(client):
    client.hello("seed=0.3")
    client.send_raw(b"\x00\x01")
    assert "binary" in client.error()["message"]


def test_a_number_too_large_for_a_float_is_refused_politely(client):
    client.hello("seed=0.3&batchSize=5")
    client.send_raw('{"type": "set", "settings": {"batchSize": 1' + "0" * 400 + "}}")
    header, _ = client.frame(where=lambda h: "batchSize=10&" in h.get("settings", {}).get("hash", ""))
    assert header["epoch"] == 0
    assert any(n["params"].get("setting") == "batchSize" and "Batch size" in n["message"] for n in client.notices)
    assert not [e for e in client.errors if "could not do that" in e["message"]]
