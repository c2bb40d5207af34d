"""Activations: the registry, the original's formulas, derivatives by finite differences."""

import warnings

import numpy as np
import pytest

from engine import settings
from engine.activations import ACTIVATIONS

# Away from the kinks of relu, leakyRelu and elu at 0.
Z = np.concatenate([np.linspace(-4.0, -0.05, 40), np.linspace(0.05, 4.0, 40)])


def test_registry_matches_the_settings_choices():
    assert tuple(ACTIVATIONS) == settings.ACTIVATION_CHOICES


@pytest.mark.parametrize("name", settings.ACTIVATION_CHOICES)
def test_derivative_matches_central_differences(name):
    act = ACTIVATIONS[name]
    h = 1e-6
    numeric = (act.output(Z + h) - act.output(Z - h)) / (2 * h)
    analytic = act.derivative(Z, act.output(Z))
    assert np.allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", settings.ACTIVATION_CHOICES)
def test_output_can_overwrite_its_input_and_fills_out(name):
    act = ACTIVATIONS[name]
    expected = act.output(Z)
    z = Z.copy()
    assert act.output(z, out=z) is z
    assert np.array_equal(z, expected)
    out = np.empty_like(Z)
    assert act.output(Z, out=out) is out
    assert np.array_equal(out, expected)
    slope = np.empty_like(Z)
    assert act.derivative(Z, expected, out=slope) is slope


@pytest.mark.parametrize("name", settings.ACTIVATION_CHOICES)
def test_float32_in_float32_out(name):
    act = ACTIVATIONS[name]
    z = Z.astype(np.float32)
    a = act.output(z)
    assert a.dtype == np.float32
    assert np.allclose(a, act.output(Z), atol=1e-5)
    assert act.derivative(z, a).dtype == np.float32


def test_the_originals_four_formulas():
    z = np.array([-2.0, -0.0, 0.0, 0.5, 3.0])
    relu, tanh, sigmoid, linear = (ACTIVATIONS[n] for n in ("relu", "tanh", "sigmoid", "linear"))
    assert relu.output(z).tolist() == [0.0, 0.0, 0.0, 0.5, 3.0]
    # relu' is 0 for z <= 0, including exactly 0.
    assert relu.derivative(z, relu.output(z)).tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]
    a = tanh.output(z)
    assert np.array_equal(a, np.tanh(z))
    assert np.array_equal(tanh.derivative(z, a), 1 - a * a)
    s = sigmoid.output(z)
    assert np.array_equal(s, 1 / (1 + np.exp(-z)))
    assert np.array_equal(sigmoid.derivative(z, s), s * (1 - s))
    assert np.array_equal(linear.output(z), z)
    assert linear.derivative(z, z).tolist() == [1.0] * 5
    assert linear.is_identity and not tanh.is_identity


def test_additions_at_known_points():
    acts = ACTIVATIONS
    assert acts["leakyRelu"].output(np.array([-2.0, 3.0])).tolist() == [-0.02, 3.0]
    assert acts["leakyRelu"].derivative(np.array([-1.0, 0.0, 1.0]), None).tolist() == [0.01, 0.01, 1.0]
    assert np.allclose(acts["elu"].output(np.array([-1.0, 2.0])), [np.exp(-1) - 1, 2.0])
    assert np.allclose(acts["softplus"].output(np.array([0.0])), [np.log(2)])
    assert np.allclose(acts["swish"].output(np.array([1.0])), [1 / (1 + np.exp(-1))])
    assert np.allclose(acts["gelu"].output(np.array([1.0])), [0.8411919906])  # tanh approximation
    assert np.allclose(acts["sine"].output(np.array([np.pi / 2])), [1.0])


@pytest.mark.parametrize("name", settings.ACTIVATION_CHOICES)
def test_extreme_inputs_stay_finite_and_silent(name):
    act = ACTIVATIONS[name]
    z = np.array([-800.0, -50.0, 50.0, 800.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = act.output(z)
        slope = act.derivative(z, a)
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(slope))
