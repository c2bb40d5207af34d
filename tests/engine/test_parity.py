"""Bit for bit the original: every reference run, every epoch, `==` on floats.

Every run file of `tests/data/reference/vectors` (300 epochs) and
`tests/data/reference/vectors-exact` (up to 1,000 epochs; deep, chaotic,
diverging, batch 1, ten layers, hidden inputs) is checked twice:

- training from the file's stored points and initial parameters: every
  train and test loss equal to the original's, the final parameters and
  dead links equal; a run whose original loss turns non-finite (`null`) is
  equal up to there and our divergence guard stops at exactly that epoch;
- a session opened from the file's link: the same points, the same initial
  parameters and the same epoch-0 losses (the seeded stream, the data
  generators and the initializer, all exact).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine.features import feature_matrix, hidden_inputs
from engine.network import Network
from engine.session import Session
from engine.share_hash import parse_hash
from engine.training import Trainer, TrainingConfig
from tests.reference import exact_run_paths, run_vector_paths

RUNS = run_vector_paths() + exact_run_paths()


def _layers(network: Network, stored: list[dict]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The file's W[dest][source] per layer as our (source, dest) matrices, with biases."""
    sizes = network.layer_sizes
    return [
        (
            np.array(layer["weights"], dtype=float).reshape(sizes[l + 1], sizes[l]).T,
            np.array(layer["biases"], dtype=float),
        )
        for l, layer in enumerate(stored)
    ]


def _trainer(run: dict) -> Trainer:
    config = run["config"]
    inputs = run["inputs"]
    sizes = [len(inputs), *config["networkShape"], 1]
    network = Network(sizes, config["activation"], "squared", config["problem"])
    network.load(_layers(network, run["init"]))
    train = np.array(run["train"], dtype=float).reshape(-1, 3)
    test = np.array(run["test"], dtype=float).reshape(-1, 3)
    settings = TrainingConfig(
        learning_rate=config["learningRate"],
        regularization=config["regularization"],
        regularization_rate=config["regularizationRate"],
        problem=config["problem"],
        loss="squared",
        batch_size=config["batchSize"],
    )
    return Trainer(
        network,
        feature_matrix(train[:, :2], inputs),
        train[:, 2],
        feature_matrix(test[:, :2], inputs),
        test[:, 2],
        settings,
    )


def _first_null(run: dict) -> int | None:
    return next((row[0] for row in run["loss"] if row[1] is None or row[2] is None), None)


def test_the_reference_set_has_long_chaotic_and_diverging_runs():
    runs = [json.loads(p.read_text()) for p in RUNS]
    assert len(runs) >= 36
    assert sum(len(run["loss"]) > 1000 for run in runs) >= 4
    assert sum(_first_null(run) is not None for run in runs) >= 2
    assert any(run["config"]["learningRate"] >= 10 for run in runs)


@pytest.mark.parametrize("path", RUNS, ids=[p.stem for p in RUNS])
def test_training_is_bit_for_bit_the_originals(path):
    run = json.loads(path.read_text())
    trainer = _trainer(run)
    theirs = run["loss"]
    epochs = len(theirs) - 1
    diverges_at = _first_null(run)
    ours = [(0, *trainer.losses())]
    result = trainer.run(epochs)
    ours += result.points
    if diverges_at is None:
        assert result.divergence is None
        assert len(ours) == len(theirs)
    else:
        # The guard keeps the last good epoch: the one after it is where the original's loss overflowed.
        assert result.divergence is not None and result.divergence.epoch + 1 == diverges_at
        assert len(ours) == diverges_at
    for (epoch, train, test), (their_epoch, their_train, their_test) in zip(ours, theirs):
        assert epoch == their_epoch
        assert (train, test) == (their_train, their_test), f"losses at epoch {epoch}"
    if diverges_at is not None:
        return
    network = trainer.network
    for l, (w, b) in enumerate(_layers(network, run["final"])):
        assert np.array_equal(network.weights[l], w), f"weights of layer {l + 1}"
        assert np.array_equal(network.biases[l], b), f"biases of layer {l + 1}"
    sizes = network.layer_sizes
    for l, (ours_dead, layer) in enumerate(zip(network.dead_links(), run["finalDead"])):
        expected = np.array(layer, dtype=bool).reshape(sizes[l + 1], sizes[l]).T
        assert np.array_equal(ours_dead, expected), f"dead links of layer {l + 1}"


@pytest.mark.parametrize("path", RUNS, ids=[p.stem for p in RUNS])
def test_a_session_from_the_link_starts_exactly_as_the_original(path):
    run = json.loads(path.read_text())
    parsed = parse_hash(run["hash"])
    session = Session(parsed.settings, hidden_inputs=hidden_inputs(parsed.hidden))
    assert session.active == run["inputs"]
    assert np.array_equal(session.data.train, np.array(run["train"], dtype=float).reshape(-1, 3))
    assert np.array_equal(session.data.test, np.array(run["test"], dtype=float).reshape(-1, 3))
    for l, (w, b) in enumerate(_layers(session.network, run["init"])):
        assert np.array_equal(session.network.weights[l], w)
        assert np.array_equal(session.network.biases[l], b)
    assert session.losses() == tuple(run["loss"][0][1:])


def test_partial_steps_give_the_same_run_as_whole_epochs():
    """Stopping at batch boundaries (the fair scheduler's steps) changes nothing."""
    path = next(p for p in RUNS if p.stem == "xor-relu-l1-b7-n15-888")
    run = json.loads(path.read_text())
    whole, pieces = _trainer(run), _trainer(run)
    expected = whole.run(20).points
    points = []
    calls = 0
    while len(points) < 20:
        result = pieces.run(20 - len(points), max_examples=33)
        assert result.examples <= 33 + 6  # stops at the first batch boundary past the budget
        points += result.points
        calls += 1
    assert calls > 100
    assert points == expected
    assert np.array_equal(pieces.network.params, whole.network.params)
