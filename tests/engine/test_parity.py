"""Parity with the original app: every reference run file, 300 epochs.

Each run starts from the file's stored points and initial parameters (so the
data generators and the random stream are not involved) and trains with the
file's settings. The losses must match the original's to 1e-6 (relative) for
epochs 0–100, the 3-decimal losses the page shows must be identical for all
epochs 0–300, and the links killed by L1 must be the same at the end.
"""

import json
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from engine.features import feature_matrix
from engine.network import Network
from engine.training import Trainer, TrainingConfig

EPOCHS = 300
CLOSE_EPOCHS = 100
RELATIVE = 1e-6
FLOOR = 1e-15


def to_fixed_3(value: float) -> str:
    """JavaScript's value.toFixed(3): round half up on the exact binary value."""
    return str(Decimal(value).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def test_to_fixed_3_rounds_the_exact_binary_value():
    assert to_fixed_3(0.0005) == "0.001"  # 0.0005 is slightly above in binary
    assert to_fixed_3(1.0005) == "1.000"  # ... and 1.0005 slightly below
    assert to_fixed_3(0.0625) == "0.063"  # exact tie: half up
    assert to_fixed_3(0.5) == "0.500"


def _trainer(run: dict) -> Trainer:
    config = run["config"]
    inputs = run["inputs"]
    sizes = [len(inputs), *config["networkShape"], 1]
    network = Network(sizes, config["activation"], "squared", config["problem"])
    # The file's W[i][j] runs from source j to destination i; ours is [source, dest].
    network.load([(np.array(layer["weights"], dtype=float).reshape(sizes[l + 1], sizes[l]).T,
                   layer["biases"]) for l, layer in enumerate(run["init"])])
    train = np.array(run["train"], dtype=float).reshape(-1, 3)
    test = np.array(run["test"], dtype=float).reshape(-1, 3)
    settings = TrainingConfig(learning_rate=config["learningRate"],
                              regularization=config["regularization"],
                              regularization_rate=config["regularizationRate"],
                              problem=config["problem"], loss="squared",
                              batch_size=config["batchSize"])
    return Trainer(network, feature_matrix(train[:, :2], inputs), train[:, 2],
                   feature_matrix(test[:, :2], inputs), test[:, 2], settings)


def test_training_matches_the_original(run_vector):
    trainer = _trainer(run_vector)
    initial = trainer.losses()
    result = trainer.run(EPOCHS)
    assert result.divergence is None
    ours = [(0, *initial)] + result.points
    theirs = run_vector["loss"]
    assert len(ours) == len(theirs) == EPOCHS + 1

    for (epoch, *our_losses), (their_epoch, *their_losses) in zip(ours, theirs):
        assert epoch == their_epoch
        for which, ours_value, theirs_value in zip(("train", "test"), our_losses, their_losses):
            if epoch <= CLOSE_EPOCHS:
                gap = abs(ours_value - theirs_value) / max(abs(theirs_value), FLOOR)
                assert gap <= RELATIVE, f"{which} loss at epoch {epoch}: {ours_value} vs {theirs_value}"
            assert to_fixed_3(ours_value) == to_fixed_3(theirs_value), \
                f"shown {which} loss at epoch {epoch}: {ours_value} vs {theirs_value}"

    sizes = trainer.network.layer_sizes
    their_dead = [np.array(layer, dtype=bool).reshape(sizes[l + 1], sizes[l]).T
                  for l, layer in enumerate(run_vector["finalDead"])]
    for l, (ours_dead, expected) in enumerate(zip(trainer.network.dead_links(), their_dead)):
        assert np.array_equal(ours_dead, expected), f"dead links of layer {l + 1}"


def test_final_parameters_are_close_on_a_calm_run(vector_paths):
    """The defaults run is not chaotic: its weights after 300 epochs agree closely too."""
    path = next(p for p in vector_paths if p.stem == "circle-tanh-defaults")
    run = json.loads(path.read_text())
    trainer = _trainer(run)
    trainer.run(EPOCHS)
    for l, layer in enumerate(run["final"]):
        sizes = trainer.network.layer_sizes
        expected_w = np.array(layer["weights"]).reshape(sizes[l + 1], sizes[l]).T
        assert np.allclose(trainer.network.weights[l], expected_w, rtol=1e-9, atol=1e-12)
        assert np.allclose(trainer.network.biases[l], layer["biases"], rtol=1e-9, atol=1e-12)
