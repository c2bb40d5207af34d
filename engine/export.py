"""Exports of a trained network: JSON, a self-contained NumPy module, a PNG picture.

- `model_json(session)`: the documented model (format "neural-playground/model",
  version 1): the settings, the active input features in input order, the
  layer sizes, the hidden activation, the output (how the last node's total
  becomes what the page shows), and per layer `weights` W (units_{l-1},
  units_l) — W[i][j] is the link from node i below to node j — and `biases`
  (units_l,), plus the epoch and the losses. Dead links are 0 in W and listed
  in `dead` (pairs [i, j]).
- `numpy_source(session)`: Python source with the weights as literals (exact:
  `repr` of every float) and `predict(points)` taking an (n, 2) array of
  x₁, x₂ and returning the network's (n,) outputs, features computed inside.
  It agrees with the engine to 1e-9 (NumPy's sin/tanh/exp instead of V8's).
- `decision_png(session)`: the 100×100 decision map as a PNG, coloured like
  the page's (orange −1, white 0, blue +1).

A network whose training diverged is refused (`ExportError` gives the reason).
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

from .features import FEATURES
from .messages import MessageError

FORMAT = "neural-playground/model"
VERSION = 1
# What the page shows from the output node's total z, per kernel head.
OUTPUTS = {
    "tanh": "tanh",
    "linear": "identity",
    "crossEntropy": "tanh_half",
    "absolute": "identity",
    "huber": "identity",
}
_FEATURE_CODE = {
    "x": "x1",
    "y": "x2",
    "xSquared": "x1 * x1",
    "ySquared": "x2 * x2",
    "xTimesY": "x1 * x2",
    "sinX": "np.sin(x1)",
    "sinY": "np.sin(x2)",
}
_ACTIVATION_CODE = {
    "relu": "np.maximum(z, 0.0)",
    "tanh": "np.tanh(z)",
    "sigmoid": "1.0 / (1.0 + np.exp(-z))",
    "linear": "z",
    "leakyRelu": "np.maximum(z, 0.01 * z)",
    "elu": "np.maximum(z, 0.0) + np.expm1(np.minimum(z, 0.0))",
    "softplus": "np.logaddexp(0.0, z)",
    "swish": "z * (0.5 * (1.0 + np.tanh(0.5 * z)))",
    "gelu": "0.5 * z * (1.0 + np.tanh(0.7978845608028654 * (z + 0.044715 * z * z * z)))",
    "sine": "np.sin(z)",
}
_OUTPUT_CODE = {"tanh": "np.tanh(z)", "identity": "z", "tanh_half": "np.tanh(0.5 * z)"}
FORMATS = ("json", "numpy", "onnx", "png")


class ExportError(MessageError):
    """A network that cannot be exported; `message` says why (engine/messages.py)."""


def check_exportable(session) -> None:
    if session.divergence is not None:
        raise ExportError("export_diverged", {"reason": session.divergence.reason})
    if session.network.head.multiclass:
        raise ExportError("export_multiclass")
    if not np.all(np.isfinite(session.network.params)):
        raise ExportError("export_not_finite")


def model_json(session) -> dict:
    """The documented model (see the module docstring)."""
    check_exportable(session)
    network = session.network
    dead = network.dead_links()
    layers = []
    for l, (w, b) in enumerate(zip(network.weights, network.biases)):
        layers.append(
            {
                "weights": w.tolist(),
                "biases": b.tolist(),
                "dead": [[int(i), int(j)] for i, j in zip(*np.nonzero(dead[l]))],
            }
        )
    train, test = session.losses()
    settings = {name: (list(value) if isinstance(value, tuple) else value) for name, value in session.settings.items()}
    return {
        "format": FORMAT,
        "version": VERSION,
        "settings": settings,
        "features": list(session.active),
        "layer_sizes": list(network.layer_sizes),
        "activation": network.activation_name,
        "output": OUTPUTS[network.head.kernel_head],
        "layers": layers,
        "epoch": session.epoch,
        "train_loss": train,
        "test_loss": test,
    }


def numpy_source(session) -> str:
    """A self-contained Python module with `predict(points)` (see the module docstring)."""
    model = model_json(session)
    features = ", ".join(_FEATURE_CODE[name] for name in model["features"])
    layers = ",\n".join(
        f"    (np.array({_floats(layer['weights'])}, dtype=np.float64).reshape({sizes[0]}, {sizes[1]}),\n"
        f"     np.array({_floats([layer['biases']])}, dtype=np.float64))"
        for layer, sizes in zip(model["layers"], zip(model["layer_sizes"][:-1], model["layer_sizes"][1:]))
    )
    return f'''"""A trained Neural Playground network, exported at epoch {model["epoch"]}.

Inputs: {", ".join(model["features"]) or "none"} (from the point's x1, x2).
Layers: {model["layer_sizes"]}, hidden activation {model["activation"]}, output {model["output"]}.
Train loss {model["train_loss"]!r}, test loss {model["test_loss"]!r}.
Needs only NumPy: `predict(points)` with points an (n, 2) array of x1, x2.
"""

import numpy as np

# Per layer: W (inputs, units) with W[i, j] the link from node i to node j, and the biases (units,).
LAYERS = [
{layers},
]


def _hidden(z):
    return {_ACTIVATION_CODE[model["activation"]]}


def _output(z):
    return {_OUTPUT_CODE[model["output"]]}


def features(points):
    """The network's inputs (n, {model["layer_sizes"][0]}) for points (n, 2)."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    x1, x2 = points[:, 0], points[:, 1]
    return np.stack([{features}], axis=1) if {len(model["features"])} else np.zeros((len(points), 0))


def predict(points):
    """The network's output (n,) for points (n, 2): what the playground shows."""
    a = features(points)
    for index, (weights, biases) in enumerate(LAYERS):
        z = a @ weights + biases
        a = _output(z) if index == len(LAYERS) - 1 else _hidden(z)
    return a[:, 0]
'''


def decision_png(session, size: int = 100) -> bytes:
    """The decision map (size × size, row 0 at the top) as PNG bytes."""
    check_exportable(session)
    values = np.clip(session.picture().output(), -1.0, 1.0).astype(np.float64)
    orange, white, blue = np.array([245, 147, 34.0]), np.array([232, 234, 235.0]), np.array([8, 119, 189.0])
    t = values[..., None]
    rgb = np.where(t < 0, white + (orange - white) * -t, white + (blue - white) * t)
    pixels = np.round(rgb).astype(np.uint8)
    return _png(pixels)


def _png(rgb: np.ndarray) -> bytes:
    """An 8-bit RGB PNG of `rgb` (h, w, 3) (no image library needed)."""
    height, width, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[row].tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _floats(rows) -> str:
    return "[" + ", ".join(repr(float(v)) for row in rows for v in row) + "]"


__all__ = ["ExportError", "FORMATS", "model_json", "numpy_source", "decision_png", "FEATURES"]
