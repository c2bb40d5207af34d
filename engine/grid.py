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

from .features import FEATURES, feature_matrix

GRID_SIZE = 100
THUMB_SIZE = 10
EXTENT = 6.0
_BLOCK = GRID_SIZE // THUMB_SIZE


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


def block_means(values: np.ndarray) -> np.ndarray:
    """(m, 10000) grid values, one row per node → (m, 10, 10) thumbnails of 10×10 block means."""
    m = values.shape[0]
    # Sum the ten rows of each block first (contiguous slices of 100), then
    # the ten columns: both much faster than one reduction over two strided axes.
    rows = values.reshape(m, THUMB_SIZE, _BLOCK, GRID_SIZE).sum(axis=2)
    blocks = rows.reshape(m, THUMB_SIZE, THUMB_SIZE, _BLOCK).sum(axis=3)
    blocks *= np.float32(1 / (_BLOCK * _BLOCK))
    return blocks


@lru_cache(maxsize=1)
def feature_thumbnails() -> np.ndarray:
    """(7, 10, 10) float32: the thumbnails of all seven features, input order."""
    thumbs = block_means(all_feature_values())
    thumbs.setflags(write=False)
    return thumbs


class GridPicture:
    """One frame's grids for a network.

    `layers` are the network's values over the grid, one (units_l, 10000)
    array per non-input layer (one row per node), the last being the
    displayed output (1, 10000). `active` names the features the network
    reads, in input order.
    """

    def __init__(self, layers: list[np.ndarray], active: list[str]):
        self.layers = layers
        self.active = active

    @classmethod
    def of(cls, network, active: list[str]) -> GridPicture:
        names = list(FEATURES)
        rows = [names.index(name) for name in active]
        inputs = all_feature_values()[rows]
        return cls(network.node_values(inputs), active)

    def output(self) -> np.ndarray:
        """(100, 100) float32: the network's output."""
        return self.layers[-1][0].reshape(GRID_SIZE, GRID_SIZE)

    def thumbnails(self, outputs: bool = False) -> np.ndarray:
        """(7 + hidden units [+ K], 10, 10) float32: all features, then hidden
        nodes layer by layer, then (with `outputs`) each output node."""
        drawn = self.layers if outputs else self.layers[:-1]
        if not drawn:
            return feature_thumbnails()
        return np.concatenate([feature_thumbnails(), *(block_means(layer) for layer in drawn)], axis=0)

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
