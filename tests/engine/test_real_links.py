"""Real TensorFlow Playground links from course material and issue threads
(tests/data/real_links.txt) open here with the settings they name.

Each link is read twice: by the codec, and by a small reading written here
from the spec (§6.1–6.4) that knows only how the original splits and types a
hash. Every key the link names must come out as that reading says; a key whose
value the table cannot use must get a notice naming it, and no other key may.
"""

from __future__ import annotations

import math

import pytest

from engine.settings import BY_NAME, Kind
from engine.share_hash import canonical, parse_hash
from tests.real_links import LINKS

ORIGINAL_KEYS = [name for name, setting in BY_NAME.items() if setting.original]


def link_id(entry: tuple[str, str]) -> str:
    link = entry[1]
    seed = link.split("seed=", 1)[1].split("&", 1)[0] if "seed=" in link else "noseed"
    return f"{LINKS.index(entry):02d}-{seed}"


def read_pairs(link: str) -> dict[str, str | None]:
    """The link's keys and raw values, as the original splits them, after
    undoing the two kinds of damage found in the collection: HTML escaping
    (`&amp;`) and renderers that turned `&reg` into `®` (maybe percent-encoded)."""
    fragment = link.split("#", 1)[1]
    fragment = fragment.replace("&amp;", "&")
    for damaged in ("®", "%C2%AE"):
        fragment = fragment.replace(damaged + "Dataset", "&regDataset")
        fragment = fragment.replace(damaged + "ularization", "&regularization")
    pairs: dict[str, str | None] = {}
    for piece in fragment.split("&"):
        if piece:
            parts = piece.split("=")
            pairs[parts[0]] = parts[1] if len(parts) > 1 else None
    return pairs


def expected_value(name: str, value: str):
    """What the original's rules make of `value` for the known key `name`, or
    None when our table cannot take it as it is (a notice is then due)."""
    setting = BY_NAME[name]
    if setting.kind is Kind.BOOL:
        return value != "false"
    if setting.kind is Kind.ENUM:
        return value if value in setting.choices else None
    if setting.kind is Kind.STRING:
        return value
    if setting.kind is Kind.SHAPE:
        if value == "":
            return ()
        sizes = [int(part) for part in value.split(",")]
        fits = len(sizes) <= setting.max_layers and all(1 <= size <= setting.max_neurons for size in sizes)
        return tuple(sizes) if fits else None
    number = float(value)
    if name == "noise" and number > 80:
        return None  # the original's own correction: 50, with a notice here
    if not setting.minimum <= number <= setting.maximum:
        return None
    if setting.kind is Kind.INTEGER and not number.is_integer():
        return None
    return number


def test_the_collection_is_large_and_every_link_has_a_source():
    assert len(LINKS) >= 40
    assert len({link for _, link in LINKS}) == len(LINKS), "a link is listed twice"
    assert all(source for source, _ in LINKS)
    hashes = [read_pairs(link) for _, link in LINKS]
    assert sum("tutorial" in pairs for pairs in hashes) >= 5  # the crash course's exercises
    assert sum(any(key.endswith("_hide") for key in pairs) for pairs in hashes) >= 10
    assert sum("&amp;" in link for _, link in LINKS) >= 5
    assert sum("®" in link or "%C2%AE" in link for _, link in LINKS) >= 3


@pytest.mark.parametrize("entry", LINKS, ids=[link_id(entry) for entry in LINKS])
def test_real_link_opens_with_the_settings_it_names(entry):
    source, link = entry
    pairs = read_pairs(link)
    parsed = parse_hash(link)
    settings = parsed.settings

    unusable = set()
    for key, value in pairs.items():
        if key in BY_NAME:
            if value is None or value.strip() == "":
                continue  # the original ignores the key (networkShape needs no value; none here lack one)
            expected = expected_value(key, value)
            if expected is None:
                unusable.add(key)
            elif isinstance(expected, float):
                assert math.isclose(settings[key], expected, rel_tol=0, abs_tol=0), key
            else:
                assert settings[key] == expected, key
        elif key.endswith("_hide"):
            assert parsed.hidden[key[: -len("_hide")]] is (value == "true"), key
        else:
            assert (key, value) in parsed.unknown, key

    named = {
        notice.params.get("key", "noise" if notice.code.startswith("link_noise") else None) for notice in parsed.notices
    }
    assert named == unusable, parsed.notices
    if "noise" in unusable and float(pairs["noise"]) > 80:
        assert settings["noise"] == 50
    if "seed" not in pairs:
        assert settings["seed"] is None  # the page draws a fresh one and writes it at once
    if pairs.get("initZero") == "true":
        assert settings["init"] == "zeros"


@pytest.mark.parametrize("entry", LINKS, ids=[link_id(entry) for entry in LINKS])
def test_real_link_written_back_restores_the_same_setup(entry):
    _, link = entry
    written, parsed = canonical(link)
    for bad in "<>\"' #":
        assert bad not in written
    rewritten, reparsed = canonical(written)
    assert rewritten == written
    assert reparsed.settings == parsed.settings
    assert reparsed.hidden == parsed.hidden and reparsed.unknown == parsed.unknown
    assert reparsed.notices == []


def written_by_the_original(pairs: dict[str, str | None]) -> bool:
    """True when the hash is in the original's own written form: its keys in
    its order (regularization and tutorial only when set), then hide keys."""
    keys = list(pairs)
    regular = [key for key in keys if not key.endswith("_hide")]
    if keys[: len(regular)] != regular:
        return False
    optional = {"regularization", "tutorial"}
    if [key for key in regular if key not in optional] != [key for key in ORIGINAL_KEYS if key not in optional]:
        return False
    if [key for key in regular if key in ORIGINAL_KEYS] != regular:
        return False
    # The original writes booleans as true/false (a damaged link may not).
    return all(
        pairs[key] in ("true", "false")
        for key in keys
        if key.endswith("_hide") or (key in BY_NAME and BY_NAME[key].kind is Kind.BOOL)
    )


def test_links_in_the_originals_form_are_written_back_unchanged():
    checked = 0
    for _, link in LINKS:
        pairs = read_pairs(link)
        if not written_by_the_original(pairs) or parse_hash(link).notices:
            continue
        fragment = "&".join(key if value is None else f"{key}={value}" for key, value in pairs.items())
        assert canonical(link)[0] == fragment, link
        checked += 1
    assert checked >= 40
