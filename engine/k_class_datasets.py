"""The classification data sets with K ≥ 3 classes, each keeping its character.

`generate(num_points, noise, classes, stream)` returns P (n, 3), rows
[x1, x2, class index 0..K-1], every point inside [−6, 6]² at noise 0, all
randomness drawn from the seeded `stream`, `noise` the fraction (UI value /
100). circle, gauss, spiral and moons are balanced: class c has ⌊n/K⌋
points, plus one for the first n mod K classes, and points come class by
class. xor and checkerboard draw points uniformly over the square, so a
class has points in proportion to its area there (roughly n/K each). Two classes use the
original's generators (`engine/datasets.py`), not these.

- circle: K rings around the origin, ring c between radii 5c/K and 5(c+1)/K
  less a gap of a fifth of a ring's width; as in the original, the noise
  moves only the copy of the point that decides the label (the ring it is
  in, clamped to the outermost).
- xor: K sectors, the K-class form of the original's quadrants. The plane
  around the origin is cut into K equal angular sectors, the first starting
  at the positive x1 axis and going counter-clockwise; a point uniform in
  [−5, 5]² belongs to the sector its (noisy) copy falls in. Points closer
  than 0.3 to a sector border are drawn again, the original's padding away
  from the axes. (With K = 4 these are the four quadrants, each its own class.)
- gauss: K normal blobs on a circle of radius 3 (centre c at angle 2πc/K
  from the top), the variance growing with the noise as the original's
  (0.5 at 0, 4 at 0.5). Positions are noisy, labels exact.
- spiral: K interleaved arms, arm c turned by 2πc/K, drawn as the original
  draws its two; the noise is added to the positions.
- moons: K half rings in a chain, opening up and down in turn, each radius
  2.4 and 2.4 apart along x1, centred on the origin; noise moves points.
- checkerboard: our two-class board's 4×4 squares 2.5 wide, square (row,
  column) (0..3 each, from the bottom left) belonging to class
  (row + 2·column) mod K: neighbours across a side always differ, and all
  of K ≤ 8 classes appear (row + column would give only 7 diagonals); noise
  as in xor.
"""

from __future__ import annotations

import math

import numpy as np

from .datasets import _linear_scale
from .v8math import cos, sin


def class_sizes(num_points: int, classes: int) -> list[int]:
    """Points per class: ⌊n/K⌋, one more for the first n mod K classes."""
    base, extra = divmod(num_points, classes)
    return [base + (1 if c < extra else 0) for c in range(classes)]


def _points(rows) -> np.ndarray:
    return np.array(rows, dtype=np.float64).reshape(-1, 3)


def circle(num_points: int, noise: float, classes: int, stream) -> np.ndarray:
    radius = 5.0
    width = radius / classes
    uniform = stream.uniform
    rows = []
    for c, count in enumerate(class_sizes(num_points, classes)):
        for _ in range(count):
            r = uniform(c * width, (c + 0.8) * width)
            angle = uniform(0, 2 * math.pi)
            x, y = r * sin(angle), r * cos(angle)
            nx = x + uniform(-radius, radius) * noise
            ny = y + uniform(-radius, radius) * noise
            label = min(int(math.sqrt(nx * nx + ny * ny) / width), classes - 1)
            rows.append((x, y, label))
    return _points(rows)


def _sector(x: float, y: float, classes: int) -> int:
    angle = math.atan2(y, x) % (2 * math.pi)
    return min(int(angle / (2 * math.pi / classes)), classes - 1)


def _near_border(x: float, y: float, classes: int, padding: float) -> bool:
    """Whether (x, y) is within `padding` of a sector border (a ray from the origin)."""
    step = 2 * math.pi / classes
    for c in range(classes):
        ux, uy = math.cos(c * step), math.sin(c * step)
        along = x * ux + y * uy
        if along >= 0 and abs(-x * uy + y * ux) < padding:
            return True
    return False


def xor(num_points: int, noise: float, classes: int, stream) -> np.ndarray:
    padding = 0.3
    uniform = stream.uniform
    rows = []
    for _ in range(num_points):
        while True:
            x, y = uniform(-5, 5), uniform(-5, 5)
            if not _near_border(x, y, classes, padding):
                break
        nx = x + uniform(-5, 5) * noise
        ny = y + uniform(-5, 5) * noise
        rows.append((x, y, _sector(nx, ny, classes)))
    return _points(rows)


def gauss(num_points: int, noise: float, classes: int, stream) -> np.ndarray:
    variance = _linear_scale((0, 0.5), (0.5, 4))(noise)
    normal = stream.normal
    rows = []
    for c, count in enumerate(class_sizes(num_points, classes)):
        angle = 2 * math.pi * c / classes
        cx, cy = 3 * math.sin(angle), 3 * math.cos(angle)
        for _ in range(count):
            rows.append((normal(cx, variance), normal(cy, variance), c))
    return _points(rows)


def spiral(num_points: int, noise: float, classes: int, stream) -> np.ndarray:
    uniform = stream.uniform
    rows = []
    for c, count in enumerate(class_sizes(num_points, classes)):
        delta_t = 2 * math.pi * c / classes
        for i in range(count):
            r = i / count * 5
            t = 1.75 * i / count * 2 * math.pi + delta_t
            x = r * sin(t) + uniform(-1, 1) * noise
            y = r * cos(t) + uniform(-1, 1) * noise
            rows.append((x, y, c))
    return _points(rows)


def moons(num_points: int, noise: float, classes: int, stream) -> np.ndarray:
    radius = 2.4
    spacing = radius
    uniform = stream.uniform
    rows = []
    first = -spacing * (classes - 1) / 2
    for c, count in enumerate(class_sizes(num_points, classes)):
        direction = 1.0 if c % 2 == 0 else -1.0
        cx, cy = first + spacing * c, -0.6 * direction
        for _ in range(count):
            angle = uniform(0, math.pi)
            x = cx + radius * math.cos(angle) * direction
            y = cy + radius * math.sin(angle) * direction
            rows.append((x + uniform(-5, 5) * noise, y + uniform(-5, 5) * noise, c))
    scale = min(1.0, 5.5 / (abs(first) + radius))  # many moons: shrink the chain into the plane
    points = _points(rows)
    points[:, :2] *= scale
    return points


def checkerboard(num_points: int, noise: float, classes: int, stream) -> np.ndarray:
    uniform = stream.uniform
    rows = []
    for _ in range(num_points):
        x, y = uniform(-5, 5), uniform(-5, 5)
        nx = x + uniform(-5, 5) * noise
        ny = y + uniform(-5, 5) * noise
        row, column = math.floor(ny / 2.5) + 2, math.floor(nx / 2.5) + 2
        rows.append((x, y, (row + 2 * column) % classes))
    return _points(rows)


K_CLASS_DATASETS = {
    "circle": circle,
    "xor": xor,
    "gauss": gauss,
    "spiral": spiral,
    "moons": moons,
    "checkerboard": checkerboard,
}
