"""Speed of engine.v8math (V8's Math functions) where it matters: called per element
inside compiled (numba) loops, as a training kernel does, and as NumPy ufuncs.

For each function: nanoseconds per call in an njit loop summing f(x[i]) over
1,000,000 inputs from the range training and data generation use, the median over
`--repeats` runs in CPU time (the machine may be shared); beside it the same loop
over the C library's function (numba's math.*, which rounds differently) and the
ufunc's time per element. Prints a Markdown table.

    python benchmarks/v8math.py [--repeats 9]
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import sys
import time
from pathlib import Path

import numba
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import v8math  # noqa: E402

SIZE = 1_000_000


@numba.njit(cache=True)
def _libm_tanh(x):
    return math.tanh(x)


@numba.njit(cache=True)
def _libm_exp(x):
    return math.exp(x)


@numba.njit(cache=True)
def _libm_expm1(x):
    return math.expm1(x)


@numba.njit(cache=True)
def _libm_log(x):
    return math.log(x)


@numba.njit(cache=True)
def _libm_log1p(x):
    return math.log1p(x)


@numba.njit(cache=True)
def _libm_sin(x):
    return math.sin(x)


@numba.njit(cache=True)
def _libm_cos(x):
    return math.cos(x)


@numba.njit(cache=True)
def _sum_of(f, xs):
    """sum of f(x) over xs: one call per element, nothing hoisted."""
    total = 0.0
    for i in range(xs.shape[0]):
        total += f(xs[i])
    return total


# name -> (V8's scalar, the C library's, the ufunc, inputs (low, high))
CASES = {
    "tanh": (v8math.tanh, _libm_tanh, v8math.tanh_array, (-5.0, 5.0)),
    "exp": (v8math.exp, _libm_exp, v8math.exp_array, (-10.0, 10.0)),
    "expm1": (v8math.expm1, _libm_expm1, v8math.expm1_array, (-10.0, 10.0)),
    "log": (v8math.log, _libm_log, v8math.log_array, (1e-3, 10.0)),
    "log1p": (v8math.log1p, _libm_log1p, v8math.log1p_array, (-0.5, 5.0)),
    "sin": (v8math.sin, _libm_sin, v8math.sin_array, (-6.0, 6.0)),
    "cos": (v8math.cos, _libm_cos, v8math.cos_array, (-6.0, 6.0)),
    "sin, |x| < 1e5": (v8math.sin, _libm_sin, v8math.sin_array, (-1e5, 1e5)),
    "sin, |x| ~ 1e300": (v8math.sin, _libm_sin, v8math.sin_array, (1e299, 1e300)),
}


def _median_ns(run, repeats: int) -> float:
    run()  # compile or load, warm the caches
    times = []
    for _ in range(repeats):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times) / SIZE * 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    out = np.empty(SIZE)
    print(
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"NumPy {np.__version__}, numba {numba.__version__}; {SIZE:,} inputs, median of {args.repeats}"
    )
    print()
    print("| function | inputs | V8's, ns/call in njit | C library's, ns/call | ufunc, ns/element |")
    print("|---|---|---|---|---|")
    for name, (ours, libm, ufunc, (low, high)) in CASES.items():
        xs = rng.uniform(low, high, SIZE)
        v8_ns = _median_ns(lambda: _sum_of(ours, xs), args.repeats)
        libm_ns = _median_ns(lambda: _sum_of(libm, xs), args.repeats)
        ufunc_ns = _median_ns(lambda: ufunc(xs, out=out), args.repeats)
        print(f"| {name.split(',')[0]} | U({low:g}, {high:g}) | {v8_ns:.1f} | {libm_ns:.1f} | {ufunc_ns:.1f} |")


if __name__ == "__main__":
    main()
