"""The network: layers of units, all parameters in one flat float64 array.

Layers are `layer_sizes = [k, h1, ..., 1]`: k active input features, the
hidden layers, one output node. Non-input layer l (0-based, l = 0 reads the
inputs) owns one block of `params`, shaped (units_{l-1} + 1, units_l): row 0
holds its biases b[l] (units_l,), rows 1.. its weights W[l]
(units_{l-1}, units_l), where W[l][i, j] is the link from node i of the layer
below to node j. `weights[l]` and `biases[l]` are views into `params`, so
`network.weights[l][i, j] = v` is all it takes to edit a weight.

Keeping the bias as row 0 lets one matrix product do "bias, then the inputs
in order" (spec §10.1): inside a pass, a layer's input carries an extra
leading row of ones. The matching product with the deltas yields a batch's
bias and weight gradients in one go.

`dead` (P,) marks links killed by L1 regularization (never biases); a dead
link keeps its weight (0 unless edited) in the forward pass but is not
trained. `is_bias` and `weight_mask` (P,) tell the two kinds apart.

Hidden units use `activation`; the output node's activation is the head's
(`losses.Loss`: tanh for squared-error classification, identity for
regression). Training passes run as prebuilt lists of NumPy calls over
preallocated buffers (`Workspace`, `forward_calls`, `backward_calls`): at
mini-batch sizes the cost is the number of calls, not the arithmetic, so a
pass is built once per data or configuration change and then only replayed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np

from .activations import ACTIVATIONS, Activation, Call
from .losses import Loss, make_head


class Network:
    """A fully connected network with parameters in one array `params` (P,)."""

    def __init__(self, layer_sizes: Sequence[int], activation: str, head: Loss | str,
                 problem: str | None = None):
        """`head` is a `Loss`, or a loss name to be combined with `problem`."""
        sizes = tuple(int(size) for size in layer_sizes)
        if len(sizes) < 2 or sizes[-1] != 1 or min(sizes[1:]) < 1 or sizes[0] < 0:
            raise ValueError(f"layer sizes {sizes} must be [inputs, hidden..., 1]")
        self.layer_sizes = sizes
        self.activation_name = activation
        self.activation: Activation = ACTIVATIONS[activation]
        self.head: Loss = head if isinstance(head, Loss) else make_head(head, problem)

        shapes = [(fan_in + 1, units) for fan_in, units in zip(sizes[:-1], sizes[1:])]
        total = sum(rows * cols for rows, cols in shapes)
        self.params = np.zeros(total)
        self.blocks: list[np.ndarray] = []
        self.is_bias = np.zeros(total, bool)
        start = 0
        for rows, cols in shapes:
            self.blocks.append(self.params[start:start + rows * cols].reshape(rows, cols))
            self.is_bias[start:start + cols] = True
            start += rows * cols
        self.weights: list[np.ndarray] = [block[1:] for block in self.blocks]
        self.biases: list[np.ndarray] = [block[0] for block in self.blocks]
        self.weight_mask = ~self.is_bias
        self.dead = np.zeros(total, bool)

    @property
    def num_params(self) -> int:
        return self.params.size

    @property
    def num_layers(self) -> int:
        """Non-input layers (hidden layers + the output layer)."""
        return len(self.blocks)

    def load(self, init: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
        """Set every parameter from [(W (units_{l-1}, units_l), b (units_l,)), ...];
        no link is dead afterwards."""
        if len(init) != len(self.blocks):
            raise ValueError(f"expected {len(self.blocks)} layers of parameters, got {len(init)}")
        for l, (w, b) in enumerate(init):
            w = np.asarray(w, dtype=np.float64).reshape(self.weights[l].shape)
            b = np.asarray(b, dtype=np.float64).reshape(self.biases[l].shape)
            self.weights[l][...] = w
            self.biases[l][...] = b
        self.dead[:] = False

    def dead_links(self) -> list[np.ndarray]:
        """Per non-input layer, (units_{l-1}, units_l) bool: the dead links."""
        return [self.dead[self._block_slice(l)].reshape(block.shape)[1:]
                for l, block in enumerate(self.blocks)]

    def _block_slice(self, l: int) -> slice:
        start = sum(block.size for block in self.blocks[:l])
        return slice(start, start + self.blocks[l].size)

    # --- evaluation ----------------------------------------------------------

    def node_values(self, inputs: np.ndarray, dtype=np.float32) -> list[np.ndarray]:
        """For drawing grids: `inputs` (k, n), one row per active input node →
        for every non-input layer, (units_l, n) in `dtype`, one row per node; the
        last is the head's displayed prediction (1, n). Rows per node keep each
        node's grid contiguous, which is what thumbnails and hover read."""
        a = np.asarray(inputs, dtype=dtype)
        layers = []
        last = len(self.blocks) - 1
        with np.errstate(all="ignore"):
            for l, block in enumerate(self.blocks):
                z = block[1:].T.astype(dtype) @ a
                z += block[0].astype(dtype)[:, None]
                a = self.head.prediction(z, out=z) if l == last else self.activation.output(z, out=z)
                layers.append(a)
        return layers

    def predict(self, features: np.ndarray) -> np.ndarray:
        """(n,) float64: the displayed prediction for F (n, k)."""
        workspace = Workspace(self, len(features))
        _run(forward_calls(self, workspace, inputs_by_row(features)))
        return workspace.prediction[0].copy()

    def errors(self, features: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """(n,) the head's per-example error for F (n, k) and targets y (n,)."""
        workspace = Workspace(self, len(features))
        _run(forward_calls(self, workspace, inputs_by_row(features)))
        y = np.asarray(targets, dtype=np.float64).reshape(1, -1)
        with np.errstate(all="ignore"):
            return self.head.error(workspace.outputs[-1], y, a=workspace.prediction)[0]

    def gradient_sum(self, features: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """(P,) Σ over the examples of dE/dparams, laid out like `params`
        (dead links included: leaving them out is the trainer's business)."""
        workspace = Workspace(self, len(features))
        inputs = inputs_by_row(features)
        y = np.asarray(targets, dtype=np.float64).reshape(1, -1)
        grad = np.zeros_like(self.params)
        _run(forward_calls(self, workspace, inputs) + backward_calls(self, workspace, inputs, y, grad))
        return grad


# --- prebuilt passes -----------------------------------------------------------
#
# Matrix products are bound `ndarray.dot` methods: the same product as
# `np.dot`, without its dispatch layer, which at these sizes is a fifth of a call.
#
# Inside a pass, arrays hold one row per unit and one column per example: the
# inputs are (k + 1, rows) with a first row of ones, Z[l] is (units_l, rows).
# Then a layer's activations are a contiguous block of the next layer's input
# (rows 1.. below the ones), and every element-wise call runs on contiguous
# memory, which NumPy does several times faster than strided.


def inputs_by_row(features: np.ndarray) -> np.ndarray:
    """(k + 1, n): a row of ones, then F (n, k) transposed. The ones meet the biases."""
    features = np.asarray(features, dtype=np.float64)
    inputs = np.empty((features.shape[1] + 1, features.shape[0]))
    inputs[0] = 1.0
    inputs[1:] = features.T
    return inputs


class Workspace:
    """Preallocated buffers for passes over `rows` examples, one row per unit.

    Per non-input layer l: `outputs[l]` Z (units_l, rows) the pre-activations
    and `deltas[l]` dE/dZ. Per hidden layer: `extended[l]` (units_l + 1, rows)
    = [1; A[l]], the next layer's input, `activations[l]` its rows 1.. (A[l]),
    `upstream[l]` dE/dA[l] and `slopes[l]` A'(Z[l]). `prediction` (1, rows) is
    the head's output (Z itself when the head is the identity) and
    `head_scratch` a spare buffer for its gradient.

    The hidden layers' buffers are row ranges of stacks (`hidden_inputs`,
    `hidden_outputs`, `hidden_slopes`, all (Σ(units_l + 1), rows), aligned
    row for row), so the derivative of every hidden layer is one set of calls.
    With dropout, `kept` holds the scaled keep masks (stack `hidden_kept`,
    random draws in `hidden_uniform`) and `raw` the activations before the
    mask (stack `hidden_raw`); otherwise `raw` is `activations`.
    """

    def __init__(self, network: Network, rows: int, dropout: bool = False):
        units = network.layer_sizes[1:]
        hidden = units[:-1]
        height = sum(u + 1 for u in hidden)
        self.rows = rows
        self.hidden_inputs = np.ones((height, rows))
        self.hidden_outputs = np.zeros((height, rows))
        self.hidden_slopes = np.zeros((height, rows))
        self.hidden_raw = np.zeros((height, rows)) if dropout else self.hidden_inputs
        self.hidden_kept = np.zeros((height, rows)) if dropout else None
        self.hidden_uniform = np.zeros((height, rows)) if dropout else None
        self.extended, self.activations, self.raw, self.kept, self.slopes = [], [], [], [], []
        self.outputs = []
        start = 0
        for u in hidden:
            units_rows = slice(start + 1, start + 1 + u)
            self.extended.append(self.hidden_inputs[start:start + 1 + u])
            self.activations.append(self.hidden_inputs[units_rows])
            self.outputs.append(self.hidden_outputs[units_rows])
            self.slopes.append(self.hidden_slopes[units_rows])
            self.raw.append(self.hidden_raw[units_rows])
            if dropout:
                self.kept.append(self.hidden_kept[units_rows])
            start += u + 1
        self.outputs.append(np.zeros((1, rows)))
        self.deltas = [np.zeros((u, rows)) for u in units]
        self.upstream = [np.zeros((u, rows)) for u in hidden]
        self.head_scratch = np.zeros((1, rows))
        if network.head.prediction_is_identity:
            self.prediction = self.outputs[-1]
        else:
            self.prediction = np.zeros((1, rows))


def forward_calls(network: Network, ws: Workspace, inputs: np.ndarray,
                  dropout: tuple[float, np.random.Generator] | None = None) -> list[Call]:
    """The calls of a forward pass of `inputs` (k + 1, rows) (row of ones
    first) into `ws`. `dropout` = (rate, generator) drops hidden units
    (inverted dropout: kept units are scaled by 1 / (1 - rate))."""
    calls: list[Call] = []
    act = network.activation
    last = network.num_layers - 1
    if dropout is not None and last > 0:
        rate, generator = dropout
        kept = ws.hidden_kept
        calls += [partial(generator.random, None, np.float64, ws.hidden_uniform),
                  partial(np.greater_equal, ws.hidden_uniform, np.array(rate), kept),
                  partial(np.multiply, kept, np.array(1.0 / (1.0 - rate)), kept)]
    layer_input = inputs
    for l, block in enumerate(network.blocks):
        z = ws.outputs[l]
        # z[j] = b[j] + Σ_i W[i, j]·a[i], the bias first, then the inputs in order.
        calls.append(partial(block.T.dot, layer_input, z))
        if l == last:
            calls += network.head.prediction_calls(z, ws.prediction)
            break
        calls += act.output_calls(z, ws.raw[l])
        if dropout is not None:
            calls.append(partial(np.multiply, ws.raw[l], ws.kept[l], ws.activations[l]))
        layer_input = ws.extended[l]
    return calls


def backward_calls(network: Network, ws: Workspace, inputs: np.ndarray, targets: np.ndarray,
                   grad: np.ndarray, dropout: bool = False) -> list[Call]:
    """The calls of a backward pass (after `forward_calls` on the same
    workspace and `inputs`) writing Σ over the examples of dE/dparams into
    `grad` (P,); `targets` is (1, rows).

    Row 0 of each layer's gradient block is Σδ (from the row of ones), the
    rest Σ a_source·δ_dest, each summed in example order; dE/dA of the layer
    below is Σ_dest W·δ_dest in destination order, as the original sums them.
    """
    calls: list[Call] = []
    act = network.activation
    last = network.num_layers - 1
    grad_blocks = []
    start = 0
    for block in network.blocks:
        grad_blocks.append(grad[start:start + block.size].reshape(block.shape))
        start += block.size
    calls += network.head.gradient_calls(ws.outputs[last], targets, ws.prediction,
                                         ws.deltas[last], ws.head_scratch)
    # What dE/dA of each hidden layer is multiplied by: A'(Z) (times the
    # dropout mask), computed for all hidden layers at once.
    if act.is_identity:
        slopes = ws.kept if dropout else None
    else:
        slopes = ws.slopes
        if last > 0:
            calls += act.derivative_calls(ws.hidden_outputs, ws.hidden_raw, ws.hidden_slopes)
            if dropout:
                calls.append(partial(np.multiply, ws.hidden_slopes, ws.hidden_kept, ws.hidden_slopes))
    for l in range(last, -1, -1):
        layer_input = inputs if l == 0 else ws.extended[l - 1]
        delta = ws.deltas[l]
        calls.append(partial(layer_input.dot, delta.T, grad_blocks[l]))
        if l == 0:
            break
        below = l - 1
        upstream = ws.upstream[below]
        calls.append(partial(network.weights[l].dot, delta, upstream))
        if slopes is None:
            ws.deltas[below] = upstream
        else:
            calls.append(partial(np.multiply, upstream, slopes[below], ws.deltas[below]))
    return calls


def _run(calls: list[Call]) -> None:
    with np.errstate(all="ignore"):
        for call in calls:
            call()
