"""The picture grids: what the page draws each frame.

The plane [−6, 6]² is sampled on a 100×100 grid that includes both edges:
column i ↦ x1 = −6 + 12·i/99 and row j ↦ x2 = 6 − 12·j/99, so **row 0 is the
top (x2 = +6)** and column 0 is the left (x1 = −6). Every array of shape
(…, 100, 100) here uses that orientation.

Per frame the network is evaluated once over all 10,000 points by the
picture kernel (float32: this is for drawing, training stays float64). From that single pass
come the output grid, every hidden node's 10×10 thumbnail (the mean of each
10×10 block, as the original does) and, on request, one node at 100×100.
Input features never change, so their grids and thumbnails are computed once.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import grid_kernel
from .features import FEATURES, feature_matrix

GRID_SIZE = 100
THUMB_SIZE = 10
EXTENT = 6.0


@lru_cache(maxsize=1)
def grid_points() -> np.ndarray:
    """X (10000, 2) float64: the grid's sample points, row-major, row 0 at the top."""
    axis = np.linspace(-EXTENT, EXTENT, GRID_SIZE)
    x1, x2 = np.meshgrid(axis, axis[::-1])
    points = np.stack([x1.ravel(), x2.ravel()], axis=1)
    points.setflags(write=False)
    return points


@lru_cache(maxsize=1)
def all_feature_values() -> np.ndarray:
    """(7, 10000) float32: every feature (input order) at every grid point, one row per feature."""
    values = np.ascontiguousarray(feature_matrix(grid_points(), list(FEATURES)).T, dtype=np.float32)
    values.setflags(write=False)
    return values


@lru_cache(maxsize=128)
def feature_values(active: tuple[str, ...]) -> np.ndarray:
    """(k, 10000) float32: the rows of `all_feature_values` a network with
    inputs `active` reads (copied once per set of inputs, not every frame)."""
    names = list(FEATURES)
    values = np.ascontiguousarray(all_feature_values()[[names.index(name) for name in active]])
    values.setflags(write=False)
    return values


def block_means(values: np.ndarray) -> np.ndarray:
    """(m, 10000) grid values, one row per node → (m, 10, 10) thumbnails of 10×10
    block means (the picture kernel: compiled)."""
    values = np.ascontiguousarray(values, dtype=np.float32)
    thumbs = np.empty((values.shape[0], THUMB_SIZE, THUMB_SIZE), np.float32)
    grid_kernel.block_means(values, thumbs)
    return thumbs


@lru_cache(maxsize=1)
def feature_thumbnails() -> np.ndarray:
    """(7, 10, 10) float32: the thumbnails of all seven features, input order."""
    thumbs = block_means(all_feature_values())
    thumbs.setflags(write=False)
    return thumbs


class GridPicture:
    """One frame's grids for a network.

    `nodes` (N - k, 10000) holds the network's values over the grid, one row
    per non-input node, layer by layer; `layers` are its views per non-input
    layer (units_l, 10000), the last being the displayed output (K, 10000).
    `active` names the features the network reads, in input order.
    """

    def __init__(self, nodes: np.ndarray, layers: list[np.ndarray], active: list[str]):
        self.nodes = nodes
        self.layers = layers
        self.active = active

    @classmethod
    def of(cls, network, active: list[str]) -> GridPicture:
        nodes = network.node_grid(feature_values(tuple(active)))
        return cls(nodes, network.layer_rows(nodes), active)

    def output(self) -> np.ndarray:
        """(100, 100) float32: the network's output."""
        return self.layers[-1][0].reshape(GRID_SIZE, GRID_SIZE)

    def thumbnails(self, outputs: bool = False) -> np.ndarray:
        """(7 + hidden units [+ K], 10, 10) float32: all features, then hidden
        nodes layer by layer, then (with `outputs`) each output node."""
        drawn = len(self.nodes) if outputs else len(self.nodes) - len(self.layers[-1])
        features = feature_thumbnails()
        thumbs = np.empty((len(features) + drawn, THUMB_SIZE, THUMB_SIZE), np.float32)
        thumbs[: len(features)] = features
        if drawn:
            grid_kernel.block_means(self.nodes[:drawn], thumbs[len(features) :])
        return thumbs

    def winners(self) -> tuple[np.ndarray, np.ndarray]:
        """For K output probabilities (K, 10000): the winning class (100, 100)
        uint8 (the first of equal maxima) and its probability (100, 100) float32."""
        probabilities = self.layers[-1]
        winner = np.argmax(probabilities, axis=0)
        confidence = np.take_along_axis(probabilities, winner[None, :], axis=0)[0]
        return (winner.astype(np.uint8).reshape(GRID_SIZE, GRID_SIZE), confidence.reshape(GRID_SIZE, GRID_SIZE))

    def node(self, layer: int, index: int) -> np.ndarray:
        """(100, 100) float32: one node's values. Layer 0 is the input layer, where
        `index` counts all seven features in input order (active or not)."""
        values = all_feature_values()[index] if layer == 0 else self.layers[layer - 1][index]
        return values.reshape(GRID_SIZE, GRID_SIZE)
