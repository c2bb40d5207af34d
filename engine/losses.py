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

`error` and `gradient` take the prediction `a` when the caller already has it.
Like activations, the prediction and the gradient are defined as builders of
NumPy calls into given buffers (`prediction_calls`, `gradient_calls`), which
the training pass prebuilds.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from .activations import HALF, ONE, Call
from .settings import LOSSES_FOR_PROBLEM


class Loss:
    """The output head for one problem ("classification" or "regression")."""

    name = ""
    prediction_is_identity = False  # the prediction is z itself: no copy needed

    def __init__(self, problem: str):
        if problem not in LOSSES_FOR_PROBLEM:
            raise ValueError(f"unknown problem {problem!r}")
        if self.name not in LOSSES_FOR_PROBLEM[problem]:
            raise ValueError(f"the loss {self.name} does not suit {problem}")
        self.problem = problem

    # --- what subclasses define ---

    def prediction_calls(self, z: np.ndarray, out: np.ndarray) -> list[Call]:
        """Calls writing the displayed prediction for `z` into `out`."""
        return [] if out is z else [partial(np.copyto, out, z)]

    def gradient_calls(self, z, y, a, out, scratch) -> list[Call]:
        """Calls writing dE/dz into `out`, given the prediction `a` (`scratch`
        is a spare buffer of the same shape)."""
        raise NotImplementedError

    def error(self, z, y, a=None, out=None) -> np.ndarray:
        """Per-example error E(z, y); the displayed loss is its mean."""
        raise NotImplementedError

    # --- conveniences ---

    def prediction(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        out = np.empty_like(z) if out is None else out
        _run(self.prediction_calls(z, out))
        return out

    def gradient(self, z, y, a=None, out=None, scratch=None) -> np.ndarray:
        """dE/dz per example."""
        z = np.asarray(z, dtype=np.float64)
        a = self.prediction(z) if a is None else a
        out = np.empty_like(z) if out is None else out
        scratch = np.empty_like(z) if scratch is None else scratch
        _run(self.gradient_calls(z, np.asarray(y, dtype=np.float64), a, out, scratch))
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

    def prediction_calls(self, z, out):
        if self.prediction_is_identity:
            return super().prediction_calls(z, out)
        return [partial(np.tanh, z, out)]

    def gradient_calls(self, z, y, a, out, scratch):
        calls = [partial(np.subtract, a, y, out)]
        if not self.prediction_is_identity:
            calls += [partial(np.multiply, a, a, scratch),
                      partial(np.subtract, ONE, scratch, scratch),
                      partial(np.multiply, out, scratch, out)]
        return calls

    def error(self, z, y, a=None, out=None):
        out = np.subtract(self._predicted(z, a), y, out=out)
        np.multiply(out, out, out=out)
        return np.multiply(out, 0.5, out=out)


class CrossEntropy(Loss):
    name = "crossEntropy"

    def prediction_calls(self, z, out):
        return [partial(np.multiply, z, HALF, out), partial(np.tanh, out, out)]

    def gradient_calls(self, z, y, a, out, scratch):
        return [partial(np.subtract, a, y, out), partial(np.multiply, out, HALF, out)]

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

    def gradient_calls(self, z, y, a, out, scratch):
        return [partial(np.subtract, z, y, out), partial(np.sign, out, out)]

    def error(self, z, y, a=None, out=None):
        out = np.subtract(z, y, out=out)
        return np.abs(out, out=out)


class HuberError(Loss):
    name = "huber"
    prediction_is_identity = True
    delta = 1.0

    def gradient_calls(self, z, y, a, out, scratch):
        return [partial(np.subtract, z, y, out), partial(np.clip, out, -self.delta, self.delta, out)]

    def error(self, z, y, a=None, out=None):
        d = np.abs(z - y)
        value = np.where(d <= self.delta, 0.5 * d * d, self.delta * (d - 0.5 * self.delta))
        if out is None:
            return value
        np.copyto(out, value)
        return out


def _run(calls: list[Call]) -> None:
    with np.errstate(over="ignore", invalid="ignore"):
        for call in calls:
            call()


LOSSES: dict[str, type[Loss]] = {
    "squared": SquaredError,
    "crossEntropy": CrossEntropy,
    "absolute": AbsoluteError,
    "huber": HuberError,
}


def make_head(loss: str, problem: str) -> Loss:
    """The head for loss `loss` on `problem`; ValueError if they do not fit."""
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}")
    return LOSSES[loss](problem)
