"""`GET /compare` from a real server: two copies of the playground markup whose
ids are each side's own, with every label and screen-reader reference pointing
inside its own side, and the normal page unchanged around its playground."""

from __future__ import annotations

import urllib.request
from collections import Counter
from html.parser import HTMLParser

import pytest

from .support import ServerProcess

REFERENCES = ("for", "aria-labelledby", "aria-describedby")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Elements(HTMLParser):
    """Every start tag's attributes, with the `data-side` of the side it is in."""

    def __init__(self):
        super().__init__()
        self.rows: list[tuple[str, dict, str | None]] = []
        self.sides: list[tuple[str, str | None]] = []  # (tag, side) of the open elements

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        side = attrs.get("data-side") or (self.sides[-1][1] if self.sides else None)
        self.rows.append((tag, attrs, side))
        if tag not in VOID:
            self.sides.append((tag, side))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.sides.pop()

    def handle_endtag(self, tag):
        while self.sides:
            if self.sides.pop()[0] == tag:
                break


def parse(html: str) -> list[tuple[str, dict, str | None]]:
    parser = Elements()
    parser.feed(html)
    return parser.rows


@pytest.fixture(scope="module")
def server():
    process = ServerProcess(None).start()
    yield process
    process.stop()


def fetch(server, path: str) -> str:
    with urllib.request.urlopen(server.url + path) as response:
        assert response.status == 200
        return response.read().decode()


def test_the_compare_page_has_two_sides_and_no_id_twice(server):
    rows = parse(fetch(server, "/compare"))
    ids = Counter(attrs["id"] for _, attrs, _ in rows if "id" in attrs)
    assert [name for name, count in ids.items() if count > 1] == []
    assert {attrs.get("data-side") for _, attrs, _ in rows if attrs.get("data-side")} == {"a", "b"}
    for side in "ab":
        inside = [attrs for _, attrs, where in rows if where == side and "id" in attrs]
        assert inside and all(attrs["id"] == f"{side}-{attrs['data-part']}" for attrs in inside)
        parts = {attrs["data-part"] for attrs in inside}
        assert {"play-pause-button", "iter-number", "heatmap", "network", "linechart", "message-list"} <= parts
        # Every reference to an id names an element of the same side.
        side_ids = {attrs["id"] for attrs in inside}
        for _, attrs, where in rows:
            if where != side:
                continue
            for name in REFERENCES:
                for target in attrs.get(name, "").split():
                    assert target in side_ids, (side, name, target)
    for name in ("compare-play", "compare-step", "compare-chart", "settings-table"):
        assert ids[name] == 1


def test_the_normal_page_keeps_its_ids(server):
    page = fetch(server, "/")
    ids = Counter(attrs["id"] for _, attrs, _ in parse(page) if "id" in attrs)
    for name in (
        "play-pause-button",
        "reset-button",
        "next-step-button",
        "iter-number",
        "save-button",
        "export-menu",
        "compare-button",
        "heatmap",
        "hovercard",
    ):
        assert ids[name] == 1, name
    assert "data-part" not in page
