"""The interface language: gettext catalogs, the current language, and the functions every
user-visible string goes through (docs/i18n.md).

- ``_("Order entry")``: the text in the current language (the English text is the msgid).
- ``ngettext("{n} invoice", "{n} invoices", n)``: the plural form for ``n``.
- ``pgettext("column", "Back")``: the same English word with another meaning (a
  context in the catalog, ``msgctxt``).
- ``N_("Back")``: marks a text for the catalog without translating it now. Class-level
  texts (``Binding`` descriptions and tooltips, the ``WORKFLOWS`` titles, tile labels) are
  built at import, before anyone knows the user's language: they are written ``N_(...)``
  and translated where they are shown (the key footer, F1, the palette, the home menu), so
  switching the language changes them at once.

Catalogs live in ``oms_tui/locale/<lang>/LC_MESSAGES/oms.po`` (the source, edited by
translators) and ``oms.mo`` (compiled, shipped in the package: reading them needs only the
standard library). ``make i18n`` extracts, updates and compiles them with Babel.

Which language: the user's setting (``app_user.language``), else the company's
(setting ``language``), else the locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``,
``LANG``: ``LANG=zh_CN.UTF-8`` gives Chinese), else English. The command line follows the
locale only (its help is built before any database is opened).
"""

from __future__ import annotations

import gettext as _gettext
import os
import re
import struct
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path

DOMAIN = "oms"
LOCALE_DIR = Path(__file__).parent / "locale"
ENGLISH = "en"
CHINESE = "zh_CN"
# The languages oms speaks, each named in itself (what a language menu shows).
LANGUAGES: dict[str, str] = {ENGLISH: "English", CHINESE: "中文"}
_ENV_ORDER = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_language: str | None = None
_translations: dict[str, _gettext.NullTranslations] = {}


def normalise(tag: str | None) -> str | None:
    """A language tag as users write it (``zh_CN.UTF-8``, ``zh-cn``, ``zh``, ``zh_Hans``,
    ``en_US``, ``English``, ``中文``) as one of ``LANGUAGES``; None when it names none
    (``C``, ``POSIX``, blank, a language oms does not speak)."""
    if not tag:
        return None
    text = tag.strip()
    if text in LANGUAGES.values():
        return next(code for code, name in LANGUAGES.items() if name == text)
    base = text.split(".", 1)[0].split("@", 1)[0].replace("-", "_").lower()
    if base in ("zh", "zh_cn", "zh_hans", "zh_sg", "zh_hans_cn", "chinese"):
        return CHINESE
    if base == "en" or base.startswith("en_") or base == "english":
        return ENGLISH
    return None


def from_environment(environ: Mapping[str, str] | None = None) -> str | None:
    """The locale's language, read as gettext reads it (``LANGUAGE`` may list several,
    ``zh_CN:en``); None when the locale names no language oms speaks."""
    env = os.environ if environ is None else environ
    for name in _ENV_ORDER:
        value = env.get(name)
        if not value:
            continue
        for part in value.split(":"):
            found = normalise(part)
            if found:
                return found
        if name != "LANGUAGE":  # the first variable set decides, as for gettext
            return None
    return None


def resolve(user: str | None = None, company: str | None = None,
            environ: Mapping[str, str] | None = None) -> str:  # fmt: skip
    """The user's language, else the company's, else the locale's, else English."""
    return normalise(user) or normalise(company) or from_environment(environ) or ENGLISH


def _catalog(language: str) -> _gettext.NullTranslations:
    if language not in _translations:
        _translations[language] = _gettext.translation(
            DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True
        )
    return _translations[language]


def set_language(language: str | None) -> str:
    """Speak ``language`` from now on (anything ``normalise`` reads; None: the locale's).
    Returns the language now in use."""
    global _language
    _language = normalise(language) or from_environment() or ENGLISH
    return _language


def current_language() -> str:
    """The language in use (the locale's until ``set_language`` is called)."""
    return _language or set_language(None)


def gettext(message: str) -> str:
    """``message`` (the English msgid) in the current language."""
    if not message:
        return message
    return _catalog(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for ``n`` in the current language (Chinese has one form)."""
    return _catalog(current_language()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language as meant in ``context``: for one English word
    with two meanings on screen (``pgettext("column", "Back")``, backordered units, is not
    the key ``Back``, 返回)."""
    return _catalog(current_language()).pgettext(context, message)


# A service's sentence (``N_("overdue by {days}")`` formatted in English): what ``shown``
# reads back. A template whose own words are fewer letters than this matches too much
# (``{status}: {reason}``) and is never read back.
_PLACEHOLDER = re.compile(r"\{(\w*)(?:[!:][^{}]*)?\}")
_FEWEST_LETTERS = 4


def shown(text: str) -> str:
    """A sentence a service said in English, in the current language.

    Services speak English (a stored audit reason, an event's why, an error's sentence:
    the record of what was said, the same for every reader): each sentence is a template
    marked ``N_("overdue by {days}")`` and formatted in English. Whatever shows one to a
    person (the message line, a failure, the audit checks, the CLI's error line) passes it
    through ``shown``: the catalog's translation when the text is a msgid; else the
    translation of the template it was formatted from, each value read back the same way
    (``overdue by 3 days`` -> ``逾期 3 天``); a list of sentences joined by ``; `` item by
    item; else the text as it is (a reason a person typed, a name, a sentence already
    translated)."""
    if not text or current_language() == ENGLISH:
        return text
    return _shown(current_language(), text)


@lru_cache(maxsize=8192)
def _shown(language: str, text: str) -> str:
    catalog = _catalog(language)
    translated = catalog.gettext(text)
    if translated != text:
        return translated
    if text in LOWER_CASE_LABELS:
        # a status written in lower case inside a sentence (``not in audit (draft)``): the
        # catalog has it as a label (``Draft``); a code that reads as a word (the check
        # ``stock``) is not one of these and stays a code
        translated = catalog.gettext(text[0].upper() + text[1:])
        if translated != text[0].upper() + text[1:]:
            return translated
    best: tuple[int, str, str] | None = None  # (values left English, the sentence, template)
    for pattern, singular, plural in _templates(language):
        found = pattern.fullmatch(text)
        if not found:
            continue
        raw = found.groupdict()
        values = {k: _shown(language, v) for k, v in raw.items()}
        if plural is None:
            template = catalog.gettext(singular)
        else:
            counts = [v for v in raw.values() if v.strip().lstrip("-").isdigit()]
            template = catalog.ngettext(singular, plural, int(counts[0]) if counts else 1)
        try:
            sentence = template.format(**values)
        except (KeyError, IndexError, ValueError):
            continue  # a translation that does not take these values: try the next
        # ``Could not read the runs: …`` is ``Could not {doing}`` (``read the runs`` is a
        # msgid) rather than ``Could not read {file}`` (``the runs`` is not): the reading
        # that leaves the fewest English words wins; on a tie, the most specific template.
        # Counted in the values as read back: a value only partly read back (``{code} is no
        # longer sold`` taking all of ``standing order weekly water: line 1: W-19L``) keeps
        # its English words, and loses to the reading that leaves only the data in English.
        english = sum(len(_ENGLISH_WORDS.findall(v)) for v in values.values())
        if best is None or english < best[0]:
            best = (english, sentence, singular)
            if english == 0:
                break
    items = _list_items(text) if "; " in text else [text]
    if len(items) > 1:
        # a list of sentences (``L1 4 backordered; L2 to production``): each item read back.
        # A template whose own words hold no ``; `` matched across the items (``{qty}
        # backordered``): the list wins unless it leaves more English words; one that
        # spans them (``{why}; {codes} short``) only when the list leaves fewer.
        listed = _LIST_JOINER.get(language, "; ").join(_shown(language, i) for i in items)
        left = len(_ENGLISH_WORDS.findall(listed))
        before = len(_ENGLISH_WORDS.findall(best[1] if best else text))
        across = best is not None and "; " not in _PLACEHOLDER.sub("", best[2])
        if left < before or (across and left == before):
            return listed
    return best[1] if best else text


# How a list of sentences is joined in each language (``; `` otherwise).
_LIST_JOINER = {CHINESE: "；"}


def _list_items(text: str) -> list[str]:
    """``text`` cut at each ``; `` outside brackets (``2 from A (region East; B short)``
    is one item)."""
    items, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "([{（":
            depth += 1
        elif char in ")]}）":
            depth = max(depth - 1, 0)
        elif char == ";" and depth == 0 and text[i + 1 : i + 2] == " ":
            items.append(text[start:i])
            start = i + 2
    items.append(text[start:])
    return [item for item in items if item]


_ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}")
# The labels (``Draft``, ``On hold``) a sentence may hold in lower case (``draft``): the
# screens register their status words (``screens/formats.STATUS_WORDS``).
LOWER_CASE_LABELS: set[str] = set()


def _template_pattern(template: str) -> re.Pattern[str] | None:
    """A regular expression matching what ``template.format(...)`` gives, each value a
    named group; None for a template that cannot be read back (positional fields, too few
    words of its own)."""
    parts, seen, at = [], set(), 0
    for field in _PLACEHOLDER.finditer(template):
        name = field.group(1)
        if not name or not name.isidentifier():
            return None
        parts.append(re.escape(template[at : field.start()].replace("{{", "{").replace("}}", "}")))
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        at = field.end()
    if not seen:
        return None
    rest = template[at:]
    parts.append(re.escape(rest.replace("{{", "{").replace("}}", "}")))
    own = _PLACEHOLDER.sub("", template)
    if len(re.findall(r"[A-Za-z]", own)) < _FEWEST_LETTERS:
        return None
    return re.compile("".join(parts), re.DOTALL)


@lru_cache(maxsize=4)
def _templates(language: str) -> tuple[tuple[re.Pattern[str], str, str | None], ...]:
    """Every msgid with placeholders in ``language``'s catalog, as a pattern, the most
    specific first (most words of its own)."""
    found = []
    for singular, plural in _mo_messages(language):
        if "\x04" in singular or "{" not in singular:
            continue  # a word in a context, or no values to read back
        for english in (singular, plural) if plural else (singular,):
            pattern = _template_pattern(english)
            if pattern is not None:
                weight = len(_PLACEHOLDER.sub("", english))
                found.append((weight, pattern, singular, plural))
    found.sort(key=lambda item: -item[0])
    return tuple((p, s, pl) for _w, p, s, pl in found)


def _mo_messages(language: str) -> list[tuple[str, str | None]]:
    """(msgid, msgid_plural or None) of each message in ``language``'s compiled catalog
    (the standard library's reader keeps no plural msgid)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        data = path.read_bytes()
    except OSError:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    _rev, count, originals = struct.unpack(order + "3I", data[4:16])
    found = []
    for i in range(count):
        length, offset = struct.unpack(
            order + "2I", data[originals + 8 * i : originals + 8 * i + 8]
        )
        ids = data[offset : offset + length].decode("utf-8").split("\x00")
        if ids[0]:
            found.append((ids[0], ids[1] if len(ids) > 1 else None))
    return found


def document_words(language: str | None) -> Callable[[str], str]:
    """The texts of a printed document in ``language``, whatever the interface speaks:
    ``zh_CN`` Chinese, ``en`` English, anything else (""; no language chosen) both, the
    English then the Chinese (``Order 订单``), as every document was before they had a
    language. Reports call the result ``tr``: ``tr("Packing list")``; ``make i18n``
    extracts ``tr(...)`` texts as it does ``_(...)``."""
    chosen = normalise(language)
    if chosen == ENGLISH:
        return _english_text
    chinese = _catalog(CHINESE).gettext
    if chosen == CHINESE:
        return chinese

    def both(message: str) -> str:
        translated = chinese(message)
        return message if not message or translated == message else f"{message} {translated}"

    return both


def document_sentence(language: str | None, text: str) -> str:
    """A service's sentence (``shown``) on a printed document in ``language``, as
    ``document_words`` gives its words: Chinese, English, or both (the English, then the
    Chinese when it differs). A note an importer wrote (``ordered 2026-11-30; …``) reads
    in the customer's language on their packing list."""
    chosen = normalise(language)
    if not text or chosen == ENGLISH:
        return text
    chinese = _shown(CHINESE, text)
    if chosen == CHINESE:
        return chinese
    return text if chinese == text else f"{text} {chinese}"


def _english_text(message: str) -> str:
    return message


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for it)
    """Marks ``message`` for the catalog; translated where it is shown (see module doc)."""
    return message


_ = gettext


def use_for_command_line() -> None:
    """Let click's own words (``Usage:``, ``Options``, ``Show this message and exit.``)
    come from our catalog too: click asks the standard library's gettext, in the locale's
    language, as the command line's own texts do."""
    _gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    _gettext.textdomain(DOMAIN)
