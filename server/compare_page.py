"""The compare page's sides: two copies of the playground markup in one document.

A side is the normal page's playground markup (the parts of templates/index.html
between `<!-- playground -->` and `<!-- /playground -->`: the controls, the
messages, the three columns and the edit card), rendered once, with every id
turned into a side's own: `id="heatmap"` becomes `id="a-heatmap"
data-part="heatmap"`, and every reference to an id (`for`, `aria-labelledby`,
`aria-describedby`, `url(#…)`) follows. So the document holds no id twice,
labels and screen-reader names still point at the right side's elements, the
scripts find an element by its name inside the side's root (static/js/part.js,
with the root's `data-id-prefix`), and the style sheets match it by
`data-part`. The markup itself is written once, in index.html.
"""

from __future__ import annotations

import re

from markupsafe import Markup

SIDES = ("a", "b")

_REGION = re.compile(r"<!-- playground -->(.*?)<!-- /playground -->", re.S)
_ID = re.compile(r'(?<=\s)id="([^"]+)"')
_ID_LISTS = re.compile(r'(?<=\s)(for|aria-labelledby|aria-describedby|aria-controls)="([^"]+)"')
_URL_REF = re.compile(r"url\(#([A-Za-z][\w-]*)\)")


def playground_markup(page_html: str) -> str:
    """The playground parts of the rendered normal page, in document order."""
    regions = _REGION.findall(page_html)
    if not regions:
        raise ValueError("the page template has no <!-- playground --> region")
    return "\n".join(regions)


def side_markup(playground_html: str, side: str) -> Markup:
    """`playground_html` with every id and id reference made side `side`'s own."""
    prefix = f"{side}-"
    html = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}" data-part="{m.group(1)}"', playground_html)
    html = _ID_LISTS.sub(
        lambda m: f'{m.group(1)}="{" ".join(prefix + name for name in m.group(2).split())}"',
        html,
    )
    html = _URL_REF.sub(lambda m: f"url(#{prefix}{m.group(1)})", html)
    return Markup(html)
