"""The browser's transcendental functions, bit for bit: V8's fdlibm-derived Math.tanh,
Math.exp, Math.expm1, Math.log, Math.log1p, Math.sin and Math.cos.

The original runs in V8 (Node.js v20.20.2 / V8 11.3 made our reference runs), which
computes these functions with its own ports of Sun's fdlibm (`src/base/ieee754.cc`).
glibc's and NumPy's versions are just as accurate but round differently in the last
bit on many inputs (np.tanh on about 28 % of random inputs, np.exp about 11 %), and
those last bits decide where a long or chaotic training run ends up. This module
implements the same published algorithms with the same coefficients and the same
order of floating-point operations, so every result has exactly V8's 64 bits:

- `exp(x)`: e_exp.c as V8 has it (x = k·ln2 + r, the rational Remez form of exp(r),
  scaling by 2^k with a second factor 2^-1000 for subnormal results; exp(1) returns
  the correctly rounded e, a special case V8 adds).
- `expm1(x)`: s_expm1.c (same reduction with a correction term, the scaled Q1..Q5).
- `tanh(x)`: s_tanh.c on top of `expm1` (x for |x| < 2^-28, ±1 from |x| >= 22).
- `log(x)`: e_log.c (x = 2^k·(1+f), s = f/(2+f), Lg1..Lg7 split in odd/even terms).
- `log1p(x)`: s_log1p.c (with the correction term c/u when 1+x rounds).
- `sin(x)`, `cos(x)`: s_sin.c / s_cos.c with the kernels k_sin.c and k_cos.c on
  [-pi/4, pi/4], reduced by e_rem_pio2.c (33+33+33-bit pieces of pi/2 up to
  |x| ~ 2^19·pi/2) and, beyond that, k_rem_pio2.c (Payne–Hanek with 2/pi in 24-bit
  chunks, 64-bit precision as V8 calls it), so even sin(1e300) is V8's value.

Every function maps float64 -> float64 and handles the whole double range (±0,
subnormals, ±inf, NaN, the overflow and underflow thresholds). A NaN result is a
NaN; which NaN bit pattern is not part of JavaScript's semantics.

Use:
- scalar: `tanh`, `exp`, `expm1`, `log`, `log1p`, `sin`, `cos` are
  `numba.njit(cache=True, nogil=True)` functions: call them from other jitted code
  (a compiled training kernel, where they inline) or from plain Python. Any real
  argument is taken as a float64, as JavaScript numbers are.
- arrays: `tanh_array`, `exp_array`, `expm1_array`, `log_array`, `log1p_array`,
  `sin_array`, `cos_array` are NumPy ufuncs (`numba.vectorize`) of the same
  functions: elementwise on any array, `out=` accepted.

Nothing is compiled on import: each function is compiled the first time it is used
(seconds, once) and then loaded from numba's on-disk cache (milliseconds), so a
process pays only for the functions it uses.

The words of a double are read and written by bit casts in LLVM (`_bits`,
`_from_bits`), which cost nothing: no memory round trip, no array per call.

Math.pow is not needed: the original's squared error is `Math.pow(x, 2)`, and
fdlibm's e_pow.c returns x*x when the exponent is exactly 2 (V8's Math.pow is that
port), so `x * x` gives the same bits; tests/engine/test_v8math.py checks this
against node.

The pi tables (2/pi in 24-bit chunks, pi/2 in 24-bit chunks, the high words of
n·pi/2) are derived here from pi computed with integers (Machin's formula), not typed
in; the tests compare them with the published values.
"""

from __future__ import annotations

import struct

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

# --------------------------------------------------------------------------- bits


@intrinsic
def _bits(typingctx, x):
    """The 64 bits of a float64 as an int64 (an LLVM bitcast: no code at all)."""
    if not isinstance(x, types.Float):
        return None

    def codegen(context, builder, signature, args):
        value = args[0]
        if value.type != ir.DoubleType():
            value = builder.fpext(value, ir.DoubleType())
        return builder.bitcast(value, ir.IntType(64))

    return types.int64(x), codegen


@intrinsic
def _from_bits(typingctx, word):
    """The float64 whose 64 bits are the int64 `word` (an LLVM bitcast)."""
    if not isinstance(word, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        value = context.cast(builder, args[0], signature.args[0], types.int64)
        return builder.bitcast(value, ir.DoubleType())

    return types.float64(word), codegen


_jit = numba.njit(cache=True, nogil=True)


@_jit
def _high(x):
    """fdlibm's GET_HIGH_WORD as a signed 32-bit value (negative for negative x)."""
    return _bits(x) >> 32


@_jit
def _low(x):
    """fdlibm's GET_LOW_WORD: the low 32 bits, 0 .. 2^32 - 1."""
    return _bits(x) & 0xFFFFFFFF


@_jit
def _words(high, low):
    """fdlibm's INSERT_WORDS: the double with these high and low words."""
    return _from_bits(((high & 0xFFFFFFFF) << 32) | (low & 0xFFFFFFFF))


@_jit
def _with_high(x, high):
    """fdlibm's SET_HIGH_WORD: x with its high word replaced."""
    return _from_bits(((high & 0xFFFFFFFF) << 32) | (_bits(x) & 0xFFFFFFFF))


@_jit
def _pow2(n):
    """2^n for -1022 <= n <= 1023, exactly."""
    return _from_bits((n + 1023) << 52)


# ------------------------------------------------------------------- constants


def _double(high: int, low: int) -> float:
    """A constant given, as fdlibm publishes it, by its two 32-bit words."""
    return struct.unpack(">d", struct.pack(">II", high, low))[0]


def _arctan_inverse(n: int, bits: int) -> int:
    """arctan(1/n)·2^bits rounded down (to within a few units), by its series in integers."""
    term = (1 << bits) // n
    total, k, sign = term, 1, -1
    while term:
        term //= n * n
        total += sign * (term // (2 * k + 1))
        sign, k = -sign, k + 1
    return total


def _pi_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(2/pi as 66 chunks of 24 bits, pi/2 as 8 doubles of 24 bits each, the high
    words of the doubles nearest n·pi/2 for n = 1..32), from pi = 16·atan(1/5) −
    4·atan(1/239) to 1,700 bits (64 guard bits absorb the series' truncation)."""
    bits, guard = 1700, 64
    pi_scaled = (16 * _arctan_inverse(5, bits + guard) - 4 * _arctan_inverse(239, bits + guard)) >> guard
    two_over_pi = (1 << (2 * bits + 1)) // pi_scaled  # 2/pi · 2^bits
    chunks = [(two_over_pi >> (bits - 24 * (i + 1))) & 0xFFFFFF for i in range(66)]
    # pi/2 = pi_scaled · 2^-(bits+1); chunk k holds its bits 2^-(23+24k) .. 2^-(24k).
    pio2 = [((pi_scaled >> (bits + 1 - 23 - 24 * k)) & 0xFFFFFF) * 2.0 ** (-23 - 24 * k) for k in range(8)]
    high_words = []
    for n in range(1, 33):
        # The nearest double to n·pi/2 (round half even on the 53-bit significand).
        value = n * pi_scaled
        shift = value.bit_length() - 53
        mantissa, rest = value >> shift, value & ((1 << shift) - 1)
        half = 1 << (shift - 1)
        if rest > half or (rest == half and mantissa & 1):
            mantissa += 1
        nearest = float(mantissa) * 2.0 ** (shift - bits - 1)
        high_words.append(struct.unpack(">Q", struct.pack(">d", nearest))[0] >> 32)
    return (np.array(chunks, dtype=np.int64), np.array(pio2, dtype=np.float64), np.array(high_words, dtype=np.int64))


_TWO_OVER_PI, _PIO2, _NPIO2_HW = _pi_tables()

_TWO24 = _double(0x41700000, 0)  # 2^24
_TWON24 = _double(0x3E700000, 0)  # 2^-24
_HUGE = 1.0e300
_TINY = 1.0e-300
_TWOM1000 = _double(0x01700000, 0)  # 2^-1000
_TWO1023 = _double(0x7FE00000, 0)  # 2^1023

# ln 2 in two pieces (the high one has 32 trailing zero bits, so k·ln2_hi is exact).
_LN2_HI = _double(0x3FE62E42, 0xFEE00000)
_LN2_LO = _double(0x3DEA39EF, 0x35793C76)
_INV_LN2 = _double(0x3FF71547, 0x652B82FE)
_EXP_OVERFLOW = _double(0x40862E42, 0xFEFA39EF)  # 709.78...
_EXP_UNDERFLOW = _double(0xC0874910, 0xD52D3051)  # -745.13...
_E = _double(0x4005BF0A, 0x8B145769)
_P1 = _double(0x3FC55555, 0x5555553E)
_P2 = _double(0xBF66C16C, 0x16BEBD93)
_P3 = _double(0x3F11566A, 0xAF25DE2C)
_P4 = _double(0xBEBBBD41, 0xC5D26BF1)
_P5 = _double(0x3E663769, 0x72BEA4D0)
# expm1's Q1..Q5, already scaled by 2^i for hxs = x·x/2.
_Q1 = _double(0xBFA11111, 0x111110F4)
_Q2 = _double(0x3F5A01A0, 0x19FE5585)
_Q3 = _double(0xBF14CE19, 0x9EAADBB7)
_Q4 = _double(0x3ED0CFCA, 0x86E65239)
_Q5 = _double(0xBE8AFDB7, 0x6E09C32D)
_TWO54 = _double(0x43500000, 0)
_LG1 = _double(0x3FE55555, 0x55555593)
_LG2 = _double(0x3FD99999, 0x9997FA04)
_LG3 = _double(0x3FD24924, 0x94229359)
_LG4 = _double(0x3FCC71C5, 0x1D8E78AF)
_LG5 = _double(0x3FC74664, 0x96CB03DE)
_LG6 = _double(0x3FC39A09, 0xD078C69F)
_LG7 = _double(0x3FC2F112, 0xDF3E5244)
# sin and cos kernels on [-pi/4, pi/4].
_S1 = _double(0xBFC55555, 0x55555549)
_S2 = _double(0x3F811111, 0x1110F8A6)
_S3 = _double(0xBF2A01A0, 0x19C161D5)
_S4 = _double(0x3EC71DE3, 0x57B1FE7D)
_S5 = _double(0xBE5AE5E6, 0x8A2B9CEB)
_S6 = _double(0x3DE5D93A, 0x5ACFD57C)
_C1 = _double(0x3FA55555, 0x5555554C)
_C2 = _double(0xBF56C16C, 0x16C15177)
_C3 = _double(0x3EFA01A0, 0x19CB1590)
_C4 = _double(0xBE927E4F, 0x809C52AD)
_C5 = _double(0x3E21EE9E, 0xBDB4B1C4)
_C6 = _double(0xBDA8FAE9, 0xBE8838D4)
# pi/2 reduction: 53 bits of 2/pi; pi/2 cut in three 33-bit pieces and their tails.
_INV_PIO2 = _double(0x3FE45F30, 0x6DC9C883)
_PIO2_1 = _double(0x3FF921FB, 0x54400000)
_PIO2_1T = _double(0x3DD0B461, 0x1A626331)
_PIO2_2 = _double(0x3DD0B461, 0x1A600000)
_PIO2_2T = _double(0x3BA3198A, 0x2E037073)
_PIO2_3 = _double(0x3BA3198A, 0x2E000000)
_PIO2_3T = _double(0x397B839A, 0x252049C1)

# ------------------------------------------------------------ exp, expm1, tanh


@numba.njit(cache=True, nogil=True)
def exp(x):
    """e^x exactly as V8's Math.exp (fdlibm e_exp.c)."""
    x = float(x)  # any real number, as a JavaScript number
    hx = _high(x)
    negative = hx < 0
    hx &= 0x7FFFFFFF
    if hx >= 0x40862E42:  # |x| >= 709.78..., or not finite
        if hx >= 0x7FF00000:
            if ((hx & 0xFFFFF) | _low(x)) != 0:
                return x + x  # NaN
            return 0.0 if negative else x  # exp(-inf) = 0, exp(inf) = inf
        if x > _EXP_OVERFLOW:
            return _HUGE * _HUGE  # inf
        if x < _EXP_UNDERFLOW:
            return _TWOM1000 * _TWOM1000  # 0
    hi = 0.0
    lo = 0.0
    k = 0
    if hx > 0x3FD62E42:  # |x| > ln2/2
        if hx < 0x3FF0A2B2:  # and |x| < 1.5·ln2: k = ±1
            if x == 1.0:
                return _E  # V8 returns the correctly rounded e here
            if negative:
                hi = x + _LN2_HI
                lo = -_LN2_LO
                k = -1
            else:
                hi = x - _LN2_HI
                lo = _LN2_LO
                k = 1
        else:
            k = int(_INV_LN2 * x + (-0.5 if negative else 0.5))  # truncation, as C's cast
            t = float(k)
            hi = x - t * _LN2_HI  # exact
            lo = t * _LN2_LO
        x = hi - lo
    elif hx < 0x3E300000:  # |x| < 2^-28
        return 1.0 + x
    t = x * x
    if k >= -1021:
        twopk = _words(0x3FF00000 + (k << 20), 0)
    else:
        twopk = _words(0x3FF00000 + ((k + 1000) << 20), 0)
    c = x - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    if k == 0:
        return 1.0 - ((x * c) / (c - 2.0) - x)
    y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi)
    if k >= -1021:
        if k == 1024:
            return y * 2.0 * _TWO1023
        return y * twopk
    return y * twopk * _TWOM1000


@numba.njit(cache=True, nogil=True)
def expm1(x):
    """e^x − 1 exactly as V8's Math.expm1 (fdlibm s_expm1.c)."""
    x = float(x)  # any real number, as a JavaScript number
    hx = _high(x)
    negative = hx < 0
    hx &= 0x7FFFFFFF
    if hx >= 0x4043687A:  # |x| >= 56·ln2
        if hx >= 0x40862E42:  # |x| >= 709.78...
            if hx >= 0x7FF00000:
                if ((hx & 0xFFFFF) | _low(x)) != 0:
                    return x + x  # NaN
                return -1.0 if negative else x
            if x > _EXP_OVERFLOW:
                return _HUGE * _HUGE  # inf
        if negative:
            return _TINY - 1.0  # -1
    c = 0.0
    k = 0
    if hx > 0x3FD62E42:  # |x| > ln2/2
        if hx < 0x3FF0A2B2:  # and |x| < 1.5·ln2
            if negative:
                hi = x + _LN2_HI
                lo = -_LN2_LO
                k = -1
            else:
                hi = x - _LN2_HI
                lo = _LN2_LO
                k = 1
        else:
            k = int(_INV_LN2 * x + (-0.5 if negative else 0.5))
            t = float(k)
            hi = x - t * _LN2_HI
            lo = t * _LN2_LO
        x = hi - lo
        c = (hi - x) - lo
    elif hx < 0x3C900000:  # |x| < 2^-54
        return x
    hfx = 0.5 * x
    hxs = x * hfx
    r1 = 1.0 + hxs * (_Q1 + hxs * (_Q2 + hxs * (_Q3 + hxs * (_Q4 + hxs * _Q5))))
    t = 3.0 - r1 * hfx
    e = hxs * ((r1 - t) / (6.0 - x * t))
    if k == 0:
        return x - (x * e - hxs)
    twopk = _words(0x3FF00000 + (k << 20), 0)
    e = x * (e - c) - c
    e -= hxs
    if k == -1:
        return 0.5 * (x - e) - 0.5
    if k == 1:
        if x < -0.25:
            return -2.0 * (e - (x + 0.5))
        return 1.0 + 2.0 * (x - e)
    if k <= -2 or k > 56:  # exp(x) - 1 is close enough
        y = 1.0 - (e - x)
        if k == 1024:
            y = y * 2.0 * _TWO1023
        else:
            y = y * twopk
        return y - 1.0
    if k < 20:
        t = _words(0x3FF00000 - (0x200000 >> k), 0)  # 1 - 2^-k
        y = t - (e - x)
        return y * twopk
    t = _words((0x3FF - k) << 20, 0)  # 2^-k
    y = x - (e + t)
    y += 1.0
    return y * twopk


@numba.njit(cache=True, nogil=True)
def tanh(x):
    """tanh x exactly as V8's Math.tanh (fdlibm s_tanh.c over `expm1`)."""
    x = float(x)  # any real number, as a JavaScript number
    jx = _high(x)
    ix = jx & 0x7FFFFFFF
    if ix >= 0x7FF00000:  # inf or NaN
        if jx >= 0:
            return 1.0 / x + 1.0
        return 1.0 / x - 1.0
    if ix < 0x40360000:  # |x| < 22
        if ix < 0x3E300000:  # |x| < 2^-28
            return x
        if ix >= 0x3FF00000:  # |x| >= 1
            t = expm1(2.0 * abs(x))
            z = 1.0 - 2.0 / (t + 2.0)
        else:
            t = expm1(-2.0 * abs(x))
            z = -t / (t + 2.0)
    else:
        z = 1.0 - _TINY  # 1
    return z if jx >= 0 else -z


# ------------------------------------------------------------------ log, log1p


@numba.njit(cache=True, nogil=True)
def log(x):
    """The natural logarithm exactly as V8's Math.log (fdlibm e_log.c)."""
    x = float(x)  # any real number, as a JavaScript number
    hx = _high(x)
    k = 0
    if hx < 0x00100000:  # x < 2^-1022: zero, subnormal or negative
        if ((hx & 0x7FFFFFFF) | _low(x)) == 0:
            return -np.inf
        if hx < 0:
            return np.nan
        k -= 54
        x *= _TWO54  # scale a subnormal up
        hx = _high(x)
    if hx >= 0x7FF00000:
        return x + x
    k += (hx >> 20) - 1023
    hx &= 0x000FFFFF
    i = (hx + 0x95F64) & 0x100000
    x = _with_high(x, hx | (i ^ 0x3FF00000))  # x or x/2 in [sqrt(2)/2, sqrt(2))
    k += i >> 20
    f = x - 1.0
    if (0x000FFFFF & (2 + hx)) < 3:  # -2^-20 <= f < 2^-20
        if f == 0.0:
            if k == 0:
                return 0.0
            dk = float(k)
            return dk * _LN2_HI + dk * _LN2_LO
        r = f * f * (0.5 - 0.33333333333333333 * f)
        if k == 0:
            return f - r
        dk = float(k)
        return dk * _LN2_HI - ((r - dk * _LN2_LO) - f)
    s = f / (2.0 + f)
    dk = float(k)
    z = s * s
    i = hx - 0x6147A
    w = z * z
    j = 0x6B851 - hx
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    i |= j
    r = t2 + t1
    if i > 0:
        hfsq = 0.5 * f * f
        if k == 0:
            return f - (hfsq - s * (hfsq + r))
        return dk * _LN2_HI - ((hfsq - (s * (hfsq + r) + dk * _LN2_LO)) - f)
    if k == 0:
        return f - s * (f - r)
    return dk * _LN2_HI - ((s * (f - r) - dk * _LN2_LO) - f)


@numba.njit(cache=True, nogil=True)
def log1p(x):
    """log(1 + x) exactly as V8's Math.log1p (fdlibm s_log1p.c)."""
    x = float(x)  # any real number, as a JavaScript number
    hx = _high(x)
    ax = hx & 0x7FFFFFFF
    k = 1
    f = 0.0
    c = 0.0
    hu = 0
    if hx < 0x3FDA827A:  # 1 + x < sqrt(2)+
        if ax >= 0x3FF00000:  # x <= -1 (or a negative NaN)
            if x == -1.0:
                return -np.inf
            return np.nan
        if ax < 0x3E200000:  # |x| < 2^-29
            if ax < 0x3C900000:  # |x| < 2^-54
                return x
            return x - x * x * 0.5
        if hx > 0 or hx <= 0xBFD2BEC4 - 0x100000000:  # sqrt(2)/2- <= 1 + x < sqrt(2)+
            k = 0
            f = x
            hu = 1
    if hx >= 0x7FF00000:
        return x + x
    if k != 0:
        if hx < 0x43400000:
            u = 1.0 + x
            hu = _high(u)
            k = (hu >> 20) - 1023
            c = 1.0 - (u - x) if k > 0 else x - (u - 1.0)  # what 1 + x lost in rounding
            c /= u
        else:
            u = x
            hu = _high(u)
            k = (hu >> 20) - 1023
            c = 0.0
        hu &= 0x000FFFFF
        if hu < 0x6A09E:  # u ~< sqrt(2)
            u = _with_high(u, hu | 0x3FF00000)
        else:
            k += 1
            u = _with_high(u, hu | 0x3FE00000)  # u/2
            hu = (0x00100000 - hu) >> 2
        f = u - 1.0
    hfsq = 0.5 * f * f
    if hu == 0:  # |f| < 2^-20
        if f == 0.0:
            if k == 0:
                return 0.0
            c += k * _LN2_LO
            return k * _LN2_HI + c
        r = hfsq * (1.0 - 0.66666666666666666 * f)
        if k == 0:
            return f - r
        return k * _LN2_HI - ((r - (k * _LN2_LO + c)) - f)
    s = f / (2.0 + f)
    z = s * s
    r = z * (_LG1 + z * (_LG2 + z * (_LG3 + z * (_LG4 + z * (_LG5 + z * (_LG6 + z * _LG7))))))
    if k == 0:
        return f - (hfsq - s * (hfsq + r))
    return k * _LN2_HI - ((hfsq - (s * (hfsq + r) + (k * _LN2_LO + c))) - f)


# ------------------------------------------------------------------- sin, cos


@_jit
def _kernel_sin(x, y, has_tail):
    """sin(x + y) for |x| <= pi/4, y the tail of x (ignored unless `has_tail`)."""
    ix = _high(x) & 0x7FFFFFFF
    if ix < 0x3E400000:  # |x| < 2^-27
        return x
    z = x * x
    v = z * x
    r = _S2 + z * (_S3 + z * (_S4 + z * (_S5 + z * _S6)))
    if not has_tail:
        return x + v * (_S1 + z * r)
    return x - ((z * (0.5 * y - v * r) - y) - v * _S1)


@_jit
def _kernel_cos(x, y):
    """cos(x + y) for |x| <= pi/4, y the tail of x."""
    ix = _high(x) & 0x7FFFFFFF
    if ix < 0x3E400000:  # |x| < 2^-27
        return 1.0
    z = x * x
    r = z * (_C1 + z * (_C2 + z * (_C3 + z * (_C4 + z * (_C5 + z * _C6)))))
    if ix < 0x3FD33333:  # |x| < 0.3
        return 1.0 - (0.5 * z - (z * r - x * y))
    if ix > 0x3FE90000:  # |x| > 0.78125
        qx = 0.28125
    else:
        qx = _words(ix - 0x00200000, 0)  # |x|/4 with the low word cleared
    hz = 0.5 * z - qx
    a = 1.0 - qx
    return a - (hz - (z * r - x * y))


@_jit
def _rem_pio2_huge(x):
    """(n mod 8, y0, y1) with y0 + y1 = |x| − n·pi/2, for |x| > 2^19·pi/2 (finite).

    fdlibm's __kernel_rem_pio2 at 64-bit precision (jk = 4), as V8 calls it: |x| is
    cut into three 24-bit integers, multiplied by just the chunks of 2/pi that matter
    mod 8, with more chunks taken while the fraction could still be all zeros.
    The sign of x is applied by the caller.
    """
    ix = _high(x) & 0x7FFFFFFF
    e0 = (ix >> 20) - 1046  # ilogb(x) - 23
    z = _words(ix - (e0 << 20), _low(x))  # |x|·2^-e0, in [2^23, 2^24)
    xs = np.empty(3, dtype=np.float64)
    for i in range(2):
        xs[i] = float(int(z))
        z = (z - xs[i]) * _TWO24
    xs[2] = z
    nx = 3
    while xs[nx - 1] == 0.0:
        nx -= 1

    jk = 4
    jp = jk
    jx = nx - 1
    jv = (e0 - 3) // 24
    if jv < 0:
        jv = 0
    q0 = e0 - 24 * (jv + 1)
    # fdlibm's work arrays; as on its stack, every entry is written before it is read.
    f = np.empty(20, dtype=np.float64)  # the chunks of 2/pi in use
    q = np.empty(20, dtype=np.float64)  # the product, 24 bits per term
    fq = np.empty(20, dtype=np.float64)  # the fraction times pi/2
    iq = np.empty(20, dtype=np.int64)  # the product as 24-bit integers
    j = jv - jx
    for i in range(jx + jk + 1):
        f[i] = 0.0 if j < 0 else float(_TWO_OVER_PI[j])
        j += 1
    for i in range(jk + 1):
        fw = 0.0
        for j in range(jx + 1):
            fw += xs[j] * f[jx + i - j]
        q[i] = fw
    jz = jk
    while True:
        # Distill q[] into 24-bit integers iq[], last term first.
        z = q[jz]
        i = 0
        j = jz
        while j > 0:
            fw = float(int(_TWON24 * z))
            iq[i] = int(z - _TWO24 * fw)
            z = q[j - 1] + fw
            i += 1
            j -= 1
        z = z * _pow2(q0)
        z -= 8.0 * np.floor(z * 0.125)  # keep n mod 8
        n = int(z)
        z -= float(n)
        ih = 0
        if q0 > 0:  # iq[jz-1] still holds bits of n
            i = iq[jz - 1] >> (24 - q0)
            n += i
            iq[jz - 1] -= i << (24 - q0)
            ih = iq[jz - 1] >> (23 - q0)
        elif q0 == 0:
            ih = iq[jz - 1] >> 23
        elif z >= 0.5:
            ih = 2
        if ih > 0:  # fraction >= 1/2: take 1 − fraction, n + 1
            n += 1
            carry = 0
            for i in range(jz):
                j = iq[i]
                if carry == 0:
                    if j != 0:
                        carry = 1
                        iq[i] = 0x1000000 - j
                else:
                    iq[i] = 0xFFFFFF - j
            if q0 == 1:
                iq[jz - 1] &= 0x7FFFFF
            elif q0 == 2:
                iq[jz - 1] &= 0x3FFFFF
            if ih == 2:
                z = 1.0 - z
                if carry != 0:
                    z -= _pow2(q0)
        if z == 0.0:
            j = 0
            for i in range(jz - 1, jk - 1, -1):
                j |= iq[i]
            if j == 0:  # every bit so far cancelled: take k more chunks of 2/pi
                k = 1
                while jk >= k and iq[jk - k] == 0:
                    k += 1
                for i in range(jz + 1, jz + k + 1):
                    f[jx + i] = float(_TWO_OVER_PI[jv + i])
                    fw = 0.0
                    for j in range(jx + 1):
                        fw += xs[j] * f[jx + i - j]
                    q[i] = fw
                jz += k
                continue
        break

    if z == 0.0:  # chop off zero terms
        jz -= 1
        q0 -= 24
        while iq[jz] == 0:
            jz -= 1
            q0 -= 24
    else:  # break z into 24-bit pieces if needed
        z = z * _pow2(-q0)
        if z >= _TWO24:
            fw = float(int(_TWON24 * z))
            iq[jz] = int(z - _TWO24 * fw)
            jz += 1
            q0 += 24
            iq[jz] = int(fw)
        else:
            iq[jz] = int(z)

    fw = _pow2(q0)
    for i in range(jz, -1, -1):
        q[i] = fw * float(iq[i])
        fw *= _TWON24
    for i in range(jz, -1, -1):  # fq[jz-i] = sum of PIo2[k]·q[i+k]
        fw = 0.0
        k = 0
        while k <= jp and k <= jz - i:
            fw += _PIO2[k] * q[i + k]
            k += 1
        fq[jz - i] = fw
    fw = 0.0
    for i in range(jz, -1, -1):
        fw += fq[i]
    y0 = fw if ih == 0 else -fw
    fw = fq[0] - fw
    for i in range(1, jz + 1):
        fw += fq[i]
    y1 = fw if ih == 0 else -fw
    return n & 7, y0, y1


@_jit
def _rem_pio2(x):
    """(n, y0, y1): x − n·pi/2 = y0 + y1 with |y0| <= pi/4 (fdlibm e_rem_pio2.c),
    for finite |x| > pi/4; only n mod 4 is used."""
    hx = _high(x)
    ix = hx & 0x7FFFFFFF
    if ix < 0x4002D97C:  # |x| < 3pi/4: n = ±1
        if hx > 0:
            z = x - _PIO2_1
            if ix != 0x3FF921FB:  # 33 + 53 bits of pi/2 suffice
                y0 = z - _PIO2_1T
                return 1, y0, (z - y0) - _PIO2_1T
            z -= _PIO2_2  # near pi/2: 33 + 33 + 53 bits
            y0 = z - _PIO2_2T
            return 1, y0, (z - y0) - _PIO2_2T
        z = x + _PIO2_1
        if ix != 0x3FF921FB:
            y0 = z + _PIO2_1T
            return -1, y0, (z - y0) + _PIO2_1T
        z += _PIO2_2
        y0 = z + _PIO2_2T
        return -1, y0, (z - y0) + _PIO2_2T
    if ix <= 0x413921FB:  # |x| <= 2^19·pi/2: medium size
        t = abs(x)
        n = int(t * _INV_PIO2 + 0.5)
        fn = float(n)
        r = t - fn * _PIO2_1
        w = fn * _PIO2_1T  # first round: good to 85 bits
        if n < 32 and ix != _NPIO2_HW[n - 1]:
            y0 = r - w  # no cancellation possible
        else:
            j = ix >> 20
            y0 = r - w
            i = j - ((_high(y0) >> 20) & 0x7FF)
            if i > 16:  # second round, good to 118 bits
                t = r
                w = fn * _PIO2_2
                r = t - w
                w = fn * _PIO2_2T - ((t - r) - w)
                y0 = r - w
                i = j - ((_high(y0) >> 20) & 0x7FF)
                if i > 49:  # third round, 151 bits: covers every case
                    t = r
                    w = fn * _PIO2_3
                    r = t - w
                    w = fn * _PIO2_3T - ((t - r) - w)
                    y0 = r - w
        y1 = (r - y0) - w
        if hx < 0:
            return -n, -y0, -y1
        return n, y0, y1
    n, y0, y1 = _rem_pio2_huge(x)
    if hx < 0:
        return -n, -y0, -y1
    return n, y0, y1


@numba.njit(cache=True, nogil=True)
def sin(x):
    """sin x exactly as V8's Math.sin (fdlibm s_sin.c)."""
    x = float(x)  # any real number, as a JavaScript number
    ix = _high(x) & 0x7FFFFFFF
    if ix <= 0x3FE921FB:  # |x| ~<= pi/4
        return _kernel_sin(x, 0.0, False)
    if ix >= 0x7FF00000:  # inf or NaN
        return x - x
    n, y0, y1 = _rem_pio2(x)
    quadrant = n & 3
    if quadrant == 0:
        return _kernel_sin(y0, y1, True)
    if quadrant == 1:
        return _kernel_cos(y0, y1)
    if quadrant == 2:
        return -_kernel_sin(y0, y1, True)
    return -_kernel_cos(y0, y1)


@numba.njit(cache=True, nogil=True)
def cos(x):
    """cos x exactly as V8's Math.cos (fdlibm s_cos.c)."""
    x = float(x)  # any real number, as a JavaScript number
    ix = _high(x) & 0x7FFFFFFF
    if ix <= 0x3FE921FB:  # |x| ~<= pi/4
        return _kernel_cos(x, 0.0)
    if ix >= 0x7FF00000:  # inf or NaN
        return x - x
    n, y0, y1 = _rem_pio2(x)
    quadrant = n & 3
    if quadrant == 0:
        return _kernel_cos(y0, y1)
    if quadrant == 1:
        return -_kernel_sin(y0, y1, True)
    if quadrant == 2:
        return -_kernel_cos(y0, y1)
    return _kernel_sin(y0, y1, True)


# ---------------------------------------------------------------- array forms


@numba.vectorize(cache=True)
def tanh_array(x):
    """Elementwise `tanh` (a NumPy ufunc)."""
    return tanh(x)


@numba.vectorize(cache=True)
def exp_array(x):
    """Elementwise `exp` (a NumPy ufunc)."""
    return exp(x)


@numba.vectorize(cache=True)
def expm1_array(x):
    """Elementwise `expm1` (a NumPy ufunc)."""
    return expm1(x)


@numba.vectorize(cache=True)
def log_array(x):
    """Elementwise `log` (a NumPy ufunc)."""
    return log(x)


@numba.vectorize(cache=True)
def log1p_array(x):
    """Elementwise `log1p` (a NumPy ufunc)."""
    return log1p(x)


@numba.vectorize(cache=True)
def sin_array(x):
    """Elementwise `sin` (a NumPy ufunc)."""
    return sin(x)


@numba.vectorize(cache=True)
def cos_array(x):
    """Elementwise `cos` (a NumPy ufunc)."""
    return cos(x)


FUNCTIONS = {"tanh": tanh, "exp": exp, "expm1": expm1, "log": log, "log1p": log1p, "sin": sin, "cos": cos}
ARRAY_FUNCTIONS = {
    "tanh": tanh_array,
    "exp": exp_array,
    "expm1": expm1_array,
    "log": log_array,
    "log1p": log1p_array,
    "sin": sin_array,
    "cos": cos_array,
}
