"""The user's own data in a real browser: draw, upload, download, share (issue: your own data)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from browser_harness import open_page

SHOTS = Path(os.environ.get("PLAYGROUND_SCREENSHOTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
CSV_FILE = b"height,weight,kind\n150.5,50,cat\n190,95.25,dog\n170,70,cat\n160,80,dog\n155,60,dog\n182,90,cat\n"
SIX = [(0.2, 0.2), (0.3, 0.25), (0.25, 0.35), (0.7, 0.7), (0.75, 0.8), (0.8, 0.72)]


def load(page, server, hash_="seed=0.5"):
    page.goto(f"{server.url}/#{hash_}")
    page.wait_for_selector("body[data-ready=true]")


def plot_point(page, fx: float, fy: float) -> tuple[float, float]:
    page.locator("#heatmap").scroll_into_view_if_needed()
    box = page.locator("#heatmap canvas").bounding_box()
    return box["x"] + fx * box["width"], box["y"] + fy * box["height"]


def shown_points(page) -> int:
    return int(page.get_attribute("#heatmap", "data-train-points")) + int(
        page.get_attribute("#heatmap", "data-test-points")
    )


def data_id(page) -> str:
    page.wait_for_function("() => /[#&]data=[0-9a-f]{24}/.test(location.hash)")
    return page.evaluate("() => location.hash.match(/data=([0-9a-f]{24})/)[1]")


def test_draw_six_points_then_they_are_in_the_link_and_in_a_fresh_tab(page, server, browser):
    load(page, server)
    page.click("#data-draw")
    page.click("#draw-clear")
    assert page.get_attribute("#heatmap", "data-drawn-points") == "0"
    page.click("#play-pause-button")  # the network keeps training while we draw
    for index, (fx, fy) in enumerate(SIX):
        x, y = plot_point(page, fx, fy)
        if index >= 3:
            page.keyboard.down("Shift")  # the other class
        page.mouse.click(x, y)
        if index >= 3:
            page.keyboard.up("Shift")
    identifier = data_id(page)
    page.wait_for_function("() => document.querySelector('#draw-status').textContent.includes('saved')")
    start = int(page.get_attribute("body", "data-epoch"))
    page.wait_for_function("(n) => Number(document.body.dataset.epoch) > n + 5", arg=start)
    page.check("#show-test-data")
    page.wait_for_function(
        "() => Number(document.querySelector('#heatmap').dataset.trainPoints)"
        " + Number(document.querySelector('#heatmap').dataset.testPoints) === 6"
    )
    fills = page.eval_on_selector_all("#heatmap circle.point", "cs => cs.map(c => c.getAttribute('fill'))")
    assert len(set(fills)) == 2  # both classes
    assert "Your data: 6 points" in page.text_content("#data-source-note")
    link = page.url

    context, fresh = open_page(browser)
    try:
        fresh.goto(link)
        fresh.wait_for_selector("body[data-ready=true]")
        assert data_id(fresh) == identifier
        fresh.check("#show-test-data")
        fresh.wait_for_function(
            "() => Number(document.querySelector('#heatmap').dataset.trainPoints)"
            " + Number(document.querySelector('#heatmap').dataset.testPoints) === 6"
        )
        assert not fresh.is_visible("#data-source-note[hidden]")
        assert fresh.is_disabled("#data-regen-button")
        assert not fresh.console_watch.unexpected()
    finally:
        context.close()


def test_undo_eraser_and_drag_painting(page, server):
    load(page, server)
    page.click("#data-draw")
    page.click("#draw-clear")
    x, y = plot_point(page, 0.3, 0.3)
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + step * 12, y)
    page.mouse.up()
    painted = int(page.get_attribute("#heatmap", "data-drawn-points"))
    assert painted >= 5  # one stroke paints several points
    page.keyboard.press("Control+z")
    assert page.get_attribute("#heatmap", "data-drawn-points") == "0"
    page.keyboard.press("Control+z")  # "Clear" is undone too: the 500 points are back
    assert page.get_attribute("#heatmap", "data-drawn-points") == "500"
    page.click("#draw-clear")
    for fx in (0.2, 0.4, 0.6, 0.8):
        page.mouse.click(*plot_point(page, fx, 0.5))
    page.click("#draw-erase")
    page.mouse.click(*plot_point(page, 0.4, 0.5))
    assert page.get_attribute("#heatmap", "data-drawn-points") == "3"
    page.click("#draw-erase")
    page.keyboard.down("Control")
    page.mouse.click(*plot_point(page, 0.8, 0.5))
    page.keyboard.up("Control")
    assert page.get_attribute("#heatmap", "data-drawn-points") == "2"
    assert "at least 4" in page.text_content("#draw-status")


def test_upload_through_the_file_input_then_download_and_compare(page, server, tmp_path):
    load(page, server)
    page.set_input_files("#data-upload", files=[{"name": "pets.csv", "mimeType": "text/csv", "buffer": CSV_FILE}])
    page.wait_for_selector("#upload-preview:not([hidden])")
    assert page.locator("#upload-table tbody tr").count() == 5
    assert page.input_value("#upload-x1") == "height" and page.input_value("#upload-label") == "kind"
    page.screenshot(path=str(SHOTS / "own-data-upload-preview-desktop.png"), full_page=True)
    page.click("#upload-use")
    identifier = data_id(page)
    page.wait_for_function("() => !document.querySelector('#data-source-note').hidden")
    note = page.text_content("#data-source-note")
    assert "6 points" in note and "cat, dog" in note and "height" in note
    assert "6 points" in page.text_content("#upload-status")
    page.locator("#own-data").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "own-data-uploaded-desktop.png"), full_page=False)

    with page.expect_download() as caught:
        page.click("#data-download")
    download = caught.value
    saved = tmp_path / "download.csv"
    download.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text())))
    original = list(csv.reader(io.StringIO(CSV_FILE.decode())))
    assert rows[0] == ["x1", "x2", "label", "split"]
    assert [row[:3] for row in rows[1:]] == original[1:]  # the user's own units and names
    assert sorted(row[3] for row in rows[1:]) == ["test"] * 3 + ["train"] * 3
    assert download.suggested_filename == f"data-{identifier}.csv"
    with page.expect_download() as caught:
        page.click("#data-download-json")
    assert caught.value.suggested_filename.endswith(".json")


def test_a_bad_file_is_explained_beside_the_upload_and_the_session_runs_on(page, server):
    page.console_watch.allow("status of 400")  # the browser logs the refused upload itself
    load(page, server)
    page.click("#play-pause-button")
    bad = b"x1,x2,label\n1,2,a\n3,four,b\n5,6,a\n7,8,b\n"
    page.set_input_files("#data-upload", files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": bad}])
    page.click("#upload-use")
    page.wait_for_selector("#upload-error:not([hidden])")
    text = page.text_content("#upload-error")
    assert "bad.csv" in text and "Row 3" in text and "'four' is not a number" in text
    start = int(page.get_attribute("body", "data-epoch"))
    page.wait_for_function("(n) => Number(document.body.dataset.epoch) > n", arg=start)
    assert "data=" not in page.evaluate("() => location.hash")


def test_a_dropped_file_opens_the_preview(page, server):
    load(page, server)
    page.evaluate(
        """(text) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
            document.querySelector('#main-part').dispatchEvent(
                new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        }""",
        CSV_FILE.decode(),
    )
    page.wait_for_selector("#upload-preview:not([hidden])")
    assert "dropped.csv" in page.text_content("#upload-file-name")


def test_generated_data_downloads_too(page, server, tmp_path):
    load(page, server, "seed=0.5&dataset=moons")
    with page.expect_download() as caught:
        page.click("#data-download")
    saved = tmp_path / "moons.csv"
    caught.value.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text())))
    assert rows[0] == ["x1", "x2", "label", "split"] and len(rows) == 501
    assert {row[2] for row in rows[1:]} == {"1", "-1"}


def test_an_unknown_data_id_opens_the_default_data_with_a_notice(page, server):
    load(page, server, "seed=0.5&data=0123456789abcdef01234567")
    page.wait_for_selector("#message-list li")
    assert "is not a data set on this server" in page.text_content("#message-list")
    assert page.is_hidden("#data-source-note")


def test_phone_touch_drawing(browser, server):
    context, page = open_page(browser, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    try:
        load(page, server)
        page.tap("#data-draw")
        page.tap("#draw-clear")
        page.locator("#heatmap").scroll_into_view_if_needed()
        for fx, fy in SIX[:5]:
            page.touchscreen.tap(*plot_point(page, fx, fy))
        assert page.get_attribute("#heatmap", "data-drawn-points") == "5"
        data_id(page)
        page.screenshot(path=str(SHOTS / "own-data-drawing-phone.png"), full_page=False)
        page.locator("#own-data").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "own-data-panel-phone.png"), full_page=False)
        assert not page.console_watch.unexpected()
    finally:
        context.close()


def test_screenshot_of_the_desktop_panel(page, server):
    load(page, server)
    page.click("#data-draw")
    page.screenshot(path=str(SHOTS / "own-data-desktop.png"), full_page=False)


def test_a_three_class_upload_trains_with_three_output_nodes(page, server):
    load(page, server)
    iris = (Path(__file__).resolve().parents[2] / "engine" / "examples" / "iris.csv").read_bytes()
    page.set_input_files("#data-upload", files=[{"name": "iris.csv", "mimeType": "text/csv", "buffer": iris}])
    page.click("#upload-use")
    data_id(page)
    assert "3 classes" in page.text_content("#upload-status") and "150 points" in page.text_content("#upload-status")
    page.wait_for_function("() => /classes=3/.test(location.hash)")
    page.wait_for_function("() => document.querySelectorAll('.node-canvas.output-node').length === 3")
    assert page.locator("#upload-error").is_hidden()
    assert "Iris" in page.text_content("#data-examples")


def test_regression_drawing_takes_the_value_of_the_slider(page, server):
    load(page, server, "seed=0.5&problem=regression")
    page.click("#data-draw")
    assert page.is_visible("#draw-value") and page.is_hidden("#draw-class")
    page.click("#draw-clear")
    page.eval_on_selector("#draw-value", "(el) => { el.value = '-0.5'; el.dispatchEvent(new Event('input')); }")
    for fx in (0.2, 0.4, 0.6, 0.8):
        page.mouse.click(*plot_point(page, fx, 0.3))
    identifier = data_id(page)
    summary = page.evaluate("(id) => fetch(`/api/datasets/${id}.json`).then((r) => r.json())", identifier)
    assert summary["problem"] == "regression" and {p["label"] for p in summary["points"]} == {-0.5}
