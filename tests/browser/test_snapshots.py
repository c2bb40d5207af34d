"""Save and open a trained network in a real browser: the Save button shows the
short link, the link opens the network paused at the same epoch with the same
losses and chart, and a wrong link gets a page that says so."""

from __future__ import annotations

import re

from browser_harness import open_page

SEED = "seed=0.2718&optimizer=adam"


def trained_page(browser, server, epochs: int = 12):
    context, page = open_page(browser)
    page.goto(f"{server.url}/#{SEED}")
    page.wait_for_selector("body[data-ready=true]")
    for _ in range(epochs):
        page.click("#next-step-button")
    page.wait_for_function("(n) => Number(document.body.dataset.epoch) === n", arg=epochs)
    return context, page


def test_save_shows_a_short_link_that_opens_the_trained_network(browser, server):
    context, page = trained_page(browser, server)
    try:
        page.click("#save-button")
        link = page.wait_for_selector("#saved-link:not([hidden])")
        url = link.get_attribute("href")
        assert re.fullmatch(re.escape(server.url) + r"/s/[0-9a-f]{24}", url)
        page.wait_for_selector("li.notice >> text=opens this trained network")
        shown = {name: page.text_content(f"#{name}") for name in ("iter-number", "loss-train", "loss-test")}
        points = page.get_attribute("#linechart", "data-points")
        assert not page.console_watch.unexpected(), page.console_watch.unexpected()
    finally:
        context.close()

    context, page = open_page(browser)
    try:
        page.goto(url)
        page.wait_for_selector("body[data-ready=true]")
        assert page.get_attribute("body", "data-epoch") == "12"
        assert {name: page.text_content(f"#{name}") for name in shown} == shown
        assert page.get_attribute("#linechart", "data-points") == points
        assert page.locator("#play-pause-button.playing").count() == 0
        assert "optimizer=adam" in page.evaluate("location.hash")
        page.click("#next-step-button")
        page.wait_for_function("() => Number(document.body.dataset.epoch) === 13")
        assert not page.console_watch.unexpected(), page.console_watch.unexpected()
    finally:
        context.close()


def test_a_wrong_snapshot_link_says_so_and_offers_the_default_set_up(page, server):
    page.console_watch.allow(r"404")
    page.goto(f"{server.url}/s/0123456789abcdef01234567")
    assert "does not exist" in page.text_content("h1")
    page.click("#default-setup-link")
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_attribute("body", "data-epoch") == "0"
