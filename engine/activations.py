"""Hidden-layer activation functions and their derivatives, vectorised.

`ACTIVATIONS[name]` for every name in `settings.ACTIVATION_CHOICES`. Each
`Activation` has `output(z, out=None)` and `derivative(z, a, out=None)`, where
`a = output(z)` is passed in so that derivatives which are cheap in terms of
the output (tanh' = 1 - a², sigmoid' = a(1 - a)) cost no second evaluation.
Both work element-wise on arrays of any shape (float32 for drawing the grids,
float64 as the readable reference the tests check the kernel against), write
into `out` when it is given (`output` may write over `z` itself) and return
the result. Training itself runs in `engine/kernel.py`, which implements the
same formulas per scalar.

The original's four (relu, tanh, sigmoid, linear) use its exact formulas
(spec §9): relu' is 0 for z <= 0; sigmoid is 1 / (1 + exp(-z)), whose exp
overflows to inf for z < -709 and so yields the exact limit 0 (that warning
is silenced).

The additions: leakyRelu (slope 0.01 below 0, derivative 0.01 at 0 like
relu's 0), elu (alpha 1), softplus (log(1 + e^z), computed without overflow),
swish (z·σ(z)), gelu in its tanh approximation
0.5·z·(1 + tanh(√(2/π)·(z + 0.044715·z³))) (the form most frameworks offer as
the fast variant), sine (sin z).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LEAKY_SLOPE = 0.01
GELU_SCALE = math.sqrt(2.0 / math.pi)
GELU_CUBIC = 0.044715


@dataclass(frozen=True)
class Activation:
    """An element-wise function with its derivative: `function(z)` and
    `slope(z, a)` return new arrays; `output` and `derivative` write into `out`."""

    name: str
    function: Callable[[np.ndarray], np.ndarray]
    slope: Callable[[np.ndarray, np.ndarray], np.ndarray]
    is_identity: bool = False

    def output(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        if out is not None and isinstance(self.function, np.ufunc):
            return self.function(z, out=out)  # in place: no temporary (drawing's hot path)
        with np.errstate(over="ignore", invalid="ignore"):
            value = self.function(z)
        if out is None:
            return np.asarray(value, dtype=np.result_type(z, np.float32))
        np.copyto(out, value, casting="same_kind")
        return out

    def derivative(self, z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """d output / d z at `z`, given `a = output(z)`."""
        with np.errstate(over="ignore", invalid="ignore"):
            value = self.slope(z, a)
        if out is None:
            return np.asarray(value, dtype=np.result_type(z, np.float32))
        np.copyto(out, value, casting="same_kind")
        return out


# --- the original's four ---------------------------------------------------


def _relu(z):
    return np.maximum(z, 0.0)


def _relu_derivative(z, a):
    # heaviside(z, 0) is 1 for z > 0 and 0 for z <= 0, as a float.
    return np.heaviside(z, 0.0)


def _tanh_derivative(z, a):
    return 1.0 - a * a


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _sigmoid_derivative(z, a):
    return a * (1.0 - a)


def _linear(z):
    return z


def _linear_derivative(z, a):
    return np.ones_like(z)


# --- additions ---------------------------------------------------------------


def _smooth_sigmoid(z):
    """σ(z) = (1 + tanh(z/2)) / 2, which never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _leaky_relu(z):
    return np.maximum(z, LEAKY_SLOPE * z)


def _leaky_relu_derivative(z, a):
    return np.where(z > 0.0, 1.0, LEAKY_SLOPE)


def _elu(z):
    # max(z, 0) + (e^min(z, 0) - 1): exactly z above zero, e^z - 1 below.
    return np.maximum(z, 0.0) + np.expm1(np.minimum(z, 0.0))


def _elu_derivative(z, a):
    # 1 above zero; e^z = a + 1 below.
    return np.where(z > 0.0, 1.0, a + 1.0)


def _softplus(z):
    return np.logaddexp(0.0, z)


def _softplus_derivative(z, a):
    return _smooth_sigmoid(z)


def _swish(z):
    return z * _smooth_sigmoid(z)


def _swish_derivative(z, a):
    # σ + z·σ·(1 - σ) = a + σ·(1 - a)
    return a + _smooth_sigmoid(z) * (1.0 - a)


def _gelu_tanh(z):
    return np.tanh(GELU_SCALE * (z + GELU_CUBIC * z * z * z))


def _gelu(z):
    return 0.5 * z * (1.0 + _gelu_tanh(z))


def _gelu_derivative(z, a):
    t = _gelu_tanh(z)
    inner_slope = GELU_SCALE * (1.0 + 3.0 * GELU_CUBIC * z * z)
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * inner_slope


def _sine_derivative(z, a):
    return np.cos(z)


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation("relu", _relu, _relu_derivative),
    "tanh": Activation("tanh", np.tanh, _tanh_derivative),
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_derivative),
    "linear": Activation("linear", _linear, _linear_derivative, is_identity=True),
    "leakyRelu": Activation("leakyRelu", _leaky_relu, _leaky_relu_derivative),
    "elu": Activation("elu", _elu, _elu_derivative),
    "softplus": Activation("softplus", _softplus, _softplus_derivative),
    "swish": Activation("swish", _swish, _swish_derivative),
    "gelu": Activation("gelu", _gelu, _gelu_derivative),
    "sine": Activation("sine", np.sin, _sine_derivative),
}
