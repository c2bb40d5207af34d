"""The session: the live/rebuild/regenerate table, the seed life cycle, and the commands."""

from __future__ import annotations

import numpy as np
import pytest

from engine.messages import Message
from engine.session import EditError, Session
from engine.settings import SETTINGS, Effect, Kind, SettingError
from server.i18n import english


def another_value(setting, current):
    """A valid value of `setting` different from `current`."""
    if setting.kind is Kind.BOOL:
        return not current
    if setting.kind is Kind.ENUM:
        return next(choice for choice in setting.choices if choice != current)
    if setting.kind is Kind.SHAPE:
        return (3,)
    if setting.kind is Kind.STRING:
        return "0.77777"
    if setting.choices:
        return next(choice for choice in setting.choices if choice != current)
    return setting.ui_max if setting.ui_max != current else setting.ui_min


def trained_session() -> Session:
    session = Session({"seed": "0.12345"})
    session.step(3)
    return session


# `data` needs a store to name a data set: tests/engine/test_data_source.py.
CHANGEABLE = [s for s in SETTINGS if s.name not in ("loss", "initZero", "init", "data")]


@pytest.mark.parametrize("setting", CHANGEABLE, ids=[s.name for s in CHANGEABLE])
def test_each_setting_has_the_effect_the_table_says(setting):
    session = trained_session()
    weights = session.network.params.copy()
    train = session.data.train.copy()
    seed = session.settings["seed"]
    change = session.apply({setting.name: another_value(setting, session.settings[setting.name])})
    assert change.effect is setting.effect
    assert change.changed[0] == setting.name
    if setting.effect in (Effect.LIVE, Effect.VIEW, Effect.INERT):
        assert session.epoch == 3
        assert np.array_equal(session.network.params, weights)
        assert np.array_equal(session.data.train, train)
    elif setting.effect is Effect.REBUILD:
        assert session.epoch == 0
        assert np.array_equal(session.data.train, train)
        assert session.settings["seed"] == seed
    else:
        assert session.epoch == 0
        assert session.settings["seed"] != seed
        assert not np.array_equal(session.data.train, train)


def test_init_and_init_zero_rebuild_and_stay_in_step():
    session = trained_session()
    change = session.apply({"init": "zeros"})
    assert change.effect is Effect.REBUILD and session.epoch == 0
    assert session.settings["initZero"] is True
    assert not session.network.params.any()
    session.apply({"initZero": False})
    assert session.settings["init"] == "uniform"
    session.apply({"init": "he"})
    assert session.settings["initZero"] is False


def test_loss_is_live_and_must_suit_the_problem():
    session = trained_session()
    weights = session.network.params.copy()
    change = session.apply({"loss": "crossEntropy"})
    assert change.effect is Effect.LIVE and np.array_equal(session.network.params, weights)
    change = session.apply({"loss": "huber"})
    assert session.settings["loss"] == "squared" and change.notices[0].code == "loss_unsuited"
    assert "Huber does not suit classification" in english(change.notices[0])
    session.apply({"problem": "regression"})
    session.apply({"loss": "huber"})
    assert session.settings["loss"] == "huber"


def test_changing_problem_keeps_a_suitable_loss():
    session = Session({"seed": "0.1", "loss": "crossEntropy"})
    change = session.apply({"problem": "regression"})
    assert session.settings["loss"] == "squared"
    # In the words of the page's labels, and about the two settings that caused it.
    assert change.notices == [
        Message(
            "loss_unsuited", {"loss": "crossEntropy", "problem": "regression", "used": "squared"}, ("problem", "loss")
        )
    ]
    assert [english(n) for n in change.notices] == ["Cross-entropy does not suit regression; using ½ squared error"]
    assert change.notices[0].about == ("problem", "loss")


def test_notices_use_the_labels_and_name_their_setting():
    session = Session({"seed": "0.1"})
    change = session.apply({"batchSize": 0, "learningRate": 1e9})
    assert [(n.code, n.params["setting"], n.params["used"]) for n in change.notices] == [
        ("value_clamped", "batchSize", "1"),
        ("value_clamped", "learningRate", "10"),
    ]
    assert [english(n) for n in change.notices] == [
        "Batch size 0 is outside 1–1200; using 1",
        "Learning rate 1000000000 is outside 0–10; using 10",
    ]
    assert [notice.about for notice in change.notices] == [("batchSize",), ("learningRate",)]


def test_bad_values_raise_and_change_nothing():
    session = trained_session()
    before = dict(session.settings)
    for patch in ({"learningRate": "fast"}, {"nope": 1}, {"activation": "toString"}, {"x": 1}, {"networkShape": "4,2"}):
        with pytest.raises(SettingError):
            session.apply(patch)
    assert session.settings == before and session.epoch == 3


def test_seed_life_cycle_matches_the_original():
    # spec §6.5 example 2: from seed 0.12345, choosing XOR draws the seed 0.62930
    session = Session({"seed": "0.12345"})
    session.apply({"dataset": "xor"})
    assert session.settings["seed"] == "0.62930"
    # the weights after a regeneration come from the new seed's stream, after its data
    fresh = Session({"seed": "0.62930", "dataset": "xor"})
    assert np.array_equal(session.network.params, fresh.network.params)
    assert np.array_equal(session.data.train, fresh.data.train)


def test_a_seed_given_in_a_change_reproduces_that_link():
    session = trained_session()
    session.apply({"seed": "0.5"})
    assert np.array_equal(session.network.params, Session({"seed": "0.5"}).network.params)


def test_same_history_gives_the_same_session():
    def history() -> Session:
        session = Session({"seed": "0.3", "dataset": "spiral"})
        session.step(4)
        session.reset()
        session.apply({"networkShape": (5,), "optimizer": "adam"})
        session.step(7)
        session.regenerate()
        session.step(2)
        return session

    first, second = history(), history()
    assert first.settings == second.settings
    assert np.array_equal(first.network.params, second.network.params)
    assert first.losses() == second.losses()


def test_reset_draws_new_weights_from_the_continuing_stream():
    session = trained_session()
    before = session.network.params.copy()
    train = session.data.train.copy()
    session.reset()
    assert session.epoch == 0 and not np.array_equal(session.network.params, before)
    assert np.array_equal(session.data.train, train)
    assert [point[0] for point in session.history.points] == [0]


def test_regenerate_keeps_network_and_epoch():
    session = trained_session()
    weights = session.network.params.copy()
    seed = session.settings["seed"]
    session.regenerate()
    assert session.epoch == 3 and np.array_equal(session.network.params, weights)
    assert session.settings["seed"] != seed
    assert session.step(1) == 1 and session.epoch == 4


def test_divergence_stops_training_and_keeps_the_last_good_weights():
    session = Session({"seed": "0.3", "problem": "regression", "learningRate": 10, "networkShape": (8, 8)})
    ran = session.step(500)
    assert session.divergence is not None
    assert ran == session.divergence.epoch == session.epoch
    assert np.isfinite(session.network.params).all()
    assert session.divergence.reason.code in ("diverged_loss", "diverged_weights")
    assert session.divergence.reason.params["rate"] == "10"
    assert "learning rate 10" in english(session.divergence.reason)
    assert session.step(5) == 0  # stays stopped until cleared
    session.apply({"learningRate": 0.001})
    assert session.divergence is None and session.step(5) == 5


def test_edits_change_one_parameter():
    session = trained_session()
    session.edit_weight(2, 1, 0, 2.5)
    session.edit_bias(3, 0, -1.0)
    assert session.network.weights[1][1, 0] == 2.5
    assert session.network.biases[2][0] == -1.0
    train_loss, _ = session.losses()
    assert train_loss != trained_session().losses()[0]


@pytest.mark.parametrize(
    "edit, says",
    [
        (lambda s: s.edit_weight(4, 0, 0, 1.0), "layer 4 does not exist; the network has layers 1–3"),
        (lambda s: s.edit_weight(0, 0, 0, 1.0), "layer 0 does not exist"),
        (lambda s: s.edit_weight(2, 4, 0, 1.0), "no link from node 4 of layer 1 to node 0 of layer 2"),
        (lambda s: s.edit_weight(1, 0, -1, 1.0), "no link from node 0 of layer 0 to node -1"),
        (lambda s: s.edit_bias(3, 1, 1.0), "layer 3 has node 0; node 1 does not exist"),
        (lambda s: s.edit_bias(1, 0, float("nan")), "between −1,000,000 and 1,000,000"),
        (lambda s: s.edit_weight(1, 0, 0, -1e9), "between −1,000,000 and 1,000,000"),
    ],
)
def test_edits_check_their_own_indices_and_values(edit, says):
    session = trained_session()
    before = session.network.params.copy()
    with pytest.raises(EditError) as raised:
        edit(session)
    assert raised.value.code.startswith(("edit_", "nodes_"))
    assert says in english(raised.value.message)
    assert np.array_equal(session.network.params, before)


def test_link_without_seed_gets_a_fresh_one():
    assert Session({}).settings["seed"].startswith("0.")
    assert len(Session({}).settings["seed"]) == 7


@pytest.mark.parametrize("activation", SETTINGS[0].choices)
@pytest.mark.parametrize("optimizer", [s for s in SETTINGS if s.name == "optimizer"][0].choices)
def test_every_activation_and_optimizer_trains_and_draws(activation, optimizer):
    session = Session(
        {"seed": "0.4", "activation": activation, "optimizer": optimizer, "networkShape": (3, 2), "dropout": 0.1}
    )
    start = session.losses()
    assert session.step(5) == 5 or session.divergence is not None
    assert session.losses() != start
    picture = session.picture()
    assert np.isfinite(picture.output()).all() and picture.thumbnails().shape == (12, 10, 10)


@pytest.mark.parametrize(
    "values",
    [
        {"x": False, "y": False},  # no inputs at all: hidden nodes see only their biases
        {"networkShape": ()},
        {"networkShape": (16,) * 8, "batchSize": 1},
        {"batchSize": 1200},  # larger than the training set: never updates, as the original
        {"problem": "regression", "loss": "huber", "regDataset": "reg-gauss"},
        {"problem": "regression", "loss": "absolute", "percTrainData": 1},
        {"loss": "crossEntropy", "regularization": "L1", "regularizationRate": 0.3},
    ],
)
def test_edge_configurations_train_and_draw(values):
    session = Session({"seed": "0.6", **values})
    before = session.network.params.copy()
    session.step(2)
    assert session.epoch == 2
    if values.get("batchSize") == 1200:
        assert np.array_equal(session.network.params, before)
    picture = session.picture()
    assert picture.output().shape == (100, 100)
    assert np.isfinite(picture.output()).all()


def test_history_after_thinning_gives_only_later_epochs():
    from engine.history import LossHistory

    history = LossHistory(capacity=10)
    for epoch in range(40):
        history.append(epoch, 1.0, 1.0)
    assert len(history.points) <= 11 and history.points[-1][0] == 39
    later = history.after(30, limit=100)
    assert later and all(point[0] > 30 for point in later) and later[-1][0] == 39
    assert [p[0] for p in history.after(-1, limit=3)][-1] == 39
    assert len(history.after(-1, limit=3)) <= 3


def test_a_speed_change_leaves_the_trainer_and_the_guard_alone():
    session = Session({"seed": "0.3", "problem": "regression", "learningRate": 10, "networkShape": (8, 8)})
    session.step(500)
    assert session.divergence is not None
    trainer = session.trainer
    change = session.apply({"speed": "max"})
    assert change.effect is Effect.LIVE and session.trainer is trainer
    assert session.divergence is not None, "only a change that affects training clears the stop"


def test_a_step_can_stop_inside_an_epoch_and_go_on_from_there():
    link = {"seed": "0.4", "batchSize": 10}
    pieces, whole = Session(dict(link)), Session(dict(link))
    assert pieces.step(1, max_examples=30) == 0  # 30 of 250 examples: no epoch completed
    assert pieces.epoch == 0 and pieces.trainer.position == 30
    assert [point[0] for point in pieces.history.after(-1, 10)] == [0]  # history moves at epoch ends only
    completed = 0
    while completed < 3:
        completed += pieces.step(3 - completed, max_examples=70)
    whole.step(3)
    assert pieces.epoch == whole.epoch == 3
    assert np.array_equal(pieces.network.params, whole.network.params)
    assert pieces.losses() == whole.losses()
