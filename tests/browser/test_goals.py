"""Goals of the Machine Learning Crash Course's exercise links, shown in #goals
and ticked as they are met."""

from __future__ import annotations

from tests.real_links import LINKS


def course_link(tutorial: str) -> str:
    return next(link for _, link in LINKS if f"tutorial={tutorial}&" in link.replace("&amp;", "&") + "&")


def open_link(page, server, link: str):
    page.goto(f"{server.url}/?goals=1#{link.split('#', 1)[1]}")
    page.wait_for_selector("body[data-ready=true]")


def goal_items(page) -> list[tuple[str, bool]]:
    items = page.evaluate("""() => [...document.querySelectorAll("#goals li")].map(
        (li) => [li.textContent.trim(), li.classList.contains("met")])""")
    return [tuple(item) for item in items]


def test_a_link_without_goals_shows_no_goals_panel(page, server):
    page.goto(server.url + "/#seed=0.12345")
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#goals").is_hidden()


def test_three_test_loss_goals_are_listed_in_order_and_unmet_at_epoch_0(page, server):
    open_link(page, server, course_link("dp-neural-net-intro-first"))
    page.wait_for_selector("#goals:not([hidden]) li")
    assert goal_items(page) == [
        ("… Test loss below 0.35", False),
        ("… Test loss below 0.2", False),
        ("… Test loss below 0.177", False),
    ]
    assert page.locator("#goals li").first.get_attribute("aria-label") == "Test loss below 0.35: not met yet"


def test_a_goal_is_ticked_when_met_and_cleared_by_reset(page, server):
    # The learning-rate exercise hides the play button: the user steps.
    open_link(page, server, course_link("dp-reducing-loss-learning-rate"))
    page.wait_for_selector("#goals:not([hidden]) li")
    assert goal_items(page) == [("… Training loss below 0.25", False)]
    page.click("#next-step-button")
    page.wait_for_function("() => document.body.dataset.epoch === '1'")
    page.wait_for_selector("#goals li.met")
    assert goal_items(page) == [("✓ Training loss below 0.25", True)]
    page.click("#reset-button")
    page.wait_for_function("() => document.body.dataset.epoch === '0'")
    page.wait_for_selector("#goals li:not(.met)")
