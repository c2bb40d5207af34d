"""What the kernel exposes for teaching views: the per-layer norm of the last
update's mean gradient, and one example traced through forward and backward.
Both are checked against an independent NumPy recomputation."""

from __future__ import annotations

import numpy as np
import pytest

from engine import settings
from engine.network import Network
from engine.training import Trainer, TrainingConfig
from tests.engine import numpy_reference


def _setup(activation="tanh", sizes=(3, 5, 4, 1), n=24, problem="classification", **config):
    rng = np.random.default_rng(21)
    network = Network(list(sizes), activation, "squared", problem)
    network.params[:] = rng.uniform(-0.7, 0.7, network.num_params)
    F = rng.uniform(-1.5, 1.5, (n + 10, sizes[0]))
    y = np.where(F[:, 0] * F[:, 1] > 0, 1.0, -1.0) if problem == "classification" else F.sum(axis=1) / 3
    trainer = Trainer(network, F[:n], y[:n], F[n:], y[n:], TrainingConfig(problem=problem, **config))
    return trainer, F[:n], y[:n]


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "gelu"])
def test_gradient_norms_are_the_last_updates_mean_gradient_per_layer(activation):
    # One update per epoch over all 24 examples: its mean gradient is the
    # whole training set's gradient at the weights before the epoch.
    trainer, F, y = _setup(activation, batch_size=24, learning_rate=0.1)
    assert np.array_equal(trainer.gradient_norms, np.zeros(3))
    network = trainer.network
    trainer.run(2)
    before = network.params.copy()
    trainer.run(1)
    network.params[:] = before
    mean = numpy_reference.gradient_sum(network, F, y) / 24
    expected = [np.linalg.norm(w) for w, _ in network.block_values(mean)]
    assert trainer.gradient_norms.shape == (3,)
    assert np.allclose(trainer.gradient_norms, expected, rtol=1e-10)
    assert (trainer.gradient_norms >= 0).all()


def test_gradient_norms_leave_out_dead_links():
    trainer, F, y = _setup("relu", batch_size=24, learning_rate=0.1, regularization="L1", regularization_rate=0.0)
    network = trainer.network
    network.dead[network.weight_mask.nonzero()[0][:3]] = True  # three links of the first layer
    before = network.params.copy()
    trainer.run(1)
    network.params[:] = before
    mean = numpy_reference.gradient_sum(network, F, y) / 24
    mean[network.dead] = 0.0
    expected = [np.linalg.norm(w) for w, _ in network.block_values(mean)]
    assert np.allclose(trainer.gradient_norms, expected, rtol=1e-10)


@pytest.mark.parametrize("activation", settings.ACTIVATION_CHOICES)
def test_a_trace_is_one_examples_forward_and_backward(activation):
    trainer, F, y = _setup(activation, problem="regression")
    network = trainer.network
    before = network.params.copy()
    trace = trainer.trace(F[3], y[3])
    zs, acts = numpy_reference.forward(network, F[3:4])
    assert np.array_equal(trace.inputs, F[3])
    for l in range(network.num_layers):
        assert np.allclose(trace.z[l], zs[l][:, 0], rtol=1e-13, atol=1e-15)
        assert np.allclose(trace.a[l], acts[l][:, 0], rtol=1e-13, atol=1e-15)
    grad = numpy_reference.gradient_sum(network, F[3:4], y[3:4])
    for (w, b), grad_w, grad_b, delta in zip(
        network.block_values(grad), trace.weight_gradients, trace.bias_gradients, trace.delta
    ):
        assert np.allclose(grad_w, w, rtol=1e-10, atol=1e-14)
        assert np.allclose(grad_b, b, rtol=1e-10, atol=1e-14)
        assert np.array_equal(grad_b, delta)  # a bias's gradient is its node's δ
    assert trace.error == pytest.approx(0.5 * (acts[-1][0, 0] - y[3]) ** 2, rel=1e-13)
    # Tracing changes nothing.
    assert np.array_equal(network.params, before)
    assert trainer.run(1).points[0][1:] == _setup(activation, problem="regression")[0].run(1).points[0][1:]


def test_a_session_offers_both():
    from engine.session import Session

    session = Session({"seed": "0.3"})
    assert session.gradient_norms() == [0.0, 0.0, 0.0]
    session.step(2)
    assert len(session.gradient_norms()) == 3 and all(v > 0 for v in session.gradient_norms())
    trace = session.trace(5)
    assert [len(z) for z in trace.z] == [4, 2, 1]
    assert trace.a[-1][0] == session.network.predict(session.trainer._x_train[5:6])[0]
