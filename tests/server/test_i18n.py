"""The languages: every catalog complete, every code used has words, the page in
the language asked for (link, Accept-Language), notices and errors as codes."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from engine.messages import Message
from engine.settings import BY_NAME, LANGUAGE_CHOICES, SETTINGS
from server import i18n

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:\|[^}]*)?\}")


def get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read().decode()


def forms(entry) -> list[str]:
    return list(entry.values()) if isinstance(entry, dict) else [entry]


# --- the catalogs -------------------------------------------------------------


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGE_CHOICES if lang != "en"])
def test_every_language_has_every_key_english_has_and_no_other(lang):
    english = i18n.catalogs()["en"].entries
    other = i18n.catalogs()[lang].entries
    assert sorted(set(english) - set(other)) == [], f"{lang} misses these keys"
    assert sorted(set(other) - set(english)) == [], f"{lang} has keys English does not"


@pytest.mark.parametrize("lang", LANGUAGE_CHOICES)
def test_every_entry_uses_the_placeholders_english_uses(lang):
    english = i18n.catalogs()["en"].entries
    for key, entry in i18n.catalogs()[lang].entries.items():
        wanted = {name for text in forms(english[key]) for name in PLACEHOLDER.findall(text)}
        for text in forms(entry):
            assert text.strip() or key.startswith("format."), key
            assert set(PLACEHOLDER.findall(text)) <= wanted, (lang, key, text)


def test_every_setting_and_choice_has_a_label_in_every_language():
    for lang in LANGUAGE_CHOICES:
        catalog = i18n.catalogs()[lang]
        for setting in SETTINGS:
            assert catalog.has(f"setting.{setting.name}.label"), (lang, setting.name)
            for choice in setting.choices if setting.choice_labels else ():
                assert catalog.has(f"setting.{setting.name}.choice.{choice}"), (lang, setting.name, choice)


def code_literals() -> set[str]:
    """Every message code the Python code names: Message("…"), XError("…"), a
    notice helper's first argument, and the JS `t("…")` keys."""
    found = set()
    patterns = [
        re.compile(
            r"\b(?:Message|Notice|SettingError|EditError|DataError|BadCommand|MessageError|_link_notice)"
            r'\(\s*f?"([a-z][a-z0-9_.{}]*)"'
        ),
        re.compile(r'\braise DataError\("([a-z_]+)"'),
        re.compile(r'return "(edit_(?:bias|weight)_range)"'),
        re.compile(r'"(diverged_(?:loss|weights))"'),
        re.compile(r'"(json_nested_(?:object|list))"'),
        re.compile(r'"(link_noise_(?:above|below))"'),
        re.compile(r'"(field_[a-z_]+)"'),
    ]
    for folder in ("engine", "server"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            for pattern in patterns:
                found.update(pattern.findall(text))
    for path in (ROOT / "static" / "js").rglob("*.js"):
        found.update(re.findall(r'\bt\(\s*"([A-Za-z0-9_.]+)"', path.read_text()))
    for path in (ROOT / "templates").rglob("*.html"):
        found.update(re.findall(r"\bt(?:_html)?\('([A-Za-z0-9_.]+)'", path.read_text()))
    return found


def test_every_code_the_code_uses_has_words():
    codes = code_literals()
    # f"edit_{what}_value" names two codes.
    codes = {code for code in codes if "{" not in code and not code.endswith(".")} | {
        "edit_weight_value",
        "edit_bias_value",
    }
    assert len(codes) > 150
    english = i18n.catalogs()["en"]
    assert sorted(code for code in codes if not english.has(code)) == []


def test_the_lessons_and_the_place_names_have_words():
    lessons = (ROOT / "static/js/views/lessons-list.js").read_text()
    ids = re.findall(r'id: "([a-z-]+)"', lessons)
    assert len(ids) == 10
    for lang in LANGUAGE_CHOICES:
        for lesson in ids:
            assert i18n.catalogs()[lang].has(f"lesson.{lesson}.title")
            assert i18n.catalogs()[lang].has(f"lesson.{lesson}.text")


# --- rendering ------------------------------------------------------------------


def test_a_notice_in_each_language_uses_that_language_s_labels():
    notice = Message("loss_unsuited", {"loss": "crossEntropy", "problem": "regression", "used": "squared"})
    assert i18n.render(notice, "en") == "Cross-entropy does not suit regression; using ½ squared error"
    assert i18n.render(notice, "zh") == "“交叉熵”不适用于回归问题，改用“½ 平方误差”"
    clamped = Message(
        "value_clamped", {"setting": "learningRate", "value": "100", "min": "0", "max": "10", "used": "10"}
    )
    assert i18n.render(clamped, "zh") == "“学习率”的值 100 超出范围 0–10，改用 10"


def test_nested_messages_lists_numbers_and_plurals():
    english, chinese = i18n.catalog("en"), i18n.catalog("zh")
    edit = Message("edit_no_node", {"layer": 3, "nodes": Message("nodes_one"), "node": 1})
    assert english.render(edit) == "layer 3 has node 0; node 1 does not exist"
    assert chinese.render(edit) == "第 3 层有节点 0，不存在节点 1"
    row = Message("csv_row_width", {"line": 3, "count": 1, "width": 3, "columns": ["a", "b", "c"]})
    assert english.render(row).startswith("Row 3 has 1 value but the header has 3 columns (a, b, c)")
    row.params["count"] = 2
    assert "has 2 values" in english.render(row)
    assert chinese.render(row).startswith("第 3 行有 2 个值，但表头有 3 列（a、b、c）")
    big = Message("file_too_big", {"size": 3000000, "max": 2097152, "rows": 5000})
    assert "3,000,000 bytes" in english.render(big)
    cell = Message(
        "cell_empty", {"place": Message("place_row", {"n": 5}), "kind": "row", "column": "'x1'", "role": "inputs"}
    )
    assert english.render(cell) == "Row 5, column 'x1' is empty. Fill it in or delete the row."
    assert chinese.render(cell) == "第 5 行的 'x1' 列是空的。请填上，或删掉这一行。"


def test_a_language_we_do_not_have_is_english():
    assert i18n.catalog("xx") is i18n.catalog("en")
    assert i18n.page_language("xx", None) == "en"
    assert i18n.page_language(None, None) == "en"


@pytest.mark.parametrize(
    "header, lang",
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("zh-TW", "zh"),
        ("zh-Hans-CN", "zh"),
        ("en-US,en;q=0.9,zh;q=0.5", "en"),
        ("fr-FR,zh;q=0.5", "zh"),
        ("de, *;q=0.1", None),
        ("", None),
        ("en;q=0.2,zh;q=0.8", "zh"),
        ("zh;q=0", None),
    ],
)
def test_accept_language_is_negotiated(header, lang):
    assert i18n.negotiate(header) == lang


# --- the page -------------------------------------------------------------------


def page_of(server_url: str, query: str = "", headers: dict | None = None) -> str:
    status, response_headers, page = get(server_url + "/" + query, headers)
    headers = {name.lower(): value for name, value in response_headers.items()}
    assert status == 200 and headers.get("vary") == "Accept-Language"
    return page


def embedded_catalog(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="catalog">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def test_the_page_in_chinese_by_link_or_by_browser(server_url):
    for page in (page_of(server_url, "?lang=zh"), page_of(server_url, "", {"Accept-Language": "zh-CN,zh;q=0.9"})):
        assert '<html lang="zh-CN">' in page
        assert "激活函数" in page and "学习率" in page and "反向传播" in page and "过拟合" in page
        assert "Tinker with a" not in page and "What am I looking at?" not in page
        catalog = embedded_catalog(page)
        assert catalog["lang"] == "zh" and catalog["entries"]["setting.activation.label"] == "激活函数"
        assert '<option value="zh" lang="zh-CN" selected>' in page


def test_the_link_s_language_wins_over_the_browser_s(server_url):
    page = page_of(server_url, "?lang=en", {"Accept-Language": "zh-CN"})
    assert '<html lang="en">' in page and "Tinker with a" in page


def test_an_unknown_language_gives_the_english_page(server_url):
    page = page_of(server_url, "?lang=xx")
    assert '<html lang="en">' in page and "What am I looking at?" in page
    assert embedded_catalog(page)["lang"] == "en"


def test_every_control_label_on_the_chinese_page_comes_from_the_catalog(server_url):
    page = page_of(server_url, "?lang=zh")
    chinese = i18n.catalog("zh")
    for setting in SETTINGS:
        features = ("x", "y", "xTimesY", "xSquared", "ySquared", "sinX", "sinY")
        shown = f'data-setting="{setting.name}"' in page and setting.kind.value == "enum"
        if setting.hide and setting.name not in features and shown:
            assert chinese.text(f"setting.{setting.name}.label") in page, setting.name
    assert chinese.text("setting.lang.label") in page and BY_NAME["lang"].default == "en"


# --- notices and errors on the wire ------------------------------------------------


def test_a_link_s_notices_come_as_codes_with_english_words(client):
    header, _ = client.hello("seed=0.3&learningRate=abc&lang=zh")
    notices = header["settings"]["notices"]
    assert [(n["code"], n["params"]["key"]) for n in notices] == [("link_not_number", "learningRate")]
    assert notices[0]["message"] == "learningRate=abc is not a number; using 0.03"
    assert i18n.render(notices[0], "zh") == "链接中的 learningRate=abc 不是数字，改用 0.03"
    assert header["settings"]["values"]["lang"] == "zh" and header["settings"]["hash"].endswith("&lang=zh")


def test_a_notice_and_an_error_carry_code_params_and_english(client):
    client.hello("seed=0.3")
    client.send(type="set", settings={"batchSize": 0})
    client.frame(where=lambda h: "settings" in h)
    notice = client.notices[-1]
    assert notice["code"] == "value_clamped" and notice["params"]["setting"] == "batchSize"
    assert notice["about"] == ["batchSize"] and notice["message"] == "Batch size 0 is outside 1–1200; using 1"
    client.send(type="set", settings={"lang": "klingon"})
    error = client.error()
    assert error["code"] == "setting_not_choice" and error["command"] == "set"
    assert i18n.render(error, "zh").startswith("“语言”必须是")


def test_the_reasons_main_s_features_give_are_said_in_chinese():
    chinese = i18n.catalog("zh")
    stopped = Message("stopped_patience", {"epoch": 40, "patience": 10, "best": "0.120", "best_epoch": 30})
    assert chinese.render(stopped) == "在第 40 轮停止：测试损失已连续 10 轮没有改善（最好的是第 30 轮的 0.120）。"
    diverged = Message("diverged_loss", {"rate": "10", "epoch": 3})
    export = Message("export_diverged", {"reason": diverged})
    assert (
        chinese.render(export)
        == "无法导出这个网络：训练已发散（学习率 10 使损失在第 3 轮之后溢出；请调低学习率后再按运行）"
    )
    loss = Message("loss_unsuited_classes", {"loss": "squared", "classes": 4, "used": "crossEntropy"})
    assert i18n.english(loss) == "½ squared error does not suit 4 classes; using Cross-entropy"
    assert chinese.render(loss) == "“½ 平方误差”不适用于 4 个类别，改用“交叉熵”"
    assert (
        chinese.text("setting.lrSchedule.choice.step") == "阶梯衰减"
        and chinese.text("setting.classes.label") == "类别数"
    )
