"""Sessions on generated or stored data (engine/data_source.py and its hook in Session)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.data_source import GeneratedData, StoredData, membership
from engine.datasets import DATASETS, shuffle_split
from engine.example_data import example_dataset
from engine.rng import SeededStream
from engine.session import Session
from engine.settings import Effect
from engine.user_data import parse_dataset
from server.i18n import english

BODY = b"a,b,label\n" + b"".join(f"{i},{(i * 7) % 11},{'xy'[i % 3 == 0]}\n".encode() for i in range(40))
REGRESSION = b"a,b,t\n" + b"".join(f"{i},{(i * 3) % 7},{i * 0.5 + 1}\n".encode() for i in range(30))


@pytest.fixture
def shelf():
    return {"mine": parse_dataset(BODY), "reg": parse_dataset(REGRESSION), "iris": example_dataset("iris")}


def test_a_stored_data_set_is_split_by_the_seed_and_the_ratio(shelf):
    session = Session({"data": "mine", "seed": "0.25", "percTrainData": 70}, datasets=shelf.get)
    assert isinstance(session.source, StoredData) and session.notices == []
    expected = shuffle_split(shelf["mine"].plane_points(), 70, SeededStream("0.25"))
    assert np.array_equal(session.data.train, expected.train) and np.array_equal(session.data.test, expected.test)
    assert len(session.data.train) == 28
    # The export's split column says the same.
    parts = membership(40, 70, "0.25")
    train_rows = {tuple(row) for row in session.data.train.tolist()}
    points = shelf["mine"].plane_points().tolist()
    assert all((tuple(points[i]) in train_rows) == (part == "train") for i, part in enumerate(parts))


def test_the_seed_still_decides_the_weights(shelf):
    one = Session({"data": "mine", "seed": "0.25"}, datasets=shelf.get)
    two = Session({"data": "mine", "seed": "0.25"}, datasets=shelf.get)
    other = Session({"data": "mine", "seed": "0.26"}, datasets=shelf.get)
    assert np.array_equal(one.network.params, two.network.params)
    assert not np.array_equal(one.network.params, other.network.params)
    one.step(5)
    two.step(5)
    assert one.losses() == two.losses()


def test_the_problem_follows_a_stored_data_set(shelf):
    session = Session({"data": "reg", "seed": "0.5", "loss": "crossEntropy"}, datasets=shelf.get)
    assert session.settings["problem"] == "regression" and session.settings["loss"] == "squared"
    assert session.data.train[:, 2].min() >= -1


def test_an_unknown_id_opens_the_generated_data_with_a_notice(shelf):
    session = Session({"data": "0123456789abcdef01234567", "seed": "0.5"}, datasets=shelf.get)
    assert isinstance(session.source, GeneratedData) and session.settings["data"] is None
    assert [(n.code, n.params) for n in session.notices] == [("data_unknown", {"id": "0123456789abcdef01234567"})]
    assert english(session.notices[0]) == (
        "data=0123456789abcdef01234567 is not a data set on this server; using the generated data instead"
    )
    assert np.array_equal(session.data.train, Session({"seed": "0.5"}).data.train)
    assert Session({"data": "x"}).settings["data"] is None  # no store at all


def test_a_three_class_data_set_trains_with_three_outputs(shelf):
    session = Session({"data": "iris", "seed": "0.5", "learningRate": 0.1}, datasets=shelf.get)
    assert session.settings["data"] == "iris" and session.notices == []
    assert session.settings["classes"] == 3 and session.settings["loss"] == "crossEntropy"
    assert session.network.layer_sizes[-1] == 3
    assert set(np.unique(session.data.train[:, 2])) <= {0.0, 1.0, 2.0}
    session.step(100)
    assert session.metrics()["test"]["accuracy"] > 0.8
    back = session.apply({"dataset": "circle"})  # leaving it keeps the class count for the generated data
    assert session.settings["data"] is None and session.network.layer_sizes[-1] == 3 and back.notices == []


def test_switching_data_keeps_the_network_and_the_epoch(shelf):
    session = Session({"seed": "0.5"}, datasets=shelf.get)
    session.step(4)
    weights = session.network.params.copy()
    change = session.apply({"data": "mine"})
    assert change.effect is Effect.DATA and session.epoch == 4
    assert np.array_equal(session.network.params, weights)
    fresh = Session({"data": "mine", "seed": "0.5"}, datasets=shelf.get)
    assert np.array_equal(session.data.train, fresh.data.train)  # the split a fresh tab with the link makes
    session.step(2)
    assert session.epoch == 6


def test_choosing_a_generated_data_set_leaves_the_stored_one(shelf):
    session = Session({"data": "mine", "seed": "0.5"}, datasets=shelf.get)
    session.apply({"dataset": "circle"})
    assert session.settings["data"] is None and isinstance(session.source, GeneratedData)
    assert len(session.data.train) == 250
    session.apply({"data": "mine"})
    session.apply({"problem": "regression"})
    assert session.settings["data"] is None


def test_noise_and_regenerate_do_nothing_to_stored_points(shelf):
    session = Session({"data": "mine", "seed": "0.5"}, datasets=shelf.get)
    session.step(3)
    train = session.data.train.copy()
    change = session.apply({"noise": 30})
    assert change.effect is Effect.INERT and session.settings["noise"] == 30 and session.epoch == 3
    assert session.regenerate() is False
    assert np.array_equal(session.data.train, train) and session.settings["seed"] == "0.5"
    assert Session({"seed": "0.5"}).regenerate() is True


def test_the_ratio_splits_stored_data_again(shelf):
    session = Session({"data": "mine", "seed": "0.5"}, datasets=shelf.get)
    session.apply({"percTrainData": 80})
    assert len(session.data.train) == 32 and session.settings["data"] == "mine"


def test_the_frame_data_says_where_the_points_come_from(shelf):
    session = Session({"data": "mine", "seed": "0.5"}, datasets=shelf.get)
    stored = session.source.describe(session.settings)
    assert stored["kind"] == "stored" and stored["id"] == "mine" and stored["points"] == 40
    assert stored["classes"] == ["x", "y"] and stored["columns"] == ["a", "b", "label"]
    generated = Session({"seed": "0.5"})
    assert generated.source.describe(generated.settings) == {"kind": "generated", "dataset": "circle"}


@pytest.mark.parametrize("name", ["moons", "checkerboard"])
def test_two_moons_and_the_checkerboard_are_seeded_two_class_data(name):
    points = DATASETS[name](500, 0.0, SeededStream("m"))
    assert points.shape == (500, 3) and set(points[:, 2]) == {-1.0, 1.0}
    assert np.all(np.abs(points[:, :2]) <= 6)
    assert np.array_equal(points, DATASETS[name](500, 0.0, SeededStream("m")))
    session = Session({"dataset": name, "seed": "0.5"})
    session.step(2)
    assert session.epoch == 2 and len(session.data.train) == 250
