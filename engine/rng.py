"""The seeded random stream: a re-implementation of seedrandom 2.4.4's ARC4 generator.

The original app replaces `Math.random` with `Math.seedrandom(seed)`; every random
number it uses (data points, the shuffle, initial weights, new seeds) comes from
that one stream in a fixed order. `SeededStream(seed)` yields the same doubles
for the same seed string, so a seed reproduces the original's data and weights.

How a double is made (seedrandom's `prng`): read 6 keystream bytes as a
big-endian integer n (< 2^48) over d = 2^48; while n < 2^52, append one more
byte (n = (n + x)·256, d = d·256, x = next byte); then, while n >= 2^53, halve n
and d and shift x right; the result is (n + x)/d, exactly representable.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from engine.v8math import log as v8_log

_WIDTH = 256
_MASK = _WIDTH - 1
_SIGNIFICANCE = 1 << 52
_OVERFLOW = 1 << 53
_CHUNK = 2048  # keystream bytes produced per refill; about 290 doubles
# The successive values of RC4's counter i after each step, from any start 0..255.
_I_CYCLE = tuple((k + 1) & _MASK for k in range(_CHUNK + _WIDTH))
# 2^-(56-k): the scale of a 7-byte draw after k halvings (the common case).
_SEVEN_BYTE_SCALE = tuple(math.ldexp(1.0, k - 56) for k in range(4))


def _utf16_code_units(text: str) -> list[int]:
    """The string as JavaScript sees it: a list of UTF-16 code units."""
    raw = text.encode("utf-16-le", "surrogatepass")
    return [raw[k] | (raw[k + 1] << 8) for k in range(0, len(raw), 2)]


def _seed_key(seed: str) -> list[int]:
    """seedrandom's `mixkey`: fold the seed's code units into a key of at most 256 bytes.

    The first 256 units are simply taken mod 256. Later units are mixed into
    the slot they wrap onto with a running xor ("smear") of 19·previous key
    bytes, which only starts accumulating once slots are reused.
    """
    key: list[int] = []
    smear = 0
    for position, code in enumerate(_utf16_code_units(seed)):
        slot = position & _MASK
        if slot < len(key):
            smear ^= key[slot] * 19
            key[slot] = (smear + code) & _MASK
        else:
            # The slot is still undefined in JS: undefined·19 is NaN, and
            # `smear ^= NaN` leaves smear unchanged (0 at this point).
            key.append((smear + code) & _MASK)
    return key


class SeededStream:
    """One seeded random stream (the original's `Math.random` after `Math.seedrandom(seed)`).

    All methods consume the stream in the same way as the original's helpers,
    so calling them in the original's order gives the original's numbers.
    """

    def __init__(self, seed: str):
        self.seed = seed
        key = _seed_key(seed) or [0]  # an empty key is replaced by [0], as ARC4 does
        state = list(range(_WIDTH))
        j = 0
        key_length = len(key)
        for i in range(_WIDTH):
            t = state[i]
            j = (j + key[i % key_length] + t) & _MASK
            state[i] = state[j]
            state[j] = t
        self._state = state
        self._i = 0
        self._j = 0
        self._buffer = b""
        self._position = 0
        # RC4-drop[256]: the first 256 keystream bytes are thrown away.
        self._refill(_WIDTH)
        self._position = _WIDTH

    def to_state(self) -> dict:
        """Where the stream is, as plain JSON values: the seed, the ARC4 state
        (S as 512 hex digits, i, j) and the keystream bytes produced ahead but
        not yet read. `from_state` continues exactly where this stopped."""
        return {
            "seed": self.seed,
            "S": bytes(self._state).hex(),
            "i": self._i,
            "j": self._j,
            "unread": self._buffer[self._position :].hex(),
        }

    @classmethod
    def from_state(cls, state: dict) -> SeededStream:
        """The stream `to_state` described. Raises ValueError when `state` is not one."""
        try:
            table = bytes.fromhex(state["S"])
            unread = bytes.fromhex(state["unread"])
            i, j, seed = int(state["i"]), int(state["j"]), state["seed"]
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not a random-stream state: {error}") from None
        if len(table) != _WIDTH or sorted(table) != list(range(_WIDTH)) or not (0 <= i < _WIDTH and 0 <= j < _WIDTH):
            raise ValueError("not a random-stream state: the ARC4 table or counters are out of range")
        if not isinstance(seed, str):
            raise ValueError("not a random-stream state: the seed is not text")
        stream = cls.__new__(cls)
        stream.seed = seed
        stream._state = list(table)
        stream._i, stream._j = i, j
        stream._buffer, stream._position = unread, 0
        return stream

    def _refill(self, count: int) -> None:
        """Append `count` keystream bytes to the unread part of the buffer.

        Producing bytes ahead of use is invisible: nothing else reads the ARC4
        state, and bytes come out in the same order either way.
        """
        state, j = self._state, self._j
        produced: list[int] = []
        emit = produced.append
        # i just steps through 1, 2, ..., 255, 0, ...: take those values ready-made.
        steps = _I_CYCLE[self._i : self._i + count]
        for i in steps:
            t = state[i]
            j = (j + t) & _MASK
            state[i] = u = state[j]
            state[j] = t
            emit(state[(u + t) & _MASK])
        self._i, self._j = steps[-1], j
        self._buffer = self._buffer[self._position :] + bytes(produced)
        self._position = 0

    def _next_byte(self) -> int:
        if self._position >= len(self._buffer):
            self._refill(_CHUNK)
        value = self._buffer[self._position]
        self._position += 1
        return value

    def random(self) -> float:
        """The next double in [0, 1) (seedrandom's `prng()`)."""
        position = self._position
        if position + 7 > len(self._buffer):
            self._refill(_CHUNK)
            position = 0
        bytes7 = int.from_bytes(self._buffer[position : position + 7], "big")
        if bytes7 >= _SIGNIFICANCE:
            # Common case (first byte >= 16): 7 bytes suffice; n = bytes7 without
            # its last byte has the same bit length, so the halvings are known.
            self._position = position + 7
            halvings = max(bytes7.bit_length() - 53, 0)
            return float(bytes7 >> halvings) * _SEVEN_BYTE_SCALE[halvings]
        # Rare case: the numerator is still short of 52 bits; take more bytes.
        self._position = position + 6
        numerator = bytes7 >> 8
        denominator_bits = 48
        extra = 0
        while numerator < _SIGNIFICANCE:
            numerator = (numerator + extra) * _WIDTH
            denominator_bits += 8
            extra = self._next_byte()
        while numerator >= _OVERFLOW:
            numerator >>= 1  # exact: numerator is a multiple of 256 here
            denominator_bits -= 1
            extra >>= 1
        return math.ldexp(float(numerator + extra), -denominator_bits)

    def random_array(self, count: int) -> np.ndarray:
        """The next `count` doubles, shape (count,)."""
        draw = self.random
        return np.array([draw() for _ in range(count)], dtype=np.float64)

    def uniform(self, low: float, high: float) -> float:
        """A draw from U(low, high), computed as the original does: U·(high − low) + low."""
        return self.random() * (high - low) + low

    def normal(self, mean: float = 0.0, variance: float = 1.0) -> float:
        """A normal draw by the Marsaglia polar method, with the original's exact arithmetic.

        Pairs (v1, v2) are drawn until s = v1² + v2² is not above 1; v2 is then
        discarded. (s = 0 would give NaN, as in the original; it needs two exact
        0.5 draws in a row.) The logarithm is V8's Math.log (`engine.v8math`);
        sqrt is correctly rounded everywhere.
        """
        draw = self.random
        while True:
            v1 = 2 * draw() - 1
            v2 = 2 * draw() - 1
            s = v1 * v1 + v2 * v2
            if not s > 1:
                break
        result = math.sqrt(-2 * v8_log(s) / s) * v1 if s > 0 else math.nan
        return mean + math.sqrt(variance) * result

    def shuffle(self, items: list) -> None:
        """Shuffle `items` in place with the original's Fisher–Yates variant.

        For counter = n down to 1: index = ⌊U·counter⌋, counter −= 1, then swap
        items[counter] and items[index].
        """
        draw = self.random
        counter = len(items)
        while counter > 0:
            index = int(draw() * counter)
            counter -= 1
            items[counter], items[index] = items[index], items[counter]

    def new_seed(self) -> str:
        """A new seed string: the next draw written as JavaScript's `toFixed(5)` writes it."""
        return format_seed(self.random())


def format_seed(value: float) -> str:
    """`value.toFixed(5)` as JavaScript writes it, for a value in [0, 1).

    JavaScript picks the nearest multiple of 10^-5 to the exact binary value and
    the larger one on a tie (0.015625 gives "0.01563"); Python's own formatting
    would round that tie to even ("0.01562").
    """
    whole = math.floor(Fraction(value) * 100000 + Fraction(1, 2))
    return f"{whole // 100000}.{whole % 100000:05d}"
