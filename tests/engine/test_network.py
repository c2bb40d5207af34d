"""The network: parameter layout and views, forward passes, the whole gradient."""

import numpy as np
import pytest

from engine import kernel, settings
from engine.losses import SOFTMAX, make_head
from engine.network import Network
from engine.training import Trainer, TrainingConfig
from tests.engine import numpy_reference

SHAPES = {
    "deep": [3, 4, 2, 1],
    "one hidden": [2, 3, 1],
    "no hidden": [2, 1],
    "no inputs": [0, 3, 1],
    "no inputs, no hidden": [0, 1],
}
HEADS = [
    ("squared", "classification"),
    ("squared", "regression"),
    ("crossEntropy", "classification"),
    ("huber", "regression"),
    ("absolute", "regression"),
]


def _network(sizes, activation="tanh", loss="squared", problem="classification", seed=0):
    network = Network(sizes, activation, make_head(loss, problem))
    rng = np.random.default_rng(seed)
    network.params[:] = rng.uniform(-0.8, 0.8, network.num_params)
    return network


def _data(k, n=12, problem="classification", seed=1):
    rng = np.random.default_rng(seed)
    F = rng.uniform(-2, 2, (n, k))
    y = np.where(rng.random(n) < 0.5, -1.0, 1.0) if problem == "classification" else rng.uniform(-1, 1, n)
    return F, y


def _numeric_gradient(network, F, y, h=1e-6, errors=None):
    errors = errors or (lambda: network.errors(F, y).sum())
    numeric = np.zeros(network.num_params)
    for p in range(network.num_params):
        saved = network.params[p]
        network.params[p] = saved + h
        up = errors()
        network.params[p] = saved - h
        down = errors()
        network.params[p] = saved
        numeric[p] = (up - down) / (2 * h)
    return numeric


def _kernel_gradient_sum(network, F, y):
    """Σ over the examples of the kernel's one-example gradient (`trace`)."""
    trainer = Trainer(network, F, y, F[:0], y[:0], TrainingConfig(loss=network.head.name, problem=network.head.problem))
    total = np.zeros(network.num_params)
    for features, target in zip(F, y):
        trace = trainer.trace(features, target)
        for (w, b), grad_w, grad_b in zip(network.block_values(total), trace.weight_gradients, trace.bias_gradients):
            w += grad_w
            b += grad_b
    return total


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("activation", settings.ACTIVATION_CHOICES)
def test_gradient_matches_central_differences(shape, activation):
    sizes = SHAPES[shape]
    network = _network(sizes, activation)
    F, y = _data(sizes[0])
    analytic = _kernel_gradient_sum(network, F, y)
    assert analytic.shape == network.params.shape
    assert np.allclose(analytic, _numeric_gradient(network, F, y), rtol=1e-5, atol=1e-7)
    # The readable NumPy reference agrees with the kernel.
    assert np.allclose(numpy_reference.gradient_sum(network, F, y), analytic, rtol=1e-10, atol=1e-13)
    assert np.allclose(numpy_reference.errors(network, F, y), network.errors(F, y), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("loss,problem", HEADS)
def test_gradient_matches_central_differences_for_every_head(loss, problem):
    network = _network([2, 3, 2, 1], "tanh", loss, problem, seed=3)
    F, y = _data(2, problem=problem, seed=4)
    analytic = _kernel_gradient_sum(network, F, y)
    assert np.allclose(analytic, _numeric_gradient(network, F, y), rtol=1e-5, atol=1e-7)
    assert np.allclose(numpy_reference.gradient_sum(network, F, y), analytic, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("sizes", [[2, 4, 3], [3, 5, 4, 4], [2, 2]])
def test_softmax_cross_entropy_gradient_matches_central_differences(sizes):
    network = Network(sizes, "tanh", SOFTMAX())
    network.params[:] = np.random.default_rng(2).uniform(-0.8, 0.8, network.num_params)
    rng = np.random.default_rng(3)
    F = rng.uniform(-2, 2, (15, sizes[0]))
    labels = rng.integers(0, sizes[-1], 15).astype(float)
    probabilities = network.predict(F)
    assert probabilities.shape == (15, sizes[-1])
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert np.allclose(network.errors(F, labels), -np.log(probabilities[np.arange(15), labels.astype(int)]))
    analytic = _kernel_gradient_sum(network, F, labels)
    assert np.allclose(analytic, _numeric_gradient(network, F, labels), rtol=1e-5, atol=1e-7)
    assert np.allclose(numpy_reference.gradient_sum(network, F, labels), analytic, rtol=1e-10, atol=1e-13)
    # δ at the outputs is p - onehot
    trace = Trainer(network, F, labels, F[:0], labels[:0], TrainingConfig(loss="softmax")).trace(F[0], labels[0])
    onehot = np.eye(sizes[-1])[int(labels[0])]
    assert np.allclose(trace.delta[-1], probabilities[0] - onehot, rtol=0, atol=1e-15)


def test_a_softmax_network_trains():
    network = Network([2, 6, 3], "tanh", SOFTMAX())
    network.params[:] = np.random.default_rng(4).uniform(-0.5, 0.5, network.num_params)
    rng = np.random.default_rng(5)
    F = rng.uniform(-1, 1, (90, 2))
    labels = (np.arctan2(F[:, 1], F[:, 0]) // (2 * np.pi / 3) % 3).astype(float)
    trainer = Trainer(
        network,
        F[:60],
        labels[:60],
        F[60:],
        labels[60:],
        TrainingConfig(loss="softmax", learning_rate=0.3, batch_size=5),
    )
    start = trainer.losses()[0]
    trainer.run(60)
    assert trainer.losses()[0] < 0.5 * start


@pytest.mark.parametrize("activation", ["tanh", "linear"])
def test_dropout_gradient_matches_central_differences_for_a_fixed_mask(activation):
    """The kernel's dropout pass: with masks taken from one training step, its
    update equals the reference's gradient for the same masks."""
    network = _network([2, 5, 4, 1], activation, seed=6)
    F, y = _data(2, n=1, seed=7)
    rate = 0.4
    trainer = Trainer(
        network, F, y, F[:0], y[:0], TrainingConfig(learning_rate=1.0, batch_size=1, dropout=rate), dropout_seed=11
    )
    before = network.params.copy()
    trainer.run(1)
    analytic = before - network.params  # one example, learning rate 1: the gradient itself
    network.params[:] = before
    offsets = network.node_offsets
    masks = [
        trainer.scratch.column(kernel.KEEP, slice(offsets[l], offsets[l] + network.layer_sizes[l])).reshape(-1, 1)
        for l in range(1, network.num_layers)
    ]
    assert set(np.unique(np.concatenate(masks))) <= {0.0, 1 / (1 - rate)}
    numeric = _numeric_gradient(network, F, y, errors=lambda: numpy_reference.errors(network, F, y, masks).sum())
    assert np.allclose(analytic, numeric, rtol=1e-5, atol=1e-7)
    assert np.allclose(analytic, numpy_reference.gradient_sum(network, F, y, masks), rtol=1e-10, atol=1e-13)


def test_parameters_are_one_array_with_views_per_layer():
    network = Network([3, 4, 2, 1], "tanh", "squared", "classification")
    assert network.num_params == (3 + 1) * 4 + (4 + 1) * 2 + (2 + 1) * 1
    assert [w.shape for w in network.weights] == [(3, 4), (4, 2), (2, 1)]
    # one row per destination node: its bias, then its incoming weights in order
    assert [b.shape for b in network.blocks] == [(4, 4), (2, 5), (1, 3)]
    network.params[:] = np.arange(network.num_params)
    assert network.biases[0].tolist() == [0, 4, 8, 12]
    assert network.weights[0][:, 1].tolist() == [5, 6, 7]
    assert [b.shape for b in network.biases] == [(4,), (2,), (1,)]
    network.params[:] = 0.0
    assert network.is_bias.sum() == 4 + 2 + 1
    assert network.is_bias[[0, 4, 8, 12, 16, 21, 26]].all()
    assert np.array_equal(network.weight_mask, ~network.is_bias)
    assert not network.dead.any()
    for array in network.weights + network.biases:
        assert np.shares_memory(array, network.params)
    network.weights[1][3, 0] = 0.75
    network.biases[2][0] = -0.25
    assert np.count_nonzero(network.params == 0.75) == 1
    assert np.count_nonzero(network.params == -0.25) == 1
    assert network.is_bias[network.params == -0.25].all()
    assert not network.is_bias[network.params == 0.75].any()


def test_editing_a_weight_view_changes_the_output():
    network = _network([2, 3, 1], "tanh")
    F, _ = _data(2)
    before = network.predict(F)
    network.weights[0][1, 2] += 1.0
    assert not np.array_equal(network.predict(F), before)


def test_load_takes_source_by_destination_matrices_and_revives_links():
    network = Network([2, 3, 1], "relu", "squared", "regression")
    w0 = np.arange(6.0).reshape(2, 3)
    network.dead[:] = network.weight_mask
    network.load([(w0, [0.1, 0.2, 0.3]), ([[1.0], [2.0], [3.0]], [0.5])])
    assert np.array_equal(network.weights[0], w0)
    assert network.biases[0].tolist() == [0.1, 0.2, 0.3]
    assert network.weights[1][:, 0].tolist() == [1.0, 2.0, 3.0]
    assert not network.dead.any()
    with pytest.raises(ValueError):
        network.load([(w0, [0.1, 0.2, 0.3])])


def test_predict_is_the_plain_formula():
    network = _network([2, 3, 2, 1], "tanh", seed=8)
    F, _ = _data(2, n=7)
    a = F
    for l in range(2):
        a = np.tanh(a @ network.weights[l] + network.biases[l])
    expected = np.tanh(a @ network.weights[2] + network.biases[2])[:, 0]
    assert np.allclose(network.predict(F), expected, rtol=0, atol=1e-15)
    regression = _network([2, 3, 1], "relu", "squared", "regression", seed=9)
    hidden = np.maximum(F @ regression.weights[0] + regression.biases[0], 0)
    assert np.allclose(regression.predict(F), (hidden @ regression.weights[1] + regression.biases[1])[:, 0], atol=1e-15)


@pytest.mark.parametrize("shape", SHAPES)
def test_node_values_give_every_layer_for_drawing(shape):
    sizes = SHAPES[shape]
    network = _network(sizes, "tanh")
    F, _ = _data(sizes[0], n=50)
    layers = network.node_values(F.T)
    assert [a.shape for a in layers] == [(u, 50) for u in sizes[1:]]
    assert all(a.dtype == np.float32 for a in layers)
    assert np.allclose(layers[-1][0], network.predict(F), rtol=0, atol=2e-6)
    _, reference = numpy_reference.forward(network, F)
    for drawn, exact in zip(layers, reference):
        assert np.allclose(drawn, exact, rtol=0, atol=2e-6)


@pytest.mark.parametrize("activation", settings.ACTIVATION_CHOICES)
@pytest.mark.parametrize("loss, problem", [*HEADS, ("softmax", "classification")])
def test_the_picture_kernel_draws_every_activation_and_head(activation, loss, problem):
    """The float32 picture kernel against the float64 reference, every node, on
    points from the whole drawn plane [-6, 6]² (features as large as 36)."""
    outputs = 3 if loss == "softmax" else 1
    head = SOFTMAX(problem) if loss == "softmax" else make_head(loss, problem)
    network = Network([3, 5, 4, outputs], activation, head)
    network.params[:] = np.random.default_rng(4).uniform(-1.5, 1.5, network.num_params)
    rng = np.random.default_rng(5)
    F = np.column_stack([rng.uniform(-6, 6, 400), rng.uniform(-6, 6, 400), rng.uniform(0, 36, 400)])
    layers = network.node_values(F.T)
    _, reference = numpy_reference.forward(network, F)
    for drawn, exact in zip(layers, reference):
        scale = np.maximum(1.0, np.abs(exact))  # float32 keeps ~7 digits of large linear values
        assert np.all(np.abs(drawn - exact) <= 1e-5 * scale), np.max(np.abs(drawn - exact) / scale)


def test_node_values_show_the_cross_entropy_head_on_the_label_scale():
    network = _network([2, 1], "tanh", "crossEntropy", "classification")
    F, _ = _data(2)
    z = F @ network.weights[0] + network.biases[0]
    assert np.allclose(network.node_values(F.T)[-1].T, 2 / (1 + np.exp(-z)) - 1, rtol=0, atol=1e-6)


def test_dead_links_are_reported_per_layer():
    network = Network([2, 3, 1], "tanh", "squared", "classification")
    network.weights[0][1, 2] = 5.0
    network.dead[network.params == 5.0] = True
    dead = network.dead_links()
    assert [d.shape for d in dead] == [(2, 3), (3, 1)]
    assert dead[0][1, 2] and dead[0].sum() == 1 and not dead[1].any()


def test_a_loss_name_with_a_problem_makes_the_head():
    network = Network([2, 1], "tanh", "squared", "regression")
    assert network.head.name == "squared" and network.head.prediction_is_identity
    with pytest.raises(ValueError):
        Network([2, 3], "tanh", "squared", "regression")  # the output layer has one node
