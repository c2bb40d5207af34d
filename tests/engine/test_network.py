"""The network: parameter layout and views, forward passes, the whole gradient."""

import numpy as np
import pytest

from engine.losses import make_head
from engine.network import Network, Workspace, backward_calls, forward_calls, inputs_by_row

SHAPES = {
    "deep": [3, 4, 2, 1],
    "one hidden": [2, 3, 1],
    "no hidden": [2, 1],
    "no inputs": [0, 3, 1],
    "no inputs, no hidden": [0, 1],
}
HEADS = [("squared", "classification"), ("squared", "regression"),
         ("crossEntropy", "classification"), ("huber", "regression"), ("absolute", "regression")]


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


def _numeric_gradient(network, F, y, h=1e-6):
    numeric = np.zeros(network.num_params)
    for p in range(network.num_params):
        saved = network.params[p]
        network.params[p] = saved + h
        up = network.errors(F, y).sum()
        network.params[p] = saved - h
        down = network.errors(F, y).sum()
        network.params[p] = saved
        numeric[p] = (up - down) / (2 * h)
    return numeric


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear", "elu", "gelu", "sine"])
def test_gradient_matches_central_differences(shape, activation):
    sizes = SHAPES[shape]
    network = _network(sizes, activation)
    F, y = _data(sizes[0])
    analytic = network.gradient_sum(F, y)
    assert analytic.shape == network.params.shape
    assert np.allclose(analytic, _numeric_gradient(network, F, y), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("loss,problem", HEADS)
def test_gradient_matches_central_differences_for_every_head(loss, problem):
    network = _network([2, 3, 2, 1], "tanh", loss, problem, seed=3)
    F, y = _data(2, problem=problem, seed=4)
    assert np.allclose(network.gradient_sum(F, y), _numeric_gradient(network, F, y), rtol=1e-5, atol=1e-7)


def _masked_pass(network, F, y, rate, seed, with_gradient):
    ws = Workspace(network, len(F), dropout=True)
    inputs = inputs_by_row(F)
    targets = y.reshape(1, -1)
    calls = forward_calls(network, ws, inputs, (rate, np.random.default_rng(seed)))
    grad = np.zeros(network.num_params)
    if with_gradient:
        calls += backward_calls(network, ws, inputs, targets, grad, dropout=True)
    for call in calls:
        call()
    error = network.head.error(ws.outputs[-1], targets, a=ws.prediction).sum()
    return error, grad, ws


@pytest.mark.parametrize("activation", ["tanh", "linear"])
def test_dropout_gradient_matches_central_differences_for_a_fixed_mask(activation):
    network = _network([2, 5, 4, 1], activation, seed=6)
    F, y = _data(2, n=20, seed=7)
    _, analytic, ws = _masked_pass(network, F, y, 0.4, seed=11, with_gradient=True)
    kept = ws.hidden_kept[ws.hidden_kept.sum(axis=1) != 0]
    assert set(np.unique(ws.hidden_kept)) <= {0.0, 1 / 0.6}
    assert 0 < np.count_nonzero(kept) < kept.size  # some units really were dropped
    h = 1e-6
    numeric = np.zeros(network.num_params)
    for p in range(network.num_params):
        saved = network.params[p]
        network.params[p] = saved + h
        up = _masked_pass(network, F, y, 0.4, 11, False)[0]
        network.params[p] = saved - h
        down = _masked_pass(network, F, y, 0.4, 11, False)[0]
        network.params[p] = saved
        numeric[p] = (up - down) / (2 * h)
    assert np.allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def test_parameters_are_one_array_with_views_per_layer():
    network = Network([3, 4, 2, 1], "tanh", "squared", "classification")
    assert network.num_params == (3 + 1) * 4 + (4 + 1) * 2 + (2 + 1) * 1
    assert [w.shape for w in network.weights] == [(3, 4), (4, 2), (2, 1)]
    assert [b.shape for b in network.biases] == [(4,), (2,), (1,)]
    assert network.is_bias.sum() == 4 + 2 + 1
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
    assert np.allclose(regression.predict(F),
                       (hidden @ regression.weights[1] + regression.biases[1])[:, 0], atol=1e-15)


@pytest.mark.parametrize("shape", SHAPES)
def test_node_values_give_every_layer_for_drawing(shape):
    sizes = SHAPES[shape]
    network = _network(sizes, "tanh")
    F, _ = _data(sizes[0], n=50)
    layers = network.node_values(F.T)
    assert [a.shape for a in layers] == [(u, 50) for u in sizes[1:]]
    assert all(a.dtype == np.float32 for a in layers)
    assert np.allclose(layers[-1][0], network.predict(F), atol=1e-5)
    exact = network.node_values(F.T, dtype=np.float64)
    assert exact[-1].dtype == np.float64
    assert np.allclose(exact[-1][0], network.predict(F), atol=1e-14)
    if len(sizes) > 2:
        hidden = np.tanh(F @ network.weights[0] + network.biases[0])
        assert np.allclose(exact[0], hidden.T, atol=1e-14)


def test_node_values_show_the_cross_entropy_head_on_the_label_scale():
    network = _network([2, 1], "tanh", "crossEntropy", "classification")
    F, _ = _data(2)
    z = F @ network.weights[0] + network.biases[0]
    assert np.allclose(network.node_values(F.T, dtype=np.float64)[-1].T, 2 / (1 + np.exp(-z)) - 1)


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
