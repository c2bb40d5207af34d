"""Reference optimizers (tests only): a batch's mean gradient → the step subtracted.

The kernel (`engine/kernel.py`, `_step` and `update`) does this per
parameter; these readable NumPy versions are the oracle the tests check it
against, and are themselves checked against hand computations.

`OPTIMIZERS[name](size, is_bias)` for every name in
`settings.OPTIMIZER_CHOICES` makes an optimizer for `size` parameters (one
flat array, `is_bias` (P,) bool marking the biases). Its one call,
`compute_step(grad_sum, count, learning_rate, out)`, writes into `out` (P,)
the step for the mean gradient g = grad_sum / count; the trainer then does
params -= step. Per-parameter state arrays (P,) live in `state` (the
divergence guard copies them) and are zeroed by `reset()`. Everything works
in place on arrays allocated once.

The mean gradient is passed as (sum, count) because plain SGD must round like
the original: a weight moves by (η / count)·Σg and a bias by (η·Σδ) / count.

With g the mean gradient, η the learning rate and ε = 1e-8 unless said:
- sgd: step = η·g (the original).
- momentum (μ = 0.9): v ← μ·v + g, step = η·v.
- nesterov (μ = 0.9): v ← μ·v + g, step = η·(g + μ·v).
- adagrad: s ← s + g², step = η·g / (√s + ε).
- rmsprop (ρ = 0.9): s ← ρ·s + (1 - ρ)·g², step = η·g / (√s + ε).
- adadelta (ρ = 0.95, ε = 1e-6): s ← ρ·s + (1 - ρ)·g²,
  Δ = √(u + ε) / √(s + ε) · g, u ← ρ·u + (1 - ρ)·Δ², step = η·Δ. Adadelta
  needs no learning rate; η scales its step (η = 1 is the textbook method), as
  in PyTorch, so the learning-rate control still acts on it.
- adam (β1 = 0.9, β2 = 0.999): m ← β1·m + (1 - β1)·g, v ← β2·v + (1 - β2)·g²,
  t ← t + 1, step = η·m̂ / (√v̂ + ε) with m̂ = m / (1 - β1^t), v̂ = v / (1 - β2^t).

The momentum-style rules take η outside their state, so a learning-rate
change acts from the next step on.
"""

from __future__ import annotations

import numpy as np

EPSILON = 1e-8


class Optimizer:
    name = ""

    def __init__(self, size: int, is_bias: np.ndarray | None = None):
        self.size = size
        self.is_bias = np.zeros(size, bool) if is_bias is None else np.asarray(is_bias, bool)
        self._mean = np.zeros(size)  # scratch: the mean gradient
        self.state: list[np.ndarray] = []

    def _new_state(self, shape=None) -> np.ndarray:
        array = np.zeros(self.size if shape is None else shape)
        self.state.append(array)
        return array

    def reset(self) -> None:
        for array in self.state:
            array.fill(0.0)

    def compute_step(self, grad_sum: np.ndarray, count: int, learning_rate: float, out: np.ndarray) -> np.ndarray:
        """Write the step for mean gradient grad_sum / count into `out` (P,)."""
        g = np.divide(grad_sum, count, out=self._mean)
        return self._step(g, learning_rate, out)

    def _step(self, g, learning_rate, out):
        raise NotImplementedError


class SGD(Optimizer):
    name = "sgd"

    def compute_step(self, grad_sum, count, learning_rate, out):
        # step = Σ·c1 / c2, with c1 = η/count, c2 = 1 for weights and
        # c1 = η, c2 = count for biases: the original's two rounding orders.
        multiplier = np.where(self.is_bias, learning_rate, learning_rate / count)
        divisor = np.where(self.is_bias, float(count), 1.0)
        np.multiply(grad_sum, multiplier, out)
        return np.divide(out, divisor, out)


class Momentum(Optimizer):
    name = "momentum"
    momentum = 0.9

    def __init__(self, size, is_bias=None):
        super().__init__(size, is_bias)
        self.velocity = self._new_state()

    def _advance(self, g):
        """v ← momentum·v + g; returns v."""
        v = self.velocity
        np.multiply(v, self.momentum, out=v)
        return np.add(v, g, out=v)

    def _step(self, g, learning_rate, out):
        return np.multiply(self._advance(g), learning_rate, out=out)


class Nesterov(Momentum):
    name = "nesterov"

    def _step(self, g, learning_rate, out):
        v = self._advance(g)
        np.multiply(v, self.momentum, out=out)
        np.add(out, g, out=out)
        return np.multiply(out, learning_rate, out=out)


class Adagrad(Optimizer):
    name = "adagrad"

    def __init__(self, size, is_bias=None):
        super().__init__(size, is_bias)
        self.squares = self._new_state()
        self._scratch = np.zeros(size)

    def _step(self, g, learning_rate, out):
        np.multiply(g, g, out=self._scratch)
        np.add(self.squares, self._scratch, out=self.squares)
        return _scaled_by_root(g, self.squares, learning_rate, out)


class RMSProp(Optimizer):
    name = "rmsprop"
    decay = 0.9

    def __init__(self, size, is_bias=None):
        super().__init__(size, is_bias)
        self.squares = self._new_state()
        self._scratch = np.zeros(size)

    def _step(self, g, learning_rate, out):
        _decaying_mean_of_squares(self.squares, g, self.decay, self._scratch)
        return _scaled_by_root(g, self.squares, learning_rate, out)


class Adadelta(Optimizer):
    name = "adadelta"
    decay = 0.95
    epsilon = 1e-6

    def __init__(self, size, is_bias=None):
        super().__init__(size, is_bias)
        self.squares = self._new_state()
        self.update_squares = self._new_state()
        self._scratch = np.zeros(size)

    def _step(self, g, learning_rate, out):
        s, u, scratch = self.squares, self.update_squares, self._scratch
        _decaying_mean_of_squares(s, g, self.decay, scratch)
        np.add(u, self.epsilon, out=out)
        np.add(s, self.epsilon, out=scratch)
        np.divide(out, scratch, out=out)
        np.sqrt(out, out=out)
        np.multiply(out, g, out=out)  # Δ
        _decaying_mean_of_squares(u, out, self.decay, scratch)
        return np.multiply(out, learning_rate, out=out)


class Adam(Optimizer):
    name = "adam"
    beta1 = 0.9
    beta2 = 0.999

    def __init__(self, size, is_bias=None):
        super().__init__(size, is_bias)
        self.first = self._new_state()
        self.second = self._new_state()
        self.steps = self._new_state(1)  # t, kept as an array so snapshots hold it
        self._scratch = np.zeros(size)

    def _step(self, g, learning_rate, out):
        m, v, scratch = self.first, self.second, self._scratch
        self.steps += 1.0
        t = float(self.steps[0])
        np.multiply(m, self.beta1, out=m)
        np.multiply(g, 1.0 - self.beta1, out=scratch)
        np.add(m, scratch, out=m)
        _decaying_mean_of_squares(v, g, self.beta2, scratch)
        np.multiply(v, 1.0 / (1.0 - self.beta2**t), out=scratch)
        np.sqrt(scratch, out=scratch)
        np.add(scratch, EPSILON, out=scratch)
        np.divide(m, scratch, out=out)
        return np.multiply(out, learning_rate / (1.0 - self.beta1**t), out=out)


def _decaying_mean_of_squares(squares, g, decay, scratch):
    """squares ← decay·squares + (1 - decay)·g², in place."""
    np.multiply(g, g, out=scratch)
    np.multiply(scratch, 1.0 - decay, out=scratch)
    np.multiply(squares, decay, out=squares)
    np.add(squares, scratch, out=squares)


def _scaled_by_root(g, squares, learning_rate, out):
    """out = η·g / (√squares + ε)"""
    np.sqrt(squares, out=out)
    np.add(out, EPSILON, out=out)
    np.divide(g, out, out=out)
    return np.multiply(out, learning_rate, out=out)


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Momentum, Nesterov, Adagrad, RMSProp, Adadelta, Adam)
}
