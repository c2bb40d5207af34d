"""The parts of a saved session that are not the network: the seeded stream
and the loss history go to plain JSON values and come back exactly."""

from __future__ import annotations

import json
import math

import pytest

from engine.history import LossHistory
from engine.rng import SeededStream


@pytest.mark.parametrize("drawn", [0, 1, 7, 290, 291, 5000])
def test_a_stream_continues_exactly_after_a_round_trip(drawn):
    stream = SeededStream("0.12345")
    for _ in range(drawn):
        stream.random()
    state = json.loads(json.dumps(stream.to_state()))
    copy = SeededStream.from_state(state)
    assert [copy.random() for _ in range(1000)] == [stream.random() for _ in range(1000)]
    assert copy.new_seed() == stream.new_seed()


@pytest.mark.parametrize(
    "broken",
    [
        {},
        {"seed": "1", "S": "zz", "i": 0, "j": 0, "unread": ""},
        {"seed": "1", "S": "00" * 256, "i": 0, "j": 0, "unread": ""},
        {"seed": 1, "S": bytes(range(256)).hex(), "i": 0, "j": 0, "unread": ""},
        {"seed": "1", "S": bytes(range(256)).hex(), "i": 300, "j": 0, "unread": ""},
    ],
)
def test_a_broken_stream_state_is_refused(broken):
    with pytest.raises(ValueError, match="random-stream state"):
        SeededStream.from_state(broken)


def test_a_history_round_trips_with_non_finite_losses():
    history = LossHistory(capacity=10)
    for epoch in range(25):
        history.append(epoch, 1.0 / (epoch + 1), math.inf if epoch == 24 else 0.5)
    copy = LossHistory.from_state(json.loads(json.dumps(history.to_state())))
    assert copy.capacity == 10
    assert copy.points[:-1] == history.points[:-1]
    assert copy.points[-1][:2] == history.points[-1][:2] and math.isnan(copy.points[-1][2])


def test_a_broken_history_is_refused():
    with pytest.raises(ValueError, match="loss history"):
        LossHistory.from_state({"capacity": 10, "points": [[1, 2]]})
