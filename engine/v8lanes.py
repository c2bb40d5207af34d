"""V8's Math.tanh without branches, so that a loop over many values runs in SIMD lanes.

`v8math.tanh` follows fdlibm's s_tanh.c and s_expm1.c literally: a chain of
`if`s on the argument's magnitude picks one of several reductions and
reconstructions. That is right for one value, but a loop calling it over a
chunk of examples compiles to scalar code with a branch (and often a
misprediction) per value. `tanh_lanes` computes the same thing as one
straight line: every candidate reconstruction is evaluated and LLVM `select`s
(not branches) keep the one fdlibm's `if`s would have taken. Each candidate
is the very expression of the scalar code, so the result has the same 64
bits for every input (tests/engine/test_v8lanes.py compares them on millions
of arguments and every edge), and a loop of it vectorises (4 doubles per AVX2
instruction here), several times faster than the scalar form.

Which of fdlibm's cases occur: tanh calls expm1(u) with u = -2|x| for
2^-28 <= |x| < 1 (so -2 < u <= -2^-27: k in {0, -1, -2, -3}) and u = 2|x| for
1 <= |x| < 22 (so 2 <= u < 44: k in 3..63). The k = ±1 special reduction of
expm1 (|u| < 1.5·ln2) gives the same bits as the general one with k = ±1
(u - (-1)·ln2_hi is u + ln2_hi exactly), so one formula serves all k; k = 1
and the k = 1024 overflow never occur here. Outside that range tanh is x
(tiny |x|), ±1 (|x| >= 22, ±inf) or NaN, chosen by the last selects; those
lanes compute the main formula on a harmless 0.5 meanwhile.

Compiled with `error_model="numpy"`: a division is IEEE division (as in
JavaScript), not a Python one that checks for zero, which would put a branch
back into every lane.
"""

from __future__ import annotations

import numba
from numba import types
from numba.extending import intrinsic

from .v8math import _INV_LN2, _LN2_HI, _LN2_LO, _Q1, _Q2, _Q3, _Q4, _Q5, _bits, _from_bits


@intrinsic
def select(typingctx, condition, if_true, if_false):
    """`if_true if condition else if_false` as one LLVM `select`: both sides
    are computed, no branch is taken."""
    if not isinstance(condition, types.Boolean) or if_true != if_false:
        return None

    def codegen(context, builder, signature, args):
        return builder.select(args[0], args[1], args[2])

    return if_true(condition, if_true, if_false), codegen


@numba.njit(cache=True, nogil=True, inline="always", error_model="numpy")
def tanh_lanes(x):
    """tanh x with exactly the bits of `v8math.tanh` (V8's Math.tanh), branch-free."""
    word = _bits(x)
    ix = (word >> 32) & 0x7FFFFFFF
    usual = (ix >= 0x3E300000) & (ix < 0x40360000)  # 2^-28 <= |x| < 22
    ax = select(usual, abs(x), 0.5)
    large = ax >= 1.0
    u = select(large, 2.0 * ax, -2.0 * ax)
    # expm1(u): u = k·ln2 + r (+ c, the rounding error of the reduction)
    hu = (_bits(u) >> 32) & 0x7FFFFFFF
    negative = u < 0.0
    k_general = float(int(_INV_LN2 * u + select(negative, -0.5, 0.5)))
    k_near = select(negative, -1.0, 1.0)  # |u| < 1.5·ln2
    k_real = select(hu < 0x3FF0A2B2, k_near, k_general)
    k_real = select(hu > 0x3FD62E42, k_real, 0.0)  # |u| <= ln2/2: no reduction
    k = int(k_real)
    hi = u - k_real * _LN2_HI
    lo = k_real * _LN2_LO
    r = hi - lo
    c = (hi - r) - lo
    half_r = 0.5 * r
    half_r2 = r * half_r
    r1 = 1.0 + half_r2 * (_Q1 + half_r2 * (_Q2 + half_r2 * (_Q3 + half_r2 * (_Q4 + half_r2 * _Q5))))
    t = 3.0 - r1 * half_r
    e = half_r2 * ((r1 - t) / (6.0 - r * t))
    when_k0 = r - (r * e - half_r2)
    two_to_k = _from_bits((min(max(k, -1022), 1023) + 1023) << 52)
    e = r * (e - c) - c
    e = e - half_r2
    when_k_minus_1 = 0.5 * (r - e) - 0.5
    when_far = (1.0 - (e - r)) * two_to_k - 1.0  # k <= -2 or k > 56
    shift = min(max(k, 0), 63)  # lanes where these do not apply must still shift by 0..63
    when_below_20 = (_from_bits((0x3FF00000 - (0x200000 >> shift)) << 32) - (e - r)) * two_to_k
    when_from_20 = ((r - (e + _from_bits(((0x3FF - shift) << 20) << 32))) + 1.0) * two_to_k
    expm1_u = select(
        k == 0,
        when_k0,
        select(
            k == -1,
            when_k_minus_1,
            select((k <= -2) | (k > 56), when_far, select(k < 20, when_below_20, when_from_20)),
        ),
    )
    z = select(large, 1.0 - 2.0 / (expm1_u + 2.0), -expm1_u / (expm1_u + 2.0))
    # |x| < 2^-28: x itself; |x| >= 22 or ±inf: 1 (signed below); NaN stays NaN
    z = select(usual, z, select(ix < 0x3E300000, abs(x), select(x != x, x, 1.0)))
    return select(word < 0, -z, z)
