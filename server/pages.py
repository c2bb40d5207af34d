"""The pages (`GET /`, rendered with the settings table; `GET /s/<id>`, a saved
network; `GET /compare`, two playgrounds side by side) and `GET /healthz`."""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates

from engine.features import FEATURES
from engine.session_state import StateError
from engine.settings import HIDE_NAMES, SETTINGS

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


def _page_context(snapshot_id: str | None = None) -> dict:
    return {
        "settings": SETTING_ROWS,
        "by_name": {row["name"]: row for row in SETTING_ROWS},
        "features": [{"name": name, "label": label} for name, (label, _) in FEATURES.items()],
        "settings_json": SETTINGS_JSON,
        "hide_names": list(HIDE_NAMES),
        "static_url": "/static",
        "max_edit_value": f"{MAX_EDIT_VALUE:.0f}",
        "snapshot_id": snapshot_id,
    }


@router.get("/")
def page(request: Request):
    return templates.TemplateResponse(request, "index.html", _page_context())


@router.get("/s/{snapshot_id}")
def snapshot_page(request: Request, snapshot_id: str):
    """The page with a saved network, paused where it was saved. An unknown or
    expired id gets a page that says so (404); a damaged snapshot one that
    says why (422); both offer the default set-up. (A plain `def`: reading a
    snapshot rebuilds its data, off the event loop.)"""
    store = request.app.state.store
    body = store.get_snapshot(snapshot_id)
    if body is None:
        return _missing(
            request,
            "This saved network does not exist",
            "There is no saved network at this link on this server: the link may be mistyped, "
            "or the network has expired.",
            404,
        )
    try:
        open_saved(body, request.app.state.datasets)
    except StateError as error:
        return _missing(request, "This saved network cannot be opened", f"{str(error).capitalize()}.", 422)
    return templates.TemplateResponse(request, "index.html", _page_context(snapshot_id))


@lru_cache(maxsize=1)
def _side_markups() -> dict:
    """Each side's copy of the playground markup (the same for every request)."""
    playground = playground_markup(templates.get_template("index.html").render(_page_context()))
    return {side: side_markup(playground, side) for side in SIDES}


@router.get("/compare")
def compare_page(request: Request):
    """Two playgrounds side by side; the two set-ups come in the hash
    (`#a=<link A>&b=<link B>`), which only the page reads (static/js/compare.js)."""
    context = _page_context()
    context["sides"] = _side_markups()
    return templates.TemplateResponse(request, "compare.html", context)


def _missing(request: Request, title: str, reason: str, status: int):
    return templates.TemplateResponse(
        request,
        "snapshot_missing.html",
        {"title": title, "reason": reason, "static_url": "/static"},
        status_code=status,
    )


@router.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}
