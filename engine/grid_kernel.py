"""The picture kernel: every node of a network at every grid point, for drawing.

Each frame the page shows the output over the 100×100 grid and every node's
thumbnail, so the network is evaluated at 10,000 points per frame and tab.
That is drawing, not training: float32 is plenty (the values end as one byte
each, `server/frames.quantize`), so this kernel works in float32, eight values
per AVX2 instruction, with a tanh of its own (`tanh32`: the float32 exp below,
error under 3e-7, far below the byte's 1/128), compiled by numba with the GIL
released, so two engine threads draw on two cores. Training and every loss
stay in the exact float64 kernel (`engine/kernel.py`).

`node_values(inputs, params, sizes, poff, act, head, out)`:
- `inputs` (k, n) float32: one row per active input feature, over the points;
- `params`, `sizes`, `poff`: the network as `engine/kernel.py` lays it out;
  `act`, `head`: its activation and head codes (`kernel.ACTIVATIONS`, `HEADS`);
- `out` (N - k, n) float32: one row per non-input node, layer by layer (the
  hidden layers, then the head's displayed prediction: tanh(z) for the tanh
  head, tanh(z/2) for cross-entropy, z for the linear heads, probabilities
  for softmax).
"""

from __future__ import annotations

import math

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from . import kernel

_JIT = dict(cache=True, nogil=True, error_model="numpy")
_INLINE = dict(cache=True, nogil=True, error_model="numpy", inline="always")

_F = np.float32
_LOG2E = _F(1.4426950408889634)
_LN2_HI = _F(0.693359375)  # ln 2 in two parts (Cody and Waite): k·_LN2_HI is exact
_LN2_LO = _F(-2.12194440e-4)
_ROUND = _F(12582912.0)  # 1.5·2^23: (v + _ROUND) - _ROUND rounds v to an integer
_EXP_LOW = _F(-87.0)
_EXP_HIGH = _F(88.0)
_TANH_CLAMP = _F(7.90531110763549805)  # tanh is 1 to float32 precision beyond this
# tanh32's numerator (x¹ … x¹³) and denominator (x⁰ … x⁶) coefficients, by power of x².
_TANH_P = (
    _F(4.89352455891786e-03),
    _F(6.37261928875436e-04),
    _F(1.48572235717979e-05),
    _F(5.12229709037114e-08),
    _F(-8.60467152213735e-11),
    _F(2.00018790482477e-13),
    _F(-2.76076847742355e-16),
)
_TANH_Q = (_F(4.89352518554385e-03), _F(2.26843463243900e-03), _F(1.18534705686654e-04), _F(1.19825839466702e-06))
_ONE = _F(1.0)
_TWO = _F(2.0)
_HALF = _F(0.5)
_ZERO = _F(0.0)
_C2, _C3, _C4, _C5, _C6 = _F(1 / 2), _F(1 / 6), _F(1 / 24), _F(1 / 120), _F(1 / 720)
_LEAKY = _F(kernel.LEAKY_SLOPE)
_GELU_SCALE = _F(kernel.GELU_SCALE)
_GELU_CUBIC = _F(kernel.GELU_CUBIC)


@intrinsic
def _float32_from_bits(typingctx, word):
    """The float32 whose 32 bits are the integer `word` (an LLVM bitcast)."""
    if not isinstance(word, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        value = context.cast(builder, args[0], signature.args[0], types.int32)
        return builder.bitcast(value, ir.FloatType())

    return types.float32(word), codegen


@numba.njit(**_INLINE)
def exp32(x):
    """e^x in float32 (relative error under 2e-7), branch-free: x = k·ln2 + r
    with |r| <= ln2/2, e^r by its Taylor polynomial of degree 6, times 2^k.
    Arguments beyond [-87, 88] are clamped (the result stays finite)."""
    x = min(max(x, _EXP_LOW), _EXP_HIGH)
    k = (x * _LOG2E + _ROUND) - _ROUND
    r = (x - k * _LN2_HI) - k * _LN2_LO
    p = _ONE + r * (_ONE + r * (_C2 + r * (_C3 + r * (_C4 + r * (_C5 + r * _C6)))))
    return p * _float32_from_bits((np.int32(k) + np.int32(127)) << np.int32(23))


@numba.njit(**_INLINE)
def tanh32(x):
    """tanh x in float32 (absolute error under 4e-7), branch-free: x·P(x²)/Q(x²),
    a 13/6 minimax rational fit on |x| ≤ 7.9 (the coefficients Eigen uses for
    its float tanh; beyond 7.9 tanh is 1 to float32 precision). A third faster
    than 1 − 2/(e^2x + 1) through `exp32`: no integer trick, fewer steps."""
    x = min(max(x, -_TANH_CLAMP), _TANH_CLAMP)
    x2 = x * x
    p = _TANH_P[6]
    for i in range(5, -1, -1):
        p = p * x2 + _TANH_P[i]
    q = _TANH_Q[3]
    for i in range(2, -1, -1):
        q = q * x2 + _TANH_Q[i]
    return x * p / q


@numba.njit(**_INLINE)
def _activation32(code, z):
    """act(z) in float32 for every activation of `kernel.ACTIVATIONS`."""
    if code == kernel.TANH:
        return tanh32(z)
    if code == kernel.RELU:
        return max(z, _ZERO)
    if code == kernel.SIGMOID:
        return _ONE / (_ONE + exp32(-z))
    if code == kernel.LINEAR:
        return z
    if code == kernel.LEAKY_RELU:
        return z if z > _ZERO else _LEAKY * z
    if code == kernel.ELU:
        return z if z > _ZERO else exp32(z) - _ONE
    if code == kernel.SOFTPLUS:
        return max(z, _ZERO) + _F(math.log1p(exp32(-abs(z))))
    if code == kernel.SWISH:
        return z / (_ONE + exp32(-z))
    if code == kernel.GELU:
        return _HALF * z * (_ONE + tanh32(_GELU_SCALE * (z + _GELU_CUBIC * z * z * z)))
    return _F(math.sin(z))


@numba.njit(**_JIT)
def node_values(inputs, params, sizes, poff, act, head, out):
    """Every non-input node at every point (see the module docstring)."""
    n = inputs.shape[1]
    layers = sizes.shape[0] - 1
    row = 0  # out's first row of the current layer
    below = 0  # out's first row of the layer below (when it is not the input layer)
    for l in range(1, layers + 1):
        fan = sizes[l - 1]
        units = sizes[l]
        base = poff[l - 1]
        for j in range(units):
            p = base + j * (fan + 1)
            node = out[row + j]
            bias = _F(params[p])
            for e in range(n):
                node[e] = bias
            for i in range(fan):
                w = _F(params[p + 1 + i])
                source = inputs[i] if l == 1 else out[below + i]
                for e in range(n):
                    node[e] += w * source[e]
            if l < layers:
                if act == kernel.TANH:  # the common case as a loop of tanh alone: SIMD lanes
                    for e in range(n):
                        node[e] = tanh32(node[e])
                else:
                    for e in range(n):
                        node[e] = _activation32(act, node[e])
            elif head == kernel.HEAD_TANH:
                for e in range(n):
                    node[e] = tanh32(node[e])
            elif head == kernel.HEAD_CROSS_ENTROPY:
                for e in range(n):
                    node[e] = tanh32(_HALF * node[e])
        below = row
        row += units
    if head == kernel.HEAD_SOFTMAX:
        first = row - sizes[layers]
        for e in range(n):
            top = out[first, e]
            for j in range(first + 1, row):
                top = max(top, out[j, e])
            total = _ZERO
            for j in range(first, row):
                v = exp32(out[j, e] - top)
                out[j, e] = v
                total += v
            for j in range(first, row):
                out[j, e] = out[j, e] / total


@numba.njit(cache=True, error_model="numpy")  # holds the GIL (see the docstring)
def block_means(values, thumbs):
    """values (m, S·S) float32, one node's grid per row (row-major S×S, S = B·T)
    → thumbs (m, T, T) float32: the mean of each B×B block (B = S / T).

    Each band of B grid rows is first summed column by column into one row of
    S sums (a loop over whole rows, which compiles to SIMD lanes), then each
    run of B sums is one block: adding 10 values at a time per block was a
    chain of scalar additions, four times slower. It keeps the GIL: a few
    µs of work for a usual network, and a thread that lets the GIL go waits
    up to a switch interval (0.5 ms) in a busy server to have it back."""
    m = values.shape[0]
    size = int(np.sqrt(values.shape[1]) + 0.5)
    thumb = thumbs.shape[1]
    block = size // thumb
    scale = _F(1.0 / (block * block))
    band = np.empty(size, np.float32)
    for node in range(m):
        grid = values[node]
        for i in range(thumb):
            start = i * block * size
            band[:] = grid[start : start + size]
            for r in range(1, block):
                row = grid[start + r * size : start + (r + 1) * size]
                for c in range(size):
                    band[c] += row[c]
            for j in range(thumb):
                total = _ZERO
                for c in range(j * block, (j + 1) * block):
                    total += band[c]
                thumbs[node, i, j] = total * scale
