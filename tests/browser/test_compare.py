"""The compare page in a real browser against a real server: two playgrounds
side by side from two share links, driven in lockstep by one run bar, with
both loss curves on one chart; a damaged half falls back on its own side; the
Compare button opens the page with the current set-up on both sides; no id
appears twice; a phone gets the sides one above the other, without sideways
scrolling. One browser and one server for the whole module (see conftest.py)."""

from __future__ import annotations

from urllib.parse import quote, unquote

import pytest
from browser_harness import open_page

# As the primers compare: one wide hidden layer against two narrower ones.
LINK_A = "networkShape=8&seed=0.25&dataset=xor"
LINK_B = "networkShape=4,4&dataset=xor"
SCREENS = {"desktop": (1280, 800), "tablet": (768, 1024), "phone": (390, 844)}


def compare_url(server, a: str, b: str) -> str:
    return f"{server.url}/compare#a={quote(a, safe='')}&b={quote(b, safe='')}"


def open_compare(browser, url, viewport=SCREENS["desktop"]):
    context, page = open_page(browser, viewport={"width": viewport[0], "height": viewport[1]})
    page.goto(url)
    page.wait_for_selector("[data-side=a][data-ready=true]")
    page.wait_for_selector("[data-side=b][data-ready=true]")
    return context, page


def epochs(page) -> dict:
    return {side: int(page.text_content(f"[data-side={side}] .iter-number").replace(",", "")) for side in "ab"}


def neurons(page, side: str, layer: int) -> int:
    return page.locator(f'[data-side={side}] .node-canvas[data-layer="{layer}"]').count()


@pytest.fixture(scope="module")
def compared(browser, server):
    context, page = open_compare(browser, compare_url(server, LINK_A, LINK_B))
    yield page
    errors = page.console_watch.unexpected()
    context.close()
    assert not errors, f"the page logged errors: {errors}"


def test_each_side_shows_its_own_network_on_the_same_data(compared):
    page = compared
    assert page.text_content("[data-side=a] .column-heads h4 [data-part=num-layers]").strip() == "1"
    assert page.text_content("[data-side=b] .column-heads h4 [data-part=num-layers]").strip() == "2"
    assert (neurons(page, "a", 1), neurons(page, "a", 2)) == (8, 1)  # 8 hidden neurons, then the output
    assert (neurons(page, "b", 1), neurons(page, "b", 2), neurons(page, "b", 3)) == (4, 4, 1)
    assert epochs(page) == {"a": 0, "b": 0}
    # B's link named no seed: it takes A's, and the link of both halves says so.
    halves = page.evaluate("location.hash")
    assert halves.count("seed%3D0.25") == 2, halves
    assert "networkShape%3D4%2C4" in halves


def test_step_moves_both_sides_by_one_epoch(compared):
    page = compared
    before = epochs(page)
    page.click("#compare-step")
    page.wait_for_function(
        "(n) => [...document.querySelectorAll('.compare-side')].every((s) => Number(s.dataset.epoch) === n)",
        arg=before["a"] + 1,
    )
    assert epochs(page) == {"a": before["a"] + 1, "b": before["b"] + 1}


def test_play_trains_both_in_lockstep_and_the_chart_has_two_curves(compared):
    page = compared
    start = epochs(page)
    page.click("#compare-play")
    page.wait_for_function("() => Number(document.querySelector('[data-side=b]').dataset.epoch) >= 12")
    page.click("#compare-play")
    assert page.get_attribute("#compare-play", "aria-pressed") == "false"
    # The round under way finishes on both sides; then both counters agree and stay.
    page.wait_for_function(
        "() => { const [a, b] = [...document.querySelectorAll('.compare-side')].map((s) => s.dataset.epoch);"
        " return a === b; }"
    )
    page.wait_for_timeout(600)
    shown = epochs(page)
    assert shown["a"] == shown["b"] > start["a"] + 10
    for side in "ab":
        assert page.get_attribute("#compare-chart", f"data-points-{side}") not in (None, "0", "1")
        path = page.get_attribute(f"#compare-chart path.curve-{side}", "d")
        assert path.startswith("M") and path.count("L") >= 10
    page.click("#compare-reset")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.compare-side')].every((s) => s.dataset.epoch === '0')"
    )
    colours = {page.eval_on_selector(f"path.curve-{s}", "(p) => getComputedStyle(p).stroke") for s in "ab"}
    assert len(colours) == 2
    assert "A: test loss" in page.text_content(".compare-legend") and "B: test loss" in page.text_content(
        ".compare-legend"
    )


def test_no_id_appears_twice_and_each_label_names_its_own_side(compared):
    page = compared
    duplicates = page.evaluate(
        """() => { const seen = new Map();
        for (const e of document.querySelectorAll('[id]')) seen.set(e.id, (seen.get(e.id) || 0) + 1);
        return [...seen].filter(([, n]) => n > 1).map(([id]) => id); }"""
    )
    assert duplicates == []
    # The page's own ids are not reused inside a side.
    assert page.locator("[data-side] #play-pause-button, [data-side] #iter-number, [data-side] #heatmap").count() == 0
    assert page.evaluate("document.querySelector('[data-side=b] label[for=b-learningRate]') !== null")
    # A side's own settings go to its own session only.
    page.select_option("[data-side=b] select[data-setting=activation]", "relu")
    page.wait_for_function("() => location.hash.split('&b=')[1].includes('activation%3Drelu')")
    assert "activation%3Drelu" not in page.evaluate("location.hash").split("&b=")[0]


def halves(page) -> dict:
    a, b = page.evaluate("location.hash").removeprefix("#a=").split("&b=")
    return {
        "a": dict(item.split("=", 1) for item in unquote(a).split("&")),
        "b": dict(item.split("=", 1) for item in unquote(b).split("&")),
    }


def test_a_change_of_data_on_one_side_reaches_the_other(compared):
    page = compared
    page.click('[data-side=a] button.dataset[data-value="circle"]')
    page.wait_for_function("() => decodeURIComponent(location.hash.split('&b=')[1]).includes('dataset=circle')")
    page.wait_for_function(
        "() => { const [a, b] = location.hash.slice(3).split('&b=').map((h) => decodeURIComponent(h));"
        " const seed = (h) => /(?:^|&)seed=([^&]*)/.exec(h)[1]; return seed(a) === seed(b); }"
    )
    shown = halves(page)
    assert shown["a"]["dataset"] == shown["b"]["dataset"] == "circle"
    assert shown["a"]["seed"] != "0.25"  # a new dataset draws a new seed, and B took it
    # Regenerate on side B: a new seed, which side A takes.
    page.click("[data-side=b] [data-part=data-regen-button]")
    page.wait_for_function(
        "(old) => { const [a, b] = location.hash.slice(3).split('&b=').map((h) => decodeURIComponent(h));"
        " const seed = (h) => /(?:^|&)seed=([^&]*)/.exec(h)[1]; return seed(b) !== old && seed(a) === seed(b); }",
        arg=shown["b"]["seed"],
    )


def test_a_damaged_half_falls_back_on_its_own_side(browser, server):
    context, page = open_compare(browser, compare_url(server, "networkShape=banana&activation=nope", LINK_B))
    try:
        notices = page.text_content("[data-side=a] [data-part=message-list]")
        assert "networkShape" in notices and "activation" in notices
        assert page.text_content("[data-side=b] [data-part=message-list]").strip() == ""
        # Side A has the default network; side B its own.
        assert page.text_content("[data-side=a] [data-part=num-layers]").strip() == "2"
        assert page.text_content("[data-side=b] [data-part=num-layers]").strip() == "2"
        assert page.evaluate("location.hash").split("&b=")[0].count("activation%3Dtanh") == 1
        assert not page.console_watch.unexpected(), page.console_watch.unexpected()
    finally:
        context.close()


def test_the_compare_button_opens_the_same_set_up_on_both_sides(browser, server):
    context, page = open_page(browser)
    try:
        page.goto(f"{server.url}/#networkShape=3&activation=relu&seed=0.5")
        page.wait_for_selector("body[data-ready=true]")
        with context.expect_page() as opened:
            page.click("#compare-button")
        compare = opened.value
        compare.wait_for_selector("[data-side=a][data-ready=true]")
        compare.wait_for_selector("[data-side=b][data-ready=true]")
        assert compare.url.startswith(f"{server.url}/compare#a=")
        a, b = compare.evaluate("location.hash").removeprefix("#a=").split("&b=")
        assert a == b and "activation%3Drelu" in a and "networkShape%3D3%26" in a
        assert compare.text_content("#compare-notices").strip() == ""
        assert not page.console_watch.unexpected(), page.console_watch.unexpected()
    finally:
        context.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_layout_without_sideways_scrolling(browser, server, screen, tmp_path):
    width, height = SCREENS[screen]
    context, page = open_compare(browser, compare_url(server, LINK_A, LINK_B), (width, height))
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        a = page.locator("[data-side=a]").bounding_box()
        b = page.locator("[data-side=b]").bounding_box()
        if width < 900:
            assert b["y"] >= a["y"] + a["height"] - 1  # one above the other
        else:
            assert abs(a["y"] - b["y"]) < 1 and b["x"] >= a["x"] + a["width"] - 1  # side by side
        page.screenshot(path=str(tmp_path / f"compare-{screen}.png"), full_page=True)
        assert not page.console_watch.unexpected(), page.console_watch.unexpected()
    finally:
        context.close()


def test_no_halves_give_the_default_set_up_on_both_sides(browser, server):
    context, page = open_compare(browser, f"{server.url}/compare")
    try:
        shown = halves(page)
        assert shown["a"] == shown["b"]  # the default set-up, with one seed for both
        assert shown["a"]["networkShape"] == "4,2" and shown["a"]["dataset"] == "circle"
        assert page.text_content("#compare-notices").strip() == ""
        assert not page.console_watch.unexpected(), page.console_watch.unexpected()
    finally:
        context.close()
