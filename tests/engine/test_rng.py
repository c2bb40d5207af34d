"""The seeded stream against seedrandom 2.4.4 and the original app's random helpers."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest

from engine import v8math
from engine.rng import SeededStream, format_seed


def test_uniform_matches_seedrandom_for_every_seed(seedrandom_vectors):
    cases = seedrandom_vectors["uniform"]
    assert any(len(case["seed"]) >= 256 for case in cases), "the long (folded) seed must be covered"
    for case in cases:
        stream = SeededStream(case["seed"])
        drawn = [stream.random() for _ in case["values"]]
        assert drawn == case["values"], f"seed {case['seed'][:20]!r}"


def test_uniform_vectors_cover_draws_that_need_more_than_seven_bytes(seedrandom_vectors):
    # A first keystream byte below 16 (a value below 1/16) takes the longer path.
    values = [v for case in seedrandom_vectors["uniform"] for v in case["values"]]
    assert any(v < 1 / 16 for v in values)


def test_spec_vectors():
    assert SeededStream("hello.").random() == 0.9282578795792454
    stream = SeededStream("0.12345")
    assert [stream.random() for _ in range(5)] == [
        0.9152007406557323,
        0.4702753218035592,
        0.2736265229359467,
        0.4061024686767439,
        0.17774293688520318,
    ]


def test_normal_matches_the_original_helper(seedrandom_vectors):
    for case in seedrandom_vectors["normal"]:
        stream = SeededStream(case["seed"])
        drawn = [stream.normal(case["mean"], case["variance"]) for _ in case["values"]]
        assert drawn == case["values"]  # exact: the logarithm is V8's (engine.v8math)


def test_normal_uses_two_uniforms_per_accepted_pair():
    stream, twin = SeededStream("0.12345"), SeededStream("0.12345")
    value = stream.normal(0.0, 1.0)
    while True:
        v1, v2 = 2 * twin.random() - 1, 2 * twin.random() - 1
        s = v1 * v1 + v2 * v2
        if s <= 1:
            break
    assert value == math.sqrt(-2 * v8math.log(s) / s) * v1
    assert stream.random() == twin.random()


def test_shuffle_matches_the_original(seedrandom_vectors):
    case = seedrandom_vectors["shuffle"]
    items = list(case["input"])
    SeededStream(case["seed"]).shuffle(items)
    assert items == case["output"]


def test_shuffle_draws_once_per_element():
    stream, twin = SeededStream("abc"), SeededStream("abc")
    items = list(range(37))
    stream.shuffle(items)
    assert sorted(items) == list(range(37))
    for _ in range(37):
        twin.random()
    assert stream.random() == twin.random()


def test_short_seed_key_is_char_codes_mod_256():
    # "Ā" is code 256, so its key byte is 0, the same as "\x00"'s.
    assert SeededStream("Ā").random() == SeededStream("\x00").random()
    assert SeededStream("\u0161b").random() == SeededStream("ab").random()  # 0x161 mod 256 = 0x61


def test_empty_seed_uses_the_key_zero():
    assert SeededStream("").random() == SeededStream("\x00").random()


def test_characters_beyond_256_still_change_the_stream():
    base = "x" * 256
    assert SeededStream(base + "a").random() != SeededStream(base + "b").random()
    assert SeededStream(base + "a").random() != SeededStream(base).random()


def test_astral_characters_count_as_two_code_units():
    # JavaScript sees U+1F600 as the surrogates D83D DE00, i.e. key bytes 0x3D, 0x00.
    assert SeededStream("\U0001f600").random() == SeededStream("\x3d\x00").random()


def test_same_seed_same_stream_and_different_seeds_differ():
    a, b, c = SeededStream("seed"), SeededStream("seed"), SeededStream("seeD")
    first = [a.random() for _ in range(500)]
    assert first == [b.random() for _ in range(500)]
    assert first != [c.random() for _ in range(500)]


def test_values_lie_in_unit_interval_and_look_uniform():
    values = SeededStream("statistics").random_array(20000)
    assert values.min() >= 0.0 and values.max() < 1.0
    assert abs(values.mean() - 0.5) < 0.01
    assert abs(values.var() - 1 / 12) < 0.003
    counts, _ = np.histogram(values, bins=16, range=(0, 1))
    assert counts.min() > 1100 and counts.max() < 1400


def test_random_array_continues_the_same_stream():
    stream, twin = SeededStream("0.99999"), SeededStream("0.99999")
    block = stream.random_array(1000)
    assert block.shape == (1000,) and block.dtype == np.float64
    assert block.tolist() == [twin.random() for _ in range(1000)]
    assert stream.random() == twin.random()


def test_uniform_is_scaled_and_shifted_draw():
    stream, twin = SeededStream("1"), SeededStream("1")
    for low, high in ((-6, 6), (0, 2 * math.pi), (3.5, 5)):
        assert stream.uniform(low, high) == twin.random() * (high - low) + low


def test_new_seed_is_the_next_draw_to_five_decimals():
    stream = SeededStream("0.12345")
    assert stream.new_seed() == "0.91520"  # 0.9152007406557323
    assert stream.new_seed() == "0.47028"  # 0.4702753218035592


@pytest.mark.parametrize(
    "value, expected",
    [
        (0.015625, "0.01563"),  # an exact tie: JavaScript rounds up, Python's format gives 0.01562
        (0.5, "0.50000"),
        (0.0, "0.00000"),
        (0.000005, "0.00001"),  # the double is slightly above the tie
        (0.123455, "0.12345"),  # the double is slightly below the tie
        (0.999996, "1.00000"),
        (0.9152007406557323, "0.91520"),
    ],
)
def test_format_seed_rounds_like_javascript_to_fixed(value, expected):
    assert format_seed(value) == expected


def test_format_seed_agrees_with_exact_half_up_rounding():
    for value in SeededStream("format").random_array(2000).tolist() + [k / 64 for k in range(64)]:
        exact = Decimal(value).quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)
        assert format_seed(value) == f"{exact:.5f}"
