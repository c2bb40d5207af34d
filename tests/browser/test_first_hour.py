"""A stranger's first hour, in a real browser against the real server: phones
and tablets, embedding in lesson pages, the keyboard, screen readers, contrast,
the page's own font, hidden inputs and controls, and messages in plain words."""

from __future__ import annotations

import http.server
import os
import threading
from functools import partial
from pathlib import Path

import pytest
from browser_harness import open_page
from test_page import SEED, current_hash, epoch, load, wait_hash

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}


def screenshot_folder(tmp_path) -> Path:
    folder = Path(os.environ.get("PLAYGROUND_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def overlaps(a, b) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


# The element that a tap at the centre of `selector` would land on is that element.
TAP_LANDS = """(selector) => {
    const el = document.querySelector(selector);
    el.scrollIntoView({block: 'center'});
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit === el || el.contains(hit);
}"""

MAIN_CONTROLS = [
    "#reset-button",
    "#play-pause-button",
    "#next-step-button",
    "#learningRate",
    "#activations",
    "#regularizations",
    "#regularRate",
    "#problem",
    "#optimizer",
    "#loss",
    "#init",
    "#dropout",
    "#speed",
    "#copy-link-button",
    "button.dataset[data-value='xor']",
    "#percTrainData",
    "#noise",
    "#batchSize",
    "#data-regen-button",
    "#add-layers",
    "#remove-layers",
    "button.input-node.ui-xSquared",
    ".plus-minus-neurons.ui-numNodes1 .add-neuron",
    "#show-test-data",
    "#discretize",
]


# ---- phones and tablets ------------------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
def test_small_screens_stack_without_sideways_scrolling(browser, server, tmp_path, viewport):
    context, page = open_page(browser, viewport=viewport, has_touch=True, is_mobile=True)
    try:
        load(page, server)
        width = viewport["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
        # Stacked in reading order: data, then the network, then the output; none drawn over another.
        data, network, output = box(page, ".column.data"), box(page, ".network-column"), box(page, ".column.output")
        assert not overlaps(output, network) and not overlaps(data, network)
        assert data["y"] < network["y"] < output["y"]
        for selector in [".column.data", ".network-column", ".column.output", "#heatmap", "#top-controls"]:
            b = box(page, selector)
            assert b["x"] >= 0 and b["x"] + b["width"] <= width + 0.5, selector
        # Every main control can be hit by a tap: nothing covers it.
        for selector in MAIN_CONTROLS:
            assert page.evaluate(TAP_LANDS, selector), f"a tap on {selector} lands elsewhere"
        # Taps do what they say.
        page.locator("#play-pause-button").scroll_into_view_if_needed()
        page.tap("#play-pause-button")
        page.wait_for_function("() => Number(document.body.dataset.epoch) >= 5")
        page.tap("#play-pause-button")
        page.wait_for_selector("#play-pause-button:not(.playing)")
        page.locator("button.input-node.ui-xTimesY").scroll_into_view_if_needed()
        page.tap("button.input-node.ui-xTimesY")
        wait_hash(page, "xTimesY=true")
        page.tap(".plus-minus-neurons.ui-numNodes1 .add-neuron")
        wait_hash(page, "networkShape=5,2")
        page.locator("#discretize").scroll_into_view_if_needed()
        page.tap("#discretize")
        wait_hash(page, "discretize=true")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(
            path=str(screenshot_folder(tmp_path) / f"page-{width}x{viewport['height']}.png"), full_page=True
        )
        assert not page.console_watch.unexpected(), page.console_watch.unexpected()
    finally:
        context.close()


def test_the_desktop_keeps_the_three_columns(page, server):
    load(page, server)
    data, network, output = box(page, ".column.data"), box(page, ".network-column"), box(page, ".column.output")
    assert data["x"] < network["x"] < output["x"]
    assert abs(data["y"] - output["y"]) < 5 and not overlaps(network, output)


# ---- embedding ---------------------------------------------------------------


def lesson_page(playground_url: str) -> str:
    return (
        f'<!doctype html><title>Lesson</title><link rel="icon" href="data:,"><h1>Lesson</h1>'
        f'<iframe id="playground" src="{playground_url}/#{SEED}" width="1100" height="900"></iframe>'
    )


def train_in_frame(page):
    frame = page.frame_locator("#playground")
    frame.locator("body[data-ready=true]").wait_for()
    frame.locator("#next-step-button").click()
    frame.locator("body[data-epoch='1']").wait_for()
    assert frame.locator("#connection-status").text_content() == "Connected"


def test_a_lesson_file_can_embed_the_playground(page, server, tmp_path):
    lesson = tmp_path / "lesson.html"
    lesson.write_text(lesson_page(server.url), encoding="utf-8")
    page.goto(lesson.as_uri())
    train_in_frame(page)


class QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_a_page_of_another_origin_can_embed_the_playground(page, server, tmp_path):
    (tmp_path / "lesson.html").write_text(lesson_page(server.url), encoding="utf-8")
    handler = partial(QuietFiles, directory=str(tmp_path))
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=other.serve_forever, daemon=True)
    thread.start()
    try:
        page.goto(f"http://127.0.0.1:{other.server_address[1]}/lesson.html")
        train_in_frame(page)
    finally:
        other.shutdown()
        other.server_close()


# ---- hidden inputs and controls ------------------------------------------------


def test_a_hidden_feature_is_not_drawn_nor_an_input(page, server):
    load(page, server, f"{SEED}&x_hide=true")
    assert page.locator("button.input-node.ui-x").count() == 0
    assert page.locator("button.input-node").count() == 6
    # Only X2 feeds the first hidden layer: one link into each of its four neurons.
    assert page.locator("path.link[data-link^='1-']").count() == 4
    assert page.text_content("#loss-test") == "0.509" and page.text_content("#loss-train") == "0.504"


def test_the_classroom_checkbox_that_hides_a_feature_removes_it_from_the_network(page, server):
    load(page, server)
    assert page.locator("path.link[data-link^='1-']").count() == 8
    page.locator("#hide-y").scroll_into_view_if_needed()
    page.uncheck("#hide-y")
    wait_hash(page, "y_hide=true")
    page.wait_for_function("() => document.querySelectorAll(\"path.link[data-link^='1-']\").length === 4")
    assert page.locator("button.input-node.ui-y").count() == 0
    page.check("#hide-y")
    page.wait_for_function("() => document.querySelectorAll(\"path.link[data-link^='1-']\").length === 8")
    assert page.locator("button.input-node.ui-y.active").count() == 1


def test_hidden_buttons_keys_do_nothing(page, server):
    load(page, server, f"{SEED}&playButton_hide=true&stepButton_hide=true&resetButton_hide=true")
    page.click("#header")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(400)
    assert epoch(page) == 0 and page.locator("#play-pause-button.playing").count() == 0


def test_a_hidden_reset_button_keeps_its_key_from_resetting(page, server):
    load(page, server, f"{SEED}&resetButton_hide=true")
    page.click("#header")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.body.dataset.epoch === '2'")
    page.keyboard.press("r")
    page.wait_for_timeout(400)
    assert epoch(page) == 2


OUR_EXTRAS = ["#optimizer", "#loss", "#init", "#dropout", "#speed"]


def test_a_classroom_link_for_the_original_hides_our_extras(page, server):
    link = f"{SEED}&noise_hide=true&playButton_hide=true"
    load(page, server, link)
    for selector in OUR_EXTRAS:
        assert page.locator(selector).is_hidden(), selector
    assert page.locator("#noise").is_hidden() and page.locator("#learningRate").is_visible()
    # The link stays what the original would write: no key of ours is added.
    assert current_hash(page).endswith("&noise_hide=true&playButton_hide=true")
    assert "optimizer" not in current_hash(page)
    # The classroom section says why and how to show them; ticking one shows that one only.
    assert "optimizer_hide=false" in page.text_content("#classroom-extras")
    assert not page.is_checked("#hide-optimizer")
    page.locator("#hide-optimizer").scroll_into_view_if_needed()
    page.check("#hide-optimizer")
    wait_hash(page, "optimizer_hide=false")
    page.wait_for_selector("#optimizer", state="visible")
    assert page.locator("#loss").is_hidden() and "loss_hide=true" in current_hash(page)


def test_a_link_without_hide_keys_shows_our_extras(page, server):
    load(page, server)
    for selector in OUR_EXTRAS:
        assert page.locator(selector).is_visible(), selector


# ---- focus and the keyboard ------------------------------------------------------


def active_key(page) -> str | None:
    return page.evaluate(
        "document.activeElement && (document.activeElement.dataset.focusKey || document.activeElement.id)"
    )


def test_focus_stays_on_a_feature_toggle_and_a_neuron_button(page, server):
    load(page, server)
    page.click("button.input-node.ui-xSquared")
    wait_hash(page, "xSquared=true")
    page.wait_for_function("() => document.activeElement.dataset.focusKey === 'feature-xSquared'")
    page.keyboard.press("Enter")
    wait_hash(page, "xSquared=false")
    page.wait_for_function("() => document.activeElement.dataset.focusKey === 'feature-xSquared'")
    page.click(".plus-minus-neurons.ui-numNodes1 .add-neuron")
    wait_hash(page, "networkShape=5,2")
    page.wait_for_function("() => document.activeElement.dataset.focusKey === 'add-neuron-1'")
    page.keyboard.press("Tab")
    assert active_key(page) == "remove-neuron-1", "Tab goes on from the control that was used"


def test_space_after_clicking_a_button_plays_instead_of_pressing_it_again(page, server):
    load(page, server)
    page.click("#add-layers")
    wait_hash(page, "networkShape=4,2,2&")
    assert active_key(page) == "add-layers"
    page.keyboard.press("Space")
    page.wait_for_selector("#play-pause-button.playing")
    page.keyboard.press("Space")
    page.wait_for_selector("#play-pause-button:not(.playing)")
    page.wait_for_timeout(300)
    assert "networkShape=4,2,2&" in current_hash(page), "the layer button was not pressed again"
    # A button reached with Tab still answers Space itself.
    page.keyboard.press("Tab")
    assert active_key(page) == "remove-layers"
    page.keyboard.press("Space")
    wait_hash(page, "networkShape=4,2&")
    # Pressed until it greys out, the button hands the focus to its partner.
    page.keyboard.press("Space")
    wait_hash(page, "networkShape=4&")
    page.keyboard.press("Space")
    wait_hash(page, "networkShape=&")
    page.wait_for_function("() => document.activeElement.id === 'add-layers'")


def test_weights_and_biases_are_edited_from_the_keyboard(page, server):
    load(page, server)
    page.focus("#remove-layers")
    # From the layer buttons, Tab reaches the links, then the biases.
    for _ in range(3):
        page.keyboard.press("Tab")
        if (active_key(page) or "").startswith("link-"):
            break
    assert active_key(page) == "link-1-0-0"
    name = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert name.startswith("Weight from input X₁ to neuron 1 of hidden layer 1: ")
    page.keyboard.press("ArrowDown")
    assert active_key(page) == "link-1-1-0"
    page.keyboard.press("Enter")
    field = page.locator(".hovercard-input")
    field.wait_for()
    assert page.evaluate("document.activeElement.classList.contains('hovercard-input')")
    page.keyboard.press("Control+A")
    page.keyboard.type("2.5")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector(\"path.link[data-link='1-1-0']\").getAttribute('stroke-width') === '5.50'"
    )
    assert active_key(page) == "link-1-1-0", "the focus comes back to the link"
    # The biases are the next Tab stop.
    page.keyboard.press("Tab")
    assert active_key(page).startswith("bias-1-0")
    page.keyboard.press("Enter")
    field.wait_for()
    page.keyboard.press("Control+A")
    page.keyboard.type("-1")
    page.keyboard.press("Enter")
    # The focused bias's name follows its value.
    page.wait_for_function(
        "() => document.activeElement.getAttribute('aria-label').startsWith('Bias of neuron 1 of hidden layer 1: -1.0.')"
    )


# ---- screen readers ----------------------------------------------------------------


def test_epoch_and_losses_are_announced_only_when_training_stops(page, server):
    load(page, server)
    live = page.evaluate("""() => ['#iter-number', '#loss-train', '#loss-test'].filter((s) => {
        const el = document.querySelector(s);
        return el.closest('[aria-live], [role=status], [role=alert], output');
    })""")
    assert live == [], "no live region around the numbers that change every frame"
    page.click("#play-pause-button")
    page.wait_for_function("() => Number(document.body.dataset.epoch) >= 20")
    changes = page.evaluate("""() => new Promise((done) => {
        let count = 0;
        const seen = new MutationObserver(() => count++);
        seen.observe(document.getElementById('announcer'), {childList: true, characterData: true, subtree: true});
        setTimeout(() => { seen.disconnect(); done(count); }, 700);
    })""")
    assert changes == 0, "the announcer is quiet while training runs"
    page.click("#play-pause-button")
    page.wait_for_selector("#play-pause-button:not(.playing)")
    page.wait_for_function("""() => document.getElementById('announcer').textContent
        .startsWith(`Epoch ${document.body.dataset.epoch}, `)""")
    text = page.text_content("#announcer")
    assert f"Epoch {epoch(page)}, test loss {page.text_content('#loss-test')}, training loss " in text
    assert page.get_attribute("#announcer", "aria-live") == "polite"


def test_sliders_are_named_with_their_values_and_the_layers_heading_without_buttons(page, server):
    load(page, server, f"{SEED}&noise=25&batchSize=7")
    assert page.get_by_role("slider", name="Noise: 25", exact=True).count() == 1
    assert page.get_by_role("slider", name="Batch size: 7", exact=True).count() == 1
    assert page.get_by_role("slider", name="Ratio of training to test data: 50", exact=True).count() == 1
    assert page.get_attribute("#percTrainData", "aria-valuetext") == "50%"
    page.locator("#noise").fill("30")
    wait_hash(page, "noise=30")
    assert page.get_by_role("slider", name="Noise: 30", exact=True).count() == 1
    assert page.get_attribute("#noise", "aria-valuetext") == "30"
    assert page.get_by_role("heading", name="2 Hidden layers", exact=True).count() == 1
    assert page.get_by_role("button", name="Add a hidden layer").count() == 1


# ---- contrast and the font -----------------------------------------------------------

# WCAG contrast of every visible piece of text against what is behind it, from
# computed styles: the text colour (or SVG fill) with the opacity of it and its
# ancestors, over the first opaque background among its ancestors.
CONTRASTS = """() => {
    const parse = (text) => {
        const m = text.match(/rgba?\\(([^)]+)\\)/);
        if (!m) return null;
        const p = m[1].split(',').map(Number);
        return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
    };
    const over = (top, below) => ({
        r: top.r * top.a + below.r * (1 - top.a), g: top.g * top.a + below.g * (1 - top.a),
        b: top.b * top.a + below.b * (1 - top.a), a: 1});
    const lum = (c) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
    };
    const background = (el) => {
        const layers = [];
        for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
            const bg = parse(getComputedStyle(node).backgroundColor);
            if (bg && bg.a > 0) { layers.push(bg); if (bg.a >= 1) break; }
        }
        let color = {r: 255, g: 255, b: 255, a: 1};
        for (const layer of layers.reverse()) color = over(layer, color);
        return color;
    };
    const results = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const done = new Set();
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
        const el = text.parentElement;
        if (!text.textContent.trim() || done.has(el)) continue;
        done.add(el);
        if (el.closest('[hidden], .is-hidden, script, style, option, .visually-hidden, :disabled')) continue;
        const rect = el.getBoundingClientRect();
        if (rect.width === 0 || rect.height === 0 || !el.checkVisibility({visibilityProperty: true})) continue;
        const style = getComputedStyle(el);
        let color = parse(el instanceof SVGElement ? style.fill : style.color);
        if (!color) continue;
        let opacity = 1;
        for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
            opacity *= Number(getComputedStyle(node).opacity);
        }
        const bg = background(el);
        color = over({...color, a: color.a * opacity}, bg);
        const [hi, lo] = [lum(color), lum(bg)].sort((a, b) => b - a);
        results.push({text: text.textContent.trim().slice(0, 40), ratio: (hi + 0.05) / (lo + 0.05)});
    }
    return results;
}"""


def test_text_contrast_is_at_least_4_5_to_1(page, server):
    load(page, server, f"{SEED}&problem=regression&loss=absolute")
    page.click("#play-pause-button")
    page.wait_for_function("() => Number(document.body.dataset.epoch) >= 5")
    page.click("#play-pause-button")
    results = page.evaluate(CONTRASTS)
    assert len(results) > 100
    texts = {r["text"] for r in results}
    for must in ["Epoch", "Noise:", "X₁²", "Which dataset do you want to use?", "Training loss", "Absolute error"]:
        assert must in texts, must
    low = [(r["text"], round(r["ratio"], 2)) for r in results if r["ratio"] < 4.5]
    assert not low, f"text below 4.5:1: {low}"


def test_roboto_is_loaded_from_the_site(page, server):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    load(page, server)
    page.evaluate("document.fonts.ready")
    loaded = page.evaluate("""() => [...document.fonts].filter((f) => f.status === 'loaded')
        .map((f) => `${f.family.replace(/"/g, '')} ${f.weight} ${f.style}`)""")
    assert "Roboto 400 normal" in loaded and "Roboto 300 normal" in loaded, loaded
    assert page.evaluate("document.fonts.check('16px Roboto')")
    fonts = [url for url in requests if url.endswith(".woff2")]
    assert fonts and all(url.startswith(f"{server.url}/static/fonts/") for url in fonts), fonts
    assert all(url.startswith(server.url) for url in requests), "nothing from another host"


# ---- messages in plain words --------------------------------------------------------


def messages(page) -> list[str]:
    return page.locator("#message-list li span").all_text_contents()


def test_a_loss_that_does_not_suit_is_told_in_the_labels_words_and_cleared(page, server):
    load(page, server)
    top = box(page, "#main-part")["y"]
    page.select_option("#loss", "crossEntropy")
    wait_hash(page, "loss=crossEntropy")
    assert page.text_content("#loss-kind") == "Cross-entropy"
    page.select_option("#problem", "regression")
    page.locator("#message-list li", has_text="Cross-entropy does not suit regression").wait_for()
    assert messages(page) == ["Cross-entropy does not suit regression; using ½ squared error"]
    assert box(page, "#main-part")["y"] == top, "a message never pushes the playground down"
    page.wait_for_function("() => document.getElementById('loss-kind').textContent === '½ squared error'")
    # The greyed choice says why it cannot be chosen.
    option = "#loss option[value=crossEntropy]"
    page.wait_for_function(f"() => document.querySelector('{option}').disabled")
    assert page.get_attribute(option, "title") == "Not for regression: suits classification only"
    assert page.get_attribute(option, "aria-description") == "Not for regression: suits classification only"
    assert page.get_attribute("#loss option[value=huber]", "title") is None
    # Switching back removes the cause, and the message with it.
    page.select_option("#problem", "classification")
    wait_hash(page, "problem=classification")
    page.wait_for_function("() => document.querySelectorAll('#message-list li').length === 0")
    assert page.get_attribute("#loss option[value=huber]", "title") == "Not for classification: suits regression only"


def test_the_layer_buttons_say_why_they_are_greyed(page, server):
    load(page, server, f"{SEED}&networkShape=")
    assert page.is_disabled("#remove-layers")
    assert page.get_attribute("#remove-layers", "title") == "There is no hidden layer to remove"
    load(page, server, f"{SEED}&networkShape=16")
    assert page.is_disabled(".plus-minus-neurons.ui-numNodes1 .add-neuron")
    assert (
        page.get_attribute(".plus-minus-neurons.ui-numNodes1 .add-neuron", "title") == "At most 16 neurons in a layer"
    )


def test_a_weight_out_of_range_is_told_in_plain_words_and_kept(page, server):
    load(page, server)
    page.hover(".link-hit[data-link='2-0-1']")
    page.click(".link-hit[data-link='2-0-1']")
    field = page.locator(".hovercard-input")
    field.wait_for()
    before = page.get_attribute("path.link[data-link='2-0-1']", "stroke-width")
    field.fill("-1e9")
    page.keyboard.press("Enter")
    assert page.text_content(".hovercard-error") == "Weights must be between −1,000,000 and 1,000,000"
    assert field.is_visible() and field.input_value() == "-1e9", "the card stays open with the value typed"
    page.wait_for_timeout(300)
    assert page.get_attribute("path.link[data-link='2-0-1']", "stroke-width") == before
    assert not any("Input should" in text for text in messages(page))
    field.fill("3")
    assert page.text_content(".hovercard-error") == ""
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector(\"path.link[data-link='2-0-1']\").getAttribute('stroke-width') === '6.40'"
    )


def test_the_divergence_banner_agrees_with_the_counter(page, server):
    load(
        page,
        server,
        "seed=1&learningRate=10&activation=linear&networkShape=&problem=regression"
        "&xSquared=true&ySquared=true&xTimesY=true",
    )
    top = box(page, "#main-part")["y"]
    page.click("#next-step-button")
    page.wait_for_selector("#divergence:not([hidden])")
    shown = int(page.text_content("#iter-number").replace(",", ""))
    assert f"after epoch {shown};" in page.text_content("#divergence-text")
    assert box(page, "#main-part")["y"] == top


def test_the_schedule_shows_only_the_numbers_it_uses(page, server):
    """The period and the factor appear with a schedule that reads them: none
    for the constant rate (the original's), both for step decay, the period
    for cosine; a link that asks for step decay opens with both."""
    load(page, server)
    assert page.is_hidden("#lrDecayEpochs") and page.is_hidden("#lrDecayFactor")
    assert page.is_visible("#learning-rate-now")
    page.select_option("#lrSchedule", "step")
    assert page.is_visible("#lrDecayEpochs") and page.is_visible("#lrDecayFactor")
    page.select_option("#lrSchedule", "cosine")
    assert page.is_visible("#lrDecayEpochs") and page.is_hidden("#lrDecayFactor")
    load(page, server, f"{SEED}&lrSchedule=step&lrDecayEpochs=5")
    assert page.is_visible("#lrDecayEpochs") and page.is_visible("#lrDecayFactor")
    assert page.input_value("#lrDecayEpochs") == "5"
