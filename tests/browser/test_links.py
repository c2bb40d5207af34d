"""Every collected real TensorFlow Playground link opens in the page with no
error, shows its settings in the controls, and is rewritten to the codec's
canonical hash (the original's form, plus our keys where they differ)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from engine.features import FEATURES
from engine.share_hash import js_number, parse_hash, write_hash
from tests.real_links import LINKS


def pairs(hash_: str) -> dict[str, str]:
    return dict(piece.split("=", 1) for piece in hash_.lstrip("#").split("&") if "=" in piece)


@pytest.mark.parametrize("index", range(len(LINKS)), ids=[f"link{i:02d}" for i in range(len(LINKS))])
def test_a_real_link_opens_here_the_same(page, server, index):
    source, link = LINKS[index]
    fragment = link.split("#", 1)[1]
    parsed = parse_hash(link)
    settings = parsed.settings
    # A query string makes every link a fresh page load, not a same-page hash change.
    page.goto(f"{server.url}/?link={index}#{fragment}")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function("() => location.hash.includes('activation=')")

    written = unquote(page.evaluate("location.hash"))[1:]
    expected = write_hash({**settings, "seed": settings["seed"] or "0.00000"}, parsed.hidden, parsed.unknown)
    if settings["seed"] is None:  # a fresh seed is drawn and written, as the original does
        got, want = pairs(written), pairs(expected)
        assert got.pop("seed").startswith("0.") and want.pop("seed")
        assert got == want, source
    else:
        assert written == unquote(expected), source

    assert page.input_value("#activations") == settings["activation"], source
    assert page.input_value("#regularizations") == settings["regularization"], source
    assert page.input_value("#problem") == settings["problem"], source
    assert page.input_value("#learningRate") == js_number(settings["learningRate"]), source
    assert page.text_content("#num-layers") == str(len(settings["networkShape"])), source
    shown = {name for name in FEATURES if page.locator(f"button.input-node.ui-{name}.active").count()}
    wanted = {name for name in FEATURES if settings[name] and not parsed.hidden.get(name)}
    assert shown == wanted, source
