"""The network: layers of units, all parameters in one flat float64 array.

Layers are `layer_sizes = [k, h1, ..., K]`: k active input features, the
hidden layers, K output nodes (1 for every head but softmax). Non-input layer
l (0-based, l = 0 reads the inputs) owns one block of `params`, shaped
(units_l, units_{l-1} + 1): one row per destination node, holding its bias
and then the weights of its incoming links in creation order (source top to
bottom). That is the order the original sums a node's input in, and it makes
the compiled kernel's inner loop contiguous (`engine/kernel.py`).

`weights[l]` (units_{l-1}, units_l) and `biases[l]` (units_l,) are views into
`params`: `weights[l][i, j]` is the link from node i of the layer below to
node j, so `network.weights[l][i, j] = v` is all it takes to edit a weight.

`dead` (P,) marks links killed by L1 regularization (never biases); a dead
link keeps its weight (0 unless edited) in the forward pass but is not
trained. `is_bias` and `weight_mask` (P,) tell the two kinds apart.

Hidden units use `activation`; the output nodes use the head's (`losses.Loss`:
tanh for squared-error classification, identity for regression, ...).
Training and exact evaluation run in the kernel; `node_values` draws the
grids with the float32 picture kernel (`engine/grid_kernel.py`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import grid_kernel, kernel
from .activations import ACTIVATIONS, Activation
from .losses import Loss, make_head


class Network:
    """A fully connected network with parameters in one array `params` (P,)."""

    def __init__(self, layer_sizes: Sequence[int], activation: str, head: Loss | str, problem: str | None = None):
        """`head` is a `Loss`, or a loss name to be combined with `problem`."""
        sizes = tuple(int(size) for size in layer_sizes)
        self.head: Loss = head if isinstance(head, Loss) else make_head(head, problem)
        outputs_ok = sizes and (sizes[-1] >= 1 if self.head.multiclass else sizes[-1] == 1)
        if len(sizes) < 2 or not outputs_ok or min(sizes[1:]) < 1 or sizes[0] < 0:
            raise ValueError(
                f"layer sizes {sizes} must be [inputs, hidden..., outputs] with one output unless the head is softmax"
            )
        self.layer_sizes = sizes
        self.activation_name = activation
        self.activation: Activation = ACTIVATIONS[activation]

        shapes = [(units, fan_in + 1) for fan_in, units in zip(sizes[:-1], sizes[1:])]
        total = sum(rows * cols for rows, cols in shapes)
        self.params = np.zeros(total)
        self.blocks: list[np.ndarray] = []
        self.is_bias = np.zeros(total, bool)
        offsets = []
        start = 0
        for rows, cols in shapes:
            block = self.params[start : start + rows * cols].reshape(rows, cols)
            self.blocks.append(block)
            self.is_bias[start : start + rows * cols : cols] = True
            offsets.append(start)
            start += rows * cols
        self.weights: list[np.ndarray] = [block[:, 1:].T for block in self.blocks]
        self.biases: list[np.ndarray] = [block[:, 0] for block in self.blocks]
        self.weight_mask = ~self.is_bias
        self.dead = np.zeros(total, bool)
        # What the kernel reads: units per layer, block offsets, first node of each layer.
        self.sizes = np.array(sizes, dtype=np.int64)
        self.param_offsets = np.array(offsets, dtype=np.int64)
        self.node_offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)[:-1]

    @property
    def num_params(self) -> int:
        return self.params.size

    @property
    def num_layers(self) -> int:
        """Non-input layers (hidden layers + the output layer)."""
        return len(self.blocks)

    @property
    def num_nodes(self) -> int:
        return int(sum(self.layer_sizes))

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
        return [self.dead[self._block_slice(l)].reshape(block.shape)[:, 1:].T for l, block in enumerate(self.blocks)]

    def _block_slice(self, l: int) -> slice:
        start = int(self.param_offsets[l])
        return slice(start, start + self.blocks[l].size)

    def block_values(self, flat: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Split an array laid out like `params` (P,) into [(W (units_{l-1},
        units_l), b (units_l,)), ...] per non-input layer (views)."""
        pairs = []
        for l, block in enumerate(self.blocks):
            values = flat[self._block_slice(l)].reshape(block.shape)
            pairs.append((values[:, 1:].T, values[:, 0]))
        return pairs

    @property
    def head_code(self) -> int:
        return kernel.HEADS.index(self.head.kernel_head)

    @property
    def activation_code(self) -> int:
        return kernel.ACTIVATIONS.index(self.activation_name)

    # --- exact evaluation (the kernel) ------------------------------------------

    def scratch(self) -> NodeScratch:
        return NodeScratch(self.num_nodes)

    def kernel_args(self) -> tuple:
        """What every kernel pass reads of the network, in the kernel's order:
        params, sizes, parameter offsets, node offsets, activation and head codes."""
        return (
            self.params,
            self.sizes,
            self.param_offsets,
            self.node_offsets,
            self.activation_code,
            self.head_code,
        )

    def predict(self, features: np.ndarray) -> np.ndarray:
        """The displayed prediction for F (n, k): (n,) with one output, else (n, K)."""
        x = _rows(features)
        out = np.empty((len(x), self.layer_sizes[-1]))
        s = self.scratch()
        kernel.predict(x, *self.kernel_args(), s.work, s.rng, out)
        return out[:, 0].copy() if out.shape[1] == 1 else out

    def errors(self, features: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """(n,) the head's per-example error for F (n, k) and targets y (n,)."""
        x = _rows(features)
        y = np.ascontiguousarray(targets, dtype=np.float64).reshape(-1)
        out = np.empty(len(x))
        s = self.scratch()
        kernel.errors(x, y, *self.kernel_args(), s.work, s.rng, s.errs, out)
        return out

    # --- drawing ------------------------------------------------------------------

    def node_grid(self, inputs: np.ndarray) -> np.ndarray:
        """For drawing grids: `inputs` (k, n), one row per active input node →
        (N - k, n) float32, one row per non-input node, layer by layer, the
        last K rows the head's displayed prediction. Rows per node keep each
        node's grid contiguous, which is what thumbnails and hover read.
        Computed by the float32 picture kernel (`engine/grid_kernel.py`)."""
        a = np.ascontiguousarray(inputs, dtype=np.float32)
        out = np.empty((sum(self.layer_sizes[1:]), a.shape[1]), np.float32)
        grid_kernel.node_values(
            a, self.params, self.sizes, self.param_offsets, self.activation_code, self.head_code, out
        )
        return out

    def node_values(self, inputs: np.ndarray) -> list[np.ndarray]:
        """`node_grid` split by layer: (units_l, n) float32 views per non-input layer."""
        return self.layer_rows(self.node_grid(inputs))

    def layer_rows(self, nodes: np.ndarray) -> list[np.ndarray]:
        """Rows of every non-input node (N - k, ...) → views per non-input layer."""
        rows, start = [], 0
        for units in self.layer_sizes[1:]:
            rows.append(nodes[start : start + units])
            start += units
        return rows


class NodeScratch:
    """What a kernel pass writes into: `work` (6, N, CHUNK), per node and
    example of a chunk its total, output, output before dropout, dropout
    scale, δ and dE/da (see `engine/kernel.py`); `errs` (CHUNK,) per-example
    errors; `rng` a dropout state for passes that never draw."""

    def __init__(self, nodes: int):
        self.work = np.zeros((kernel.WORK_ROWS, nodes, kernel.CHUNK))
        self.errs = np.zeros(kernel.CHUNK)
        self.rng = np.zeros(1, np.uint64)

    def column(self, row: int, nodes: slice, example: int = 0) -> np.ndarray:
        """One example's values of `row` (kernel.Z, A, DELTA, ...) for `nodes`."""
        return self.work[row, nodes, example].copy()


def _rows(features: np.ndarray) -> np.ndarray:
    x = np.ascontiguousarray(features, dtype=np.float64)
    return x.reshape(len(x), -1) if x.ndim != 2 else x
