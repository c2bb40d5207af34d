"""Training: batch semantics, L1 link death, live changes, the divergence guard."""

import warnings

import numpy as np
import pytest

from engine import settings
from engine.network import Network
from engine.training import Trainer, TrainingConfig
from tests.engine import numpy_reference


def _data(n, problem="classification", k=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-6, 6, (n, k))
    if problem == "classification":
        y = np.where(np.hypot(X[:, 0], X[:, 1]) < 3, 1.0, -1.0)
    else:
        y = X[:, 0] / 10 + X[:, 1] / 10
    return X, y


def _network(sizes=(2, 4, 2, 1), activation="tanh", problem="classification", seed=1):
    network = Network(list(sizes), activation, "squared", problem)
    network.params[:] = np.random.default_rng(seed).uniform(-0.5, 0.5, network.num_params)
    return network


def _trainer(n_train=25, n_test=15, problem="classification", network=None, data_seed=0, **config):
    X, y = _data(n_train + n_test, problem, seed=data_seed)
    network = network or _network(problem=problem)
    config = TrainingConfig(problem=problem, **config)
    trainer = Trainer(network, X[:n_train], y[:n_train], X[n_train:], y[n_train:], config, dropout_seed=9)
    return trainer, X, y


def _clone(network):
    twin = Network(network.layer_sizes, network.activation_name, network.head)
    twin.params[:] = network.params
    return twin


def test_leftover_examples_join_the_next_epochs_first_update():
    trainer, X, y = _trainer(n_train=25, batch_size=10, learning_rate=0.3)
    reference = _clone(trainer.network)
    F, t = X[:25], y[:25]
    pending, pending_count = 0.0, 0
    for _ in range(3):
        for start in (0, 10):
            total = numpy_reference.gradient_sum(reference, F[start : start + 10], t[start : start + 10]) + pending
            count = 10 + pending_count
            pending, pending_count = 0.0, 0
            reference.params -= 0.3 * total / count
        # The last 5 examples are seen at the weights after the epoch's last update.
        pending, pending_count = numpy_reference.gradient_sum(reference, F[20:25], t[20:25]), 5
    result = trainer.run(3)
    assert [p[0] for p in result.points] == [1, 2, 3]
    assert np.allclose(trainer.network.params, reference.params, rtol=1e-12, atol=1e-15)

    dropping_leftovers = _trainer(n_train=20, batch_size=10, learning_rate=0.3)[0]
    dropping_leftovers.network.params[:] = _trainer()[0].network.params
    dropping_leftovers.run(3)
    assert not np.allclose(dropping_leftovers.network.params, reference.params, rtol=1e-6)


def test_losses_are_the_mean_error_after_each_epoch():
    trainer, X, y = _trainer(n_train=30, n_test=20)
    initial = trainer.losses()
    assert initial[0] == pytest.approx(trainer.network.errors(X[:30], y[:30]).mean(), rel=1e-15)
    points = trainer.run(4).points
    assert trainer.epoch == 4 and [p[0] for p in points] == [1, 2, 3, 4]
    train, test = trainer.losses()
    assert points[-1][1:] == (train, test)
    assert train == pytest.approx(trainer.network.errors(X[:30], y[:30]).mean(), rel=1e-15)
    assert test == pytest.approx(trainer.network.errors(X[30:], y[30:]).mean(), rel=1e-15)
    assert train < initial[0]


def test_a_batch_larger_than_the_data_never_updates():
    trainer, _, _ = _trainer(n_train=25, batch_size=30)
    before = trainer.network.params.copy()
    losses = trainer.losses()
    points = trainer.run(3).points
    assert np.array_equal(trainer.network.params, before)
    assert [p[1:] for p in points] == [losses] * 3
    assert trainer.epoch == 3


def test_l1_kills_a_link_whose_penalty_crosses_zero():
    # Input 0 is always 0, so its links get no gradient: only the penalty
    # (η·λ = 0.01 per update) moves them.
    network = _network((2, 2, 1))
    network.weights[0][0] = [0.004, -0.5]
    X, y = _data(40)
    X[:, 0] = 0.0
    trainer = Trainer(
        network,
        X[:20],
        y[:20],
        X[20:],
        y[20:],
        TrainingConfig(learning_rate=0.1, regularization="L1", regularization_rate=0.1, batch_size=10),
    )
    trainer.run(1)
    dead = network.dead_links()
    assert dead[0][0, 0] and network.weights[0][0, 0] == 0.0
    assert not dead[0][0, 1]
    assert network.weights[0][0, 1] == pytest.approx(-0.5 + 2 * 0.01)
    trainer.run(5)
    assert network.dead_links()[0][0, 0] and network.weights[0][0, 0] == 0.0
    assert not (network.dead & network.is_bias).any()
    assert np.all(network.params[network.dead] == 0.0)


def test_a_dead_link_is_never_trained_but_still_counts_forward():
    trainer, X, y = _trainer(n_train=30, regularization="L1", regularization_rate=0.001, learning_rate=0.1)
    network = trainer.network
    network.weights[1][2, 1] = 0.5  # as if edited after dying
    network.dead[network.params == 0.5] = True
    others = network.params.copy()
    trainer.run(5)
    assert network.weights[1][2, 1] == 0.5
    assert not np.array_equal(network.params, others)
    train_loss = trainer.losses()[0]
    assert train_loss == pytest.approx(network.errors(X[:30], y[:30]).mean(), rel=1e-15)
    network.weights[1][2, 1] = 0.0
    assert trainer.losses()[0] != train_loss  # the dead link's weight was part of the output


def test_configure_keeps_the_weights_and_applies_live():
    trainer, _, _ = _trainer(n_train=30, batch_size=10)
    trainer.run(5)
    weights = trainer.network.params.copy()
    trainer.configure(
        TrainingConfig(
            learning_rate=0.0, regularization="L2", regularization_rate=0.0, optimizer="momentum", batch_size=10
        )
    )
    assert np.array_equal(trainer.network.params, weights) and trainer.epoch == 5
    trainer.run(2)  # learning rate 0: nothing moves
    assert np.array_equal(trainer.network.params, weights) and trainer.epoch == 7
    trainer.configure(TrainingConfig(learning_rate=0.1, optimizer="momentum", batch_size=10))
    trainer.run(1)
    assert not np.array_equal(trainer.network.params, weights)
    assert any(array.any() for array in trainer.optimizer_state)
    trainer.configure(TrainingConfig(learning_rate=0.1, optimizer="adam", batch_size=10))
    assert not any(array.any() for array in trainer.optimizer_state)  # a new optimizer starts fresh


def test_a_learning_rate_change_acts_from_the_next_update():
    slow, _, _ = _trainer(n_train=30, learning_rate=0.01)
    fast, _, _ = _trainer(n_train=30, learning_rate=0.01)
    fast.configure(TrainingConfig(learning_rate=0.3))
    direct, _, _ = _trainer(n_train=30, learning_rate=0.3)
    slow.run(2), fast.run(2), direct.run(2)
    assert np.array_equal(fast.network.params, direct.network.params)
    assert not np.array_equal(slow.network.params, direct.network.params)


def test_leaving_l1_revives_dead_links():
    trainer, _, _ = _trainer(regularization="L1", regularization_rate=0.1, learning_rate=0.3)
    trainer.run(10)
    assert trainer.network.dead.any()
    trainer.configure(TrainingConfig(regularization="L2", regularization_rate=0.1, learning_rate=0.3))
    assert not trainer.network.dead.any()


def test_a_loss_change_changes_the_head_and_the_losses():
    trainer, X, y = _trainer(n_train=30)
    squared = trainer.losses()
    trainer.configure(TrainingConfig(loss="crossEntropy"))
    assert trainer.network.head.name == "crossEntropy"
    cross_entropy = trainer.losses()
    assert cross_entropy != squared
    assert cross_entropy[0] == pytest.approx(trainer.network.errors(X[:30], y[:30]).mean(), rel=1e-15)


def test_a_batch_size_change_reslices_the_batches():
    changed, _, _ = _trainer(n_train=30, batch_size=10)
    changed.configure(TrainingConfig(batch_size=5))
    direct, _, _ = _trainer(n_train=30, batch_size=5)
    changed.run(2), direct.run(2)
    assert np.array_equal(changed.network.params, direct.network.params)


def test_new_data_keeps_the_gradients_pending_from_the_old():
    trainer, X, y = _trainer(n_train=25, batch_size=10, learning_rate=0.3)
    reference = _clone(trainer.network)
    trainer.run(1)
    for start in (0, 10):
        reference.params -= (
            0.3 * numpy_reference.gradient_sum(reference, X[start : start + 10], y[start : start + 10]) / 10
        )
    pending = numpy_reference.gradient_sum(reference, X[20:25], y[20:25])
    X2, y2 = _data(60, seed=5)
    trainer.set_data(X2[:30], y2[:30], X2[30:], y2[30:])
    assert trainer.epoch == 1
    assert trainer.losses()[1] == pytest.approx(trainer.network.errors(X2[30:], y2[30:]).mean(), rel=1e-15)
    trainer.run(1)
    reference.params -= 0.3 * (numpy_reference.gradient_sum(reference, X2[0:10], y2[0:10]) + pending) / 15
    for start in (10, 20):
        reference.params -= (
            0.3 * numpy_reference.gradient_sum(reference, X2[start : start + 10], y2[start : start + 10]) / 10
        )
    assert np.allclose(trainer.network.params, reference.params, rtol=1e-12, atol=1e-15)


def test_divergence_restores_the_weights_from_before_the_bad_epoch():
    trainer, X, y = _trainer(n_train=30, n_test=30, problem="regression", learning_rate=10)
    twin, _, _ = _trainer(n_train=30, n_test=30, problem="regression", learning_rate=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning may leak
        result = trainer.run(500)
    divergence = result.divergence
    assert divergence is not None
    good_epochs = trainer.epoch
    assert divergence.epoch == good_epochs and len(result.points) == good_epochs
    assert divergence.reason.params == {"rate": "10", "epoch": divergence.epoch}
    twin.run(good_epochs)
    assert np.array_equal(trainer.network.params, twin.network.params)
    assert np.isfinite(trainer.losses()).all()
    # The same epoch diverges again from the restored state.
    again = trainer.run(5)
    assert again.points == [] and again.divergence == divergence


def test_dropout_is_drawn_from_its_generator_and_only_in_training():
    def run(dropout, seed):
        X, y = _data(50)
        trainer = Trainer(
            _network(), X[:30], y[:30], X[30:], y[30:], TrainingConfig(dropout=dropout), dropout_seed=seed
        )
        trainer.run(3)
        return trainer, X, y

    plain, X, y = run(0.0, 1)
    dropped, _, _ = run(0.5, 1)
    same, _, _ = run(0.5, 1)
    other, _, _ = run(0.5, 2)
    assert np.array_equal(dropped.network.params, same.network.params)
    assert not np.array_equal(dropped.network.params, plain.network.params)
    assert not np.array_equal(dropped.network.params, other.network.params)
    # The displayed loss is the whole network's, without dropout.
    assert dropped.losses()[0] == pytest.approx(dropped.network.errors(X[:30], y[:30]).mean(), rel=1e-15)


def test_losses_follow_an_edited_weight():
    trainer, X, y = _trainer(n_train=30)
    before = trainer.losses()
    trainer.network.biases[2][0] = 3.0
    after = trainer.losses()
    assert after != before
    assert after[0] == pytest.approx(trainer.network.errors(X[:30], y[:30]).mean(), rel=1e-15)


@pytest.mark.parametrize(
    "optimizer,rate",
    [
        ("sgd", 0.03),
        ("momentum", 0.03),
        ("nesterov", 0.03),
        ("adagrad", 0.03),
        ("rmsprop", 0.003),
        ("adadelta", 1.0),
        ("adam", 0.01),
    ],
)
def test_every_optimizer_lowers_the_loss(optimizer, rate):
    assert optimizer in settings.OPTIMIZER_CHOICES
    trainer, _, _ = _trainer(n_train=100, n_test=50, optimizer=optimizer, learning_rate=rate)
    start = trainer.losses()[0]
    trainer.run(40)
    assert trainer.losses()[0] < 0.9 * start


@pytest.mark.parametrize(
    "loss,problem", [("crossEntropy", "classification"), ("absolute", "regression"), ("huber", "regression")]
)
def test_every_loss_trains(loss, problem):
    trainer, _, _ = _trainer(n_train=100, n_test=50, problem=problem, loss=loss, learning_rate=0.03)
    start = trainer.losses()[0]
    trainer.run(40)
    assert trainer.losses()[0] < 0.9 * start


def test_a_network_without_inputs_or_hidden_layers_trains_its_bias():
    X, y = _data(40)
    network = Network([0, 1], "tanh", "squared", "classification")
    trainer = Trainer(network, X[:20, :0], y[:20], X[20:, :0], y[20:], TrainingConfig(learning_rate=0.1))
    trainer.run(50)
    # The best constant output is the mean label.
    assert np.tanh(network.biases[0][0]) == pytest.approx(y[:20].mean(), abs=0.05)


def test_outputs_are_the_predictions_of_the_weights_the_losses_belong_to():
    """`Trainer.outputs()` (what the page's accuracy and confusion read) equals a
    fresh prediction at the current weights: after whole epochs, after a turn
    that stopped inside an epoch, after an edit, and after a diverged epoch."""

    def assert_current(trainer, X, y, n_train):
        train, test = trainer.outputs()
        assert np.array_equal(train[:, 0], trainer.network.predict(X[:n_train]))
        assert np.array_equal(test[:, 0], trainer.network.predict(X[n_train:]))
        # the loss is the mean error of these very outputs
        assert trainer.losses()[0] == pytest.approx(np.mean(0.5 * (train[:, 0] - y[:n_train]) ** 2), rel=1e-12)

    trainer, X, y = _trainer(n_train=25, n_test=15, batch_size=5, learning_rate=0.3)
    assert_current(trainer, X, y, 25)
    trainer.run(3)
    assert_current(trainer, X, y, 25)
    trainer.run(5, max_examples=10)  # stops inside an epoch
    assert trainer.position != 0
    assert_current(trainer, X, y, 25)
    trainer.network.weights[0][0, 0] = 2.5  # an edit
    assert_current(trainer, X, y, 25)

    diverging, X, y = _trainer(n_train=30, n_test=30, problem="regression", learning_rate=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert diverging.run(500).divergence is not None
    assert_current(diverging, X, y, 30)
