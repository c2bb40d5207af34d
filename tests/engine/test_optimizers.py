"""Optimizers: two consecutive steps on a tiny example against hand computations.

Every case: two parameters (a weight, then a bias), learning rate 0.5, batch
count 2. Step 1 has gradient sum (0.4, -0.2), so mean g1 = (0.2, -0.1); step 2
has sum (0.2, 0.6), so g2 = (0.1, 0.3).
"""

import numpy as np
import pytest

from engine import kernel, settings
from engine.network import Network
from tests.engine.reference_optimizers import OPTIMIZERS

IS_BIAS = np.array([False, True])
SUMS = [np.array([0.4, -0.2]), np.array([0.2, 0.6])]
RATE = 0.5
COUNT = 2

# Worked by hand from the formulas in optimizers.py (ε = 1e-8, adadelta's 1e-6).
EXPECTED = {
    # η·g
    "sgd": [(0.1, -0.05), (0.05, 0.15)],
    # v1 = g1, v2 = 0.9·v1 + g2 = (0.28, 0.21); step = η·v
    "momentum": [(0.1, -0.05), (0.14, 0.105)],
    # step = η·(g + 0.9·v): η·(0.38, -0.19), then η·(0.352, 0.489)
    "nesterov": [(0.19, -0.095), (0.176, 0.2445)],
    # s1 = (0.04, 0.01) -> η·g/√s ≈ ±0.5; s2 = (0.05, 0.10) -> η·(0.1/√0.05, 0.3/√0.1)
    "adagrad": [(0.4999999750, -0.4999999500), (0.2236067877, 0.4743416340)],
    # s1 = 0.1·g1² = (0.004, 0.001); s2 = 0.9·s1 + 0.1·g2² = (0.0046, 0.0099)
    "rmsprop": [(1.581138580, -1.581138330), (0.7372096721, 1.507556571)],
    # s1 = 0.05·g1² = (0.002, 0.0005), Δ1 = √1e-6/√(s1 + 1e-6)·g1;
    # u1 = 0.05·Δ1², s2 = (0.0024, 0.004975), Δ2 = √(u1 + 1e-6)/√(s2 + 1e-6)·g2
    "adadelta": [(0.002235509170, -0.002233835258), (0.001442894758, 0.003005725038)],
    # t = 1: m̂ = g1, v̂ = g1² -> ≈ ±0.5; t = 2: m = (0.028, 0.021), v = (4.996e-5, 9.999e-5),
    # m̂ = m/0.19, v̂ = v/0.001999 -> η·m̂/√v̂
    "adam": [(0.4999999750, -0.4999999500), (0.4660897899, 0.2470949056)],
}


def test_registry_matches_the_settings_choices():
    assert tuple(OPTIMIZERS) == settings.OPTIMIZER_CHOICES
    assert set(EXPECTED) == set(OPTIMIZERS)


@pytest.mark.parametrize("name", settings.OPTIMIZER_CHOICES)
def test_two_steps_match_the_hand_computation(name):
    optimizer = OPTIMIZERS[name](2, IS_BIAS)
    step = np.zeros(2)
    for grad_sum, expected in zip(SUMS, EXPECTED[name]):
        returned = optimizer.compute_step(grad_sum, COUNT, RATE, step)
        assert returned is step
        assert step == pytest.approx(expected, rel=1e-9)


def _kernel_steps(name, sums, weights=(1.0,), regularization="none", reg_rate=0.0):
    """The kernel's update on a one-weight network: (weight step, bias step) per sum."""
    network = Network([1, 1], "linear", "squared", "regression")
    network.params[:] = (0.25, weights[0])  # [bias, weight]
    opt, ints, norms = np.zeros((2, 2)), np.zeros(4, np.int64), np.zeros(1)
    cfg_i = np.array(
        [
            kernel.ACTIVATIONS.index("linear"),
            kernel.HEADS.index("linear"),
            kernel.REGULARIZATIONS.index(regularization),
            kernel.OPTIMIZERS.index(name),
            2,
            0,
        ]
    )
    cfg_f = np.array([RATE, reg_rate, 0.0])
    steps = []
    for grad_sum in sums:
        acc = np.array([grad_sum[1], grad_sum[0]])
        ints[kernel.COUNT] = COUNT
        before = network.params.copy()
        kernel.update(
            network.params, acc, network.dead, opt, ints, norms, network.sizes, network.param_offsets, cfg_i, cfg_f
        )
        assert not acc.any() and ints[kernel.COUNT] == 0
        steps.append((before[1] - network.params[1], before[0] - network.params[0]))
    return steps


@pytest.mark.parametrize("name", settings.OPTIMIZER_CHOICES)
def test_the_kernel_steps_match_the_hand_computation(name):
    for step, expected in zip(_kernel_steps(name, SUMS), EXPECTED[name]):
        assert step == pytest.approx(expected, rel=1e-8)


@pytest.mark.parametrize("name", settings.OPTIMIZER_CHOICES)
def test_the_kernel_steps_match_the_reference_optimizers(name):
    rng = np.random.default_rng(5)
    sums = [rng.normal(size=2) for _ in range(6)]
    reference = OPTIMIZERS[name](2, IS_BIAS)
    for step, grad_sum in zip(_kernel_steps(name, sums), sums):
        expected = reference.compute_step(grad_sum, COUNT, RATE, np.zeros(2))
        assert step == pytest.approx(tuple(expected), rel=1e-9, abs=1e-15)


def test_the_kernels_sgd_is_the_originals_update_bit_for_bit():
    # w ← w - (η/count)·Σ, then - (η·λ)·w_old for L2; b ← b - (η·Σ)/count
    network_w, total_w, total_b = 0.7, 1.3, -0.9
    steps = _kernel_steps(
        "sgd", [np.array([total_w, total_b])], weights=(network_w,), regularization="L2", reg_rate=0.03
    )
    w1 = network_w - (RATE / COUNT) * total_w
    w2 = w1 - (RATE * 0.03) * network_w
    assert steps[0][0] == network_w - w2
    assert steps[0][1] == 0.25 - (0.25 - RATE * total_b / COUNT)


@pytest.mark.parametrize("name", settings.OPTIMIZER_CHOICES)
def test_reset_forgets_the_state(name):
    optimizer = OPTIMIZERS[name](2, IS_BIAS)
    step = np.zeros(2)
    optimizer.compute_step(SUMS[0], COUNT, RATE, step)
    optimizer.compute_step(SUMS[1], COUNT, RATE, step)
    optimizer.reset()
    optimizer.compute_step(SUMS[0], COUNT, RATE, step)
    assert step == pytest.approx(EXPECTED[name][0], rel=1e-9)


def test_sgd_rounds_weights_and_biases_like_the_original():
    # The original moves a weight by (η / count)·Σ and a bias by (η·Σ) / count;
    # these two orders differ in the last bit for these numbers.
    rate, count, total = 0.03, 10, 1.3
    assert (rate / count) * total != (rate * total) / count
    optimizer = OPTIMIZERS["sgd"](2, IS_BIAS)
    step = optimizer.compute_step(np.array([total, total]), count, rate, np.zeros(2))
    assert step[0] == (rate / count) * total
    assert step[1] == (rate * total) / count


def test_momentum_state_is_exposed_for_snapshots():
    optimizer = OPTIMIZERS["adam"](2, IS_BIAS)
    optimizer.compute_step(SUMS[0], COUNT, RATE, np.zeros(2))
    saved = [array.copy() for array in optimizer.state]
    optimizer.compute_step(SUMS[1], COUNT, RATE, np.zeros(2))
    for array, copy in zip(optimizer.state, saved):
        array[...] = copy
    step = optimizer.compute_step(SUMS[1], COUNT, RATE, np.zeros(2))
    assert step == pytest.approx(EXPECTED["adam"][1], rel=1e-9)
