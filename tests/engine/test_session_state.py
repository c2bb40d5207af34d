"""Saved sessions (engine/session_state.py): train N, save, load, train M more
gives what training N + M without stopping gives, bit for bit, for every
setting and option; the committed value of format 1 still loads; a newer or
damaged value is refused in plain words."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.session import Session
from engine.session_state import VERSION, StateError, decode, encode
from engine.settings import ACTIVATION_CHOICES, INIT_CHOICES, OPTIMIZER_CHOICES
from engine.user_data import parse_dataset
from server.i18n import english

FIXTURE = Path(__file__).parent.parent / "data" / "state" / "session-v1.json"
BODY = b"a,b,label\n" + b"".join(f"{i},{(i * 7) % 11},{'xy'[i % 3 == 0]}\n".encode() for i in range(40))
REGRESSION = b"a,b,t\n" + b"".join(f"{i},{(i * 3) % 7},{i * 0.5 + 1}\n".encode() for i in range(30))
SHELF = {"mine": parse_dataset(BODY), "reg": parse_dataset(REGRESSION)}

# (name, settings, calls): calls are the `step` arguments (epochs, max_examples)
# made before the save and again after it.
BASE = {"seed": "0.31415", "networkShape": [3, 2]}
CASES = [
    *[(f"optimizer-{name}", {"optimizer": name, "learningRate": 0.01}, [(3, None)]) for name in OPTIMIZER_CHOICES],
    *[(f"activation-{name}", {"activation": name}, [(2, None)]) for name in ACTIVATION_CHOICES],
    *[(f"init-{name}", {"init": name}, [(2, None)]) for name in INIT_CHOICES],
    ("L1", {"regularization": "L1", "regularizationRate": 0.03, "learningRate": 0.3}, [(5, None)]),
    ("L2", {"regularization": "L2", "regularizationRate": 0.01}, [(3, None)]),
    ("dropout", {"dropout": 0.3, "optimizer": "adam", "learningRate": 0.01}, [(2, None)]),
    (
        "adam-L1-dropout",
        {"dropout": 0.2, "optimizer": "adam", "regularization": "L1", "regularizationRate": 0.01},
        [(3, None)],
    ),
    ("partial-epoch", {"batchSize": 7}, [(1, 100), (1, 90)]),
    ("partial-dropout-adam", {"batchSize": 3, "dropout": 0.5, "optimizer": "adam"}, [(2, 101), (1, 130)]),
    ("leftover-batch", {"batchSize": 30, "percTrainData": 30}, [(2, None)]),
    ("regression", {"problem": "regression", "regDataset": "reg-gauss"}, [(2, None)]),
    ("regression-huber", {"problem": "regression", "loss": "huber", "optimizer": "rmsprop"}, [(2, None)]),
    ("regression-absolute", {"problem": "regression", "loss": "absolute"}, [(2, None)]),
    ("cross-entropy", {"loss": "crossEntropy", "dataset": "spiral", "noise": 20}, [(2, None)]),
    ("features", {"xTimesY": True, "xSquared": True, "sinX": True, "networkShape": [5]}, [(2, None)]),
    ("no-hidden-layer", {"networkShape": []}, [(3, None)]),
    ("stored-data", {"data": "mine", "batchSize": 4}, [(3, None), (1, 9)]),
    ("stored-regression", {"data": "reg", "optimizer": "momentum"}, [(3, None)]),
    ("three-classes", {"classes": 3, "dataset": "spiral", "optimizer": "adam", "learningRate": 0.01}, [(3, None)]),
    ("five-classes-partial", {"classes": 5, "dataset": "gauss", "batchSize": 7}, [(1, None), (1, 100)]),
    ("stop-patience", {"stopPatience": 2, "learningRate": 3}, [(4, None)]),
    ("schedule-cosine", {"lrSchedule": "cosine", "lrDecayEpochs": 3}, [(4, None)]),
]


def fresh(values: dict) -> Session:
    return Session({**BASE, **values}, datasets=SHELF.get)


def drive(session: Session, calls) -> None:
    for epochs, max_examples in calls:
        session.step(epochs, max_examples)


def reload(session: Session) -> Session:
    """Through the bytes the store keeps, as a new process would read them."""
    return decode(encode(session), datasets=SHELF.get)


def assert_same(one: Session, two: Session) -> None:
    assert one.epoch == two.epoch
    assert one.trainer.position == two.trainer.position
    assert one.history.points == two.history.points
    assert one.losses() == two.losses()
    assert one.network.params.tobytes() == two.network.params.tobytes()
    assert np.array_equal(one.network.dead, two.network.dead)
    for name in ("acc", "opt", "ints", "rng"):
        assert getattr(one.trainer.state, name).tobytes() == getattr(two.trainer.state, name).tobytes(), name
    assert one.stream.to_state() == two.stream.to_state()
    assert one.settings == two.settings
    assert one.stopped == two.stopped
    assert (one.watch.armed, one.watch.best_epoch, one.watch.best_loss) == (
        two.watch.armed,
        two.watch.best_epoch,
        two.watch.best_loss,
    )


@pytest.mark.parametrize("name,values,calls", CASES, ids=[case[0] for case in CASES])
def test_training_on_after_a_save_is_training_on_without_stopping(name, values, calls):
    stopped, straight = fresh(values), fresh(values)
    drive(stopped, calls)
    drive(straight, calls)
    loaded = reload(stopped)
    assert_same(loaded, straight)
    drive(loaded, calls)
    drive(straight, calls)
    assert loaded.epoch > 0 and loaded.history.points[-1][0] == loaded.epoch
    assert_same(loaded, straight)


def test_a_session_after_live_changes_regenerate_and_hidden_inputs_goes_on_the_same():
    def history(session):
        session.step(2)
        session.apply({"optimizer": "adam", "regularization": "L1", "regularizationRate": 0.003})
        session.step(1, 50)
        session.regenerate()
        session.hide_inputs(frozenset({"x"}))
        session.apply({"learningRate": 0.1})
        session.step(2)

    stopped, straight = fresh({}), fresh({})
    history(stopped)
    history(straight)
    loaded = reload(stopped)
    for session in (loaded, straight):
        session.step(3)
        session.reset()  # fresh weights come from the stream: its position was kept too
        session.step(1)
        assert session.regenerate()
        session.step(1)
    assert_same(loaded, straight)
    assert loaded.hidden_inputs == frozenset({"x"})


def test_a_diverged_session_stays_diverged_with_its_reason():
    session = fresh({"learningRate": 10, "problem": "regression", "networkShape": [8, 8, 8]})
    session.step(200)
    assert session.divergence is not None
    loaded = reload(session)
    assert loaded.divergence == session.divergence
    assert loaded.step(5) == 0
    assert_same(loaded, session)


def test_the_state_is_plain_json_of_the_current_version():
    state = fresh({}).to_state()
    assert json.loads(json.dumps(state, allow_nan=False)) == state
    assert state["format"] == "neural-playground/session" and state["version"] == VERSION
    assert Session.from_state(state).to_state() == state


def test_the_committed_format_1_value_still_loads_and_trains_on_exactly():
    # The fixture was written by: Session({"seed": "0.5", "optimizer": "adam", "dropout": 0.2,
    # "regularization": "L1", "regularizationRate": 0.001, "batchSize": 7}) trained
    # step(4) then step(1, 60) (stopped inside epoch 5); see FIXTURE_CALLS.
    loaded = decode(FIXTURE.read_bytes())
    straight = Session(FIXTURE_SETTINGS)
    drive(straight, FIXTURE_CALLS)
    assert loaded.epoch == 4 and loaded.trainer.position > 0
    assert_same(loaded, straight)
    drive(loaded, [(3, None)])
    drive(straight, [(3, None)])
    assert_same(loaded, straight)


FIXTURE_SETTINGS = {
    "seed": "0.5",
    "optimizer": "adam",
    "dropout": 0.2,
    "regularization": "L1",
    "regularizationRate": 0.001,
    "batchSize": 7,
}
FIXTURE_CALLS = [(4, None), (1, 60)]


def write_fixture() -> None:
    """Writes FIXTURE (run once when format 1 was made; never again for format 1)."""
    session = Session(FIXTURE_SETTINGS)
    drive(session, FIXTURE_CALLS)
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps(session.to_state(), indent=1) + "\n")


def test_a_newer_format_is_refused_with_a_clear_message():
    state = fresh({}).to_state()
    state["version"] = VERSION + 1
    with pytest.raises(StateError) as refused:
        Session.from_state(state)
    assert refused.value.code == "state_newer" and refused.value.params["version"] == VERSION + 1
    assert "saved by a newer version of Neural Playground" in english(refused.value.message)


@pytest.mark.parametrize("damage", ["flip-a-weight", "drop-a-field", "not-json", "not-a-session", "bad-checksum"])
def test_a_damaged_value_is_refused_with_a_clear_message(damage):
    session = fresh({})
    session.step(2)
    body = encode(session)
    state = json.loads(body)
    if damage == "flip-a-weight":
        text = state["network"]["params"]["base64"]
        state["network"]["params"]["base64"] = ("B" if text[0] != "B" else "C") + text[1:]
        body = json.dumps(state).encode()
        expected = "damaged: its checksum does not match"
    elif damage == "drop-a-field":
        del state["trainer"]["acc"]
        from engine.session_state import _checksum

        state["checksum"] = _checksum(state)  # a writer with a bug, not a bit flip
        body = json.dumps(state).encode()
        expected = "damaged: the field 'acc' is missing"
    elif damage == "not-json":
        body = body[: len(body) // 2]
        expected = "damaged: it is not readable JSON"
    elif damage == "not-a-session":
        body = b'{"hello": 1}'
        expected = "not a saved Neural Playground session"
    else:
        state["checksum"] = "0" * 64
        body = json.dumps(state).encode()
        expected = "checksum does not match"
    with pytest.raises(StateError) as refused:
        decode(body, datasets=SHELF.get)
    assert expected in english(refused.value.message)


def test_stored_data_that_is_gone_is_refused_by_name():
    session = fresh({"data": "mine"})
    with pytest.raises(StateError) as refused:
        decode(encode(session), datasets={}.get)
    assert refused.value.code == "state_data_missing"
    assert "data set is not available: data=mine is not a data set" in english(refused.value.message)
