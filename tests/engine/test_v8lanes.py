"""engine.v8lanes.tanh_lanes gives exactly V8's Math.tanh bits, like engine.v8math.tanh.

Oracles: V8's own answers (node at test time and the committed fixture), and the
scalar `v8math.tanh` on millions of arguments from every range fdlibm
distinguishes, with the thresholds and their neighbours one ulp either side.
The function is called the way the kernel calls it: in a compiled loop over an
array, where it runs in SIMD lanes.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest

from engine import v8math
from engine.v8lanes import tanh_lanes
from tests import v8_oracle


@numba.njit(error_model="numpy")
def _tanh_loop(values, out):
    for i in range(values.shape[0]):
        out[i] = tanh_lanes(values[i])


def lanes(values: np.ndarray) -> np.ndarray:
    values = np.ascontiguousarray(values, dtype=np.float64)
    out = np.empty_like(values)
    _tanh_loop(values, out)
    return out


def _assert_same(inputs, expected, actual):
    where = v8_oracle.mismatches(expected, actual)
    assert where.size == 0, v8_oracle.describe("tanh_lanes", inputs, expected, actual, where)


def test_identical_to_node():
    inputs = v8_oracle.oracle_inputs()
    try:
        outputs, _ = v8_oracle.run_node(inputs)
    except v8_oracle.NodeMissing as missing:
        pytest.fail(str(missing))
    _assert_same(inputs, outputs["tanh"], lanes(inputs))


def test_identical_to_the_committed_v8_answers():
    inputs, outputs = v8_oracle.read_fixture()
    _assert_same(inputs, outputs["tanh"], lanes(inputs))


def _thresholds() -> np.ndarray:
    """fdlibm's case boundaries for tanh and for the expm1 it calls (at u = ±2x),
    each with 4 neighbours either side, both signs."""
    words = [0x3E300000, 0x3FF00000, 0x40360000, 0x3FD62E42, 0x3FF0A2B2, 0x4043687A]
    points = [np.float64(np.uint64(w) << np.uint64(32)).item() for w in words]
    points += [p / 2 for p in points]  # tanh's x where expm1's u = 2x crosses
    points += [k * np.log(2) / 2 for k in range(-4, 70)]  # where k changes, and k = 20, 56
    points += [(k + 0.5) * np.log(2) / 2 for k in range(-4, 70)]
    values = []
    for p in points:
        below = above = np.float64(p)
        values.append(below)
        for _ in range(4):
            below, above = np.nextafter(below, -np.inf), np.nextafter(above, np.inf)
            values += [below, above]
    values = np.array(values)
    return np.concatenate([values, -values])


def test_identical_to_the_scalar_form_everywhere():
    rng = np.random.default_rng(20261202)
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 2.2250738585072014e-308, 1e308, -1e308])
    inputs = np.concatenate(
        [
            rng.normal(0.0, 1.0, 1_000_000),  # the usual totals of a network
            rng.normal(0.0, 8.0, 1_000_000),
            rng.uniform(-25.0, 25.0, 1_000_000),
            np.exp(rng.uniform(-700.0, 700.0, 500_000)) * rng.choice([-1.0, 1.0], 500_000),
            rng.integers(0, 2**64, 500_000, dtype=np.uint64).view(np.float64),  # any bit pattern
            _thresholds(),
            specials,
        ]
    )
    with np.errstate(all="ignore"):
        expected = v8math.tanh_array(inputs)
    _assert_same(inputs, expected, lanes(inputs))
