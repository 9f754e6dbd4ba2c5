"""Text for search: a name's pinyin (full and initials), its short Chinese grams, and a
fragment as a literal LIKE pattern or FTS5 phrase.

Clerks type the middle of a name (Chinese company names begin with the city: 苏州永安设计工作室
is found by 永安), or its pinyin (``yongan``, ``szya``). The pinyin is computed once, when a
name is written (``name_keys``), and stored beside the name; the migration fills it for
older rows with the same function. pypinyin is imported on first use (its dictionaries cost
~0.3 s), never on the start-up path.

Substring search uses an index built for it on each engine (``services/parties/customers``):
SQLite FTS5 with the trigram tokenizer, PostgreSQL pg_trgm. Neither can answer a fragment of
fewer than three characters from the index, so the 1-2 Chinese characters clerks type most
(``永安``) come from the name's grams (``short_grams``), stored in a table of their own.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[0-9a-z]+")
MIN_TRIGRAM = 3  # characters: shorter fragments have no trigram to look up


@lru_cache(maxsize=1)
def _pinyin():  # noqa: ANN202
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin, Style


def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, lower case, no spaces: 苏州永安设计工作室 ->
    (``suzhouyongansheji...``, ``szyasjgzs``); other words are kept whole in the full form
    and give their first letter to the initials (何明 Helen He -> ``heminghelenhe``,
    ``hmhh``). Deterministic for a given pypinyin release."""
    lazy_pinyin, style = _pinyin()
    full: list[str] = []
    initials: list[str] = []
    for chunk in lazy_pinyin(name, style=style.NORMAL, errors="default", v_to_u=False):
        chunk = unicodedata.normalize("NFKC", chunk).casefold()
        if _CJK.search(chunk):  # a character pypinyin does not know: no pinyin for it
            continue
        words = _WORD.findall(chunk)
        full.extend(words)
        initials.extend(w[0] for w in words)
    return "".join(full)[:400], "".join(initials)[:200]


def name_keys_row(name: str) -> dict[str, str]:
    """The search columns (``pinyin``, ``initials``) written with a name."""
    pinyin, initials = name_keys(name)
    return {"pinyin": pinyin, "initials": initials}


def name_order(pinyin, name, *then):  # noqa: ANN001, ANN002, ANN201
    """The ORDER BY of a list of customers or products by name, as people read one in
    Chinese: by the name's stored pinyin key (``name_keys``), then the name, then ``then``
    (an id or a code, so the order is total). The key is plain ``[0-9a-z]``, ordered the
    same by SQLite and PostgreSQL whatever the database's collation, and indexed where the
    list is long (``ix_customer_pinyin``). Latin names keep their own letters, so they fall
    among the Chinese ones by spelling (阿里 ali, 安徽 anhui, Baker, 北京 beijing, 张三
    zhangsan, Zhao): docs/i18n.md."""
    return (pinyin, name, *then)


def short_grams(name: str) -> set[str]:
    """Every Chinese character of a name and every pair of neighbouring ones: the grams a
    fragment of one or two Chinese characters is looked up by."""
    grams: set[str] = set()
    for run in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", name):
        grams.update(run)
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def is_short_chinese(fragment: str) -> bool:
    """One or two characters, all Chinese: looked up by ``short_grams``."""
    return 1 <= len(fragment) < MIN_TRIGRAM and all(_CJK.fullmatch(ch) for ch in fragment)


def like_contains(fragment: str) -> str:
    """``fragment`` anywhere, as a LIKE pattern with ``\\`` as the escape: a ``%`` or ``_``
    the user typed is that character, not a wildcard."""
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_phrase(fragment: str) -> str:
    """``fragment`` as one FTS5 phrase (with the trigram tokenizer: a substring match)."""
    return '"' + fragment.replace('"', '""') + '"'
