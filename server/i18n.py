"""The page's languages: message catalogs, rendering messages, choosing a language.

Every word a user reads lives in a catalog, `locales/<lang>/messages.po` (GNU
gettext, read with Babel at start-up; no build step), keyed by a code:

    a message code        `value_clamped`, `diverged_loss`, … (engine/messages.py)
    a setting's label     `setting.<name>.label`
    a choice's label      `setting.<name>.choice.<value>`
    a term in a message   `unit.row`, `role.label`, …
    the page's own words  `page.…`, `js.…` (templates and static/js/i18n.js)

The English catalog's labels come from the settings table (engine/settings.py,
the one source of names), the rest from `locales/en/messages.po`; every other
language must have every key English has (tests/server/test_i18n.py). A
catalog entry with plural forms (`msgid_plural`) chooses its form by the
message's `count` parameter with the language's CLDR plural rule, as the page
does with `Intl.PluralRules`.

`render(message, lang)` turns a `Message` into a sentence (the placeholders
and their filters are described in engine/messages.py; static/js/i18n.js
implements the same); the server renders English for the `message` field of
notices and errors and for `playground train`. `negotiate(header)` picks a
language from an Accept-Language header with Babel.
"""

from __future__ import annotations

import gettext
import json
import re
from functools import cache
from pathlib import Path

from babel import Locale
from babel.core import negotiate_locale
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from engine.messages import Message
from engine.settings import BY_NAME, LANGUAGE_CHOICES, SETTINGS

from .assets import asset_dir

DEFAULT_LANGUAGE = BY_NAME["lang"].default
LANGUAGES: tuple[str, ...] = LANGUAGE_CHOICES
# The page's `<html lang>` for each language.
HTML_LANG = {"en": "en", "zh": "zh-CN"}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)((?:\|[A-Za-z_]+(?::[A-Za-z0-9_.]+)?)*)\}")


def table_labels() -> dict[str, str]:
    """The English labels the settings table gives: `setting.<name>.label` and
    `setting.<name>.choice.<value>` for every choice that has a label."""
    entries = {}
    for setting in SETTINGS:
        entries[f"setting.{setting.name}.label"] = setting.label
        for value, label in zip(setting.choices, setting.choice_labels):
            entries[f"setting.{setting.name}.choice.{value}"] = label
    return entries


def _plural_categories(locale: Locale, plural_expr: str, forms: int) -> dict[int, str]:
    """The CLDR category (one, other, …) of each msgstr index of a catalog."""
    index_of = gettext.c2py(plural_expr) if plural_expr else (lambda n: 0)
    categories = {}
    for n in list(range(0, 200)) + [0.5, 1.5]:
        index = index_of(int(n)) if float(n).is_integer() else min(forms - 1, 1)
        categories.setdefault(index, locale.plural_form(n))
    return categories


class Catalog:
    """One language's entries: key → text, or for a plural entry key → {category: text}."""

    def __init__(self, lang: str, entries: dict, fallback: Catalog | None = None):
        self.lang = lang
        self.locale = Locale.parse(lang)
        self.entries = entries
        self.fallback = fallback

    @classmethod
    def read(cls, lang: str, path: Path, base: dict | None = None, fallback: Catalog | None = None) -> Catalog:
        with path.open("rb") as file:
            po = read_po(file, locale=lang)
        locale = Locale.parse(lang)
        categories = _plural_categories(locale, po.plural_expr, po.num_plurals)
        entries = dict(base or {})
        for message in po:
            if not message.id:
                continue  # the header
            if isinstance(message.id, tuple):
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                entries[message.id[0]] = {categories.get(i, "other"): text for i, text in enumerate(strings) if text}
            elif message.string:
                entries[message.id] = message.string
        return cls(lang, entries, fallback)

    def has(self, key: str) -> bool:
        return key in self.entries

    def text(self, key: str, params: dict | None = None, **more) -> str:
        """The entry `key` with its placeholders filled from `params` (and `more`)."""
        params = {**(params or {}), **more}
        entry = self.entries.get(key)
        if entry is None:
            if self.fallback is not None:
                return self.fallback.text(key, params)
            return key
        if isinstance(entry, dict):
            count = params.get("count", 0)
            entry = entry.get(self.locale.plural_form(count)) or entry.get("other") or next(iter(entry.values()))
        return _PLACEHOLDER.sub(lambda match: self._fill(match, params), entry)

    def text_for_template(self, key: str, **params) -> str:
        """`text` with keyword parameters, as the templates call it: t('page.slider', label=…)."""
        return self.text(key, params)

    def render(self, message: Message | dict) -> str:
        """A message (or its JSON form {"code", "params"}) as a sentence."""
        if isinstance(message, Message):
            return self.text(message.code, message.params)
        return self.text(message["code"], message.get("params") or {})

    def _fill(self, match: re.Match, params: dict) -> str:
        name, filters = match.group(1), match.group(2)
        if name not in params:
            return match.group(0)
        value = params[name]
        for spec in filter(None, filters.split("|")):
            kind, _, argument = spec.partition(":")
            value = self._filter(value, kind, argument)
        return self._plain(value)

    def _filter(self, value, kind: str, argument: str):
        if kind == "label":
            return self.text(f"setting.{value}.label")
        if kind == "choice":
            key = f"setting.{argument}.choice.{value}"
            return self.text(key) if self.has(key) or (self.fallback and self.fallback.has(key)) else value
        if kind == "term":
            return self.text(f"{argument}.{value}")
        if kind == "number":
            return format_decimal(value, locale=self.locale) if isinstance(value, (int, float)) else value
        if kind == "lower":
            return self._plain(value).lower()
        if kind == "capital":
            text = self._plain(value)
            return text[:1].upper() + text[1:]
        if kind == "list":
            return self._plain(value)
        return value

    def _plain(self, value) -> str:
        if isinstance(value, (Message, dict)) and (isinstance(value, Message) or "code" in value):
            return self.render(value)
        if isinstance(value, (list, tuple)):
            return self.text("format.list_separator").join(self._plain(item) for item in value)
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def as_json(self) -> str:
        """The entries for the page, safe inside <script type="application/json">."""
        entries = {**(self.fallback.entries if self.fallback else {}), **self.entries}
        text = json.dumps({"lang": self.lang, "entries": entries}, ensure_ascii=False, sort_keys=True)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def locale_dir() -> Path:
    return asset_dir("locales")


@cache
def catalogs() -> dict[str, Catalog]:
    """Every language's catalog, read once (at start-up: pages.py asks at import)."""
    english = Catalog.read(DEFAULT_LANGUAGE, locale_dir() / DEFAULT_LANGUAGE / "messages.po", base=table_labels())
    found = {DEFAULT_LANGUAGE: english}
    for lang in LANGUAGES:
        if lang != DEFAULT_LANGUAGE:
            found[lang] = Catalog.read(lang, locale_dir() / lang / "messages.po", fallback=english)
    return found


def catalog(lang: str | None) -> Catalog:
    """The catalog of `lang`; English for a language we do not have."""
    return catalogs().get(lang or DEFAULT_LANGUAGE) or catalogs()[DEFAULT_LANGUAGE]


def render(message: Message | dict, lang: str = DEFAULT_LANGUAGE) -> str:
    return catalog(lang).render(message)


def english(message: Message | dict) -> str:
    """The message in English: the `message` field of notices and errors, the command line."""
    return catalogs()[DEFAULT_LANGUAGE].render(message)


def negotiate(accept_language: str | None) -> str | None:
    """Our language that an Accept-Language header prefers, or None."""
    if not accept_language:
        return None
    preferred = []
    for part in accept_language.split(","):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if tag and tag != "*" and weight > 0:
            preferred.append((weight, len(preferred), tag.strip().replace("-", "_")))
    ordered = [tag for _, _, tag in sorted(preferred, key=lambda item: (-item[0], item[1]))]
    # Babel matches each tag and then its language alone (zh_TW → zh), in the
    # header's order of preference.
    return negotiate_locale(ordered, list(LANGUAGES), sep="_")


def page_language(asked: str | None, accept_language: str | None) -> str:
    """The page's language: `asked` (the link's `lang`) when we have it, else
    what the browser prefers, else English."""
    if asked in LANGUAGES:
        return asked
    return negotiate(accept_language) or DEFAULT_LANGUAGE
