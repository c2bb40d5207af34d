"""The "see inside" views in a real browser: the activation preview, the
hidden-space view, the formula and the lessons."""

from __future__ import annotations

import re

import numpy as np
import pytest

from engine.activations import ACTIVATIONS
from engine.session import Session
from engine.settings import BY_NAME
from engine.share_hash import parse_hash

SEED = "#seed=0.12345"


def load(page, server, hash_=SEED):
    page.goto(server.url + "/" + hash_)
    page.wait_for_selector("body[data-ready=true]")


def open_panel(page, summary: str):
    page.locator("#see-inside summary", has_text=summary).click()


def test_the_page_activations_are_the_engines(page, server):
    load(page, server)
    zs = [float(z) for z in np.linspace(-5, 5, 41)]
    for name in BY_NAME["activation"].choices:
        values = page.evaluate(
            """async ([name, zs]) => {
                const { activation } = await import('/static/js/views/activationfns.js');
                const a = activation(name);
                return zs.map((z) => [a.f(z), a.df(z)]);
            }""",
            [name, zs],
        )
        z = np.array(zs)
        expected_f = ACTIVATIONS[name].output(z)
        expected_df = ACTIVATIONS[name].derivative(z, expected_f)
        np.testing.assert_allclose([v[0] for v in values], expected_f, rtol=1e-12, atol=1e-12, err_msg=name)
        np.testing.assert_allclose([v[1] for v in values], expected_df, rtol=1e-12, atol=1e-12, err_msg=name)


def test_the_activation_preview_follows_the_activation(page, server):
    load(page, server)
    preview = page.locator("#activation-preview")
    page.hover("#activations")
    assert preview.is_visible()
    page.wait_for_function("() => document.getElementById('activation-preview').dataset.activation === 'tanh'")
    page.select_option("#activations", "relu")
    page.wait_for_function("() => document.getElementById('activation-preview').dataset.activation === 'relu'")
    # Blue and green curves are drawn.
    colours = page.evaluate("""() => {
        const c = document.getElementById('activation-preview');
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let blue = 0, green = 0;
        for (let i = 0; i < data.length; i += 4) {
            if (data[i] < 40 && data[i + 1] > 100 && data[i + 2] > 170) blue += 1;
            if (data[i] < 80 && data[i + 1] > 120 && data[i + 2] < 110) green += 1;
        }
        return [blue, green];
    }""")
    assert colours[0] > 50 and colours[1] > 50


def test_the_hidden_space_view_maps_points_and_grid_and_cycles_pairs(page, server):
    load(page, server)
    open_panel(page, "Hidden space")
    canvas = page.locator("#space-canvas")
    page.wait_for_function("() => document.getElementById('space-canvas').dataset.points === '250'")
    assert canvas.get_attribute("data-lines") == "26"
    assert page.locator("#space-layer option").count() == 2
    page.select_option("#space-layer", "1")
    # The default [4, 2]: its last hidden layer has two neurons, so the decision line is drawn.
    page.wait_for_function("() => document.getElementById('space-canvas').dataset.decisionLine === 'true'")
    page.select_option("#space-layer", "0")
    first = page.locator("#space-axes").input_value()
    page.click("#space-next")
    assert page.locator("#space-axes").input_value() != first
    options = page.locator("#space-axes option").all_inner_texts()
    assert "Principal directions" in options and len(options) == 7
    before = canvas.screenshot()
    page.click("#play-pause-button")
    page.wait_for_function("() => Number(document.body.dataset.epoch) >= 30")
    page.click("#play-pause-button")
    page.wait_for_timeout(300)
    assert canvas.screenshot() != before


def test_the_formula_is_written_out_for_small_networks(page, server):
    load(page, server, "#seed=0.12345&networkShape=2")
    open_panel(page, "formula")
    page.wait_for_function("() => Number(document.getElementById('formula').dataset.lines) === 3")
    text = page.locator("#formula").inner_text()
    lines = text.splitlines()
    assert lines[0].startswith("h₁,₁ = tanh(0.10 ") and "·X₁" in lines[0] and "·X₂" in lines[0]
    assert lines[2].startswith("ŷ = tanh(0.10 ") and "·h₁,₁" in lines[2] and "·h₁,₂" in lines[2]
    # The numbers are the engine's weights at epoch 0, rounded to two decimals.
    session = Session(parse_hash("seed=0.12345&networkShape=2").settings)
    w, b = session.network.weights[0], session.network.biases[0]
    expected = f"h₁,₁ = tanh({b[0]:.2f} {sign(w[0, 0])} {abs(w[0, 0]):.2f}·X₁ {sign(w[1, 0])} {abs(w[1, 0]):.2f}·X₂)"
    assert lines[0] == expected


def sign(value: float) -> str:
    return "−" if value < 0 else "+"


def test_a_large_network_says_it_is_too_large_to_write_out(page, server):
    load(page, server, "#seed=0.12345&networkShape=8,8")
    open_panel(page, "formula")
    page.wait_for_function("() => document.getElementById('formula').textContent.includes('more than')")


LESSON_IDS = [
    "nonlinearity",
    "features",
    "depth-width",
    "learning-rate",
    "optimizers",
    "symmetry",
    "vanishing-gradients",
    "overfitting",
    "dropout",
    "hidden-space",
]


def test_there_are_at_least_eight_lessons(page, server):
    load(page, server)
    open_panel(page, "Lessons")
    ids = page.evaluate("() => [...document.querySelectorAll('#lessons li')].map((li) => li.dataset.lesson)")
    assert ids == LESSON_IDS


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_each_lesson_opens_its_experiment_without_errors(page, server, lesson):
    load(page, server)
    open_panel(page, "Lessons")
    link = page.locator(f"#lessons li[data-lesson='{lesson}'] a")
    target = link.get_attribute("href")
    link.click()
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function("(seed) => location.hash.includes(seed)", arg=re.search(r"seed=[0-9.]+", target).group(0))
    assert page.locator("#message-list li.error").count() == 0
    for pair in target.lstrip("#").split("&"):
        key, _, value = pair.partition("=")
        if key in ("networkShape", "activation", "dataset", "learningRate"):
            assert f"{key}={value}" in page.evaluate("() => location.hash"), (lesson, key)


def test_the_gradient_panel_draws_one_line_per_weight_layer(page, server):
    load(page, server, "#seed=0.12345&dataset=spiral&networkShape=8,8,8,8,8,8&activation=sigmoid")
    open_panel(page, "Gradient flow")
    assert page.locator("#gradient-legend li").count() == 7
    page.click("#play-pause-button")
    page.wait_for_function("() => Number(document.getElementById('gradient-canvas').dataset.points) >= 10")
    page.click("#play-pause-button")
    latest = page.evaluate(
        "() => [...document.querySelectorAll('#gradient-legend li')].map((li) => Number(li.dataset.latest))"
    )
    # Vanishing gradients: the first layer's gradient is far below the last's.
    assert latest[-1] / latest[0] > 1000
    assert "Size of δ now" in page.locator("#delta-norms").inner_text()


def test_the_trace_walks_a_clicked_point_forward_and_back_and_takes_its_step(page, server):
    load(page, server)
    open_panel(page, "Backprop step by step")
    # A click on the map picks the nearest training point.
    page.locator("#heatmap").click(position={"x": 150, "y": 150})
    page.wait_for_selector("#trace[data-traced]")
    assert page.locator("#trace-output").get_attribute("data-stage") == "forward-1"
    assert page.locator(".node-canvas.trace-current[data-layer='1']").count() == 4
    first = page.locator("#trace-output").inner_text()
    assert "z = " in first and "a = f(z)" in first
    for _ in range(3):
        page.click("#trace-next")
    assert page.locator("#trace-output").get_attribute("data-stage") == "backward-3"
    assert "δ = ∂E/∂ŷ" in page.locator("#trace-output").inner_text()
    page.click("#trace-next")
    page.click("#trace-next")
    assert page.locator("#trace-output").get_attribute("data-stage") == "backward-1"
    assert page.locator("#trace-next").is_disabled()
    # Typing a number works too; taking the step changes the weights but not the epoch.
    page.fill("#trace-index", "3")
    page.press("#trace-index", "Enter")
    page.wait_for_selector("#trace[data-traced='3']")
    before = page.locator("#formula").count()  # (the formula panel is closed: nothing drawn there)
    page.click("#trace-take")
    page.wait_for_selector("#trace[data-applied='true']")
    assert page.evaluate("() => document.body.dataset.epoch") == "0" and before == 1
