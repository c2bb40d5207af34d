"""Stop conditions (engine/stopping.py): training stops by itself, says why,
and goes on past the condition when asked to."""

import numpy as np

from engine.session import Session
from engine.share_hash import parse_hash, write_hash
from engine.stopping import StopRule, StopWatch
from server.i18n import english


def _session(**values):
    return Session({"dataset": "gauss", "seed": "0.3", "learningRate": 0.1, **values})


def test_stop_at_an_epoch_even_when_asked_for_more():
    session = _session(stopEpoch=7)
    assert session.step(20) == 7 and session.epoch == 7
    epoch, reason = session.stopped
    assert epoch == 7 and (reason.code, reason.params) == ("stopped_epoch", {"epoch": 7})
    assert english(reason) == "Stopped at epoch 7, as asked."
    assert session.step(5) == 0  # stopped until play or step again
    session.clear_divergence()  # what play does
    assert session.step(3) == 3 and session.epoch == 10 and session.stopped is None


def test_stop_at_a_test_loss_is_the_first_epoch_that_reaches_it():
    free = _session()
    free.step(40)
    losses = [test for _, _, test in free.history.after(-1, 1000)]
    target = 0.05
    first = next(epoch for epoch, loss in enumerate(losses) if loss <= target)
    session = _session(stopTestLoss=target)
    session.step(40)
    assert session.epoch == first
    assert session.stopped[1].code == "stopped_test_loss"
    assert english(session.stopped[1]).startswith(f"Stopped at epoch {first}: the test loss")
    assert np.array_equal(session.network.params, _trained(first).network.params)  # the same run, cut there


def _trained(epochs):
    session = _session()
    session.step(epochs)
    return session


def test_stop_at_a_test_accuracy():
    session = _session(
        dataset="spiral", classes=3, stopTestAccuracy=60, networkShape=(8, 8), optimizer="adam", learningRate=0.01
    )
    session.step(500)
    assert session.stopped is not None and "the test accuracy" in english(session.stopped[1])
    assert session.metrics()["test"]["accuracy"] >= 0.6
    session.clear_divergence()
    session.step(1)
    before = session.epoch
    session.step(1)
    assert session.epoch == before + 1  # went on: the accuracy still holds, the condition is spent


def test_stop_when_the_test_loss_has_not_improved():
    watch, rule = StopWatch(), StopRule(patience=3)
    losses = [0.9, 0.5, 0.6, 0.55, 0.5, 0.7]
    reasons = [watch.after_epoch(rule, epoch, loss, None) for epoch, loss in enumerate(losses, 1)]
    # best 0.5 at epoch 2; epochs 3, 4, 5 do not beat it (0.5 is not below 0.5)
    assert reasons[:4] == [None] * 4 and reasons[4].code == "stopped_patience"
    assert english(reasons[4]).startswith("Stopped at epoch 5: the test loss has not improved")
    assert watch.after_epoch(rule, 6, 0.1, None) is None  # fired once: disarmed


def test_stop_settings_round_trip_in_links_and_bad_values_are_moved():
    parsed = parse_hash("#seed=0.1&stopEpoch=100&stopTestLoss=0.2&stopTestAccuracy=95&stopPatience=30")
    assert parsed.notices == []
    assert StopRule.of(parsed.settings) == StopRule(100, 0.2, 95.0, 30)
    assert parse_hash(write_hash(parsed.settings)).settings == parsed.settings
    assert "stop" not in write_hash(parse_hash("#seed=0.1").settings)
    bad = parse_hash("#seed=0.1&stopTestAccuracy=150&stopEpoch=-3")
    assert bad.settings["stopTestAccuracy"] == 100 and bad.settings["stopEpoch"] == 0
    assert len(bad.notices) == 2


def test_changing_a_stop_setting_rearms_it():
    session = _session(stopEpoch=5)
    session.step(10)
    assert session.epoch == 5 and session.stopped
    session.apply({"stopEpoch": 8})
    assert session.stopped is None
    assert session.step(10) == 3 and session.epoch == 8
