"""The page (`GET /`, rendered with the settings table in the page's language) and `GET /healthz`.

The page's language (server/i18n.py): `?lang=` (the page asks for it when its
link says `lang=`, which the server cannot see: a hash is not sent), else the
browser's Accept-Language, else English. Labels and text come from that
language's catalog (`t(key, **params)` in the templates); the catalog itself
goes into the page as JSON for static/js/i18n.js.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from engine.features import FEATURES
from engine.settings import HIDE_NAMES, SETTINGS

from . import i18n
from .assets import asset_dir
from .protocol import MAX_EDIT_VALUE

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
SETTINGS_JSON = (json.dumps(SETTING_ROWS, ensure_ascii=False)
                 .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


# Read the catalogs at start-up, not on the first page.
i18n.catalogs()


@router.get("/")
def page(request: Request, lang: str | None = None):
    language = i18n.page_language(lang, request.headers.get("accept-language"))
    catalog = i18n.catalog(language)
    context = {
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
    }
    response = templates.TemplateResponse(request, "index.html", context)
    response.headers["Vary"] = "Accept-Language"
    response.headers["Content-Language"] = i18n.HTML_LANG[language]
    return response


@router.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}
