"""engine.v8math against V8 itself: bit-identical results for tanh, exp, expm1, log,
log1p, sin and cos on the whole double range.

Two oracles: `node` (the V8 that made the reference runs) asked at test time on about
285,000 inputs, and the committed fixture of V8's answers on 2,400 inputs
(tests/data/v8math/), which needs no node.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest

from engine import v8math
from tests import v8_oracle


@pytest.fixture(scope="module")
def node_results():
    """(inputs, {function: V8's results}) from node, computed once for the module."""
    inputs = v8_oracle.oracle_inputs()
    try:
        outputs, versions = v8_oracle.run_node(inputs)
    except v8_oracle.NodeMissing as missing:
        pytest.fail(str(missing))
    assert versions["node"] == "v20.20.2", versions
    return inputs, outputs


def _check(name, inputs, expected):
    with np.errstate(all="ignore"):  # NaN and inf inputs raise FP flags, as in NumPy
        actual = v8math.ARRAY_FUNCTIONS[name](inputs)
    where = v8_oracle.mismatches(expected, actual)
    assert where.size == 0, v8_oracle.describe(name, inputs, expected, actual, where)


def test_the_oracle_inputs_cover_the_ranges():
    inputs = v8_oracle.oracle_inputs()
    assert inputs.size > 250_000
    finite = inputs[np.isfinite(inputs)]
    exponents = np.unique(np.frexp(finite[finite != 0])[1])
    assert exponents.min() <= -1073 and exponents.max() == 1024  # subnormals up to the top binade
    assert np.isnan(inputs).any() and np.isposinf(inputs).any() and np.isneginf(inputs).any()
    assert (np.signbit(inputs) & (inputs == 0)).any()  # -0


@pytest.mark.parametrize("name", v8_oracle.ENGINE_FUNCTIONS)
def test_bit_identical_to_node(node_results, name):
    inputs, outputs = node_results
    _check(name, inputs, outputs[name])


def test_pow_two_is_x_times_x_in_node(node_results):
    """The original's squared error is Math.pow(x, 2): fdlibm returns x*x for y == 2."""
    inputs, outputs = node_results
    with np.errstate(all="ignore"):
        squares = inputs * inputs
    where = v8_oracle.mismatches(outputs["pow2"], squares)
    assert where.size == 0, v8_oracle.describe("pow2", inputs, outputs["pow2"], squares, where)


@pytest.fixture(scope="module")
def fixture_results():
    return v8_oracle.read_fixture()


def test_fixture_is_v8s_and_complete(fixture_results):
    header = v8_oracle.FIXTURE.read_text().splitlines()[0]
    assert "v20.20.2" in header and "V8 11.3" in header
    inputs, outputs = fixture_results
    assert inputs.size >= 2000 and set(outputs) == set(v8_oracle.FUNCTIONS)
    assert all(values.size == inputs.size for values in outputs.values())


@pytest.mark.parametrize("name", v8_oracle.ENGINE_FUNCTIONS)
def test_bit_identical_to_the_committed_v8_results(fixture_results, name):
    inputs, outputs = fixture_results
    _check(name, inputs, outputs[name])


def test_pow_two_is_x_times_x_in_the_committed_results(fixture_results):
    inputs, outputs = fixture_results
    with np.errstate(all="ignore"):
        squares = inputs * inputs
    assert v8_oracle.mismatches(outputs["pow2"], squares).size == 0


def _bits(value: float) -> int:
    return int(np.float64(value).view(np.uint64))


@pytest.mark.parametrize(
    "name, x, expected",
    [
        ("exp", -math.inf, 0.0),
        ("exp", math.inf, math.inf),
        ("exp", 710.0, math.inf),
        ("exp", -746.0, 0.0),
        ("exp", 0.0, 1.0),
        ("exp", -0.0, 1.0),
        ("exp", 1.0, math.e),
        ("exp", -745.0, 5e-324),
        ("expm1", -math.inf, -1.0),
        ("expm1", -0.0, -0.0),
        ("expm1", -40.0, -1.0),
        ("expm1", 1e-300, 1e-300),
        ("tanh", math.inf, 1.0),
        ("tanh", -math.inf, -1.0),
        ("tanh", -0.0, -0.0),
        ("tanh", 30.0, 1.0),
        ("tanh", 5e-324, 5e-324),
        ("log", 0.0, -math.inf),
        ("log", -0.0, -math.inf),
        ("log", 1.0, 0.0),
        ("log", math.inf, math.inf),
        ("log1p", -1.0, -math.inf),
        ("log1p", -0.0, -0.0),
        ("log1p", math.inf, math.inf),
        ("sin", -0.0, -0.0),
        ("sin", 5e-324, 5e-324),
        ("cos", 0.0, 1.0),
        ("cos", -5e-324, 1.0),
    ],
)
def test_special_values(name, x, expected):
    scalar = v8math.FUNCTIONS[name]
    assert _bits(scalar(x)) == _bits(expected)


@pytest.mark.parametrize(
    "name, x",
    [
        ("exp", math.nan),
        ("tanh", math.nan),
        ("log", -1.0),
        ("log", -math.inf),
        ("log1p", -2.0),
        ("sin", math.inf),
        ("cos", -math.inf),
        ("sin", math.nan),
        ("expm1", math.nan),
    ],
)
def test_nan_results(name, x):
    assert math.isnan(v8math.FUNCTIONS[name](x))


def test_huge_arguments_are_reduced_exactly():
    """sin and cos of huge doubles are V8's (the Payne–Hanek reduction), not noise:
    values checked against node once and fixed here."""
    assert v8math.sin(1e300) == -0.8178819121159085
    assert v8math.cos(1e22) == 0.523214785395139
    closest_to_a_multiple_of_half_pi = math.ldexp(6381956970095103.0, 797)
    assert v8math.cos(closest_to_a_multiple_of_half_pi) == -4.687165924254628e-19
    assert v8math.sin(closest_to_a_multiple_of_half_pi) == 1.0


def test_scalars_work_inside_numba_code():
    """The scalar functions compose with other jitted code (a training kernel)."""

    @numba.njit
    def neuron(w, x, b):
        return v8math.tanh(b + w * v8math.sin(x)) + v8math.exp(-v8math.log(x)) + v8math.expm1(v8math.log1p(x))

    x, w, b = 0.7, 1.3, -0.2
    expected = v8math.tanh(b + w * v8math.sin(x)) + v8math.exp(-v8math.log(x)) + v8math.expm1(v8math.log1p(x))
    assert _bits(neuron(w, x, b)) == _bits(expected)


def test_scalars_equal_the_ufuncs_and_ufuncs_take_out():
    x = np.random.default_rng(3).uniform(-8, 8, (50, 4))
    for name, scalar in v8math.FUNCTIONS.items():
        ufunc = v8math.ARRAY_FUNCTIONS[name]
        argument = np.abs(x) if name.startswith("log") else x
        out = np.empty_like(argument)
        result = ufunc(argument, out=out)
        assert result is out and out.shape == (50, 4)
        assert [_bits(v) for v in out.ravel()[:40]] == [_bits(scalar(float(v))) for v in argument.ravel()[:40]]


def test_pi_tables_are_the_published_ones():
    """The tables derived from integer pi match fdlibm's published words."""
    assert v8math._TWO_OVER_PI[:4].tolist() == [0xA2F983, 0x6E4E44, 0x1529FC, 0x2757D1]
    assert v8math._TWO_OVER_PI[-2:].tolist() == [0x60E27B, 0xC08C6B]
    assert [_bits(v) for v in v8math._PIO2[[0, 1, 7]]] == [0x3FF921FB40000000, 0x3E74442D00000000, 0x3569F31D00000000]
    assert v8math._NPIO2_HW[[0, 1, 2, 31]].tolist() == [0x3FF921FB, 0x400921FB, 0x4012D97C, 0x404921FB]
    # 2/pi from the chunks agrees with 2/math.pi; pi/2 from its pieces with math.pi/2.
    two_over_pi = sum(float(c) * 2.0 ** (-24 * (i + 1)) for i, c in enumerate(v8math._TWO_OVER_PI[:4]))
    assert two_over_pi == 2 / math.pi
    assert math.fsum(v8math._PIO2) == math.pi / 2


def test_any_real_argument_is_taken_as_a_double():
    """JavaScript numbers are doubles: integers give the same bits as their float64."""
    assert _bits(v8math.exp(1)) == _bits(v8math.exp(1.0)) == _bits(math.e)
    assert _bits(v8math.sin(3)) == _bits(v8math.sin(3.0))
    integers = np.arange(-5, 6)
    assert np.array_equal(v8math.tanh_array(integers), v8math.tanh_array(integers.astype(np.float64)))
