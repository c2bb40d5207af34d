"""The page in Simplified Chinese: by link (`lang=zh`) and by the browser's
language, no English label left among the controls at desktop and phone
sizes, the hover card, a damaged link's notice and a server's refusal in
Chinese, the switch keeping the session, and `lang=xx` giving English quietly."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_harness import DESKTOP, open_page

from server import i18n

SHOTS = Path(os.environ.get("PLAYGROUND_SCREENSHOTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
PHONE = {"width": 390, "height": 844}
SEED = "seed=0.31416"
# The parts of the page that hold controls (the article is prose, checked on the server side):
# with them the save button and export menu (#top-controls), the classes slider (.column.data),
# the metrics, confusion matrix, class legend and stop conditions (.column.output), and the
# see-inside panels (lessons, gradient flow, backprop step by step).
CONTROL_AREAS = [
    "#top-controls",
    ".column.data",
    ".column-heads",
    ".column.output",
    "#network",
    "#own-data",
    "#see-inside",
    ".hide-controls",
]
# Three classes: the K-class controls (class legend, a 3×3 confusion matrix) are on the page.
K_CLASSES = "dataset=spiral&classes=3"
# Words that are names in Chinese text too: activations, optimizers and initializations
# (their inventors' names), keys, functions in formulas, file formats and columns, code;
# and "English", the language switch's name for English in English.
NAMES = {
    "ReLU",
    "Tanh",
    "Sigmoid",
    "Leaky",
    "ELU",
    "Softplus",
    "Swish",
    "GELU",
    "SGD",
    "Adam",
    "Adagrad",
    "Adadelta",
    "RMSProp",
    "Nesterov",
    "Glorot",
    "Huber",
    "Dropout",
    "Ctrl",
    "Cmd",
    "Shift",
    "Enter",
    "sin",
    "tanh",
    "JSON",
    "NumPy",
    "ONNX",
    "PNG",
    "CSV",
    "label",
    "split",
    "predict",
    "points",
    "onnxruntime",
    "Python",
    "English",
}


def english_only() -> set[str]:
    """The English catalog's words that Chinese says otherwise (names such as
    ReLU, Adam or X₁ are the same in both and do not count)."""
    english, chinese = i18n.catalog("en"), i18n.catalog("zh")
    found = set()
    for key, entry in english.entries.items():
        if entry == chinese.entries.get(key) or isinstance(entry, dict) or "{" in entry:
            continue
        text = re.sub(r"<[^>]+>", "", entry).strip().rstrip(":.")
        if len(text) > 1:
            found.add(text)
    return found


def ready(page):
    page.wait_for_selector("body[data-ready=true]")


def shown_texts(page) -> list[str]:
    """Every visible text node and every title / aria-label in the control areas."""
    return page.evaluate(
        """(areas) => {
            const found = [];
            const visible = (el) => el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
            for (const selector of areas) {
                for (const root of document.querySelectorAll(selector)) {
                    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
                    while (walker.nextNode()) {
                        const node = walker.currentNode;
                        const text = node.textContent.trim();
                        if (text && visible(node.parentElement) && !node.parentElement.closest('script')) found.push(text);
                    }
                    for (const el of [root, ...root.querySelectorAll('[title], [aria-label], option')]) {
                        for (const name of ['title', 'aria-label']) {
                            if (el.getAttribute && el.getAttribute(name)) found.push(el.getAttribute(name).trim());
                        }
                        if (el.tagName === 'OPTION') found.push(el.textContent.trim());
                    }
                }
            }
            return found;
        }""",
        CONTROL_AREAS,
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_chinese_page_leaves_no_english_label_among_the_controls(browser, server, viewport):
    context, page = open_page(browser, viewport=viewport, has_touch=viewport is PHONE)
    try:
        page.goto(f"{server.url}/#{SEED}&{K_CLASSES}&lang=zh")
        page.wait_for_url(re.compile(r"\?lang=zh#"))
        ready(page)
        assert page.get_attribute("html", "lang") == "zh-CN"
        assert "lang=zh" in page.evaluate("location.hash")  # kept when the page rewrites the address
        page.click("#next-step-button")
        page.wait_for_function("() => document.body.dataset.epoch === '1'")
        page.wait_for_selector("#confusion:not([hidden]) td")
        # Every panel open: the export menu, the stop conditions, the see-inside panels.
        page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        page.wait_for_selector("#gradient-legend li")
        texts = shown_texts(page)
        assert len(texts) > 150
        left = sorted({text.rstrip(":.") for text in texts} & english_only())
        assert left == [], f"English left among the controls: {left}"
        # Sentences with numbers in them (a confusion cell's title, a gradient layer's name)
        # are not whole catalog entries: no English word may be left in any of them.
        words = sorted({word for text in texts for word in re.findall(r"[A-Za-z]{3,}", text)} - NAMES)
        assert words == [], f"English words among the controls: {words}"
        for shown in (
            "激活函数",
            "学习率",
            "类别数",
            "测试准确率",
            "训练准确率",
            "保存",
            "导出",
            "JSON 模型",
            "类别 3",
            "满足条件时停止训练…",
            "梯度流：每一层的梯度有多大",
            "一步一步看反向传播",
        ):
            assert shown in texts, shown
        assert any(text.startswith("第 1 层：输入层 → 隐藏层 1") for text in texts)
        SHOTS.mkdir(parents=True, exist_ok=True)
        name = "desktop" if viewport is DESKTOP else "phone"
        page.screenshot(path=str(SHOTS / f"chinese-{name}-{viewport['width']}x{viewport['height']}.png"))
        page.screenshot(path=str(SHOTS / f"chinese-{name}-full.png"), full_page=True)
        assert page.console_watch.unexpected() == []
    finally:
        context.close()


def test_a_browser_that_prefers_chinese_gets_the_chinese_page(browser, server):
    context, page = open_page(browser, locale="zh-CN")
    try:
        page.goto(f"{server.url}/#{SEED}")
        ready(page)
        assert page.get_attribute("html", "lang") == "zh-CN"
        assert page.text_content("label[for=activations]") == "激活函数"
        assert page.text_content("#connection-status") == "已连接"
        assert "lang=" not in page.evaluate("location.hash")
    finally:
        context.close()


def test_hover_card_notice_and_server_refusal_in_chinese(page, server, tmp_path):
    page.goto(f"{server.url}/?lang=zh#{SEED}&learningRate=abc")
    ready(page)
    # The damaged link's notice, in the link's language.
    page.wait_for_selector("#message-list li.notice")
    assert "链接中的 learningRate=abc 不是数字，改用 0.03" in page.text_content("#message-list")
    # The hover card: 权重为 …
    page.hover(".link-hit[data-link='1-0-0']")
    page.wait_for_selector("#hovercard:not([hidden])")
    assert re.fullmatch(r"权重为 -?[\d.e+-]+。", page.text_content(".hovercard-body").strip())
    # A refusal of the server (the data sets API), said from its code.
    page.console_watch.allow(r"status of 400")
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n")
    page.set_input_files("#data-upload", str(bad))
    page.wait_for_selector("#upload-preview:not([hidden])")
    page.click("#upload-use")
    page.wait_for_selector("#upload-error:not([hidden])")
    assert "文件有表头（x1、x2、label），但没有数据行" in page.text_content("#upload-error")


def test_the_switch_keeps_the_session_while_the_language_changes(page, server):
    page.goto(f"{server.url}/#{SEED}")
    ready(page)
    for _ in range(3):
        page.click("#next-step-button")
    page.wait_for_function("() => document.body.dataset.epoch === '3'")
    page.hover(".link-hit[data-link='1-0-0']")
    page.wait_for_selector("#hovercard:not([hidden])")
    weight = page.text_content(".hovercard-value")
    page.mouse.move(5, 5)
    page.select_option("#lang", "zh")
    page.wait_for_url(re.compile(r"\?lang=zh#.*lang=zh"))
    ready(page)
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.get_attribute("body", "data-epoch") == "3"
    page.hover(".link-hit[data-link='1-0-0']")
    page.wait_for_selector("#hovercard:not([hidden])")
    assert page.text_content(".hovercard-value") == weight
    assert page.text_content(".hovercard-name") == "权重"
    page.mouse.move(5, 5)
    page.select_option("#lang", "en")
    page.wait_for_url(re.compile(r"\?lang=en#"))
    ready(page)
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_attribute("body", "data-epoch") == "3"
    assert "lang=" not in page.evaluate("location.hash")


def test_an_unknown_language_gives_english_without_a_word(page, server):
    page.goto(f"{server.url}/#{SEED}&lang=xx")
    ready(page)
    assert page.get_attribute("html", "lang") == "en"
    assert page.text_content("label[for=activations]") == "Activation"
    page.wait_for_function("() => !location.hash.includes('lang=')")
    page.wait_for_timeout(300)
    assert page.locator("#message-list li").count() == 0
