"""The share-link codec: a URL hash to a settings dict, and back.

One codec for the server, the page (through the server) and `playground train`.
It reads every link the original TensorFlow Playground reads, the same way,
except where the original crashes or keeps a nonsense value; there it uses the
default or the nearest allowed value and says so in a notice. It writes what the
original writes, then our own settings when they are not at their default, then
the keys it did not know, then the `_hide` keys.

Reading, step by step (`parse_hash`):

1. Take the hash out of what was given: a bare hash, `#hash`, or a whole URL
   (also one whose `#` was percent-encoded, or a whole hash percent-encoded).
2. Repair what HTML renderers and editors did to links: `&amp;` (or `&#38;`)
   for `&`, Markdown's backslash before `&`, and `&reg` turned into `®` (so
   `&regDataset=` arrives as `®Dataset=` or `%C2%AEDataset=`).
3. Split on `&`, then each piece on `=` keeping the first two parts, as the
   original does; a later duplicate key wins. Keys and values are
   percent-decoded once (our writer percent-encodes what would break a link).
4. Type each known key as the original does (spec §6.2, §6.3); check the result
   against `engine.settings` and fix what cannot be used, with a notice.

Writing (`write_hash`): the original's 27 keys in its order and formats (spec
§6.1), our keys only when not at their default, unknown keys as read, then hide
keys in the order they were first set. A setup that uses only the original's
settings therefore gets exactly the original's hash. Everything written is
percent-encoded where it could break the link or be active in HTML, so no
written hash contains `<`, `>`, `"`, `'`, a space or a control character.

Known difference from the original: a percent-escape in a value is decoded
(`seed=a%20b` is the seed "a b"); the original would use the text as it is.
White space around the whole link is ignored. An empty seed or tutorial cannot
be written (the original treats `seed=` as no seed), so it is written as absent.
"""

from __future__ import annotations

import html.entities
import math
import re
from dataclasses import dataclass, field

from .messages import Message
from .settings import BY_NAME, HIDE_NAMES, OUR_HIDE_NAMES, SETTINGS, Kind, coerce, defaults, fix_combinations

HIDE_SUFFIX = "_hide"
NOTICE_VALUE_CHARS = 40  # values are shown in notices up to this many characters

# JavaScript's WhiteSpace and LineTerminator characters, which String.prototype.trim
# and unary plus ignore around a value.
_JS_SPACE = (
    "\t\n\v\f\r \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)

# Unary plus accepts a decimal literal (ASCII digits only, no separators) or,
# unsigned, a hex, octal or binary integer.
_JS_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
_JS_NON_DECIMAL = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")

# Characters written as they are; everything else is percent-encoded. These are
# the fragment's own characters minus the link's structure (& = #), the escape
# itself (%) and the quote that is active in HTML attributes (').
_LINK_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$()*+,;:@/?")

_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_HTML_AMPERSAND = re.compile(r"&(?:amp|#0*38|#[xX]0*26);", re.IGNORECASE)
_MARKDOWN_ESCAPE = re.compile(r"\\([&_=])")
# Something before a '#' that is a URL (scheme, '//', a host name or a path)
# rather than the start of a hash that happens to contain '#'.
_URL_START = re.compile(r"\s*(?:[A-Za-z][A-Za-z0-9+.\-]*://|//|/|[^=&/?#\s]*\.[A-Za-z]{2,}(?:[:/?]|$))")


@dataclass
class ParsedHash:
    """What a share link says.

    `settings`: a full, checked settings dict (seed None when the link had none).
    `notices`: messages (engine/messages.py) about values that could not be used as given.
    `hidden`: every `<name>_hide` key of the link, by `<name>`, in first-seen
    order; True iff its value was exactly `true`, as in the original.
    `unknown`: (key, value) of the keys that are neither settings nor hide keys,
    in order, kept so that they are written back (value None for a bare key).
    """

    settings: dict
    notices: list[Message] = field(default_factory=list)
    hidden: dict[str, bool] = field(default_factory=dict)
    unknown: list[tuple[str, str | None]] = field(default_factory=list)

    def hidden_controls(self) -> list[str]:
        """The names whose controls are hidden, keeping only names that can be
        used as a CSS class suffix (letters, digits, '_' and '-'): those the
        link hides, then those `implied_hidden` adds."""
        named = [name for name, hide in self.hidden.items() if hide and re.fullmatch(r"[A-Za-z0-9_-]+", name)]
        return named + [name for name in self.implied_hidden() if name not in named]

    def implied_hidden(self) -> list[str]:
        """Our extra controls, hidden because the link is a classroom link made
        for the original: it hides some control (`<name>_hide=true`) and has
        no hide key for any of ours, which its author could not have hidden.
        They are not written into the link; a hide key for any one of them
        (`optimizer_hide=false`) makes the link speak for itself again."""
        return list(implied_hidden(self.hidden))


def implied_hidden(hidden: dict[str, bool]) -> tuple[str, ...]:
    """`ParsedHash.implied_hidden` for a link's hide keys `hidden` (name → hidden?)."""
    if any(hidden.values()) and not any(name in hidden for name in OUR_HIDE_NAMES):
        return OUR_HIDE_NAMES
    return ()


def set_hidden(hidden: dict[str, bool], name: str, hide: bool) -> None:
    """What a classroom checkbox does to a link's hide keys `hidden`, in place:
    `<name>_hide` becomes `hide`, and the extras that `implied_hidden` hides
    keep their look. Showing one of them while a link for the original hides
    them writes the others' keys (still hidden); hiding a first control here
    writes `optimizer_hide=false`, so that the link is not taken for one made
    for the original and our extras stay shown for whoever opens it."""
    implied = implied_hidden(hidden)
    if name in implied:
        for extra in implied:
            hidden.setdefault(extra, True)
    hidden[name] = hide
    if not implied and implied_hidden(hidden):
        hidden[OUR_HIDE_NAMES[0]] = False


# ---------------------------------------------------------------------------
# JavaScript's number conversions


def js_trim(text: str) -> str:
    """`text` without JavaScript white space at either end (String.trim)."""
    return text.strip(_JS_SPACE)


def js_to_number(text: str) -> float:
    """The number JavaScript's unary plus makes of `text` (NaN when it is none).

    `"  12 "` → 12, `""` → 0, `"0x10"` → 16, `"1e3"` → 1000, `"Infinity"` → inf,
    `"abc"`, `"1_000"`, `"-0x10"`, `"inf"` → NaN.
    """
    body = js_trim(text)
    if body == "":
        return 0.0
    if _JS_NON_DECIMAL.fullmatch(body):
        base = {"x": 16, "o": 8, "b": 2}[body[1].lower()]
        try:
            return float(int(body[2:], base))
        except OverflowError:
            return math.inf
    if _JS_DECIMAL.fullmatch(body):
        if body.endswith("Infinity"):
            return -math.inf if body.startswith("-") else math.inf
        return float(body)
    return math.nan


def js_number(value) -> str:
    """`value` written as JavaScript's Number-to-String writes it.

    0.03 → "0.03", 0.00001 → "0.00001", 1e-7 → "1e-7", 15.0 → "15",
    12.5 → "12.5", 1e21 → "1e+21", NaN → "NaN", -0.0 → "0".
    """
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    # repr gives the shortest digits that round-trip, as JavaScript does.
    mantissa, _, exponent_text = repr(abs(number)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    # The decimal point sits after `point` digits: value = 0.digits × 10^point.
    point = len(whole) + (int(exponent_text) if exponent_text else 0) - (len(whole + fraction) - len(digits))
    digits = digits.rstrip("0")
    count = len(digits)
    if count <= point <= 21:
        return sign + digits + "0" * (point - count)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * (-point) + digits
    exponent = point - 1
    head = digits[0] + ("." + digits[1:] if count > 1 else "")
    return f"{sign}{head}e{'+' if exponent > 0 else '-'}{abs(exponent)}"


# ---------------------------------------------------------------------------
# Percent-encoding


def _percent_decode(text: str) -> str:
    """`text` with every %XX escape decoded once. Runs of escapes are read as
    UTF-8; bytes that are not UTF-8 are read as Latin-1. A '%' that starts no
    escape stays as it is."""

    def decode_run(match: re.Match) -> str:
        raw = bytes.fromhex(match.group(0).replace("%", ""))
        decoded = []
        while raw:
            try:
                decoded.append(raw.decode("utf-8"))
                break
            except UnicodeDecodeError as error:
                decoded.append(raw[: error.start].decode("utf-8"))
                decoded.append(raw[error.start : error.end].decode("latin-1"))
                raw = raw[error.end :]
        return "".join(decoded)

    return _PERCENT_RUN.sub(decode_run, text)


def _link_text(text: str) -> str:
    """`text` percent-encoded (UTF-8) wherever it could break a link or be
    active in HTML; `_percent_decode` gives it back."""
    if all(char in _LINK_SAFE for char in text):
        return text
    encoded = "".join(
        char if char in _LINK_SAFE else "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "replace"))
        for char in text
    )
    # A value holding e.g. "®Dataset" must not read as a damaged "&regDataset":
    # the letter after such a character is escaped too.
    return _MANGLE_GUARD.sub(lambda match: f"{match.group(1)}%{ord(match.group(2)):02X}", encoded)


def _shown(text: str) -> str:
    """A value as a notice shows it: in link form (printable, nothing active in
    HTML), cut to its first NOTICE_VALUE_CHARS characters."""
    linked = _link_text(text)
    if len(linked) > NOTICE_VALUE_CHARS:
        return linked[:NOTICE_VALUE_CHARS] + "…"
    return linked


# ---------------------------------------------------------------------------
# Getting at the pairs of a link


def _escape_pattern(byte: int) -> str:
    """A pattern for the percent-escape of `byte`, in either case."""
    return "%" + "".join(f"[{digit.upper()}{digit.lower()}]" if digit.isalpha() else digit for digit in f"{byte:02X}")


def _mangled_forms() -> tuple[list[tuple[re.Pattern, str]], set[str]]:
    """Patterns for keys whose `&name` an HTML renderer read as a character
    reference, and the characters those references became.

    HTML accepts a few references without the ';' (`&reg`, `&not`, `&para`,
    ...), so `&regDataset` became `®Dataset`. Each pattern finds such a damaged
    key, literal or percent-encoded (UTF-8 or Latin-1), before '=', '&' or the
    end; its replacement is '&' and the key.
    """
    keys = [s.name for s in SETTINGS] + [name + HIDE_SUFFIX for name in HIDE_NAMES]
    legacy = {name: char for name, char in html.entities.html5.items() if not name.endswith(";")}
    forms, chars = [], set()
    for key in keys:
        for entity, char in legacy.items():
            if key.startswith(entity) and len(key) > len(entity):
                spellings = [re.escape(char), "".join(_escape_pattern(byte) for byte in char.encode("utf-8"))]
                if ord(char) < 256:
                    spellings.append(_escape_pattern(ord(char)))
                pattern = f"(?:{'|'.join(spellings)}){re.escape(key[len(entity) :])}(?=[=&]|$)"
                forms.append((re.compile(pattern), "&" + key))
                chars.add(char)
    # Longest first, so that `®ularizationRate` is not read as `®ularization`.
    forms.sort(key=lambda form: -len(form[1]))
    return forms, chars


_MANGLED_FORMS, _MANGLED_CHARS = _mangled_forms()
# Such a character (as our writer encodes it) followed by a letter.
_MANGLE_GUARD = re.compile(
    "("
    + "|".join(sorted("".join(f"%{byte:02X}" for byte in char.encode("utf-8")) for char in _MANGLED_CHARS))
    + ")([A-Za-z])"
    if _MANGLED_CHARS
    else r"(?!)(x)(x)"
)


def _hash_part(raw: str) -> str:
    """The hash (without '#') inside `raw`: a hash, '#' + hash or a URL."""
    text = raw.strip()
    cut = text.find("#")
    if cut >= 0:
        before = text[:cut]
        if before == "" or ("=" not in before and "&" not in before) or _URL_START.match(before):
            return text[cut + 1 :]
        return text  # a '#' inside the hash itself belongs to a value
    if _URL_START.match(text):
        # A URL without '#': its hash may have been percent-encoded with it.
        cut = text.lower().find("%23")
        return text[cut + 3 :] if cut >= 0 else ""
    return text


def _repair(text: str) -> str:
    """Undo what HTML renderers and editors did to a link."""
    if "=" not in text and re.search("%3d", text, re.IGNORECASE):
        text = _percent_decode(text)  # the whole hash was percent-encoded
    for _ in range(3):  # `&amp;amp;` from escaping twice
        repaired = _HTML_AMPERSAND.sub("&", text)
        if repaired == text:
            break
        text = repaired
    text = _MARKDOWN_ESCAPE.sub(r"\1", text)
    for pattern, key in _MANGLED_FORMS:
        text = pattern.sub(key, text)
    return text


def _pairs(text: str) -> dict[str, tuple[str | None, str | None]]:
    """key → (raw value, decoded value), as the original splits a hash: on '&',
    then on '=' keeping the first two parts; a later duplicate wins but keeps
    the key's first place. A bare key has the value None."""
    pairs: dict[str, tuple[str | None, str | None]] = {}
    for piece in text.split("&"):
        if piece == "":
            continue
        parts = piece.split("=", 2)
        key = _percent_decode(parts[0])
        if key == "":
            continue
        raw_value = parts[1] if len(parts) > 1 else None
        pairs[key] = (raw_value, None if raw_value is None else _percent_decode(raw_value))
    return pairs


# ---------------------------------------------------------------------------
# Typing each setting


def _link_notice(code: str, setting, value: str | None, used, **more) -> Message:
    """A notice about the link's `key=value` that was read as `used`."""
    params = {"key": setting.name, "used": used, **more}
    if value is not None:
        params["value"] = _shown(value)
    return Message(code, params)


def _read_setting(setting, raw: str | None, value: str | None, notices: list[Message]):
    """The usable value of `setting` from a link's raw and decoded value (the
    key is present); appends a notice when the link's value cannot be used.
    Returns the default when the original would ignore the key."""
    if setting.kind is Kind.SHAPE:
        return _read_shape(setting, value, notices)
    # Like the original, a key counts only with a value that is not blank.
    if raw is None or js_trim(raw) == "":
        return setting.default
    if setting.kind is Kind.BOOL:
        return value != "false"
    if setting.kind is Kind.ENUM:
        if value in setting.choices:
            return value
        if not setting.quiet_default:
            notices.append(_link_notice("link_not_choice", setting, value, setting.default))
        return setting.default
    if setting.kind is Kind.STRING:
        if setting.max_length is not None and len(value) > setting.max_length:
            notices.append(_link_notice("link_text_cut", setting, value, None, max=setting.max_length))
            return value[: setting.max_length]
        return value
    return _read_number(setting, value, notices)


def _read_number(setting, value: str, notices: list[Message]):
    name = setting.name
    number = js_to_number(value)
    if math.isnan(number):
        notices.append(_link_notice("link_not_number", setting, value, js_number(setting.default)))
        return setting.default
    if name == "noise" and (number > 80 or number < 0):
        # The original's own correction at startup (spec §6.3).
        fixed = 50 if number > 80 else 0
        notices.append(_link_notice("link_noise_above" if number > 80 else "link_noise_below", setting, value, fixed))
        return fixed
    if not math.isfinite(number):
        notices.append(_link_notice("link_not_usable_number", setting, value, js_number(setting.default)))
        return setting.default
    usable, problem = coerce(name, number)
    if isinstance(usable, float) and usable.is_integer():
        usable = int(usable)  # written the same, and reads like the table's defaults
    if problem:
        if setting.minimum <= number <= setting.maximum:
            notices.append(_link_notice("link_not_whole", setting, value, js_number(usable)))
        else:
            notices.append(
                _link_notice(
                    "link_outside",
                    setting,
                    value,
                    js_number(usable),
                    min=js_number(setting.minimum),
                    max=js_number(setting.maximum),
                )
            )
    return usable


def _read_shape(setting, value: str | None, notices: list[Message]):
    name = setting.name
    default_text = ",".join(map(str, setting.default))
    if value is None:
        # A bare `networkShape` crashes the original.
        notices.append(_link_notice("link_shape_no_value", setting, None, default_text))
        return setting.default
    if js_trim(value) == "":
        return ()  # no hidden layer: a linear model
    counts = [js_to_number(part) for part in value.split(",")]
    if any(math.isnan(count) for count in counts):
        notices.append(_link_notice("link_shape_not_list", setting, value, default_text))
        return setting.default
    # The original makes ceil(n) neurons for a size n > 0 and none otherwise;
    # coerce then moves each size into the table's bounds.
    sizes = [
        0 if count <= 0 else setting.max_neurons + 1 if count > setting.max_neurons else math.ceil(count)
        for count in counts
    ]
    shape, problem = coerce(name, sizes)
    if problem or [float(size) for size in shape] != counts:
        notices.append(
            _link_notice(
                "link_shape_fixed",
                setting,
                value,
                ",".join(map(str, shape)),
                max_layers=setting.max_layers,
                max=setting.max_neurons,
            )
        )
    return shape


# ---------------------------------------------------------------------------
# The codec


def parse_hash(raw: str) -> ParsedHash:
    """Read a share link (a hash with or without '#', or a whole URL).

    Never raises: anything that cannot be used becomes the default or the
    nearest allowed value, with a notice naming the key and the value.
    """
    if not isinstance(raw, str):
        raw = ""
    # Lone surrogates (possible in decoded JSON) cannot be written as UTF-8.
    raw = raw.encode("utf-8", "replace").decode("utf-8")
    pairs = _pairs(_repair(_hash_part(raw)))

    values = defaults()
    notices: list[Message] = []
    given = []
    for setting in SETTINGS:
        if setting.name not in pairs:
            continue
        raw_value, value = pairs[setting.name]
        values[setting.name] = _read_setting(setting, raw_value, value, notices)
        if setting.kind is Kind.SHAPE or (raw_value is not None and js_trim(raw_value) != ""):
            given.append(setting.name)
    notices.extend(fix_combinations(values, changed=given))

    hidden: dict[str, bool] = {}
    unknown: list[tuple[str, str | None]] = []
    for key, (_, value) in pairs.items():
        if key in BY_NAME:
            continue
        if key.endswith(HIDE_SUFFIX):
            hidden[key[: -len(HIDE_SUFFIX)]] = value == "true"
        else:
            unknown.append((key, value))
    return ParsedHash(values, notices, hidden, unknown)


def _written_value(setting, value) -> str:
    kind = setting.kind
    if kind is Kind.BOOL:
        return "true" if value else "false"
    if kind in (Kind.NUMBER, Kind.INTEGER):
        return js_number(value)
    if kind is Kind.SHAPE:
        return ",".join(js_number(size) for size in value)
    return _link_text(str(value))


def write_hash(settings: dict, hidden: dict[str, bool] | None = None, unknown: list | None = None) -> str:
    """The share hash (without '#') of a settings dict, as the original writes it.

    The original's keys come in its order and formats (`regularization` left
    out when none, `seed` and `tutorial` when unset, `initZero` true exactly
    when init is zeros); then our keys that are not at their default (init
    zeros is already said by initZero); then
    `unknown` (key, value) pairs; then `<name>_hide` for each of `hidden`.
    Missing names take their defaults.
    """
    values = defaults()
    values.update(settings)
    pieces = []
    for setting in SETTINGS:
        name, value = setting.name, values[setting.name]
        if name == "initZero":
            value = values["init"] == "zeros"
        if setting.original:
            if value is None or (name == "regularization" and value == "none"):
                continue
            if setting.kind is Kind.STRING and value == "":
                continue  # `seed=` would read as no seed at all
        elif value == setting.default or (name == "init" and value == "zeros"):
            continue  # init=zeros is carried by the original's initZero=true
        pieces.append(f"{name}={_written_value(setting, value)}")
    for key, value in unknown or ():
        if key in BY_NAME or key.endswith(HIDE_SUFFIX) or key == "":
            continue  # would be read as something else
        pieces.append(_link_text(key) if value is None else f"{_link_text(key)}={_link_text(value)}")
    for name, hide in (hidden or {}).items():
        pieces.append(f"{_link_text(name)}{HIDE_SUFFIX}={'true' if hide is True else 'false'}")
    return "&".join(pieces)


def canonical(raw: str) -> tuple[str, ParsedHash]:
    """(the hash we write for the link `raw`, what `raw` says)."""
    parsed = parse_hash(raw)
    return write_hash(parsed.settings, parsed.hidden, parsed.unknown), parsed
