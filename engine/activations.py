"""Hidden-layer activation functions and their derivatives.

`ACTIVATIONS[name]` for every name in `settings.ACTIVATION_CHOICES`. Each
`Activation` has `output(z, out=None)` and `derivative(z, a, out=None)`, where
`a = output(z)` is passed in so that derivatives which are cheap in terms of
the output (tanh' = 1 - a², sigmoid' = a(1 - a)) cost no second evaluation.
Both work element-wise on arrays of any shape (float64 for training, float32
for drawing), write into `out` when it is given (`output` may write over `z`
itself) and return the result.

Each is defined once, as a builder of the NumPy calls that compute it into
given buffers (`output_calls`, `derivative_calls`): the training pass strings
such calls together ahead of time, because at mini-batch sizes the cost is
the number of calls. Constants are 0-d arrays, which NumPy handles faster
than Python floats.

The original's four (relu, tanh, sigmoid, linear) use its exact formulas
(spec §9): relu' is 0 for z <= 0; sigmoid is 1 / (1 + exp(-z)), whose exp
overflows to inf for z < -709 and so yields the exact limit 0 (`output` and
`derivative` silence that warning; prebuilt calls run under the caller's
`np.errstate`).

The additions: leakyRelu (slope 0.01 below 0, derivative 0.01 at 0 like
relu's 0), elu (alpha 1), softplus (log(1 + e^z), computed without overflow),
swish (z·σ(z)), gelu in its tanh approximation
0.5·z·(1 + tanh(√(2/π)·(z + 0.044715·z³))) (NumPy has no vectorised erf, and
this is the form most frameworks offer as the fast variant), sine (sin z).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

Call = Callable[[], object]

ZERO = np.array(0.0)
ONE = np.array(1.0)
HALF = np.array(0.5)
LEAKY_SLOPE = 0.01
GELU_SCALE = math.sqrt(2.0 / math.pi)
GELU_CUBIC = 0.044715


@dataclass(frozen=True)
class Activation:
    """An element-wise function with its derivative.

    `output_calls(z, out)` and `derivative_calls(z, a, out)` return the calls
    that write output(z) and output'(z) into `out`. `is_identity` lets the
    backward pass skip multiplying by 1.
    """

    name: str
    output_calls: Callable[[np.ndarray, np.ndarray], list[Call]]
    derivative_calls: Callable[[np.ndarray, np.ndarray, np.ndarray], list[Call]]
    is_identity: bool = False

    def output(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        out = np.empty_like(z) if out is None else out
        _run(self.output_calls(z, out))
        return out

    def derivative(self, z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """d output / d z at `z`, given `a = output(z)`."""
        out = np.empty_like(z) if out is None else out
        _run(self.derivative_calls(z, a, out))
        return out


def _run(calls: list[Call]) -> None:
    with np.errstate(over="ignore"):
        for call in calls:
            call()


# --- the original's four ---------------------------------------------------

def _relu(z, out):
    return [partial(np.maximum, z, ZERO, out=out)]


def _relu_derivative(z, a, out):
    # heaviside(z, 0) is 1 for z > 0 and 0 for z <= 0, as a float.
    return [partial(np.heaviside, z, ZERO, out)]


def _tanh(z, out):
    return [partial(np.tanh, z, out)]


def _tanh_derivative(z, a, out):
    return [partial(np.multiply, a, a, out), partial(np.subtract, ONE, out, out)]


def _sigmoid(z, out):
    return [partial(np.negative, z, out), partial(np.exp, out, out),
            partial(np.add, out, ONE, out), partial(np.divide, ONE, out, out)]


def _sigmoid_derivative(z, a, out):
    return [partial(np.subtract, ONE, a, out), partial(np.multiply, a, out, out)]


def _linear(z, out):
    return [] if out is z else [partial(np.copyto, out, z)]


def _linear_derivative(z, a, out):
    return [partial(out.fill, 1.0)]


# --- additions ---------------------------------------------------------------

def _smooth_sigmoid(z):
    """σ(z) = (1 + tanh(z/2)) / 2, which never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _into(function):
    """Calls that write `function(*arrays)` into `out` (for the compound formulas)."""
    def builder(*arrays):
        *inputs, out = arrays
        return [partial(_write, function, inputs, out)]
    return builder


def _write(function, inputs, out):
    np.copyto(out, function(*inputs), casting="same_kind")


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


def _sine(z, out):
    return [partial(np.sin, z, out)]


def _sine_derivative(z, a, out):
    return [partial(np.cos, z, out)]


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation("relu", _relu, _relu_derivative),
    "tanh": Activation("tanh", _tanh, _tanh_derivative),
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_derivative),
    "linear": Activation("linear", _linear, _linear_derivative, is_identity=True),
    "leakyRelu": Activation("leakyRelu", _into(_leaky_relu), _into(_leaky_relu_derivative)),
    "elu": Activation("elu", _into(_elu), _into(_elu_derivative)),
    "softplus": Activation("softplus", _into(_softplus), _into(_softplus_derivative)),
    "swish": Activation("swish", _into(_swish), _into(_swish_derivative)),
    "gelu": Activation("gelu", _into(_gelu), _into(_gelu_derivative)),
    "sine": Activation("sine", _sine, _sine_derivative),
}
