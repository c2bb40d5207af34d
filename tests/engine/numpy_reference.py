"""A readable NumPy reference of the network's maths, for the tests only.

Training runs in the compiled kernel (`engine/kernel.py`); this is the same
maths written the textbook way, vectorised over a batch (float64), so tests
can check the kernel against an independent computation: the forward pass,
the whole gradient Σ over examples of dE/dparams (laid out like
`Network.params`) and the same with a fixed dropout mask.
"""

from __future__ import annotations

import numpy as np

from engine.network import Network


def forward(network: Network, features: np.ndarray, masks: list[np.ndarray] | None = None):
    """F (n, k) → (zs, acts): per non-input layer Z and A (units_l, n).
    `masks` (units_l, n) per hidden layer scale the hidden outputs (dropout)."""
    a = np.asarray(features, dtype=np.float64).T
    zs, acts = [], []
    last = network.num_layers - 1
    with np.errstate(all="ignore"):
        for l, block in enumerate(network.blocks):
            z = block[:, 1:] @ a + block[:, :1]
            zs.append(z)
            if l == last:
                a = network.head.prediction(z)
            else:
                a = network.activation.output(z)
                if masks is not None:
                    a = a * masks[l]
            acts.append(a)
    return zs, acts


def errors(network: Network, features, targets, masks=None) -> np.ndarray:
    zs, acts = forward(network, features, masks)
    y = np.asarray(targets, dtype=np.float64)
    if not network.head.multiclass:
        y = y.reshape(1, -1)
    return np.asarray(network.head.error(zs[-1], y, a=acts[-1])).reshape(-1)


def gradient_sum(network: Network, features, targets, masks=None) -> np.ndarray:
    """(P,) Σ over the examples of dE/dparams (dead links included)."""
    x = np.asarray(features, dtype=np.float64).T
    zs, acts = forward(network, features, masks)
    y = np.asarray(targets, dtype=np.float64)
    if not network.head.multiclass:
        y = y.reshape(1, -1)
    delta = network.head.gradient(zs[-1], y, a=acts[-1])
    grad = np.zeros_like(network.params)
    blocks = network.block_values(grad)
    for l in range(network.num_layers - 1, -1, -1):
        below = x if l == 0 else acts[l - 1]
        w_grad, b_grad = blocks[l]
        w_grad[...] = below @ delta.T
        b_grad[...] = delta.sum(axis=1)
        if l == 0:
            break
        upstream = network.blocks[l][:, 1:].T @ delta
        raw = network.activation.output(zs[l - 1])
        delta = upstream * network.activation.derivative(zs[l - 1], raw)
        if masks is not None:
            delta = delta * masks[l - 1]
    return grad
