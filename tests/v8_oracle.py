"""V8 itself as the oracle for `engine.v8math`: inputs that probe every branch of the
fdlibm algorithms, a runner that evaluates V8's Math functions on them in `node`,
and the committed fixture of V8's answers (`tests/data/v8math/`).

Numbers cross the process boundary as raw little-endian float64 files, so nothing
is lost in printing. Outputs are compared as 64-bit patterns; two NaNs count as
equal whatever their payload (JavaScript does not define NaN bit patterns).

Write the fixture again (needs node):  python -m tests.v8_oracle
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

# The functions V8 is asked for, in output order. "pow2" is Math.pow(x, 2), which
# must equal x*x (see engine.v8math's docstring).
FUNCTIONS = ("tanh", "exp", "expm1", "log", "log1p", "sin", "cos", "pow2")
ENGINE_FUNCTIONS = FUNCTIONS[:-1]
# The runtime that made the reference runs: Node.js v20.20.2 with V8 11.3.
EXPECTED_V8 = "11.3."
FIXTURE = Path(__file__).resolve().parent / "data" / "v8math" / "v8math.txt"

NODE_SCRIPT = r"""
const fs = require('fs');
const [inPath, outPath] = process.argv.slice(2);
const raw = fs.readFileSync(inPath);
const x = new Float64Array(raw.buffer, raw.byteOffset, raw.length / 8);
const n = x.length;
const fns = [Math.tanh, Math.exp, Math.expm1, Math.log, Math.log1p, Math.sin, Math.cos,
             (v) => Math.pow(v, 2)];
const out = new Float64Array(n * fns.length);
for (let k = 0; k < fns.length; k++) {
  const f = fns[k];
  for (let i = 0; i < n; i++) out[k * n + i] = f(x[i]);
}
fs.writeFileSync(outPath, Buffer.from(out.buffer));
process.stdout.write(JSON.stringify({node: process.version, v8: process.versions.v8}));
"""


class NodeMissing(RuntimeError):
    """node is not installed, or is not the V8 that made the reference runs."""


def node_versions() -> dict:
    """{"node": "v20.20.2", "v8": "11.3.244.8-node.38"} of the `node` on PATH."""
    node = shutil.which("node")
    if node is None:
        raise NodeMissing(
            "node was not found on PATH: the V8 oracle tests need Node.js v20.20.2 (V8 11.3), "
            "the runtime that made the reference runs"
        )
    result = subprocess.run(
        [node, "-p", "JSON.stringify({node: process.version, v8: process.versions.v8})"],
        capture_output=True,
        text=True,
        check=True,
    )
    versions = json.loads(result.stdout)
    if not versions["v8"].startswith(EXPECTED_V8):
        raise NodeMissing(
            f"node {versions['node']} runs V8 {versions['v8']}, but the reference runs were made with "
            f"V8 {EXPECTED_V8}x (Node.js v20.20.2); other V8 versions may compute sin and cos differently"
        )
    return versions


def run_node(inputs: np.ndarray) -> tuple[dict[str, np.ndarray], dict]:
    """V8's results on `inputs` (n,) float64: ({function: (n,) float64}, versions)."""
    versions = node_versions()
    inputs = np.ascontiguousarray(inputs, dtype="<f8")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "oracle.js").write_text(NODE_SCRIPT)
        inputs.tofile(folder / "in.bin")
        subprocess.run(
            [shutil.which("node"), str(folder / "oracle.js"), str(folder / "in.bin"), str(folder / "out.bin")],
            capture_output=True,
            text=True,
            check=True,
        )
        outputs = np.fromfile(folder / "out.bin", dtype="<f8").reshape(len(FUNCTIONS), len(inputs))
    return dict(zip(FUNCTIONS, outputs)), versions


def mismatches(expected: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Indexes where the 64-bit patterns differ (any NaN equals any NaN)."""
    different = expected.view(np.int64) != actual.view(np.int64)
    return np.flatnonzero(different & ~(np.isnan(expected) & np.isnan(actual)))


def describe(
    name: str, inputs: np.ndarray, expected: np.ndarray, actual: np.ndarray, where: np.ndarray, limit: int = 8
) -> str:
    """A readable report of the first mismatches, bit patterns included."""
    lines = [f"{name}: {len(where)} of {len(inputs)} results differ from V8's"]
    for i in where[:limit]:
        lines.append(
            f"  {name}({inputs[i]!r} = {hex_bits(inputs[i])}): V8 {expected[i]!r} "
            f"({hex_bits(expected[i])}), ours {actual[i]!r} ({hex_bits(actual[i])})"
        )
    return "\n".join(lines)


def hex_bits(value: float) -> str:
    return f"{int(np.float64(value).view(np.uint64)):016x}"


def from_hex(words) -> np.ndarray:
    return np.array([int(w, 16) for w in words], dtype=np.uint64).view(np.float64)


# ------------------------------------------------------------------ the inputs


def _doubles(bits) -> np.ndarray:
    return np.asarray(bits, dtype=np.uint64).view(np.float64)


def _with_words(highs, lows) -> np.ndarray:
    highs = np.asarray(highs, dtype=np.uint64) & np.uint64(0xFFFFFFFF)
    lows = np.asarray(lows, dtype=np.uint64) & np.uint64(0xFFFFFFFF)
    return _doubles((highs << np.uint64(32)) | lows)


def _neighbours(values, ulps: int) -> np.ndarray:
    """Each value and the `ulps` doubles on either side of it."""
    values = np.asarray(values, dtype=np.float64)
    out = [values]
    up = down = values
    for _ in range(ulps):
        up = np.nextafter(up, np.inf)
        down = np.nextafter(down, -np.inf)
        out += [up, down]
    return np.concatenate(out)


def _pi_scaled(bits: int) -> int:
    """pi·2^bits (rounded down, within a unit), Machin's formula in integers."""

    def arctan_inverse(n: int, b: int) -> int:
        term = (1 << b) // n
        total, k, sign = term, 1, -1
        while term:
            term //= n * n
            total += sign * (term // (2 * k + 1))
            sign, k = -sign, k + 1
        return total

    guard = 64
    return (16 * arctan_inverse(5, bits + guard) - 4 * arctan_inverse(239, bits + guard)) >> guard


def _nearest_multiples_of_half_pi(ns) -> np.ndarray:
    """The doubles nearest n·pi/2 (where sin or cos is almost 0: the reduction's hard part)."""
    bits = 1200
    half_pi = _pi_scaled(bits)  # pi/2 · 2^(bits+1)
    out = []
    for n in ns:
        value = int(n) * half_pi
        shift = value.bit_length() - 53
        mantissa = (value + (1 << (shift - 1))) >> shift  # nearest, ties up (ties cannot occur)
        out.append(math.ldexp(float(mantissa), shift - bits - 1))
    return np.array(out, dtype=np.float64)


SPECIAL_VALUES = np.concatenate(
    [
        np.array(
            [
                0.0,
                -0.0,
                np.inf,
                -np.inf,
                np.nan,
                -np.nan,
                1.0,
                -1.0,
                0.5,
                -0.5,
                2.0,
                -2.0,
                np.e,
                np.pi,
                -np.pi,
                np.pi / 2,
                np.pi / 4,
                3 * np.pi / 4,
                np.log(2),
                1e-300,
                1e300,
                -1e300,
                1e22,
                1e308,
                -1e308,
                22.0,
                -22.0,
                709.0,
                710.0,
                -745.0,
                -746.0,
                1e-20,
            ]
        ),
        _doubles(
            [
                1,
                0x000FFFFFFFFFFFFF,
                0x0010000000000000,
                0x7FEFFFFFFFFFFFFF,
                0x0000000000000002,
                0x8000000000000001,
                0x800FFFFFFFFFFFFF,
                0x8010000000000000,
                0xFFEFFFFFFFFFFFFF,
                0x7FF8000000000001,
                0x7FF0000000000001,
                0xFFF8000000000000,
            ]
        ),
    ]
)

# High words where some algorithm changes branch (thresholds of |x|).
_BRANCH_HIGH_WORDS = [
    0x40862E42,
    0x3FD62E42,
    0x3FF0A2B2,
    0x3E300000,
    0x4043687A,
    0x3C900000,  # exp, expm1
    0x40360000,
    0x3FF00000,  # tanh
    0x00100000,
    0x7FF00000,
    0x7FEFFFFF,
    0x3FDA827A,
    0x3FD2BEC4,
    0x3E200000,
    0x43400000,  # log, log1p
    0x3FE921FB,
    0x3E400000,
    0x4002D97C,
    0x3FF921FB,
    0x413921FB,
    0x3FD33333,
    0x3FE90000,  # sin, cos
]
# Mantissa high bits where log and log1p change branch (for many exponents).
_LOG_MANTISSAS = [0x6A09C, 0x6A09D, 0x6A09E, 0x6147A, 0x6B851, 0xFFFFD, 0xFFFFE, 0xFFFFF, 0x00000, 0x00001, 0x00002]
_LOW_WORDS = [0, 1, 2, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF]


def hard_inputs(rng: np.random.Generator) -> np.ndarray:
    """Special values and the hard cases of each algorithm (thresholds, branch edges,
    near multiples of pi/2, huge arguments, subnormals)."""
    parts = [SPECIAL_VALUES]
    # Around every branch threshold: high word −1, itself, +1, low words at the edges and random.
    highs, lows = [], []
    for high in _BRANCH_HIGH_WORDS:
        for h in (high - 1, high, high + 1):
            for sign in (0, 0x80000000):
                for low in _LOW_WORDS + list(rng.integers(0, 2**32, 6)):
                    highs.append(h | sign)
                    lows.append(low)
    parts.append(_with_words(highs, lows))
    # The thresholds themselves and their neighbours.
    parts.append(
        _neighbours(
            [
                709.782712893383973096,
                -745.13321910194110842,
                7.09782712893383973096e02,
                0.5 * np.log(2),
                1.5 * np.log(2),
                56 * np.log(2),
                20 * np.log(2),
                2.0**-28,
                2.0**-54,
                2.0**-27,
                2.0**-29,
                0.3,
                0.78125,
                -0.2928932188134524,
                0.41421356237309503,
                2.0**53,
                -1.0,
                1.0,
                2.0**-1022,
                22.0,
                np.pi / 4,
                3 * np.pi / 4,
                0.25,
                -0.25,
                0.5,
                -0.5,
            ],
            4,
        )
    )
    # exp and expm1 around every rounding point of k = int(x/ln2 ± 1/2), and at the
    # ends of the range (subnormal results, k = 1024).
    k = np.arange(-1080, 1030)
    parts.append(_neighbours((k + 0.5) * np.log(2), 2))
    parts.append(rng.uniform(-745.2, -707.0, 3000))
    parts.append(rng.uniform(700.0, 709.8, 1000))
    # log, log1p: mantissa branch edges at many exponents.
    exponents = np.arange(0x001, 0x7FF, 7)
    highs = (exponents[:, None] << 20 | np.array(_LOG_MANTISSAS)[None, :]).ravel()
    parts.append(_with_words(highs, rng.integers(0, 2**32, highs.size)))
    parts.append(_with_words(highs, np.zeros(highs.size, dtype=np.int64)))
    parts.append(_neighbours(1.0 + rng.uniform(-(2.0**-19), 2.0**-19, 500), 1))
    parts.append(-1.0 + rng.uniform(0, 1e-6, 300))  # log1p next to −1
    # sin, cos: next to n·pi/2 for small n, random n up to 2^19 (medium reduction),
    # and huge n (the Payne–Hanek reduction), on both sides and both signs.
    ns = np.concatenate(
        [np.arange(1, 2049), rng.integers(2049, 2**20, 1500), rng.integers(2**20, 2**62, 500, dtype=np.int64)]
    )
    near = _nearest_multiples_of_half_pi(ns)
    near = _neighbours(near, 2)
    parts += [near, -near]
    # The double closest to a multiple of pi/2 (6381956970095103·2^797), and other huge round numbers.
    parts.append(_neighbours([math.ldexp(6381956970095103.0, 797), 1e22, 1e300, 2.0**1023], 3))
    # Huge arguments: every exponent from 2^20 up with random mantissas, and the top binade.
    exponents = np.repeat(np.arange(1043, 2047), 8)
    huge = _doubles(
        (exponents.astype(np.uint64) << np.uint64(52)) | rng.integers(0, 2**52, exponents.size, dtype=np.uint64)
    )
    parts += [huge, -huge]
    # Subnormals.
    sub = _doubles(rng.integers(1, 2**52, 2000, dtype=np.uint64))
    parts += [sub, -sub]
    return np.concatenate(parts)


def random_inputs(rng: np.random.Generator, count: int) -> np.ndarray:
    """`count` random doubles over many ranges: any bit pattern, every exponent, and
    the ranges training and data generation live in."""
    share = count // 8
    any_bits = _doubles(rng.integers(0, 2**64, share, dtype=np.uint64))
    every_exponent = _doubles(
        (rng.integers(0, 2047, share, dtype=np.uint64) << np.uint64(52))
        | rng.integers(0, 2**52, share, dtype=np.uint64)
        | (rng.integers(0, 2, share, dtype=np.uint64) << np.uint64(63))
    )
    log_uniform = np.exp(rng.uniform(np.log(1e-20), np.log(1e20), share)) * rng.choice([-1.0, 1.0], share)
    rest = count - 7 * share
    return np.concatenate(
        [
            any_bits,
            every_exponent,
            log_uniform,
            rng.uniform(-1, 1, share),
            rng.uniform(-30, 30, share),
            rng.uniform(-800, 800, share),
            rng.uniform(-1e6, 1e6, share),
            rng.uniform(0, 7, rest),
        ]
    )


def oracle_inputs(seed: int = 20240520, random_count: int = 200_000) -> np.ndarray:
    """The hard cases followed by `random_count` random doubles (about 300,000 in all)."""
    rng = np.random.default_rng(seed)
    return np.concatenate([hard_inputs(rng), random_inputs(rng, random_count)])


# --------------------------------------------------------------------- fixture


def write_fixture(path: Path = FIXTURE, seed: int = 7, count: int = 2400) -> None:
    """Sample `count` inputs (every special value, the rest from the hard cases and
    random doubles), ask node for V8's results and write them as hex bit patterns."""
    rng = np.random.default_rng(seed)
    hard = hard_inputs(rng)
    random = random_inputs(rng, 8000)
    picked_hard = rng.choice(hard[len(SPECIAL_VALUES) :], (count - len(SPECIAL_VALUES)) * 2 // 3, replace=False)
    picked_random = rng.choice(random, count - len(SPECIAL_VALUES) - len(picked_hard), replace=False)
    inputs = np.concatenate([SPECIAL_VALUES, picked_hard, picked_random])
    outputs, versions = run_node(inputs)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as out:
        out.write(f"# V8's Math functions, from Node.js {versions['node']} (V8 {versions['v8']}).\n")
        out.write("# Every number is a float64 bit pattern in hex. Made by: python -m tests.v8_oracle\n")
        out.write("# " + " ".join(("x",) + FUNCTIONS) + "\n")
        for i, x in enumerate(inputs):
            out.write(" ".join([hex_bits(x)] + [hex_bits(outputs[name][i]) for name in FUNCTIONS]) + "\n")


def read_fixture(path: Path = FIXTURE) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(inputs (n,), {function: V8's results (n,)}) from the committed fixture."""
    rows = [line.split() for line in path.read_text().splitlines() if line and not line.startswith("#")]
    columns = list(zip(*rows))
    return from_hex(columns[0]), {name: from_hex(columns[k + 1]) for k, name in enumerate(FUNCTIONS)}


if __name__ == "__main__":
    write_fixture(Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURE)
    print(f"wrote {FIXTURE if len(sys.argv) < 2 else sys.argv[1]}")
