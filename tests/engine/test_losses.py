"""Output heads: registry, problem fit, formulas, gradients by finite differences."""

import warnings

import numpy as np
import pytest

from engine import settings
from engine.losses import LOSSES, make_head

PAIRS = [(loss, problem) for problem, losses in settings.LOSSES_FOR_PROBLEM.items() for loss in losses]


def _targets(problem, n):
    rng = np.random.default_rng(5)
    if problem == "classification":
        return np.where(rng.random(n) < 0.5, -1.0, 1.0)
    return rng.uniform(-1.5, 1.5, n)


def test_registry_matches_the_settings_choices():
    assert tuple(LOSSES) == settings.LOSS_CHOICES


def test_every_loss_suits_some_problem_and_others_are_refused():
    for loss in settings.LOSS_CHOICES:
        suits = [p for p in settings.LOSSES_FOR_PROBLEM if loss in settings.LOSSES_FOR_PROBLEM[p]]
        assert suits
        for problem in settings.LOSSES_FOR_PROBLEM:
            if problem in suits:
                assert make_head(loss, problem).problem == problem
            else:
                with pytest.raises(ValueError):
                    make_head(loss, problem)
    with pytest.raises(ValueError):
        make_head("hinge", "classification")


@pytest.mark.parametrize("loss,problem", PAIRS)
def test_gradient_matches_central_differences(loss, problem):
    head = make_head(loss, problem)
    y = _targets(problem, 60)
    # Keep clear of the kinks of absolute (d = 0) and huber (|d| = 1).
    z = y + np.random.default_rng(1).choice([-1, 1], 60) * np.random.default_rng(2).uniform(0.1, 0.9, 60)
    z[::3] = y[::3] + 2.5 * np.sign(z[::3] - y[::3])
    h = 1e-6
    numeric = (head.error(z + h, y) - head.error(z - h, y)) / (2 * h)
    assert np.allclose(head.gradient(z, y), numeric, rtol=1e-6, atol=1e-8)


def test_squared_classification_is_the_originals_tanh_head():
    head = make_head("squared", "classification")
    z = np.array([-1.3, 0.2, 2.0])
    y = np.array([1.0, -1.0, 1.0])
    a = np.tanh(z)
    assert np.array_equal(head.prediction(z), a)
    assert np.array_equal(head.error(z, y), 0.5 * (a - y) ** 2)
    # (ŷ - y)·(1 - ŷ²), in that order, bit for bit
    assert np.array_equal(head.gradient(z, y), (a - y) * (1 - a * a))


def test_squared_regression_is_the_identity_head():
    head = make_head("squared", "regression")
    z = np.array([-1.3, 0.2, 2.0])
    y = np.array([0.5, 0.5, -0.25])
    assert head.prediction_is_identity
    assert np.array_equal(head.prediction(z), z)
    assert np.array_equal(head.gradient(z, y), z - y)
    assert np.array_equal(head.error(z, y), 0.5 * (z - y) ** 2)


def test_cross_entropy_shows_2p_minus_1_and_is_stable():
    head = make_head("crossEntropy", "classification")
    z = np.array([-3.0, 0.0, 1.5])
    p = 1 / (1 + np.exp(-z))
    assert np.allclose(head.prediction(z), 2 * p - 1)
    y = np.array([1.0, -1.0, -1.0])
    t = (y + 1) / 2
    assert np.allclose(head.error(z, y), -(t * np.log(p) + (1 - t) * np.log(1 - p)))
    assert np.allclose(head.gradient(z, y), p - t)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        far = np.array([-1000.0, 1000.0])
        errors = head.error(far, np.array([1.0, -1.0]))
        assert np.allclose(errors, [1000.0, 1000.0])
        assert head.error(far, np.array([-1.0, 1.0])).tolist() == [0.0, 0.0]


def test_absolute_and_huber_values():
    y = np.zeros(4)
    z = np.array([-3.0, -0.5, 0.0, 2.0])
    absolute, huber = make_head("absolute", "regression"), make_head("huber", "regression")
    assert absolute.error(z, y).tolist() == [3.0, 0.5, 0.0, 2.0]
    assert absolute.gradient(z, y).tolist() == [-1.0, -1.0, 0.0, 1.0]
    assert huber.error(z, y).tolist() == [2.5, 0.125, 0.0, 1.5]
    assert huber.gradient(z, y).tolist() == [-1.0, -0.5, 0.0, 1.0]


@pytest.mark.parametrize("loss,problem", PAIRS)
def test_buffers_are_filled_in_place(loss, problem):
    head = make_head(loss, problem)
    z = np.array([[0.3, -0.7]])
    y = np.array([[1.0, -1.0]])
    out = np.empty_like(z)
    assert head.prediction(z, out=out) is out
    grad = np.empty_like(z)
    assert head.gradient(z, y, a=out, out=grad) is grad
    assert np.array_equal(grad, head.gradient(z, y))
    err = np.empty_like(z)
    assert head.error(z, y, a=out, out=err) is err
