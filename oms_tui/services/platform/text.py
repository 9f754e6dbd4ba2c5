"""Text from outside, in one place: what a service keeps, what an export writes, what a
terminal shows.

- ``clean_text``: a field as a service stores it (customers, products, orders, imports):
  trimmed; tabs and line breaks in a one-line field made spaces; refused (``InvalidInput``
  on the field, a sentence naming the character) when it holds a NUL, ESC, BEL or any
  other control character, or a character that turns the text's direction; refused when
  longer than the field holds. So no such character reaches the database, a terminal, a
  PDF or an export from what was typed or imported.
- ``safe_cell``: a cell as every export writes it (CSV through ``csv_files.csv_text``,
  .xlsx, error reports): control
  characters dropped, and a cell that a spreadsheet would run as a formula (starting with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return: OWASP's CSV-injection list) made
  text with a leading apostrophe. A plain number (``-12.50``) is left as it is.
  ``unquote_cell`` takes that apostrophe off again on import, so an export imports as the
  same orders.
- ``shown``: any text for a message or a terminal line: control characters written as
  escapes (``\\x1b``), cut to a length.
"""

from __future__ import annotations

import re

from ...i18n import N_
from .errors import InvalidInput

# C0 and C1 controls (but tab, line feed, carriage return: whitespace handled apart), DEL,
# and the bidirectional overrides/isolates that make text read other than it is stored.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"\r\n?|\n")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?", re.ASCII)


def control_character(text: str) -> str | None:
    """The first control character in ``text`` as ``U+001B``; None when there is none."""
    found = _CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def clean_text(value: str | None, max_len: int, what: str, field: str | None = None,
               multiline: bool = False) -> str:  # fmt: skip
    """``value`` as a service keeps it, or ``InvalidInput`` on ``field`` saying why: a
    control character ("the name holds a control character (U+001B)"), or more than
    ``max_len`` characters. ``multiline`` keeps line breaks (as ``\\n``); otherwise they
    and tabs become spaces."""
    text = value or ""
    if text.isprintable():  # the usual case: no control, line break or odd space at all
        text = text.strip()
    else:
        text = _LINE_BREAKS.sub("\n" if multiline else " ", text.replace("\t", " ")).strip()
        bad = control_character(text)
        if bad:
            raise InvalidInput(N_("{what} holds a control character ({char}): remove it")
                               .format(what=what, char=bad), field)  # fmt: skip
    if len(text) > max_len:
        raise InvalidInput(
            N_("{what} is {length} characters long; the most is {most}").format(
                what=what, length=f"{len(text):,}", most=f"{max_len:,}"
            ),
            field,
        )
    return text


def safe_cell(value: object) -> object:
    """A cell as an export writes it: numbers as they are; text without control
    characters (a line break kept), and made text, not a formula, by a leading apostrophe
    when a spreadsheet would read it as one."""
    if value is None or isinstance(value, int | float):
        return value
    text = _CONTROL.sub("", str(value))
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def unquote_cell(text: str) -> str:
    """A cell read from a file: the apostrophe ``safe_cell`` put before a formula-like text
    taken off again."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def shown(text: str, limit: int = 80) -> str:
    """``text`` for a message line or a terminal: control characters as escapes
    (``\\x1b``, ``\\n``), cut to ``limit`` characters with an ellipsis."""
    out = _ANY_CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), text)
    return out if len(out) <= limit else out[: limit - 1] + "…"
