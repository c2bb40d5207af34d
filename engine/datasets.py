"""The data sets and the train/test split, the original's six drawn exactly as the original draws them.

Each generator `DATASETS[name](num_points, noise, stream)` returns P (n, 3): rows
[x1, x2, label] in generation order, `noise` being the fraction (UI value / 100).
The random draws per point, their order and the float arithmetic follow the
original's `dataset.ts` (including its d3 linear scales), because a seed must
reproduce the original's points bit for bit. Sines and cosines (circle, spiral)
and the logarithm in the normal draw (gauss, in `engine.rng`) are V8's own
(`engine.v8math`), not the C library's, which differ in the last bit.

Classification labels are exactly +1 or −1; regression labels are real numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.settings import CLASSIFICATION_DATASETS, REGRESSION_DATASETS
from engine.two_class_datasets import EXTRA_DATASETS
from engine.v8math import cos, sin

POINTS_PER_PROBLEM = {"classification": 500, "regression": 1200}
THUMBNAIL_POINTS = 200


def _linear_scale(domain: tuple[float, float], output: tuple[float, float], clamp: bool = False):
    """d3 v3's `d3.scale.linear()` for a two-point domain and range.

    The arithmetic is d3's own (t = (x − d0)/(d1 − d0), then r0·(1 − t) + r1·t),
    not a simplified formula, because the labels must agree to the last bit.
    """
    d0, d1 = float(domain[0]), float(domain[1])
    r0, r1 = float(output[0]), float(output[1])
    span = d1 - d0

    def scale(x):
        """x: a float or an array of them (elementwise, same arithmetic)."""
        t = (x - d0) / span
        if clamp:
            t = np.minimum(np.maximum(t, 0.0), 1.0)
        return r0 * (1 - t) + r1 * t

    return scale


def _half_count(num_points: int) -> int:
    """How many i satisfy the original's `i < numSamples / 2`."""
    return math.ceil(num_points / 2)


def _as_points(rows: list) -> np.ndarray:
    return np.array(rows, dtype=np.float64).reshape(-1, 3)


def circle(num_points: int, noise: float, stream) -> np.ndarray:
    """Blue (+1) inside radius 2.5, orange (−1) in the ring 3.5–5; noise moves only the
    copy of the point that decides the label. Draws per point: r, angle, nx, ny."""
    radius = 5
    uniform = stream.uniform
    rows = []
    for r_low, r_high in ((0, radius * 0.5), (radius * 0.7, radius)):
        for _ in range(_half_count(num_points)):
            r = uniform(r_low, r_high)
            angle = uniform(0, 2 * math.pi)
            x = r * sin(angle)
            y = r * cos(angle)
            noise_x = uniform(-radius, radius) * noise
            noise_y = uniform(-radius, radius) * noise
            nx, ny = x + noise_x, y + noise_y
            label = 1.0 if math.sqrt(nx * nx + ny * ny) < radius * 0.5 else -1.0
            rows.append((x, y, label))
    return _as_points(rows)


def xor(num_points: int, noise: float, stream) -> np.ndarray:
    """The four quadrants, coordinates pushed 0.3 away from the axes; the label is the
    sign of the (noisy) product. Draws per point: x, y, nx, ny."""
    padding = 0.3
    uniform = stream.uniform
    rows = []
    for _ in range(num_points):
        x = uniform(-5, 5)
        x += padding if x > 0 else -padding
        y = uniform(-5, 5)
        y += padding if y > 0 else -padding
        noise_x = uniform(-5, 5) * noise
        noise_y = uniform(-5, 5) * noise
        label = 1.0 if (x + noise_x) * (y + noise_y) >= 0 else -1.0
        rows.append((x, y, label))
    return _as_points(rows)


def gauss(num_points: int, noise: float, stream) -> np.ndarray:
    """Two normal blobs, +1 around (2, 2) then −1 around (−2, −2); the variance grows with
    the noise (0.5 at 0, 4 at 0.5, not clamped). Positions are noisy, labels exact."""
    variance = _linear_scale((0, 0.5), (0.5, 4))(noise)
    normal = stream.normal
    rows = []
    for centre, label in ((2, 1.0), (-2, -1.0)):
        for _ in range(_half_count(num_points)):
            x = normal(centre, variance)
            y = normal(centre, variance)
            rows.append((x, y, label))
    return _as_points(rows)


def spiral(num_points: int, noise: float, stream) -> np.ndarray:
    """Two interleaved spiral arms (+1, then −1 turned by π); the noise is added to the
    positions. Draws per point: x-noise, y-noise (drawn even at noise 0)."""
    uniform = stream.uniform
    n = num_points / 2
    rows = []
    for delta_t, label in ((0.0, 1.0), (math.pi, -1.0)):
        i = 0
        while i < n:
            r = i / n * 5
            t = 1.75 * i / n * 2 * math.pi + delta_t
            x = r * sin(t) + uniform(-1, 1) * noise
            y = r * cos(t) + uniform(-1, 1) * noise
            rows.append((x, y, label))
            i += 1
    return _as_points(rows)


def _regression(num_points: int, noise: float, stream, label_of) -> np.ndarray:
    """Points uniform in [−6, 6]²; the label is taken at the point moved by the noise.
    Draws per point: x, y, nx, ny.

    No draw depends on a label, so all draws are taken first and the labels are
    computed on whole arrays (elementwise IEEE arithmetic, identical to the
    point-by-point loop). `label_of(X (n,), Y (n,)) -> (n,)`.
    """
    radius = 6
    low, high = -radius, radius
    draws = stream.random_array(4 * num_points).reshape(num_points, 4)
    coordinates = draws * (high - low) + low
    x, y = coordinates[:, 0], coordinates[:, 1]
    noise_x, noise_y = coordinates[:, 2] * noise, coordinates[:, 3] * noise
    labels = label_of(x + noise_x, y + noise_y)
    return np.column_stack([x, y, labels]).astype(np.float64)


def reg_plane(num_points: int, noise: float, stream) -> np.ndarray:
    """Label = x1 + x2 mapped linearly from [−10, 10] onto [−1, 1], not clamped."""
    scale = _linear_scale((-10, 10), (-1, 1))
    return _regression(num_points, noise, stream, lambda x, y: scale(x + y))


_GAUSSIAN_CENTRES = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))


def reg_gauss(num_points: int, noise: float, stream) -> np.ndarray:
    """Six signed bumps; the label is the signed bump value of largest magnitude
    (the first centre wins ties, 0 beyond distance 2 of every centre)."""
    falloff = _linear_scale((0, 2), (1, 0), clamp=True)

    def label_of(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        label = np.zeros_like(x)
        for cx, cy, sign in _GAUSSIAN_CENTRES:
            dx, dy = x - cx, y - cy
            value = sign * falloff(np.sqrt(dx * dx + dy * dy))
            label = np.where(np.abs(value) > np.abs(label), value, label)
        return label

    return _regression(num_points, noise, stream, label_of)


DATASETS: dict[str, Callable[[int, float, object], np.ndarray]] = {
    "circle": circle,
    "xor": xor,
    "gauss": gauss,
    "spiral": spiral,
    "reg-plane": reg_plane,
    "reg-gauss": reg_gauss,
}
# The original's six; the data sets that follow them are ours (two_class_datasets.py).
ORIGINAL_DATASETS = tuple(DATASETS)
DATASETS.update(EXTRA_DATASETS)
# Table order: classification first, as the settings list them.
DATASETS = {name: DATASETS[name] for name in CLASSIFICATION_DATASETS + REGRESSION_DATASETS}


@dataclass(frozen=True)
class Data:
    """The shuffled points split in two: train (n_train, 3) and test (n_test, 3),
    rows [x1, x2, label]; the training order is the order of `train`."""

    train: np.ndarray
    test: np.ndarray


def dataset_name(settings: dict) -> str:
    """The data set in use: `dataset` for classification, `regDataset` for regression."""
    return settings["dataset"] if settings["problem"] == "classification" else settings["regDataset"]


def split_index(num_points: int, perc_train: float) -> int:
    """⌊N·percTrainData/100⌋ with the original's float arithmetic (left to right)."""
    return math.floor(float(num_points) * float(perc_train) / 100)


def make_data(settings: dict, stream) -> Data:
    """Generate the current data set, shuffle it once, split it (the original's `generateData`).

    The stream is expected to be freshly seeded; it is left right after the
    shuffle, where the network's initial weights are drawn next.
    """
    generate = DATASETS[dataset_name(settings)]
    points = generate(POINTS_PER_PROBLEM[settings["problem"]], float(settings["noise"]) / 100, stream)
    return shuffle_split(points, settings["percTrainData"], stream)


def shuffle_split(points: np.ndarray, perc_train: float, stream) -> Data:
    """Shuffle P (n, 3) once with `stream`, then cut it at ⌊n·perc_train/100⌋
    (generated and stored points alike)."""
    order = list(range(len(points)))
    stream.shuffle(order)
    points = points[order]
    cut = split_index(len(points), perc_train)
    return Data(train=points[:cut].copy(), test=points[cut:].copy())


def thumbnail_points(problem: str, stream, names: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """Each data set of `problem` as 200 points at noise 0, shape (200, 3), drawn in
    table order from `stream` as the original does when it draws its thumbnails.
    By default only the original's data sets are drawn, so the stream moves as
    the original's does; `names` chooses others (for pictures only)."""
    if names is None:
        names = tuple(
            name
            for name in ORIGINAL_DATASETS
            if name in (CLASSIFICATION_DATASETS if problem == "classification" else REGRESSION_DATASETS)
        )
    return {name: DATASETS[name](THUMBNAIL_POINTS, 0.0, stream) for name in names}
