"""Learning-rate schedules (engine/schedule.py)."""

import math

import numpy as np
import pytest

from engine.schedule import Schedule
from engine.session import Session
from engine.share_hash import parse_hash, write_hash


def test_the_rates_of_each_schedule_by_hand():
    assert [Schedule("constant", 0.1).rate_at(e) for e in (0, 50, 500)] == [0.1, 0.1, 0.1]
    step = Schedule("step", 0.1, period=10, factor=0.5)
    assert [step.rate_at(e) for e in (0, 9, 10, 19, 20, 35)] == [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125]
    cosine = Schedule("cosine", 0.2, period=4)
    assert [cosine.rate_at(e) for e in range(6)] == pytest.approx(
        [
            0.2,
            0.1 * (1 + math.cos(math.pi / 4)),
            0.1,
            0.1 * (1 + math.cos(3 * math.pi / 4)),
            0.2,
            0.1 * (1 + math.cos(math.pi / 4)),
        ],
        abs=1e-15,
    )


def test_a_step_schedule_trains_each_epoch_with_its_rate():
    """Two epochs with the schedule equal an epoch at η then an epoch at η·f set by hand."""
    scheduled = Session(
        {"seed": "0.4", "learningRate": 0.3, "lrSchedule": "step", "lrDecayEpochs": 1, "lrDecayFactor": 0.1}
    )
    scheduled.step(2)
    by_hand = Session({"seed": "0.4", "learningRate": 0.3})
    by_hand.step(1)
    by_hand.apply({"learningRate": 0.03})
    by_hand.step(1)
    assert np.array_equal(scheduled.network.params, by_hand.network.params)
    assert scheduled.learning_rate == pytest.approx(0.003)


def test_constant_is_the_original_and_leaving_a_schedule_restores_the_rate():
    plain = Session({"seed": "0.4"})
    plain.step(5)
    session = Session({"seed": "0.4", "lrSchedule": "cosine", "lrDecayEpochs": 10})
    session.apply({"lrSchedule": "constant"})
    session.step(5)
    assert np.array_equal(session.network.params, plain.network.params)
    cosine = Session({"seed": "0.4", "lrSchedule": "cosine", "lrDecayEpochs": 10})
    cosine.step(3)
    cosine.apply({"lrSchedule": "constant"})
    assert cosine.learning_rate == 0.03
    cosine.step(1)
    assert cosine.trainer._cfg_f[0] == 0.03


def test_schedules_in_links():
    parsed = parse_hash("#seed=0.1&lrSchedule=step&lrDecayEpochs=50&lrDecayFactor=0.3")
    assert parsed.notices == [] and parsed.settings["lrSchedule"] == "step"
    assert parse_hash(write_hash(parsed.settings)).settings == parsed.settings
    bad = parse_hash("#seed=0.1&lrSchedule=linear&lrDecayEpochs=0")
    assert bad.settings["lrSchedule"] == "constant" and bad.settings["lrDecayEpochs"] == 1 and len(bad.notices) == 2
