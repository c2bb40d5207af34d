"""Initial weights: the original's draw order and values, and the other schemes' statistics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.datasets import make_data, thumbnail_points
from engine.initializers import INITIALIZERS
from engine.rng import SeededStream
from engine.settings import INIT_CHOICES, defaults


def _layer_sizes(run_vector: dict) -> list[int]:
    return [len(run_vector["inputs"])] + list(run_vector["config"]["networkShape"]) + [1]


def test_seed_reproduces_the_original_initial_network(run_vector):
    config = run_vector["config"]
    stream = SeededStream(config["seed"])
    make_data(config, stream)
    name = "zeros" if config["initZero"] else "uniform"
    parameters = INITIALIZERS[name](_layer_sizes(run_vector), stream)
    assert len(parameters) == len(run_vector["init"])
    for (weights, biases), expected in zip(parameters, run_vector["init"]):
        # The file stores W[dest][source]; ours is W[source, dest].
        expected_weights = np.array(expected["weights"], dtype=np.float64).reshape(len(biases), -1).T
        assert weights.shape == expected_weights.shape
        np.testing.assert_allclose(weights, expected_weights, rtol=0, atol=1e-12)
        np.testing.assert_allclose(biases, expected["biases"], rtol=0, atol=1e-12)


def test_spec_first_three_weights():
    settings = defaults()
    stream = SeededStream("0.12345")
    make_data(settings, stream)
    first_layer, _ = INITIALIZERS["uniform"]([2, 4, 2, 1], stream)[0]
    # x->1, y->1, x->2
    np.testing.assert_array_equal(
        np.round([first_layer[0, 0], first_layer[1, 0], first_layer[0, 1]], 5), [0.15119, 0.33954, 0.33464]
    )


def test_seed_life_cycle_after_load_gives_the_original_next_seed():
    """Spec 6.5 example 2: load #seed=0.12345, click XOR: the new seed is 0.62930.

    Thumbnails are drawn, the stream is re-seeded, the data and the default
    network's weights are drawn, and only then the new seed; so this checks the
    number of draws of all three.
    """
    settings = defaults()
    settings["seed"] = "0.12345"
    stream = SeededStream(settings["seed"])
    thumbnail_points(settings["problem"], stream)
    stream = SeededStream(settings["seed"])
    make_data(settings, stream)
    INITIALIZERS[settings["init"]]([2, *settings["networkShape"], 1], stream)
    assert stream.new_seed() == "0.62930"


def test_keys_match_settings():
    assert tuple(INITIALIZERS) == INIT_CHOICES


def test_uniform_draws_destination_major():
    parameters = INITIALIZERS["uniform"]([3, 4, 2, 1], SeededStream("order"))
    draws = SeededStream("order").random_array(3 * 4 + 4 * 2 + 2 * 1) - 0.5
    offset = 0
    for weights, biases in parameters:
        fan_in, fan_out = weights.shape
        for dest in range(fan_out):
            for source in range(fan_in):
                assert weights[source, dest] == draws[offset]
                offset += 1
        assert np.all(biases == 0.1)
    assert offset == len(draws)


@pytest.mark.parametrize("name", INIT_CHOICES)
@pytest.mark.parametrize("layer_sizes", [[2, 4, 2, 1], [7, 8, 8, 8, 1], [2, 1], [0, 3, 1], [0, 1]])
def test_shapes_and_dtypes(name, layer_sizes):
    parameters = INITIALIZERS[name](layer_sizes, SeededStream("shape"))
    assert len(parameters) == len(layer_sizes) - 1
    for (weights, biases), fan_in, fan_out in zip(parameters, layer_sizes[:-1], layer_sizes[1:]):
        assert weights.shape == (fan_in, fan_out) and biases.shape == (fan_out,)
        assert weights.dtype == np.float64 and biases.dtype == np.float64
        assert np.all(np.isfinite(weights)) and np.all(np.isfinite(biases))
        assert weights.flags.c_contiguous


@pytest.mark.parametrize("name", INIT_CHOICES)
def test_a_layer_without_inputs_draws_nothing(name):
    stream, twin = SeededStream("empty"), SeededStream("empty")
    ((weights, biases),) = INITIALIZERS[name]([0, 1], stream)
    assert weights.shape == (0, 1) and biases.shape == (1,)
    assert stream.random() == twin.random()


def test_zeros_is_all_zero_but_consumes_one_draw_per_weight():
    stream, twin = SeededStream("z"), SeededStream("z")
    parameters = INITIALIZERS["zeros"]([3, 5, 2, 1], stream)
    for weights, biases in parameters:
        assert not weights.any() and not biases.any()
    twin.random_array(3 * 5 + 5 * 2 + 2 * 1)
    assert stream.random() == twin.random()


@pytest.mark.parametrize("name", ["glorotUniform", "glorotNormal", "he"])
def test_modern_schemes_have_zero_biases(name):
    for _, biases in INITIALIZERS[name]([4, 6, 1], SeededStream("b")):
        assert not biases.any()


@pytest.mark.parametrize(
    "name, fan_in, fan_out, expected_std",
    [
        ("glorotUniform", 400, 300, math.sqrt(2 / 700)),
        ("glorotNormal", 400, 300, math.sqrt(2 / 700)),
        ("he", 400, 300, math.sqrt(2 / 400)),
        ("uniform", 400, 300, math.sqrt(1 / 12)),
    ],
)
def test_weight_spread(name, fan_in, fan_out, expected_std):
    ((weights, _),) = INITIALIZERS[name]([fan_in, fan_out], SeededStream("spread"))
    assert abs(weights.mean()) < 0.02 * expected_std
    assert abs(weights.std() / expected_std - 1) < 0.02


def test_glorot_uniform_stays_within_its_limit():
    ((weights, _),) = INITIALIZERS["glorotUniform"]([50, 30], SeededStream("limit"))
    limit = math.sqrt(6 / 80)
    assert np.abs(weights).max() <= limit
    assert np.abs(weights).max() > 0.95 * limit


def test_normal_schemes_use_the_stream_normal():
    ((weights, _),) = INITIALIZERS["he"]([3, 2], SeededStream("n"))
    twin = SeededStream("n")
    expected = np.array([twin.normal(0.0, 2 / 3) for _ in range(6)]).reshape(2, 3).T
    assert np.array_equal(weights, expected)


@pytest.mark.parametrize("name", INIT_CHOICES)
def test_deterministic_and_consuming(name):
    first = INITIALIZERS[name]([2, 4, 1], SeededStream("det"))
    again = INITIALIZERS[name]([2, 4, 1], SeededStream("det"))
    for (w1, b1), (w2, b2) in zip(first, again):
        assert np.array_equal(w1, w2) and np.array_equal(b1, b2)
    stream = SeededStream("det")
    INITIALIZERS[name]([2, 4, 1], stream)
    later = INITIALIZERS[name]([2, 4, 1], stream)
    if name != "zeros":
        assert not np.array_equal(first[0][0], later[0][0])
