"""Initial weights and biases: `INITIALIZERS[name](layer_sizes, stream)`.

`layer_sizes` lists the units of every layer, inputs first and the output last
(e.g. (2, 4, 2, 1)). The result has one (W (units_{l-1}, units_l), b (units_l,))
pair per non-input layer, float64.

Every scheme draws its weights in the original's creation order: layer by layer,
then for each destination node, for each source node (destination-major, so
the draws fill W column by column). This order is what makes a seed reproduce
the original's initial network. Biases never consume draws.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

Parameters = list[tuple[np.ndarray, np.ndarray]]


def _build(
    layer_sizes: Sequence[int], draw_layer: Callable[[int, int], Callable[[], float]], bias: float
) -> Parameters:
    """One (W, b) per layer; `draw_layer(fan_in, fan_out)` gives the weight drawer.

    The drawer is asked for only when the layer has weights, so a layer with
    no inputs (every feature switched off) never divides by its zero fan-in.
    """
    parameters = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        count = fan_in * fan_out
        if count:
            draw = draw_layer(fan_in, fan_out)
            by_destination = np.array([draw() for _ in range(count)], dtype=np.float64)
            weights = np.ascontiguousarray(by_destination.reshape(fan_out, fan_in).T)
        else:
            weights = np.zeros((fan_in, fan_out), dtype=np.float64)
        parameters.append((weights, np.full(fan_out, bias, dtype=np.float64)))
    return parameters


def uniform(layer_sizes: Sequence[int], stream) -> Parameters:
    """The original's scheme: each weight U − 0.5, every bias 0.1."""
    return _build(layer_sizes, lambda fan_in, fan_out: lambda: stream.random() - 0.5, 0.1)


def glorot_uniform(layer_sizes: Sequence[int], stream) -> Parameters:
    """Weights U(−a, a) with a = √(6/(fan_in + fan_out)); biases 0."""

    def drawer(fan_in: int, fan_out: int):
        limit = math.sqrt(6 / (fan_in + fan_out))
        return lambda: stream.uniform(-limit, limit)

    return _build(layer_sizes, drawer, 0.0)


def glorot_normal(layer_sizes: Sequence[int], stream) -> Parameters:
    """Weights normal with variance 2/(fan_in + fan_out); biases 0."""

    def drawer(fan_in: int, fan_out: int):
        variance = 2 / (fan_in + fan_out)
        return lambda: stream.normal(0.0, variance)

    return _build(layer_sizes, drawer, 0.0)


def he(layer_sizes: Sequence[int], stream) -> Parameters:
    """Weights normal with variance 2/fan_in; biases 0."""

    def drawer(fan_in: int, fan_out: int):
        variance = 2 / fan_in
        return lambda: stream.normal(0.0, variance)

    return _build(layer_sizes, drawer, 0.0)


def zeros(layer_sizes: Sequence[int], stream) -> Parameters:
    """The original's `initZero`: every weight and bias 0.

    It still consumes one draw per weight, as the original does: there each
    link draws its random weight when it is created and is only then set to
    0. Keeping the draws keeps every later reset and new seed in step.
    """

    def drawer(fan_in: int, fan_out: int):
        def draw_and_discard() -> float:
            stream.random()
            return 0.0

        return draw_and_discard

    return _build(layer_sizes, drawer, 0.0)


INITIALIZERS: dict[str, Callable[[Sequence[int], object], Parameters]] = {
    "uniform": uniform,
    "glorotUniform": glorot_uniform,
    "glorotNormal": glorot_normal,
    "he": he,
    "zeros": zeros,
}
