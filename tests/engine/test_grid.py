"""The picture grids: orientation, block-mean thumbnails, one pass for all nodes."""

from __future__ import annotations

import numpy as np

from engine.features import FEATURES, feature_matrix
from engine.grid import GridPicture, block_means, feature_thumbnails, grid_points
from engine.session import Session


def test_row_zero_is_the_top_and_both_edges_are_sampled():
    points = grid_points().reshape(100, 100, 2)
    assert np.all(points[0, :, 1] == 6.0) and np.all(points[-1, :, 1] == -6.0)
    assert np.all(points[:, 0, 0] == -6.0) and np.all(points[:, -1, 0] == 6.0)
    assert np.allclose(points[0, :, 0], -6 + 12 * np.arange(100) / 99)
    assert np.allclose(points[:, 0, 1], 6 - 12 * np.arange(100) / 99)


def test_thumbnails_are_means_of_ten_by_ten_blocks():
    rng = np.random.default_rng(1)
    values = rng.normal(size=(3, 10000)).astype(np.float32)
    thumbs = block_means(values)
    assert thumbs.shape == (3, 10, 10)
    grid = values.reshape(3, 100, 100)
    for node in range(3):
        for row in (0, 4, 9):
            for col in (0, 7, 9):
                block = grid[node, row * 10 : (row + 1) * 10, col * 10 : (col + 1) * 10]
                assert np.isclose(thumbs[node, row, col], block.mean(), atol=1e-6)


def test_feature_thumbnails_keep_the_orientation():
    thumbs = feature_thumbnails()
    names = list(FEATURES)
    x1, x2 = thumbs[names.index("x")], thumbs[names.index("y")]
    assert x1[0, 0] < 0 < x1[0, -1] and np.allclose(x1[0], x1[-1])  # x1 grows to the right
    assert x2[0, 0] > 0 > x2[-1, 0] and np.allclose(x2[:, 0], x2[:, -1])  # x2 is largest at the top


def test_picture_matches_the_network_and_covers_every_node():
    session = Session({"seed": "0.5", "networkShape": (3, 2), "x": True, "y": True, "sinX": True})
    session.step(5)
    picture = session.picture()
    expected = session.network.predict(feature_matrix(grid_points(), session.active)).reshape(100, 100)
    assert picture.output().shape == (100, 100)
    assert np.allclose(picture.output(), expected, atol=1e-5)
    assert picture.thumbnails().shape == (7 + 3 + 2, 10, 10)
    # a hidden node at full size, and its thumbnail is its block mean
    node = picture.node(1, 2)
    assert np.allclose(picture.thumbnails()[7 + 2], block_means(node.reshape(1, 10000))[0], atol=1e-6)
    # the output node is a node too (hovering it shows the output)
    assert np.array_equal(picture.node(3, 0), picture.output())
    # an input node shows the raw feature, active or not
    assert np.allclose(
        picture.node(0, list(FEATURES).index("xSquared")), (grid_points()[:, 0] ** 2).reshape(100, 100), rtol=1e-6
    )


def test_network_without_hidden_layers_has_only_feature_thumbnails():
    session = Session({"seed": "0.5", "networkShape": ()})
    picture = GridPicture.of(session.network, session.active)
    assert picture.thumbnails().shape == (7, 10, 10)


def test_the_picture_kernel_s_tanh_is_within_4e_7_of_tanh_everywhere():
    import numba

    from engine.grid_kernel import tanh32

    @numba.njit
    def all_of(x, out):
        for i in range(x.size):
            out[i] = tanh32(x[i])

    x = np.concatenate([np.linspace(-30, 30, 2_000_001), [0.0, -0.0, 1e-30, -1e-30, 7.9, -7.9, 3e38, -3e38]])
    x = x.astype(np.float32)
    out = np.empty_like(x)
    all_of(x, out)
    assert np.abs(out.astype(np.float64) - np.tanh(x.astype(np.float64))).max() < 4e-7
    assert out[-2] == 1.0 and out[-1] == -1.0 and out[-8] == 0.0
