"""Two built-in data sets the original lacks: two moons and a checkerboard.

Same contract as `engine.datasets`: `generate(num_points, noise, stream)` returns
P (n, 3), rows [x1, x2, label] with labels +1 (blue) or −1 (orange), all
randomness drawn from the seeded `stream`, `noise` the fraction (UI value / 100).
Both are two-class data sets; the K-class task may later give the checkerboard
more colours.
"""

from __future__ import annotations

import math

import numpy as np


def two_moons(num_points: int, noise: float, stream) -> np.ndarray:
    """Two interleaved half rings of radius 3.2: +1 the upper one around (−1.6, −0.8),
    −1 the lower one around (1.6, 0.8). Noise moves each point by up to
    ±5·noise in each direction (the labels stay). Draws per point: angle, nx, ny."""
    radius = 3.2
    uniform = stream.uniform
    rows = []
    half = math.ceil(num_points / 2)
    for (cx, cy, direction), label in (((-1.6, -0.8, 1.0), 1.0), ((1.6, 0.8, -1.0), -1.0)):
        for _ in range(half):
            angle = uniform(0, math.pi)
            x = cx + radius * math.cos(angle) * direction
            y = cy + radius * math.sin(angle) * direction
            x += uniform(-5, 5) * noise
            y += uniform(-5, 5) * noise
            rows.append((x, y, label))
    return np.array(rows, dtype=np.float64).reshape(-1, 3)


def checkerboard(num_points: int, noise: float, stream) -> np.ndarray:
    """Points uniform in [−5, 5]², in a 4×4 board of 2.5-wide squares; +1 on
    the squares whose row and column have the same parity. As in XOR, the
    noise moves only the copy of the point that decides the label.
    Draws per point: x, y, nx, ny."""
    uniform = stream.uniform
    rows = []
    for _ in range(num_points):
        x = uniform(-5, 5)
        y = uniform(-5, 5)
        nx = x + uniform(-5, 5) * noise
        ny = y + uniform(-5, 5) * noise
        same = (math.floor(nx / 2.5) + math.floor(ny / 2.5)) % 2 == 0
        rows.append((x, y, 1.0 if same else -1.0))
    return np.array(rows, dtype=np.float64).reshape(-1, 3)


EXTRA_DATASETS = {"moons": two_moons, "checkerboard": checkerboard}
