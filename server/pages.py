"""The page (`GET /`, rendered with the settings table in the page's language),
a saved network's page (`GET /s/<id>`, or the page that says why it cannot
open), the compare page (`GET /compare`, two playgrounds side by side) and
`GET /healthz`.

The page's language (server/i18n.py): `?lang=` (the page asks for it when its
link says `lang=`, which the server cannot see: a hash is not sent), else the
browser's Accept-Language, else English. Labels and text come from that
language's catalog (`t(key, **params)` in the templates); the catalog itself
goes into the page as JSON for static/js/i18n.js.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import cache

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from engine.features import FEATURES
from engine.messages import Message
from engine.session_state import StateError
from engine.settings import HIDE_NAMES, SETTINGS

from . import i18n
from .assets import asset_dir
from .compare_page import SIDES, playground_markup, side_markup
from .protocol import MAX_EDIT_VALUE
from .snapshots import open_saved

router = APIRouter()
templates = Jinja2Templates(directory=str(asset_dir("templates")))


def _setting_dict(setting) -> dict:
    row = asdict(setting)
    row["choices_by_problem"] = {problem: list(choices) for problem, choices in setting.choices_by_problem.items()}
    row["kind"] = setting.kind.value
    row["effect"] = setting.effect.value
    row["choices"] = list(setting.choices)
    row["choice_labels"] = list(setting.choice_labels)
    if isinstance(setting.default, tuple):
        row["default"] = list(setting.default)
    return row


SETTING_ROWS = [_setting_dict(s) for s in SETTINGS]
# Safe inside <script type="application/json">: no "<", ">" or "&" can end the block.
SETTINGS_JSON = (
    json.dumps(SETTING_ROWS, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
)


# Read the catalogs at start-up, not on the first page.
i18n.catalogs()


def _language(request: Request, lang: str | None) -> tuple[str, i18n.Catalog]:
    language = i18n.page_language(lang, request.headers.get("accept-language"))
    return language, i18n.catalog(language)


def _page_context(language: str, catalog: i18n.Catalog, snapshot_id: str | None = None) -> dict:
    return {
        "lang": language,
        "html_lang": i18n.HTML_LANG[language],
        "html_langs": i18n.HTML_LANG,
        "t": catalog.text_for_template,
        # Our own catalogs' markup (a link, <b>, <code>), never a user's text.
        "t_html": lambda key, **params: Markup(catalog.text(key, params)),
        "catalog_json": catalog.as_json(),
        "settings": SETTING_ROWS,
        "by_name": {row["name"]: row for row in SETTING_ROWS},
        "features": [{"name": name, "label": label} for name, (label, _) in FEATURES.items()],
        "settings_json": SETTINGS_JSON,
        "hide_names": list(HIDE_NAMES),
        "static_url": "/static",
        "max_edit_value": f"{MAX_EDIT_VALUE:.0f}",
        "snapshot_id": snapshot_id,
    }


def _in_language(response, language: str):
    response.headers["Vary"] = "Accept-Language"
    response.headers["Content-Language"] = i18n.HTML_LANG[language]
    return response


@router.get("/")
def page(request: Request, lang: str | None = None):
    language, catalog = _language(request, lang)
    context = _page_context(language, catalog)
    return _in_language(templates.TemplateResponse(request, "index.html", context), language)


@router.get("/s/{snapshot_id}")
def snapshot_page(request: Request, snapshot_id: str, lang: str | None = None):
    """The page with a saved network, paused where it was saved. An unknown or
    expired id gets a page that says so (404); a damaged snapshot one that
    says why (422); both offer the default set-up. (A plain `def`: reading a
    snapshot rebuilds its data, off the event loop.)"""
    language, catalog = _language(request, lang)
    store = request.app.state.store
    body = store.get_snapshot(snapshot_id)
    if body is None:
        reason = Message("snapshot_missing_reason")
        return _missing(request, language, catalog, "snapshot_missing_title", reason, 404)
    try:
        open_saved(body, request.app.state.datasets)
    except StateError as error:
        reason = Message("snapshot_damaged_page", {"reason": error.message})
        return _missing(request, language, catalog, "snapshot_damaged_title", reason, 422)
    context = _page_context(language, catalog, snapshot_id)
    return _in_language(templates.TemplateResponse(request, "index.html", context), language)


@cache
def _side_markups(language: str) -> dict:
    """Each side's copy of the playground markup in `language` (the same for every request)."""
    context = _page_context(language, i18n.catalog(language))
    playground = playground_markup(templates.get_template("index.html").render(context))
    return {side: side_markup(playground, side) for side in SIDES}


@router.get("/compare")
def compare_page(request: Request, lang: str | None = None):
    """Two playgrounds side by side; the two set-ups come in the hash
    (`#a=<link A>&b=<link B>`), which only the page reads (static/js/compare.js)."""
    language, catalog = _language(request, lang)
    context = _page_context(language, catalog)
    context["sides"] = _side_markups(language)
    return _in_language(templates.TemplateResponse(request, "compare.html", context), language)


def _missing(request: Request, language: str, catalog: i18n.Catalog, title: str, reason: Message, status: int):
    context = {
        "lang": language,
        "html_lang": i18n.HTML_LANG[language],
        "t": catalog.text_for_template,
        "title": catalog.text(title),
        "reason": catalog.render(reason),
        "static_url": "/static",
    }
    response = templates.TemplateResponse(request, "snapshot_missing.html", context, status_code=status)
    return _in_language(response, language)


@router.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}
