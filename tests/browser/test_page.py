"""The page in a real browser against the real server: what a user clicks and sees."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_harness import ServerProcess, free_port, open_page

SEED = "seed=0.12345"
ORIGINAL_IDS = [
    "play-pause-button",
    "reset-button",
    "next-step-button",
    "iter-number",
    "learningRate",
    "activations",
    "regularizations",
    "regularRate",
    "problem",
    "percTrainData",
    "noise",
    "batchSize",
    "data-regen-button",
    "add-layers",
    "remove-layers",
    "num-layers",
    "loss-train",
    "loss-test",
    "linechart",
    "heatmap",
    "show-test-data",
    "discretize",
]
OUR_IDS = ["optimizer", "loss", "init", "dropout", "speed"]


def load(page, server, hash_=SEED):
    page.goto(f"{server.url}/#{hash_}")
    page.wait_for_selector("body[data-ready=true]")


def epoch(page) -> int:
    return int(page.get_attribute("body", "data-epoch"))


def current_hash(page) -> str:
    return page.evaluate("location.hash")


def wait_hash(page, fragment: str):
    page.wait_for_function("(part) => location.hash.includes(part)", arg=fragment)


def heatmap_pixels(page) -> list[int]:
    return page.evaluate(
        """() => {
            const canvas = document.querySelector('#heatmap canvas');
            return Array.from(canvas.getContext('2d').getImageData(0, 0, 100, 100).data);
        }"""
    )


def train_until(page, epochs: int, speed: str = "10"):
    page.select_option("#speed", speed)
    page.click("#play-pause-button")
    page.wait_for_function("(n) => Number(document.body.dataset.epoch) >= n", arg=epochs)
    page.click("#play-pause-button")
    page.wait_for_selector("#play-pause-button:not(.playing)")


def test_first_frame_is_drawn_with_the_original_controls(page, server):
    load(page, server)
    for element_id in ORIGINAL_IDS + OUR_IDS:
        assert page.locator(f"#{element_id}").count() == 1, element_id
    assert page.text_content("#iter-number") == "000,000"
    assert re.fullmatch(r"\d\.\d{3}", page.text_content("#loss-test"))
    assert re.fullmatch(r"\d\.\d{3}", page.text_content("#loss-train"))
    pixels = heatmap_pixels(page)
    assert set(pixels[3::4]) == {160}, "every heatmap pixel is drawn at alpha 160"
    assert len(set(zip(pixels[0::4], pixels[1::4], pixels[2::4]))) > 3
    # 7 inputs, 4 + 2 hidden neurons, and the output neuron with its bias.
    assert page.locator(".node-canvas.input-node").count() == 7
    assert page.locator(".node-canvas.input-node.active").count() == 2
    assert page.locator(".node-canvas.hidden-node").count() == 6
    assert page.locator(".node-canvas.output-node").count() == 1
    assert page.locator("rect.bias").count() == 7
    assert page.locator("path.link").count() == 2 * 4 + 4 * 2 + 2
    assert int(page.get_attribute("#heatmap", "data-train-points")) > 100
    assert page.locator("button.dataset.selected").get_attribute("data-value") == "circle"
    # The canonical share link is written back, with the seed kept.
    assert current_hash(page).startswith("#activation=tanh&batchSize=10&dataset=circle")
    assert "seed=0.12345" in current_hash(page)
    assert page.text_content("#connection-status") == "Connected"


def test_play_raises_the_epoch_and_changes_the_heatmap(page, server):
    load(page, server)
    before = heatmap_pixels(page)
    page.click("#play-pause-button")
    page.wait_for_selector("#play-pause-button.playing")
    page.wait_for_function("() => Number(document.body.dataset.epoch) >= 15")
    page.click("#play-pause-button")
    page.wait_for_selector("#play-pause-button:not(.playing)")
    assert page.text_content("#iter-number") != "000,000"
    assert heatmap_pixels(page) != before
    assert int(page.get_attribute("#linechart", "data-points")) > 1


def test_the_default_circle_reaches_a_test_loss_below_005(page, server):
    load(page, server)
    page.select_option("#speed", "10")
    page.click("#play-pause-button")
    page.wait_for_function("() => Number(document.getElementById('loss-test').textContent) < 0.05", timeout=60_000)
    page.click("#play-pause-button")
    assert float(page.text_content("#loss-test")) < 0.05


def test_layer_and_neuron_buttons_change_the_diagram_and_the_link(page, server):
    load(page, server)
    page.click("#add-layers")
    wait_hash(page, "networkShape=4,2,2&")
    assert page.text_content("#num-layers") == "3"
    page.wait_for_function("() => document.querySelectorAll('.node-canvas.hidden-node').length === 8")
    assert page.locator(".plus-minus-neurons").count() == 3

    page.click(".plus-minus-neurons.ui-numNodes1 .add-neuron")
    wait_hash(page, "networkShape=5,2,2&")
    page.wait_for_function("() => document.querySelectorAll('.node-canvas.hidden-node').length === 9")
    assert page.text_content(".plus-minus-neurons.ui-numNodes1 .neuron-count") == "5 neurons"

    page.click(".plus-minus-neurons.ui-numNodes3 .remove-neuron")
    wait_hash(page, "networkShape=5,2,1&")
    page.wait_for_selector(".plus-minus-neurons.ui-numNodes3 .remove-neuron:disabled")
    assert page.text_content(".plus-minus-neurons.ui-numNodes3 .neuron-count") == "1 neuron"

    for _ in range(3):
        page.click("#remove-layers")
    wait_hash(page, "networkShape=&")
    assert page.text_content("#num-layers") == "0"
    assert page.text_content("#layers-label") == "Hidden layers"
    page.wait_for_selector("#remove-layers:disabled")
    # Without hidden layers the inputs feed the output neuron directly.
    page.wait_for_function("() => document.querySelectorAll('path.link').length === 2")


def test_ten_layers_and_sixteen_neurons_are_the_button_limits(page, server):
    load(page, server, f"{SEED}&networkShape=16,2,2,2,2,2,2,2,2")
    page.click("#add-layers")
    wait_hash(page, "networkShape=16,2,2,2,2,2,2,2,2,2&")
    page.wait_for_selector("#add-layers:disabled")
    assert page.get_attribute("#add-layers", "title") == "At most 10 hidden layers"
    assert page.locator(".plus-minus-neurons.ui-numNodes1 .add-neuron").is_disabled()


def test_a_feature_toggle_rebuilds_the_network(page, server):
    load(page, server)
    train_until(page, 5)
    page.click(".node-canvas.input-node[data-index='2']")  # X1 squared
    wait_hash(page, "xSquared=true")
    page.wait_for_selector(".node-canvas.input-node.active[data-index='2']")
    page.wait_for_function("() => document.body.dataset.epoch === '0'")
    assert page.locator("path.link").count() == 3 * 4 + 4 * 2 + 2
    page.click(".node-canvas.input-node[data-index='0']")  # X1 off
    wait_hash(page, "x=false")
    page.wait_for_selector(".node-canvas.input-node:not(.active)[data-index='0']")


def test_activation_rebuilds_and_learning_rate_applies_live(page, server):
    load(page, server)
    train_until(page, 20)
    trained = epoch(page)
    page.select_option("#learningRate", "0.1")
    wait_hash(page, "learningRate=0.1&")
    assert epoch(page) == trained, "a new learning rate keeps the network"
    page.select_option("#activations", "relu")
    wait_hash(page, "activation=relu")
    page.wait_for_function("() => document.body.dataset.epoch === '0'")
    page.select_option("#activations", "gelu")
    wait_hash(page, "activation=gelu")
    page.select_option("#optimizer", "adam")
    wait_hash(page, "optimizer=adam")


def test_hovering_a_node_shows_it_in_the_big_heatmap(page, server):
    load(page, server)
    train_until(page, 60)
    output = heatmap_pixels(page)
    page.hover(".node-canvas.hidden-node[data-layer='1'][data-index='0']")
    page.wait_for_selector("#heatmap[data-showing='1-0']")
    assert page.locator(".node-canvas.hidden-node.hovered").count() == 1
    neuron = heatmap_pixels(page)
    assert neuron != output
    page.hover(".node-canvas.input-node[data-index='1']")  # X2: a horizontal split
    page.wait_for_selector("#heatmap[data-showing='0-1']")
    x2 = heatmap_pixels(page)
    top_left, bottom_left = x2[0:3], x2[99 * 400 : 99 * 400 + 3]
    assert top_left[2] > top_left[0], "x2 = +6 at the top is blue"
    assert bottom_left[0] > bottom_left[2], "x2 = -6 at the bottom is orange"
    page.mouse.move(5, 5)
    page.wait_for_selector("#heatmap[data-showing='output']")
    assert heatmap_pixels(page) == output


def test_editing_a_weight_and_the_output_bias_applies_at_once(page, server):
    load(page, server)
    link = ".link-hit[data-link='3-1-0']"
    page.hover(link)
    page.wait_for_selector("#hovercard:not([hidden])")
    assert re.fullmatch(r"Weight is -?[\d.e+-]+\.", page.text_content(".hovercard-body").strip())
    page.click(link)
    field = page.locator(".hovercard-input")
    assert field.is_visible()
    field.fill("3")
    page.wait_for_function(
        "() => document.querySelector(\"path.link[data-link='3-1-0']\").getAttribute('stroke-width') === '6.40'"
    )
    field.press("Enter")
    assert page.text_content(".hovercard-value") == "3.0"
    assert epoch(page) == 0, "an edit does not train"

    bias = ".bias-hit[data-bias='3-0']"
    page.hover(bias)
    page.wait_for_function("() => document.querySelector('.hovercard-name').textContent === 'Bias'")
    page.click(bias)
    page.locator(".hovercard-input").fill("-2")
    page.wait_for_function(
        "() => document.querySelector(\"rect.bias[data-bias='3-0']\").getAttribute('fill') === '#f59322'"
    )


def test_discretize_and_show_test_data(page, server):
    load(page, server)
    train_until(page, 30)
    assert page.get_attribute("#heatmap", "data-test-points") == "0"
    page.check("#show-test-data")
    page.wait_for_function("() => Number(document.getElementById('heatmap').dataset.testPoints) > 100")
    wait_hash(page, "showTestData=true")
    page.check("#discretize")
    wait_hash(page, "discretize=true")
    page.wait_for_function(
        """() => {
            const d = document.querySelector('#heatmap canvas').getContext('2d').getImageData(0, 0, 100, 100).data;
            const colours = new Set();
            for (let i = 0; i < d.length; i += 4) colours.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
            return colours.size === 2;
        }"""
    )
    assert epoch(page) >= 30, "view choices do not reset the network"
    page.uncheck("#show-test-data")
    page.wait_for_function("() => document.getElementById('heatmap').dataset.testPoints === '0'")


def test_keyboard_shortcuts(page, server):
    load(page, server)
    page.click("#header")
    page.keyboard.press("Space")
    page.wait_for_selector("#play-pause-button.playing")
    page.keyboard.press("Space")
    page.wait_for_selector("#play-pause-button:not(.playing)")
    page.wait_for_timeout(100)
    before = epoch(page)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(n) => Number(document.body.dataset.epoch) === n + 1", arg=before)
    page.keyboard.press("r")
    page.wait_for_function("() => document.body.dataset.epoch === '0'")


def test_every_control_is_reachable_by_tab_with_a_name_and_a_focus_ring(page, server):
    load(page, server)
    reached = {}
    for _ in range(90):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => {
                const el = document.activeElement;
                const labelled = el.labels && el.labels.length ? el.labels[0].textContent : '';
                const name = (el.getAttribute('aria-label') || labelled || el.title || el.textContent || '').trim();
                const style = getComputedStyle(el);
                return {id: el.id, name, outline: style.outlineStyle, width: style.outlineWidth};
            }"""
        )
        if info["id"]:
            reached[info["id"]] = info
    for element_id in [
        "reset-button",
        "play-pause-button",
        "next-step-button",
        "learningRate",
        "activations",
        "regularizations",
        "regularRate",
        "problem",
        "percTrainData",
        "noise",
        "batchSize",
        "data-regen-button",
        "add-layers",
        "remove-layers",
        "show-test-data",
        "discretize",
        *OUR_IDS,
        "copy-link-button",
    ]:
        assert element_id in reached, f"#{element_id} is not reachable by Tab"
        assert reached[element_id]["name"], f"#{element_id} has no accessible name"
        assert reached[element_id]["outline"] == "solid", f"#{element_id} shows no focus ring"


def test_hide_keys_and_hide_text_from_the_link(page, server):
    load(page, server, f"{SEED}&playButton_hide=true&x_hide=true&noise_hide=true&hideText=true")
    assert page.locator("#play-pause-button").is_hidden()
    assert page.locator("#noise").is_hidden()
    assert page.locator("#header").is_hidden()
    assert page.locator("#article-text").is_hidden()
    assert page.locator(".node-canvas.input-node[data-index='0']").count() == 0
    assert page.locator("#next-step-button").is_visible()
    assert "playButton_hide=true" in current_hash(page)


def test_classroom_checkbox_hides_a_control_in_the_link(page, server):
    load(page, server)
    page.locator("#hide-stepButton").scroll_into_view_if_needed()
    page.uncheck("#hide-stepButton")
    wait_hash(page, "stepButton_hide=true")
    page.wait_for_selector("#next-step-button", state="hidden")
    assert page.get_attribute(".hide-controls-link", "href").endswith(current_hash(page))


def test_problem_type_swaps_the_dataset_thumbnails(page, server):
    load(page, server)
    assert page.locator("button.dataset[data-value='reg-plane']").is_hidden()
    page.select_option("#problem", "regression")
    wait_hash(page, "problem=regression")
    page.wait_for_selector("button.dataset[data-value='reg-plane'].selected")
    assert page.locator("button.dataset[data-value='circle']").is_hidden()
    page.click("button.dataset[data-value='reg-gauss']")
    wait_hash(page, "regDataset=reg-gauss")


def test_sliders_and_regenerate(page, server):
    load(page, server)
    train_until(page, 10)
    seed_before = re.search(r"seed=([^&]*)", current_hash(page)).group(1)
    page.click("#data-regen-button")
    page.wait_for_function("(s) => !location.hash.includes('seed=' + s + '&')", arg=seed_before)
    assert epoch(page) >= 10, "regenerate keeps the network and the epoch"
    page.locator("#noise").fill("25")
    wait_hash(page, "noise=25")
    assert page.text_content("#value-noise") == "25"
    page.locator("#batchSize").fill("3")
    wait_hash(page, "batchSize=3&")


def test_the_page_reconnects_after_a_server_restart(browser):
    server = ServerProcess(free_port()).start()
    context, page = open_page(browser)
    page.console_watch.allow(r"WebSocket connection to .* failed")
    page.console_watch.allow(r"ERR_CONNECTION_REFUSED")
    try:
        load(page, server)
        page.click("#add-layers")
        wait_hash(page, "networkShape=4,2,2&")
        server.stop()
        page.wait_for_selector("#connection-status[data-state='reconnecting']")
        server.start()
        page.wait_for_selector("#connection-status[data-state='open']", timeout=20_000)
        page.wait_for_function("() => document.getElementById('num-layers').textContent === '3'")
        page.click("#play-pause-button")
        page.wait_for_function("() => Number(document.body.dataset.epoch) >= 3")
        page.click("#play-pause-button")
        assert "networkShape=4,2,2&" in current_hash(page)
        assert not page.console_watch.unexpected(), page.console_watch.unexpected()
    finally:
        context.close()
        server.stop()


@pytest.mark.parametrize("size", [(1280, 800, False), (1024, 768, True)], ids=["desktop", "tablet"])
def test_the_layout_fits_and_screenshots(browser, server, tmp_path, size):
    width, height, touch = size
    context, page = open_page(browser, viewport={"width": width, "height": height}, has_touch=touch)
    try:
        load(page, server)
        if touch:
            page.tap("#play-pause-button")
        else:
            page.click("#play-pause-button")
        page.wait_for_function("() => Number(document.body.dataset.epoch) >= 30")
        page.click("#play-pause-button")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for selector in ["#top-controls select", "#top-controls button", ".column.output", "#heatmap"]:
            for box in [page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())]:
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, selector
        if touch:
            page.tap(".node-canvas.input-node[data-index='4']")
            wait_hash(page, "xTimesY=true")
        folder = Path(os.environ.get("PLAYGROUND_SCREENSHOTS", tmp_path))
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"page-{width}x{height}.png"))
        assert not page.console_watch.unexpected(), page.console_watch.unexpected()
    finally:
        context.close()


def test_the_links_values_appear_in_the_controls(page, server):
    load(
        page,
        server,
        f"{SEED}&activation=relu&learningRate=0.3&regularization=L2&regularizationRate=0.01"
        "&noise=20&batchSize=5&percTrainData=70&optimizer=adam&dropout=0.2&speed=5"
        "&discretize=true&networkShape=3&problem=regression&regDataset=reg-gauss",
    )
    expected = {
        "#activations": "relu",
        "#learningRate": "0.3",
        "#regularizations": "L2",
        "#regularRate": "0.01",
        "#noise": "20",
        "#batchSize": "5",
        "#percTrainData": "70",
        "#optimizer": "adam",
        "#dropout": "0.2",
        "#speed": "5",
        "#problem": "regression",
    }
    for selector, value in expected.items():
        assert page.input_value(selector) == value, selector
    assert page.is_checked("#discretize")
    assert not page.is_checked("#show-test-data")
    assert page.text_content("#value-percTrainData") == "70"
    assert page.text_content("#num-layers") == "1"
    assert page.text_content("#layers-label") == "Hidden layer"
    assert page.locator("button.dataset.selected").get_attribute("data-value") == "reg-gauss"


def test_the_divergence_guard_explains_itself_and_offers_the_fix(page, server):
    load(
        page,
        server,
        "seed=1&learningRate=10&activation=linear&networkShape=&problem=regression"
        "&xSquared=true&ySquared=true&xTimesY=true",
    )
    page.click("#next-step-button")
    page.wait_for_selector("#divergence:not([hidden])")
    text = page.text_content("#divergence-text")
    assert "learning rate 10" in text and text.startswith("Training stopped")
    assert page.locator("#message-list li", has_text="learning rate 10").count() == 0, "said once, not twice"
    assert page.text_content("#divergence-fix") == "Use learning rate 3 and reset"
    page.click("#divergence-fix")
    wait_hash(page, "learningRate=3&")
    page.wait_for_selector("#divergence", state="hidden")
    assert page.input_value("#learningRate") == "3"


def test_notices_about_the_link_are_shown_as_text(page, server):
    load(page, server, f"{SEED}&noise=90&learningRate=<b>x</b>")
    page.wait_for_selector("#message-list li")
    texts = page.locator("#message-list li span").all_text_contents()
    assert any("noise" in text for text in texts), texts
    assert page.locator("#message-list b").count() == 0, "received text is never markup"
    assert "noise=50" in current_hash(page)
    page.evaluate("document.querySelectorAll('#message-list li').forEach((li) => li.classList.add('seen'))")
    page.select_option("#activations", "relu")
    wait_hash(page, "activation=relu")
    assert page.locator("#message-list li:not(.seen)").count() == 0, "a link's notices are said once"


def test_copy_link_copies_the_canonical_address(browser, server):
    context, page = open_page(browser, permissions=["clipboard-read", "clipboard-write"])
    try:
        load(page, server)
        page.click("#copy-link-button")
        page.locator("#message-list li", has_text="Link copied").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == page.evaluate("location.href")
        assert "seed=0.12345" in copied and "networkShape=4,2" in copied
        assert not page.console_watch.unexpected(), page.console_watch.unexpected()
    finally:
        context.close()


# Records the page's websockets so a test can drop one as a flaky network would.
TRACK_SOCKETS = """
    window.__sockets = [];
    const NativeWebSocket = window.WebSocket;
    window.WebSocket = class extends NativeWebSocket {
        constructor(...args) { super(...args); window.__sockets.push(this); }
    };
"""


def test_a_dropped_connection_resumes_the_same_session(page, server):
    page.add_init_script(TRACK_SOCKETS)
    load(page, server)
    for _ in range(4):
        page.click("#next-step-button")
    page.wait_for_function("() => document.body.dataset.epoch === '4'")
    page.evaluate("window.__sockets[window.__sockets.length - 1].close()")
    page.wait_for_function("() => window.__sockets.length === 2 && window.__sockets[1].readyState === 1")
    page.wait_for_selector("#connection-status[data-state='open']")
    page.click("#next-step-button")
    page.wait_for_function("() => document.body.dataset.epoch === '5'")


def test_only_losses_that_suit_the_problem_are_offered(page, server):
    load(page, server)
    disabled = "(value) => document.querySelector(`#loss option[value=${value}]`).disabled"
    assert page.evaluate(disabled, "huber") and not page.evaluate(disabled, "crossEntropy")
    page.select_option("#loss", "crossEntropy")
    wait_hash(page, "loss=crossEntropy")
    page.select_option("#problem", "regression")
    wait_hash(page, "problem=regression")
    page.wait_for_function(f"() => ({disabled})('crossEntropy')")
    assert not page.evaluate(disabled, "huber")
    # the server moved the loss to one that suits; the select follows once the user has let go
    page.wait_for_function("() => document.querySelector('#loss').value === 'squared'")


CLICK_QUICKLY = "([selector, times]) => { for (let i = 0; i < times; i++) document.querySelector(selector).click(); }"


def test_quick_clicks_on_the_shape_buttons_build_on_each_other(page, server):
    load(page, server)
    # All clicks land before any frame can answer the first.
    page.evaluate(CLICK_QUICKLY, ["#add-layers", 3])
    wait_hash(page, "networkShape=4,2,2,2,2&")
    page.evaluate(CLICK_QUICKLY, [".plus-minus-neurons.ui-numNodes2 .add-neuron", 2])
    wait_hash(page, "networkShape=4,4,2,2,2&")
    page.evaluate(CLICK_QUICKLY, ["#remove-layers", 5])
    wait_hash(page, "networkShape=&")


def test_a_quick_double_click_on_a_feature_toggles_it_twice(page, server):
    load(page, server)
    page.evaluate(CLICK_QUICKLY, ["button.input-node.ui-xSquared", 2])
    page.evaluate(CLICK_QUICKLY, ["button.input-node.ui-sinX", 1])
    wait_hash(page, "sinX=true")
    assert "xSquared=false" in current_hash(page)


def test_on_a_touch_tablet_a_tap_shows_a_neuron_and_edits_a_weight(browser, server):
    context, page = open_page(browser, viewport={"width": 1024, "height": 768}, has_touch=True, is_mobile=True)
    try:
        load(page, server)
        page.tap(".node-canvas[data-layer='1'][data-index='0']")
        page.wait_for_selector("#heatmap[data-showing='1-0']")
        page.tap(".link-hit[data-link='2-0-1']")
        field = page.locator(".hovercard-input")
        field.wait_for()
        field.fill("2.5")
        field.press("Enter")
        assert page.text_content(".hovercard-value") == "2.5"
        page.wait_for_function(
            "() => document.querySelector(\"path.link[data-link='2-0-1']\").getAttribute('stroke-width') === '5.50'"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024
        assert not page.console_watch.unexpected(), page.console_watch.unexpected()
    finally:
        context.close()
