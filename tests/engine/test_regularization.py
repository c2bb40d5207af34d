"""Regularizers: penalties and their derivatives."""

import numpy as np
import pytest

from engine import settings
from tests.engine.reference_regularization import REGULARIZERS


def test_registry_matches_the_settings_choices():
    assert tuple(REGULARIZERS) == settings.BY_NAME["regularization"].choices


@pytest.mark.parametrize("name", ["none", "L1", "L2"])
def test_derivative_matches_central_differences(name):
    reg = REGULARIZERS[name]
    w = np.concatenate([np.linspace(-2, -0.01, 30), np.linspace(0.01, 2, 30)])
    h = 1e-6
    numeric = (reg.penalty(w + h) - reg.penalty(w - h)) / (2 * h)
    assert np.allclose(reg.derivative(w), numeric, rtol=1e-7, atol=1e-9)


def test_penalties_and_derivatives_at_known_points():
    w = np.array([-2.0, 0.0, 0.5])
    assert REGULARIZERS["L1"].penalty(w).tolist() == [2.0, 0.0, 0.5]
    assert REGULARIZERS["L1"].derivative(w).tolist() == [-1.0, 0.0, 1.0]  # 0 at 0
    assert REGULARIZERS["L2"].penalty(w).tolist() == [2.0, 0.0, 0.125]
    assert REGULARIZERS["L2"].derivative(w).tolist() == [-2.0, 0.0, 0.5]
    assert REGULARIZERS["none"].penalty(w).tolist() == [0.0, 0.0, 0.0]
    assert REGULARIZERS["none"].derivative(w).tolist() == [0.0, 0.0, 0.0]


def test_derivative_writes_into_out():
    w = np.array([-3.0, 4.0])
    out = np.empty(2)
    for reg in REGULARIZERS.values():
        assert reg.derivative(w, out=out) is out
