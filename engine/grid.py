"""The picture grids: what the page draws each frame.

The plane [−6, 6]² is sampled on a 100×100 grid that includes both edges:
column i ↦ x1 = −6 + 12·i/99 and row j ↦ x2 = 6 − 12·j/99, so **row 0 is the
top (x2 = +6)** and column 0 is the left (x1 = −6). Every array of shape
(…, 100, 100) here uses that orientation.

Per frame the network is evaluated once, vectorised, over all 10,000 points
(float32: this is for drawing, training stays float64). From that single pass
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
    """(10000, 7) float32: every feature (input order) at every grid point."""
    values = feature_matrix(grid_points(), list(FEATURES), dtype=np.float64).astype(np.float32)
    values.setflags(write=False)
    return values


def block_means(values: np.ndarray) -> np.ndarray:
    """(10000, m) grid values, row-major → (m, 10, 10) thumbnails of 10×10 block means."""
    m = values.shape[1]
    blocks = values.reshape(THUMB_SIZE, _BLOCK, THUMB_SIZE, _BLOCK, m)
    return blocks.mean(axis=(1, 3), dtype=np.float32).transpose(2, 0, 1)


@lru_cache(maxsize=1)
def feature_thumbnails() -> np.ndarray:
    """(7, 10, 10) float32: the thumbnails of all seven features, input order."""
    thumbs = np.ascontiguousarray(block_means(all_feature_values()))
    thumbs.setflags(write=False)
    return thumbs


class GridPicture:
    """One frame's grids for a network.

    `layers` are the network's activations over the grid, one (10000, units_l)
    array per non-input layer, the last being the displayed output (10000, 1).
    `active` names the features the network reads, in input order.
    """

    def __init__(self, layers: list[np.ndarray], active: list[str]):
        self.layers = layers
        self.active = active

    @classmethod
    def of(cls, network, active: list[str]) -> "GridPicture":
        names = list(FEATURES)
        columns = [names.index(name) for name in active]
        inputs = all_feature_values()[:, columns]
        return cls(network.forward_all(inputs, dtype=np.float32), active)

    def output(self) -> np.ndarray:
        """(100, 100) float32: the network's output."""
        return self.layers[-1][:, 0].reshape(GRID_SIZE, GRID_SIZE)

    def thumbnails(self) -> np.ndarray:
        """(7 + hidden units, 10, 10) float32: all features, then hidden nodes layer by layer."""
        hidden = self.layers[:-1]
        if not hidden:
            return feature_thumbnails()
        stacked = hidden[0] if len(hidden) == 1 else np.concatenate(hidden, axis=1)
        return np.concatenate([feature_thumbnails(), block_means(stacked)], axis=0)

    def node(self, layer: int, index: int) -> np.ndarray:
        """(100, 100) float32: one node's values. Layer 0 is the input layer, where
        `index` counts all seven features in input order (active or not)."""
        if layer == 0:
            values = all_feature_values()[:, index]
        else:
            values = self.layers[layer - 1][:, index]
        return values.reshape(GRID_SIZE, GRID_SIZE)
