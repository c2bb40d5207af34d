"""Browser tests: a real server on a loopback port, Debian's Chromium driven by
Playwright, and a `page` fixture that fails the test on any console error or
uncaught page error."""

from __future__ import annotations

import pytest
from browser_harness import CHROMIUM, CHROMIUM_ARGS, ServerProcess, open_page
from playwright.sync_api import sync_playwright


@pytest.fixture(scope="session")
def server():
    process = ServerProcess(None, "--hold-seconds", "5").start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context, page = open_page(browser)
    yield page
    errors = page.console_watch.unexpected()
    context.close()
    assert not errors, f"the page logged errors: {errors}"
