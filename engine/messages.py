"""Messages for people, as codes with parameters: the engine never builds sentences.

A `Message` is what the engine (and the server) has to tell a user: a `code`
naming the sentence in the message catalogs (`locales/<lang>/messages.po`), the
`params` the sentence needs, and `about`, the settings it concerns (the page
takes a notice down once one of them changes again). The words are chosen
where the message is shown: the page renders it from the catalog of its
language, the server renders English for API clients and the command line
(`server/i18n.py`).

Parameters are plain JSON values (str, int, float, bool, lists of them) or
other messages (a reason inside a sentence). In the catalog, a placeholder
names a parameter and may pass it through filters:

    {value}                     the value as it is
    {setting|label}             the value is a setting's name: its label
    {loss|choice:loss}          the value is a choice of the setting `loss`: its label
    {problem|choice:problem|lower}   … in lower case (where the language has case)
    {count|number}              a number as the language writes numbers
    {columns|list}              a list joined as the language joins lists

A catalog entry with plural forms chooses its form by the parameter `count`.

`MessageError` is an error that carries a message; `SettingError`,
`EditError` and `DataError` are such errors.
"""

from __future__ import annotations


class Message:
    """One sentence for a user: `code`, `params` (dict) and `about` (setting names)."""

    __slots__ = ("code", "params", "about")

    def __init__(self, code: str, params: dict | None = None, about=()):
        self.code = code
        self.params = dict(params or {})
        self.about = tuple(about)

    def to_dict(self) -> dict:
        """The message as JSON: {"code", "params"} (nested messages likewise)."""
        return {"code": self.code, "params": {key: _jsonable(value) for key, value in self.params.items()}}

    def __eq__(self, other) -> bool:
        return isinstance(other, Message) and (self.code, self.params, self.about) == (
            other.code,
            other.params,
            other.about,
        )

    def __hash__(self) -> int:
        return hash((self.code, repr(sorted(self.params.items())), self.about))

    def __repr__(self) -> str:
        about = f", about={self.about!r}" if self.about else ""
        return f"Message({self.code!r}, {self.params!r}{about})"

    __str__ = __repr__  # the words live in the catalogs (server/i18n.py renders them)


def _jsonable(value):
    if isinstance(value, Message):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return value


class MessageError(ValueError):
    """An error whose explanation is a `Message` (`error.message`)."""

    def __init__(self, code: str, params: dict | None = None, about=()):
        self.message = Message(code, params, about)
        super().__init__(self.message)

    @property
    def code(self) -> str:
        return self.message.code

    @property
    def params(self) -> dict:
        return self.message.params
