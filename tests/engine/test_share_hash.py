"""The share-link codec: the original's example hashes, every key's edge cases,
our own keys, unknown and hide keys, damaged links and hostile input."""

from __future__ import annotations

import math
import random

import pytest

from engine.settings import BY_NAME, OUR_HIDE_NAMES, SETTINGS, Kind, coerce_all, defaults
from engine.share_hash import ParsedHash, canonical, js_number, js_to_number, parse_hash, set_hidden, write_hash
from server.i18n import english

# The example hashes the original app wrote (spec §6.5), without '#'.
EXAMPLE_1 = (
    "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&regularizationRate=0"
    "&noise=0&networkShape=4,2&seed=0.79187&showTestData=false&discretize=false&percTrainData=50&x=true&y=true"
    "&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false"
    "&problem=classification&initZero=false&hideText=false"
)
EXAMPLE_2 = (
    "activation=tanh&batchSize=10&dataset=xor&regDataset=reg-plane&learningRate=0.03&regularizationRate=0"
    "&noise=0&networkShape=4,2&seed=0.62930&showTestData=false&discretize=false&percTrainData=50&x=true&y=true"
    "&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false"
    "&problem=classification&initZero=false&hideText=false"
)
EXAMPLE_3 = (
    "activation=relu&regularization=L1&batchSize=25&dataset=xor&regDataset=reg-plane&learningRate=0.1"
    "&regularizationRate=0.003&noise=15&networkShape=4,2,2&seed=0.58607&showTestData=true&discretize=true"
    "&percTrainData=70&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false"
    "&cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false"
)
EXAMPLE_4 = (
    "activation=relu&regularization=L1&batchSize=25&dataset=xor&regDataset=reg-plane&learningRate=0.1"
    "&regularizationRate=0.003&noise=15&networkShape=&seed=0.48983&showTestData=true&discretize=true"
    "&percTrainData=70&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false"
    "&cosY=false&sinY=false&collectStats=false&problem=regression&initZero=false&hideText=false"
)
EXAMPLE_5 = (
    "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03&regularizationRate=0"
    "&noise=0&networkShape=5,2&seed=0.12345&showTestData=false&discretize=false&percTrainData=50&x=false&y=true"
    "&xTimesY=false&xSquared=true&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false"
    "&problem=classification&initZero=false&hideText=false&showTestData_hide=true"
)
EXAMPLE_6_INPUT = (
    "networkShape=9,9,9,9,9,9,9&seed=1&learningRate=abc&x=0&y=no&activation=foo&noise=70&bogus=3"
    "&foo_hide=true&percTrainData=95"
)
EXAMPLE_6_ORIGINAL_OUTPUT = (
    "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=NaN&regularizationRate=0"
    "&noise=70&networkShape=9,9,9,9,9,9,9&seed=1&showTestData=false&discretize=false&percTrainData=95&x=true"
    "&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false"
    "&collectStats=false&problem=classification&initZero=false&hideText=false&foo_hide=true"
)


def only(key: str, value: str) -> ParsedHash:
    return parse_hash(f"{key}={value}")


def texts(parsed: ParsedHash) -> list[str]:
    """The link's notices in English (the catalog's words, server/i18n.py)."""
    return [english(notice) for notice in parsed.notices]


def notices_about(parsed: ParsedHash, key: str) -> list[str]:
    """The notices about `key=value…`: their code names the link (link_*) and
    their params the key and the value as given; in English, they start so."""
    name, _, value = key.partition("=")
    found = [
        notice
        for notice in parsed.notices
        if notice.code.startswith("link_")
        and notice.params["key"] == name
        and str(notice.params.get("value", "")).startswith(value)
    ]
    assert all(english(notice).startswith(key) for notice in found)
    return found


# ---------------------------------------------------------------------------
# The original's example hashes


@pytest.mark.parametrize("example", [EXAMPLE_1, EXAMPLE_2, EXAMPLE_3, EXAMPLE_4, EXAMPLE_5])
def test_original_examples_round_trip_exactly(example):
    written, parsed = canonical(example)
    assert written == example
    assert parsed.notices == []
    assert parse_hash("#" + example).settings == parsed.settings


def test_example_values_are_read_as_the_original_reads_them():
    three = parse_hash(EXAMPLE_3).settings
    assert three["activation"] == "relu" and three["regularization"] == "L1"
    assert three["batchSize"] == 25 and three["learningRate"] == 0.1 and three["regularizationRate"] == 0.003
    assert three["noise"] == 15 and three["networkShape"] == (4, 2, 2) and three["seed"] == "0.58607"
    assert three["showTestData"] is True and three["discretize"] is True and three["percTrainData"] == 70
    four = parse_hash(EXAMPLE_4).settings
    assert four["networkShape"] == () and four["problem"] == "regression" and four["dataset"] == "xor"
    five = parse_hash(EXAMPLE_5)
    assert five.settings["x"] is False and five.settings["xSquared"] is True
    assert five.hidden == {"showTestData": True}
    # A classroom link made for the original also hides our extra controls.
    assert five.hidden_controls() == [
        "showTestData",
        "optimizer",
        "loss",
        "init",
        "dropout",
        "speed",
        "classes",
        "lrSchedule",
        "stop",
    ]


def test_untouched_setup_writes_exactly_the_originals_hash():
    settings = defaults()
    settings["seed"] = "0.79187"
    assert write_hash(settings) == EXAMPLE_1


def test_example_6_is_rewritten_as_the_original_except_where_we_fix_it():
    written, parsed = canonical("#" + EXAMPLE_6_INPUT)
    # Ours: the NaN learning rate becomes the default (with a notice) and the
    # unknown key is kept, before the hide keys.
    expected = EXAMPLE_6_ORIGINAL_OUTPUT.replace("learningRate=NaN", "learningRate=0.03").replace(
        "&foo_hide=true", "&bogus=3&foo_hide=true"
    )
    assert written == expected
    settings = parsed.settings
    assert settings["networkShape"] == (9,) * 7
    assert settings["x"] is True and settings["y"] is True  # any value but "false" is true
    assert settings["noise"] == 70 and settings["percTrainData"] == 95 and settings["seed"] == "1"
    assert settings["activation"] == "tanh" and settings["learningRate"] == 0.03
    assert parsed.unknown == [("bogus", "3")]
    assert parsed.hidden == {"foo": True}
    assert len(parsed.notices) == 2
    assert notices_about(parsed, "activation=foo") and notices_about(parsed, "learningRate=abc")


@pytest.mark.parametrize(
    "noise, expected", [("90", 50), ("81", 50), ("2000", 50), ("Infinity", 50), ("-5", 0), ("-0.5", 0)]
)
def test_example_7_noise_corrections(noise, expected):
    written, parsed = canonical(f"#noise={noise}&seed=a")
    assert parsed.settings["noise"] == expected
    assert f"&noise={expected}&" in written
    assert notices_about(parsed, f"noise={noise}")


@pytest.mark.parametrize("noise", ["0", "50", "55", "80"])
def test_noise_up_to_80_is_kept(noise):
    parsed = only("noise", noise)
    assert parsed.settings["noise"] == int(noise) and parsed.notices == []


def test_reference_runs_parse_to_the_config_the_original_parsed(run_vector):
    parsed = parse_hash(run_vector["hash"])
    assert parsed.notices == []
    for name, value in run_vector["config"].items():
        got = parsed.settings[name]
        assert (list(got) if name == "networkShape" else got) == value, name
    if "&hideText=" in run_vector["hash"]:
        assert canonical(run_vector["hash"])[0] == run_vector["hash"]


# ---------------------------------------------------------------------------
# Enums


ENUMS = [s for s in SETTINGS if s.kind is Kind.ENUM]


@pytest.mark.parametrize("setting", ENUMS, ids=[s.name for s in ENUMS])
def test_every_enum_choice_is_read_and_written(setting):
    for choice in setting.choices:
        parsed = only(setting.name, choice)
        assert parsed.settings[setting.name] == choice or parsed.notices  # loss may not suit the problem
        if parsed.notices:
            assert setting.name == "loss"
            continue
        written = write_hash(parsed.settings)
        assert parse_hash(written).settings == parsed.settings
        if setting.name == "regularization" and choice == "none":
            assert "regularization=" not in written
        elif setting.name == "init" and choice == "zeros":
            assert "initZero=true" in written.split("&") and "init=zeros" not in written
        elif setting.original or choice != setting.default:
            assert f"{setting.name}={choice}" in written.split("&")
        else:
            assert f"{setting.name}=" not in written


@pytest.mark.parametrize("value", ["toString", "constructor", "__proto__", "hasOwnProperty", "TANH", " tanh", "foo"])
def test_unknown_enum_values_fall_back_with_a_notice(value):
    parsed = only("activation", value)
    assert parsed.settings["activation"] == "tanh"
    assert len(parsed.notices) == 1
    assert parsed.notices[0].code == "link_not_choice" and parsed.notices[0].params["used"] == "tanh"
    assert texts(parsed)[0].startswith("activation=")
    assert value.strip() in texts(parsed)[0]


def test_blank_enum_is_absent_without_a_notice():
    for value in ["", "  "]:
        parsed = only("dataset", value)
        assert parsed.settings["dataset"] == "circle" and parsed.notices == []


def test_our_activations_are_accepted():
    assert only("activation", "sine").settings["activation"] == "sine"
    assert only("activation", "leakyRelu").settings["activation"] == "leakyRelu"


# ---------------------------------------------------------------------------
# Numbers


@pytest.mark.parametrize(
    "text, number",
    [
        ("  12 ", 12),
        ("0x10", 16),
        ("0X1f", 31),
        ("0b11", 3),
        ("0o17", 15),
        ("", 0),
        ("1e3", 1000),
        (".5", 0.5),
        ("5.", 5),
        ("+5", 5),
        ("-2.5e-3", -0.0025),
        ("Infinity", math.inf),
        ("-Infinity", -math.inf),
        ("\u00a0 7\ufeff", 7),
    ],
)
def test_js_to_number_is_unary_plus(text, number):
    assert js_to_number(text) == number


@pytest.mark.parametrize("text", ["abc", "1_000", "-0x10", "inf", "nan", "NaN", "1e", "0x", "1,5", "١٢", "12px"])
def test_js_to_number_gives_nan_where_unary_plus_does(text):
    assert math.isnan(js_to_number(text))


@pytest.mark.parametrize(
    "value, text",
    [
        (0.03, "0.03"),
        (0.00001, "0.00001"),
        (1e-7, "1e-7"),
        (15, "15"),
        (15.0, "15"),
        (12.5, "12.5"),
        (math.nan, "NaN"),
        (-0.0, "0"),
        (0, "0"),
        (1e21, "1e+21"),
        (1e16, "10000000000000000"),
        (0.1 + 0.2, "0.30000000000000004"),
        (0.000001, "0.000001"),
        (1.5e-7, "1.5e-7"),
        (-3, "-3"),
        (123456789012345680000.0, "123456789012345680000"),
        (math.inf, "Infinity"),
    ],
)
def test_js_number_writes_as_javascript(value, text):
    assert js_number(value) == text


def test_js_number_round_trips_through_js_to_number():
    stream = random.Random(7)
    for _ in range(2000):
        value = stream.choice([stream.random(), stream.uniform(-1e6, 1e6), 10 ** stream.uniform(-12, 25)])
        assert js_to_number(js_number(value)) == value


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("learningRate", "  0.3 ", 0.3),
        ("learningRate", "1e-5", 0.00001),
        ("learningRate", "0x1", 1),
        ("batchSize", "30", 30),
        ("batchSize", "1200", 1200),
        ("percTrainData", "95", 95),
        ("regularizationRate", "10", 10),
        ("dropout", "0.5", 0.5),
        ("learningRate", "0", 0),
    ],
)
def test_numbers_within_bounds_are_kept(key, value, expected):
    parsed = only(key, value)
    assert parsed.settings[key] == expected and parsed.notices == []


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("learningRate", "100", 10),
        ("learningRate", "-1", 0),
        ("batchSize", "0", 1),
        ("batchSize", "-3", 1),
        ("batchSize", "1e9", 1200),
        ("batchSize", "2.4", 2),
        ("percTrainData", "0", 1),
        ("percTrainData", "150", 99),
        ("regularizationRate", "-0.01", 0),
        ("dropout", "1", 0.9),
    ],
)
def test_numbers_outside_bounds_take_the_nearest_allowed_value(key, value, expected):
    parsed = only(key, value)
    assert parsed.settings[key] == expected
    assert len(notices_about(parsed, f"{key}={value}")) == 1


@pytest.mark.parametrize("value", ["abc", "NaN", "1_0", "Infinity", "-Infinity", "0.0.1", "1e999"])
def test_unusable_numbers_take_the_default(value):
    parsed = only("learningRate", value)
    assert parsed.settings["learningRate"] == 0.03
    assert notices_about(parsed, f"learningRate={value}")


def test_blank_number_is_absent_without_a_notice():
    parsed = parse_hash("learningRate=&batchSize=%20")
    assert parsed.settings["learningRate"] == 0.03
    # `%20` is not blank in the link itself; decoded it is a space, which unary plus reads as 0.
    assert parsed.settings["batchSize"] == 1 and notices_about(parsed, "batchSize=")
    assert only("learningRate", " ").notices == []


def test_number_keeps_the_tables_types():
    assert isinstance(only("batchSize", "7.0").settings["batchSize"], int)
    assert isinstance(only("learningRate", "1").settings["learningRate"], int)
    assert isinstance(only("learningRate", "0.1").settings["learningRate"], float)


# ---------------------------------------------------------------------------
# Booleans


BOOLS = [s for s in SETTINGS if s.kind is Kind.BOOL]


@pytest.mark.parametrize("setting", BOOLS, ids=[s.name for s in BOOLS])
def test_any_boolean_value_but_false_is_true(setting):
    assert only(setting.name, "false").settings[setting.name] is False
    for value in ["true", "0", "no", "False", "FALSE", " false", "off", "fa"]:
        assert only(setting.name, value).settings[setting.name] is True, value
    assert only(setting.name, "").settings[setting.name] is setting.default
    assert parse_hash(setting.name).settings[setting.name] is setting.default  # bare key: absent
    assert parse_hash(f"{setting.name}=true").notices == []


def test_hide_text_is_read_and_written():
    written, parsed = canonical("hideText=true&seed=0.1")
    assert parsed.settings["hideText"] is True
    assert written.endswith("&hideText=true")


# ---------------------------------------------------------------------------
# networkShape


@pytest.mark.parametrize(
    "value, shape",
    [
        ("", ()),
        ("1", (1,)),
        ("4,2", (4, 2)),
        (" 3 , 4 ", (3, 4)),
        ("0x4", (4,)),
        ("8,8,8,8,8,8,8,8", (8,) * 8),
        ("8,8,8,8,8,8,8,8,8,8", (8,) * 10),
        ("16", (16,)),
        ("  ", ()),
    ],
)
def test_network_shapes_that_are_usable(value, shape):
    parsed = only("networkShape", value)
    assert parsed.settings["networkShape"] == shape and parsed.notices == []


@pytest.mark.parametrize(
    "value, shape",
    [
        ("17", (16,)),
        ("0", (1,)),
        ("-3", (1,)),
        ("2.5", (3,)),
        ("4,,2", (4, 1, 2)),
        ("4,2,", (4, 2, 1)),
        ("1e9", (16,)),
        ("Infinity", (16,)),
        ("1,1,1,1,1,1,1,1,1,1,1", (1,) * 10),
        ("9,9,9,9,9,9,9,9,9,9,9,9", (9,) * 10),
    ],
)
def test_absurd_network_shapes_take_the_nearest_allowed_shape(value, shape):
    parsed = only("networkShape", value)
    assert parsed.settings["networkShape"] == shape
    assert len(notices_about(parsed, f"networkShape={value}")) == 1


@pytest.mark.parametrize("value", ["abc", "4,x", "NaN", "4;2"])
def test_unreadable_network_shape_takes_the_default(value):
    parsed = only("networkShape", value)
    assert parsed.settings["networkShape"] == (4, 2)
    assert notices_about(parsed, f"networkShape={value}")


def test_bare_network_shape_takes_the_default_with_a_notice():
    parsed = parse_hash("seed=1&networkShape&x=false")
    assert parsed.settings["networkShape"] == (4, 2)
    assert [(n.code, n.params) for n in parsed.notices] == [
        ("link_shape_no_value", {"key": "networkShape", "used": "4,2"})
    ]
    assert texts(parsed) == ["networkShape has no value; using 4,2"]
    assert parsed.settings["x"] is False


def test_huge_network_shape_value_is_cheap_and_bounded():
    parsed = only("networkShape", ",".join(["16"] * 5000))
    assert parsed.settings["networkShape"] == (16,) * 10
    assert all(len(notice) < 300 for notice in texts(parsed))


# ---------------------------------------------------------------------------
# Seed and tutorial


def test_seed_is_taken_verbatim():
    for seed in ["0.12345", "1", "hello.", "0.5", " spaced", "in side", "ünïcödé", "a+b", "0.79187"]:
        parsed = parse_hash("seed=" + seed)
        assert parsed.settings["seed"] == seed and parsed.notices == []


def test_missing_or_blank_seed_is_none():
    for link in ["", "activation=relu", "seed=", "seed", "seed=%20".replace("%20", " ")]:
        assert parse_hash(link).settings["seed"] is None, link


def test_long_seed_is_cut_with_a_notice():
    parsed = only("seed", "7" * 1500)
    assert parsed.settings["seed"] == "7" * BY_NAME["seed"].max_length
    assert len(parsed.notices) == 1 and parsed.notices[0].code == "link_text_cut"
    assert texts(parsed)[0].startswith("seed=7777") and len(texts(parsed)[0]) < 120


def test_seed_with_link_characters_round_trips():
    for seed in ["a&b=c#d", "100%", "<script>alert(1)</script>", "x'y\"z", "®Dataset", "tab\there", "%41"]:
        settings = defaults()
        settings["seed"] = seed
        written = write_hash(settings)
        for bad in "<>\"' \t#":
            assert bad not in written
        assert parse_hash(written).settings["seed"] == seed


def test_tutorial_is_kept_and_written_in_its_place():
    written, parsed = canonical("seed=0.5&tutorial=dp-neural-net-intro-first&problem=regression")
    assert parsed.settings["tutorial"] == "dp-neural-net-intro-first"
    assert "&collectStats=false&tutorial=dp-neural-net-intro-first&problem=regression&" in written
    assert "tutorial=" not in write_hash(defaults())


# ---------------------------------------------------------------------------
# initZero and our init, loss and problem


def test_init_zero_true_means_zero_init():
    written, parsed = canonical("initZero=true")
    assert parsed.settings["init"] == "zeros" and parsed.settings["initZero"] is True
    # initZero=true says it all: the link stays the original's.
    assert "&initZero=true&" in written and "init=" not in written.replace("initZero=", "")


def test_init_zero_true_wins_over_another_init():
    assert parse_hash("init=he&initZero=true").settings["init"] == "zeros"


def test_our_init_sets_init_zero():
    parsed = parse_hash("init=zeros")
    assert parsed.settings["initZero"] is True
    parsed = parse_hash("init=he&initZero=false")
    assert parsed.settings["init"] == "he" and parsed.settings["initZero"] is False
    assert "&initZero=false&" in write_hash(parsed.settings)


def test_loss_that_does_not_suit_the_problem_is_replaced():
    parsed = parse_hash("problem=regression&loss=crossEntropy")
    assert parsed.settings["loss"] == "squared"
    assert [(n.code, n.params) for n in parsed.notices] == [
        ("loss_unsuited", {"loss": "crossEntropy", "problem": "regression", "used": "squared"})
    ]
    assert "Cross-entropy does not suit regression" in texts(parsed)[0]


# ---------------------------------------------------------------------------
# Our own keys


def test_our_keys_are_written_only_when_not_at_their_default():
    ours = [s for s in SETTINGS if not s.original]
    settings = defaults()
    settings["seed"] = "0.79187"
    assert write_hash(settings) == EXAMPLE_1
    changed = {
        "optimizer": "adam",
        "loss": "crossEntropy",
        "init": "he",
        "dropout": 0.2,
        "speed": "max",
        "data": "3f2a9c0b1d4e5f60718293a4",
        "lrSchedule": "step",
        "lrDecayEpochs": 50,
        "lrDecayFactor": 0.3,
        "classes": 3,
        "stopEpoch": 100,
        "stopTestLoss": 0.2,
        "stopTestAccuracy": 90,
        "stopPatience": 50,
        "lang": "zh",
    }
    assert set(changed) == {s.name for s in ours}
    settings.update(changed)
    written = write_hash(settings)
    assert written == (
        EXAMPLE_1 + "&optimizer=adam&loss=crossEntropy&init=he&dropout=0.2&speed=max"
        "&data=3f2a9c0b1d4e5f60718293a4&classes=3&lrSchedule=step&lrDecayEpochs=50&lrDecayFactor=0.3&stopEpoch=100&stopTestLoss=0.2"
        "&stopTestAccuracy=90&stopPatience=50&lang=zh"
    )
    assert parse_hash(written).settings == settings


def test_a_language_we_do_not_have_means_english_without_a_notice():
    for value in ("xx", "EN", "zh-CN", "%3Cb%3E", ""):
        parsed = parse_hash(f"seed=1&lang={value}")
        assert parsed.settings["lang"] == "en" and parsed.notices == [], value
        assert "lang" not in write_hash(parsed.settings)
    parsed = parse_hash("seed=1&lang=zh")
    assert parsed.settings["lang"] == "zh" and parsed.notices == []
    assert write_hash(parsed.settings).endswith("&lang=zh")


def test_our_keys_read_from_a_link():
    parsed = parse_hash("seed=1&optimizer=rmsprop&dropout=0.3&speed=20")
    assert parsed.settings["optimizer"] == "rmsprop" and parsed.settings["dropout"] == 0.3
    assert parsed.settings["speed"] == "20" and parsed.notices == []


def random_settings(stream: random.Random) -> dict:
    """A random valid settings dict, every value drawn from the table."""
    values = {}
    for setting in SETTINGS:
        if setting.kind is Kind.ENUM:
            values[setting.name] = stream.choice(setting.choices)
        elif setting.kind is Kind.BOOL:
            values[setting.name] = stream.random() < 0.5
        elif setting.kind is Kind.INTEGER:
            values[setting.name] = stream.randint(int(setting.minimum), int(setting.maximum))
        elif setting.kind is Kind.NUMBER:
            pick = stream.random()
            if pick < 0.4 and setting.choices:
                values[setting.name] = stream.choice(setting.choices)
            elif pick < 0.7:
                values[setting.name] = round(stream.uniform(setting.minimum, setting.maximum), stream.randint(0, 6))
            else:
                values[setting.name] = stream.uniform(setting.minimum, setting.maximum)
        elif setting.kind is Kind.SHAPE:
            values[setting.name] = tuple(stream.randint(1, 16) for _ in range(stream.randint(0, 8)))
        elif setting.name == "seed":
            alphabet = "0123456789.abc &=#%<>'\"®é\u2028"
            values[setting.name] = stream.choice(
                [None, f"{stream.random():.5f}", "".join(stream.choice(alphabet) for _ in range(stream.randint(1, 30)))]
            )
        else:
            values[setting.name] = stream.choice([None, "dp-x", "a b&c"])
    usable, _ = coerce_all(values)
    return usable


def test_parse_of_write_gives_back_every_valid_settings_dict():
    stream = random.Random(2024)
    for _ in range(500):
        settings = random_settings(stream)
        written = write_hash(settings)
        parsed = parse_hash(written)
        assert parsed.settings == settings, written
        assert parsed.notices == []
        assert write_hash(parsed.settings) == written


# ---------------------------------------------------------------------------
# Hide keys and unknown keys


def test_hide_keys_are_true_only_for_exactly_true():
    parsed = parse_hash("a_hide=true&b_hide=True&c_hide=1&d_hide&e_hide=false&f_hide=")
    assert parsed.hidden == {"a": True, "b": False, "c": False, "d": False, "e": False, "f": False}
    assert parsed.hidden_controls() == ["a", *OUR_HIDE_NAMES]


def test_hide_keys_keep_their_first_place_and_their_last_value():
    written, parsed = canonical("noise_hide=true&seed=1&dataset_hide=true&noise_hide=false")
    assert list(parsed.hidden) == ["noise", "dataset"]
    assert parsed.hidden == {"noise": False, "dataset": True}
    assert written.endswith("&hideText=false&noise_hide=false&dataset_hide=true")


def test_our_controls_have_hide_keys():
    parsed = parse_hash("optimizer_hide=true&loss_hide=true&init_hide=true&dropout_hide=true&speed_hide=true")
    assert parsed.hidden_controls() == ["optimizer", "loss", "init", "dropout", "speed"]
    for name in parsed.hidden_controls():
        assert name in {s.hide for s in SETTINGS}


def test_a_classroom_link_for_the_original_hides_our_extras_without_writing_them():
    written, parsed = canonical("seed=0.1&noise_hide=true&x_hide=true")
    assert OUR_HIDE_NAMES == ("optimizer", "loss", "init", "dropout", "speed", "classes", "lrSchedule", "stop")
    assert parsed.hidden_controls() == ["noise", "x", *OUR_HIDE_NAMES]
    assert written.endswith("&hideText=false&noise_hide=true&x_hide=true"), "the link stays as the original writes it"
    # One hide key of ours (even =false) and the link says everything itself.
    assert parse_hash("noise_hide=true&speed_hide=false").hidden_controls() == ["noise"]
    assert parse_hash("noise_hide=true&loss_hide=true").hidden_controls() == ["noise", "loss"]
    # No hide key that hides anything: nothing is implied.
    assert parse_hash("noise_hide=false").hidden_controls() == []
    assert parse_hash("seed=0.1").hidden_controls() == []


def test_a_classroom_checkbox_keeps_the_extras_as_they_look():
    # Hiding a first control here: the extras stay shown, and the link says so.
    hidden = {}
    set_hidden(hidden, "noise", True)
    assert hidden == {"noise": True, "optimizer": False}
    assert ParsedHash({}, hidden=hidden).hidden_controls() == ["noise"]
    # Showing one extra that a link for the original hides: the others stay hidden.
    hidden = {"noise": True}
    set_hidden(hidden, "loss", False)
    assert hidden == {
        "noise": True,
        "optimizer": True,
        "loss": False,
        "init": True,
        "dropout": True,
        "speed": True,
        "classes": True,
        "lrSchedule": True,
        "stop": True,
    }
    assert ParsedHash({}, hidden=hidden).hidden_controls() == [
        "noise",
        "optimizer",
        "init",
        "dropout",
        "speed",
        "classes",
        "lrSchedule",
        "stop",
    ]
    # Hiding another control of the original's changes nothing else.
    hidden = {"noise": True}
    set_hidden(hidden, "x", True)
    assert hidden == {"noise": True, "x": True}


def test_unknown_keys_are_kept_in_order_and_written_back():
    link = (
        "seed=0.38953&problem=classification&goalTestLossMinThresholdFirst=0.4&bare"
        "&goalTestLossMinThresholdSecond=0.25&problem_hide=true&empty="
    )
    written, parsed = canonical(link)
    assert parsed.unknown == [
        ("goalTestLossMinThresholdFirst", "0.4"),
        ("bare", None),
        ("goalTestLossMinThresholdSecond", "0.25"),
        ("empty", ""),
    ]
    assert written.endswith(
        "&hideText=false&goalTestLossMinThresholdFirst=0.4&bare&goalTestLossMinThresholdSecond=0.25&empty="
        "&problem_hide=true"
    )
    assert canonical(written)[0] == written


def test_unknown_keys_come_after_our_keys():
    written = write_hash({"seed": "1", "optimizer": "adam"}, {"x": True}, [("foo", "1")])
    assert written.endswith("&hideText=false&optimizer=adam&foo=1&x_hide=true")


def test_writer_never_writes_an_unknown_key_that_would_read_as_something_else():
    written = write_hash({"seed": "1"}, {}, [("activation", "relu"), ("x_hide", "true"), ("", "1"), ("ok", "1")])
    assert written.count("activation=") == 1 and "x_hide" not in written and "&=1" not in written
    assert written.endswith("&ok=1")


def test_duplicate_keys_later_wins():
    assert parse_hash("activation=relu&activation=sigmoid").settings["activation"] == "sigmoid"
    parsed = parse_hash("activation=relu&activation=foo")
    assert parsed.settings["activation"] == "tanh" and parsed.notices
    assert parse_hash("seed=abc&seed=").settings["seed"] is None


def test_only_the_first_two_parts_of_a_piece_count():
    parsed = parse_hash("seed=a=b&foo=1=2")
    assert parsed.settings["seed"] == "a"
    assert parsed.unknown == [("foo", "1")]


# ---------------------------------------------------------------------------
# Where the hash comes from, and damaged links


FULL = (
    "activation=relu&batchSize=10&dataset=xor&regDataset=reg-gauss&learningRate=0.1&regularizationRate=0.003&seed=0.5"
)


@pytest.mark.parametrize(
    "raw",
    [
        FULL,
        "#" + FULL,
        "  #" + FULL + "\n",
        "https://playground.tensorflow.org/#" + FULL,
        "http://playground.tensorflow.org/?hl=ko#" + FULL,
        "playground.tensorflow.org/#" + FULL,
        "https://developers.google.com/machine-learning/crash-course/playground/?utm_source=engedu&amp;hl=en#" + FULL,
        "https://www.google.com/url?q=https://playground.tensorflow.org/%23"
        + FULL.replace("=", "%3D").replace("&", "%26"),
        FULL.replace("=", "%3D").replace("&", "%26"),
        FULL.replace("&", "&amp;"),
        FULL.replace("&", "&amp;amp;"),
        FULL.replace("&", "&#38;"),
        FULL.replace("&", "&#x26;"),
        FULL.replace("&", "\\&"),
        FULL.replace("&reg", "®"),
        FULL.replace("&reg", "%C2%AE"),
        FULL.replace("&reg", "%c2%ae"),
        FULL.replace("&reg", "%AE"),
        FULL.replace("&", "&amp;").replace("&amp;reg", "®"),
    ],
)
def test_every_form_of_a_link_reads_the_same(raw):
    parsed = parse_hash(raw)
    assert parsed.notices == []
    assert parsed.unknown == []
    settings = parsed.settings
    assert settings["activation"] == "relu" and settings["dataset"] == "xor"
    assert settings["regDataset"] == "reg-gauss" and settings["learningRate"] == 0.1
    assert settings["regularizationRate"] == 0.003 and settings["seed"] == "0.5"


def test_mangled_regularization_key_is_repaired():
    parsed = parse_hash("activation=relu®ularization=L2®ularizationRate=0.1&seed=1")
    assert parsed.settings["activation"] == "relu"
    assert parsed.settings["regularization"] == "L2" and parsed.settings["regularizationRate"] == 0.1
    parsed = parse_hash("noise=5®ularization_hide=true")
    assert parsed.settings["noise"] == 5 and parsed.hidden == {"regularization": True}


def test_a_url_without_a_hash_gives_the_defaults():
    parsed = parse_hash("https://playground.tensorflow.org/")
    assert parsed.settings == defaults() and parsed.notices == [] and parsed.unknown == []


def test_a_hash_may_hold_a_hash_sign_in_a_value():
    assert parse_hash("seed=a#b&noise=5").settings["seed"] == "a#b"
    assert parse_hash("#seed=a#b").settings["seed"] == "a#b"


def test_percent_escapes_are_decoded_once():
    parsed = parse_hash("seed=%2541&tutorial=a%20b&%6Eoise=5")
    assert parsed.settings["seed"] == "%41" and parsed.settings["tutorial"] == "a b"
    assert parsed.settings["noise"] == 5


def test_broken_percent_escapes_stay_as_they_are():
    parsed = parse_hash("seed=100%&tutorial=%zz%4&foo=%C3")
    assert parsed.settings["seed"] == "100%" and parsed.settings["tutorial"] == "%zz%4"
    assert parsed.unknown == [("foo", "Ã")]  # a byte that is not UTF-8 is read as Latin-1


# ---------------------------------------------------------------------------
# Hostile input


HOSTILE = [
    "<script>alert(1)</script>=<script>alert(1)</script>",
    "seed=<script>alert(document.cookie)</script>",
    "activation=<img src=x onerror=alert(1)>",
    "\"'><svg onload=alert(1)>_hide=true",
    'tutorial="><script>x</script>',
    "foo=" + "A" * 10_000,
    "A" * 10_000 + "=1",
    "seed=" + "<" * 10_000,
    "networkShape=" + "9," * 5_000,
    "&&&==&=",
    "=",
    "==",
    "&",
    "#",
    "%",
    "%%%",
    "%zz=%zz",
    "%C2",
    "%ED%A0%80=1",
    "\x00\x01\x02=\x7f\x1b[31m",
    "seed=\u2028\u2029\u202e",
    "\ud800=\udfff",
    "🙂=🙂&seed=🙂",
    "learningRate=1e999999&batchSize=-1e999999&noise=NaN",
    "__proto__=1&constructor=2&toString_hide=true",
    "javascript:alert(1)#seed=1",
    "  \t\n ",
    "®®®Dataset=®&%C2%AE=",
    "x=" + "%" * 5000,
]


def assert_safe(text: str):
    for bad in "<>\"' \t\n\r#":
        assert bad not in text
    assert all(32 < ord(char) < 127 for char in text), text[:200]


def assert_printable(notice: str):
    for bad in "<>\"'":
        assert bad not in notice
    assert all(char.isprintable() for char in notice), notice


@pytest.mark.parametrize("raw", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_links_never_raise_and_never_write_html(raw):
    written, parsed = canonical(raw)
    assert_safe(written)
    for notice in texts(parsed):
        assert_printable(notice)
        assert len(notice) < 300
    rewritten, reparsed = canonical(written)
    assert rewritten == written
    assert reparsed.settings == parsed.settings
    assert reparsed.hidden == parsed.hidden and reparsed.unknown == parsed.unknown


def test_non_text_input_is_read_as_an_empty_link():
    assert parse_hash(None).settings == defaults()  # type: ignore[arg-type]


def random_link(stream: random.Random) -> str:
    keys = [s.name for s in SETTINGS] + ["foo", "x_hide", "®Dataset", "bogus_hide", ""]
    pieces = [
        "<",
        ">",
        '"',
        "'",
        "&",
        "=",
        "#",
        "%",
        "%2",
        "%C2%AE",
        "®",
        "&amp;",
        "\\",
        " ",
        "\x00",
        "é",
        "true",
        "false",
        "0",
        "-1",
        "1e9",
        "0x1f",
        ",",
        ".",
        "NaN",
        "Infinity",
        "\ud800",
        "🙂",
    ]
    parts = []
    for _ in range(stream.randint(0, 12)):
        key = stream.choice(keys)
        value = "".join(stream.choice(pieces) for _ in range(stream.randint(0, 6)))
        parts.append(stream.choice([key, f"{key}={value}", value]))
    prefix = stream.choice(["", "#", "https://playground.tensorflow.org/#", "x?y=1#"])
    return prefix + "&".join(parts)


def test_fuzzed_links_never_raise_and_canonical_form_is_stable():
    stream = random.Random(12345)
    for _ in range(3000):
        raw = random_link(stream)
        written, parsed = canonical(raw)
        assert_safe(written)
        for notice in texts(parsed):
            assert_printable(notice)
        rewritten, reparsed = canonical(written)
        assert rewritten == written, raw
        assert reparsed.settings == parsed.settings, raw
        assert reparsed.notices == [], raw
        usable, problems = coerce_all(parsed.settings)
        assert usable == parsed.settings and problems == []


def test_fuzzed_random_characters_never_raise():
    stream = random.Random(99)
    alphabet = "&=#%;,.-_~ab0129xXe+<>\"'\\®\u00ae\x00\n\ud800\U0001f642"
    for _ in range(3000):
        raw = "".join(stream.choice(alphabet) for _ in range(stream.randint(0, 60)))
        written, parsed = canonical(raw)
        assert_safe(written)
        assert canonical(written)[0] == written
