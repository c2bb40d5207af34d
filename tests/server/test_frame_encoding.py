"""The frame encoder's byte-level rules: the compiled quantizer gives NumPy's
bytes, and headers hold non-finite numbers as null and arrays as lists."""

from __future__ import annotations

import json

import numpy as np

from server.connection import build_session
from server.frames import FrameWriter, decode_frame, header_json, quantize


def numpy_quantize(values: np.ndarray) -> bytes:
    """The rule in NumPy's float32 arithmetic: clamp (NaN to −1), ×127.5, +128, truncate."""
    scaled = np.fmax(values, np.float32(-1.0), dtype=np.float32)
    np.fmin(scaled, np.float32(1.0), out=scaled)
    scaled *= np.float32(127.5)
    scaled += np.float32(128.0)
    return scaled.astype(np.uint8).tobytes()


def test_quantize_gives_the_numpy_rule_s_bytes_at_every_byte_boundary():
    rng = np.random.default_rng(7)
    boundaries = ((np.arange(257) - 127.5) / 127.5).astype(np.float32)
    near = [np.nextafter(boundaries, np.float32(side)) for side in (-2.0, 2.0)]
    values = np.concatenate(
        [
            rng.uniform(-1.5, 1.5, 500_000).astype(np.float32),
            rng.normal(0.0, 1e-7, 50_000).astype(np.float32),
            boundaries,
            *near,
            np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1.0, -1.0, 3e38, -3e38], np.float32),
        ]
    )
    assert quantize(values) == numpy_quantize(values)
    assert quantize(np.array([np.nan, -1.0, 1.0, 0.0, -1e-5], np.float32)) == bytes([0, 0, 255, 128, 127])


def test_quantize_reads_any_shape_and_float64():
    grid = np.linspace(-1, 1, 10_000).reshape(100, 100)
    assert quantize(grid) == numpy_quantize(grid.astype(np.float32).ravel())
    assert quantize(grid.T) == numpy_quantize(np.ascontiguousarray(grid.T, np.float32).ravel())


def test_header_writes_non_finite_numbers_as_null_and_arrays_as_lists():
    weights = np.arange(6, dtype=np.float64).reshape(2, 3)
    header = {
        "loss": float("nan"),
        "weights": [weights.T, weights[:, 1]],  # strided views as well as whole arrays
        "dead": [np.array([[0, 1]], np.uint8)],
        "points": [(3, float("inf"), -float("inf"))],
        "text": "学习率",
    }
    written = json.loads(header_json(header))
    assert written == {
        "loss": None,
        "weights": [[[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]], [1.0, 4.0]],
        "dead": [[[0, 1]]],
        "points": [[3, None, None]],
        "text": "学习率",
    }


def test_a_frame_s_weights_and_losses_read_back_as_the_session_s():
    session, _ = build_session("seed=0.5")
    session.step(3)
    message = FrameWriter().frame(session, session_id="s", playing=False, focus=None, share=lambda: {})
    header, grids = decode_frame(message)
    assert header["weights"] == [w.tolist() for w in session.network.weights]
    assert header["biases"] == [b.tolist() for b in session.network.biases]
    assert header["trainLoss"] == session.losses()[0]
    assert header["lossPoints"][-1] == [3, *session.losses()]
    assert grids["output"] == numpy_quantize(session.picture().output().ravel())
