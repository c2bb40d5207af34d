"""The page's routing id: every websocket of a tab is /ws?tab=<the same id>, kept
across reconnects and reloads of that tab; another tab has another id. A load
balancer hashes it to keep the tab on one server (deploy/nginx.conf)."""

from __future__ import annotations

import re

from browser_harness import open_page

TRACK_SOCKETS = """
    window.__sockets = [];
    const NativeWebSocket = window.WebSocket;
    window.WebSocket = class extends NativeWebSocket {
        constructor(...args) { super(...args); window.__sockets.push(this); }
    };
"""


def _tab_ids(page) -> list[str]:
    urls = page.evaluate("window.__sockets.map((s) => s.url)")
    ids = [re.search(r"/ws\?tab=([0-9a-f]{24})$", url) for url in urls]
    assert all(ids), urls
    return [m.group(1) for m in ids]


def test_a_tab_keeps_its_routing_id_across_reconnects_and_reloads(page, server, browser):
    page.add_init_script(TRACK_SOCKETS)
    page.goto(f"{server.url}/#seed=0.5")
    page.wait_for_selector("body[data-ready=true]")
    page.evaluate("window.__sockets[0].close()")
    page.wait_for_function("() => window.__sockets.length === 2 && window.__sockets[1].readyState === 1")
    first, second = _tab_ids(page)
    assert first == second
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert _tab_ids(page) == [first]
    context, other = open_page(browser)
    try:
        other.add_init_script(TRACK_SOCKETS)
        other.goto(f"{server.url}/#seed=0.5")
        other.wait_for_selector("body[data-ready=true]")
        assert _tab_ids(other)[0] != first
    finally:
        context.close()
