"""Output heads: the network's prediction and its error against a target.

A `Loss` turns the output node's pre-activation z (any shape, usually (n,) or
(n, 1)) into what the page shows (`prediction`), the per-example error the
displayed loss is the mean of (`error`) and dE/dz (`gradient`, where the
backward pass starts). The head depends on the problem, so a loss is built
for one: `LOSSES[name](problem)` or `make_head(name, problem)`;
`settings.LOSSES_FOR_PROBLEM` says which losses suit which problem.

- squared: E = ½(ŷ - y)². Classification shows ŷ = tanh z and
  dE/dz = (ŷ - y)·(1 - ŷ²), evaluated in exactly that order as the original
  does; regression shows ŷ = z and dE/dz = ŷ - y.
- crossEntropy (classification, labels ±1): p = σ(z), t = (y + 1)/2,
  E = -[t ln p + (1 - t) ln(1 - p)], computed from z without overflow as
  max(z, 0) - t·z + ln(1 + e^-|z|). The page shows 2p - 1 = tanh(z/2), on the
  same ±1 scale as the labels; dE/dz = p - t = (ŷ - y)/2.
- absolute (regression): E = |z - y|, dE/dz = sign(z - y) (0 at 0).
- huber (regression, δ = 1): E = ½d² for |d| <= 1 and |d| - ½ beyond, where
  d = z - y; dE/dz = d clipped to [-1, 1].

- softmax (K outputs, labels are class indices 0..K-1): p = softmax(z) per
  example (z is (K, n), one row per output node), E = -ln p_label,
  dE/dz = p - onehot(label). Not offered by the page yet (`SOFTMAX`, not in
  `LOSSES`); it is what a K-class task builds on.

`error` and `gradient` take the prediction `a` when the caller already has it.
These are vectorised NumPy (drawing the grids, and the readable reference the
tests check the kernel against); training computes the same per example in
`engine/kernel.py`, where `kernel_head` names the head.
"""

from __future__ import annotations

import numpy as np

from .settings import LOSSES_FOR_PROBLEM


class Loss:
    """The output head for one problem ("classification" or "regression")."""

    name = ""
    prediction_is_identity = False  # the prediction is z itself
    multiclass = False  # K output nodes instead of one
    kernel_head = ""  # the head's name in engine/kernel.py

    def __init__(self, problem: str):
        if problem not in LOSSES_FOR_PROBLEM:
            raise ValueError(f"unknown problem {problem!r}")
        if self.name not in LOSSES_FOR_PROBLEM[problem]:
            raise ValueError(f"the loss {self.name} does not suit {problem}")
        self.problem = problem

    # --- what subclasses define ---

    def predict(self, z: np.ndarray) -> np.ndarray:
        """The displayed prediction for `z` (a new array)."""
        return z

    def gradient_of(self, z: np.ndarray, y: np.ndarray, a: np.ndarray) -> np.ndarray:
        """dE/dz given the prediction `a` (a new array)."""
        raise NotImplementedError

    def error(self, z, y, a=None, out=None) -> np.ndarray:
        """Per-example error E(z, y); the displayed loss is its mean."""
        raise NotImplementedError

    # --- conveniences ---

    def prediction(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):
            value = self.predict(z)
        if out is None:
            return np.array(value, dtype=np.result_type(z, np.float32))
        if value is not out:
            np.copyto(out, value, casting="same_kind")
        return out

    def gradient(self, z, y, a=None, out=None, scratch=None) -> np.ndarray:
        """dE/dz per example."""
        z = np.asarray(z, dtype=np.float64)
        a = self.prediction(z) if a is None else a
        with np.errstate(over="ignore", invalid="ignore"):
            value = self.gradient_of(z, np.asarray(y, dtype=np.float64), a)
        if out is None:
            return np.asarray(value, dtype=np.float64)
        np.copyto(out, value)
        return out

    def _predicted(self, z, a):
        return self.prediction(z) if a is None else a

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.problem!r})"


class SquaredError(Loss):
    name = "squared"

    def __init__(self, problem: str):
        super().__init__(problem)
        self.prediction_is_identity = problem == "regression"
        self.kernel_head = "linear" if self.prediction_is_identity else "tanh"

    def predict(self, z):
        return z if self.prediction_is_identity else np.tanh(z)

    def gradient_of(self, z, y, a):
        if self.prediction_is_identity:
            return a - y
        return (a - y) * (1.0 - a * a)

    def error(self, z, y, a=None, out=None):
        out = np.subtract(self._predicted(z, a), y, out=out)
        np.multiply(out, out, out=out)
        return np.multiply(out, 0.5, out=out)


class CrossEntropy(Loss):
    name = "crossEntropy"
    kernel_head = "crossEntropy"

    def predict(self, z):
        return np.tanh(z * 0.5)

    def gradient_of(self, z, y, a):
        return (a - y) * 0.5

    def error(self, z, y, a=None, out=None):
        target = (y + 1.0) * 0.5
        softplus_tail = np.log1p(np.exp(-np.abs(z)))
        out = np.maximum(z, 0.0, out=out)
        out -= target * z
        out += softplus_tail
        return out


class AbsoluteError(Loss):
    name = "absolute"
    prediction_is_identity = True
    kernel_head = "absolute"

    def gradient_of(self, z, y, a):
        return np.sign(z - y)

    def error(self, z, y, a=None, out=None):
        out = np.subtract(z, y, out=out)
        return np.abs(out, out=out)


class HuberError(Loss):
    name = "huber"
    prediction_is_identity = True
    kernel_head = "huber"
    delta = 1.0

    def gradient_of(self, z, y, a):
        return np.clip(z - y, -self.delta, self.delta)

    def error(self, z, y, a=None, out=None):
        d = np.abs(z - y)
        value = np.where(d <= self.delta, 0.5 * d * d, self.delta * (d - 0.5 * self.delta))
        if out is None:
            return value
        np.copyto(out, value)
        return out


class SoftmaxCrossEntropy(Loss):
    """K outputs; z and p are (K, n), labels y (n,) are class indices."""

    name = "softmax"
    multiclass = True
    kernel_head = "softmax"

    def __init__(self, problem: str = "classification"):
        self.problem = problem

    def predict(self, z):
        shifted = z - z.max(axis=0, keepdims=True)
        e = np.exp(shifted)
        return e / e.sum(axis=0, keepdims=True)

    def _onehot(self, y, shape):
        onehot = np.zeros(shape)
        onehot[np.asarray(y, dtype=np.int64).reshape(-1), np.arange(shape[1])] = 1.0
        return onehot

    def gradient_of(self, z, y, a):
        return a - self._onehot(y, a.shape)

    def error(self, z, y, a=None, out=None):
        z = np.asarray(z, dtype=np.float64)
        top = z.max(axis=0)
        log_total = top + np.log(np.exp(z - top).sum(axis=0))
        labels = np.asarray(y, dtype=np.int64).reshape(-1)
        value = log_total - z[labels, np.arange(z.shape[1])]
        if out is None:
            return value
        np.copyto(out, value)
        return out


SOFTMAX = SoftmaxCrossEntropy


LOSSES: dict[str, type[Loss]] = {
    "squared": SquaredError,
    "crossEntropy": CrossEntropy,
    "absolute": AbsoluteError,
    "huber": HuberError,
}


def make_head(loss: str, problem: str) -> Loss:
    """The head for loss `loss` on `problem`; ValueError if they do not fit."""
    if loss == SOFTMAX.name:
        return SOFTMAX(problem)
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}")
    return LOSSES[loss](problem)
