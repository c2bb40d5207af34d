"""What the browser tests need besides fixtures: Chromium's settings and pages
that record every console error and uncaught page error (the server process
comes from tests/live_server.py)."""

from __future__ import annotations

import re

from tests.live_server import ServerProcess, free_port  # noqa: F401  (re-exported for the tests)

CHROMIUM = "/usr/bin/chromium"
# Keep the browser from trying to reach any host but this machine.
CHROMIUM_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"]
DESKTOP = {"width": 1280, "height": 800}


class ConsoleWatch:
    """Console errors and page errors seen by one page; `allow(pattern)` lets
    a test accept errors it causes on purpose (e.g. a refused reconnect)."""

    def __init__(self):
        self.errors: list[str] = []
        self.allowed: list[re.Pattern] = []

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def record(self, text: str) -> None:
        self.errors.append(text)

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


def open_page(browser, viewport=DESKTOP, **context_options):
    context = browser.new_context(viewport=viewport, **context_options)
    page = context.new_page()
    watch = ConsoleWatch()
    page.on("console", lambda message: watch.record(f"console: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: watch.record(f"page error: {error}"))
    page.console_watch = watch
    page.set_default_timeout(15_000)
    return context, page
