"""Random commands, well-formed and not, never break a session or the server."""

from __future__ import annotations

import json
import random

import pytest

from engine.settings import SETTINGS

from .support import Client

WILD_VALUES = [
    None,
    True,
    False,
    0,
    -1,
    1,
    2.5,
    -1e308,
    1e308,
    10**30,
    "",
    "x" * 300,
    "<script>",
    [],
    [1, 2],
    [0] * 20,
    [-3, 9999],
    {},
    {"a": 1},
    "NaN",
    "0.5",
    3,
    16,
    0.001,
]


def random_command(rng: random.Random) -> dict | str:
    kind = rng.choice(
        [
            "set",
            "set",
            "set",
            "play",
            "pause",
            "step",
            "reset",
            "regenerate",
            "speed",
            "edit",
            "focus",
            "hide",
            "garbage",
            "hello",
        ]
    )
    if kind == "set":
        setting = rng.choice(SETTINGS)
        choices = list(setting.choices) or WILD_VALUES
        value = rng.choice(choices) if rng.random() < 0.6 else rng.choice(WILD_VALUES)
        return {"type": "set", "settings": {setting.name: value}}
    if kind == "speed":
        return {"type": "speed", "value": rng.choice(["1", "10", "max", "fast", 5])}
    if kind == "edit":
        return {
            "type": "edit",
            "target": rng.choice(["weight", "bias", "both"]),
            "layer": rng.randint(-1, 10),
            "source": rng.randint(-1, 20),
            "dest": rng.randint(0, 20),
            "node": rng.randint(0, 20),
            "value": rng.choice([0.5, -3.0, 1e7, "1"]),
        }
    if kind == "focus":
        return {
            "type": "focus",
            "node": rng.choice([None, {"layer": rng.randint(0, 9), "index": rng.randint(0, 20)}, {"layer": -1}, 3]),
        }
    if kind == "hide":
        return {
            "type": "hide",
            "name": rng.choice(["noise", "x", "numNodes2", "bad name", ""]),
            "hidden": rng.choice([True, False, "yes"]),
        }
    if kind == "garbage":
        return rng.choice(["{", "null", "[]", '{"type": 7}', '{"type": "set", "settings": 5}', "\u0000", "{}" * 100])
    return {"type": kind}


@pytest.mark.parametrize("seed", [1, 2, 3, 20261122])
def test_random_commands_leave_the_session_answering(server_url, seed):
    rng = random.Random(seed)
    client = Client(server_url)
    client.hello("seed=0.9")
    # fewer than the abuse limit's 200 bad messages, so the connection stays open
    for _ in range(150):
        command = random_command(rng)
        client.send_raw(command if isinstance(command, str) else json.dumps(command))
    client.send(type="pause")
    client.send(
        type="set",
        settings={"networkShape": [3], "activation": "tanh", "learningRate": 0.03, "problem": "classification"},
    )
    client.send(type="step")
    # The layout travels only when it changes, so it may come a frame before the step's.
    layers: list = []

    def settled(h: dict) -> bool:
        if "layout" in h:
            layers[:] = h["layout"]["layers"]
        return h["epoch"] == 1 and h["layoutVersion"] > 1 and layers[1:2] == [3]

    header, _ = client.frame(timeout=60, where=settled)
    assert header["playing"] is False
    assert all(error["message"] for error in client.errors)
    # every refusal was the input's fault, never a failure of ours
    assert not [e for e in client.errors if "could not do that" in e["message"]]
    client.close()
    other = Client(server_url)
    fresh, _ = other.hello("seed=0.9")
    assert fresh["epoch"] == 0
    other.close()
