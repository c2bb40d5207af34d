"""The page (`GET /`, rendered with the settings table) and `GET /healthz`."""

from __future__ import annotations

import json
from dataclasses import asdict

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates

from engine.features import FEATURES
from engine.settings import HIDE_NAMES, SETTINGS

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


@router.get("/")
def page(request: Request):
    context = {
        "settings": SETTING_ROWS,
        "by_name": {row["name"]: row for row in SETTING_ROWS},
        "features": [{"name": name, "label": label} for name, (label, _) in FEATURES.items()],
        "settings_json": SETTINGS_JSON,
        "hide_names": list(HIDE_NAMES),
        "static_url": "/static",
        "max_edit_value": f"{MAX_EDIT_VALUE:.0f}",
    }
    return templates.TemplateResponse(request, "index.html", context)


@router.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}
