"""The font that prints Chinese, the same on every machine and every reader: Noto Sans SC
(SIL Open Font License 1.1), shipped as TrueType by the ``justmytype-intl-cjk`` dependency,
embedded in every PDF as a subset of the characters used (docs/printing.md).

The package ships the variable font, whose own outlines are its Thin master, and reportlab
embeds only those; so the Regular weight (wght 400) is made from it once with fontTools
(about 10 s) and kept in the user's cache folder for every later process.
``OMS_CJK_FONT=/path/font.ttf`` picks another TrueType font (a ``.ttc``: its first face).
reportlab cannot embed CFF-based OpenType (``.otf``, Noto Sans CJK)."""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path

PACKAGE = "justmytype-intl-cjk"
VARIABLE_FONT = "fonts/ofl/notosanssc/NotoSansSC[wght].ttf"  # inside justmytype_intl_cjk
REGULAR = "NotoSansSC-Regular"  # i18n: no
# what reportlab does not read: layout, vertical metrics, variation tables' leftovers
UNUSED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "STAT", "vhea", "vmtx")
_lock = threading.Lock()


@dataclass(frozen=True)
class Fonts:
    text: str  # for anything a user typed (Chinese names, addresses, descriptions)
    bold: str  # headings: the same CJK font (it has one weight here)
    latin: str  # labels and numbers
    latin_bold: str
    source: str  # the embedded CJK font's file (shown in docs and tests)


def bundled_font() -> Path:
    """The variable Noto Sans SC file the dependency installed."""
    return Path(str(resources.files("justmytype_intl_cjk").joinpath(VARIABLE_FONT)))


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("oms")) / "fonts"


def regular_font() -> Path:
    """Noto Sans SC Regular as a static TrueType file, made from the variable font the first
    time (written to a temporary name, then renamed: two processes may both make it). With
    no writable cache folder, the variable font as it is (embedded all the same, Thin)."""
    source = bundled_font()
    version = metadata.version(PACKAGE)
    target = cache_dir() / f"{REGULAR}-{version}-{source.stat().st_size}.ttf"
    if target.is_file():
        return target
    partial = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as out:
            _regular_instance(source, version).save(out)
        partial.replace(target)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()
        return source
    return target


def _regular_instance(source: Path, version: str):  # noqa: ANN202 - a fontTools TTFont
    from fontTools.ttLib import TTFont
    from fontTools.varLib.instancer import instantiateVariableFont

    font = TTFont(source)
    for tag in UNUSED_TABLES:
        if tag in font:
            del font[tag]
    static = instantiateVariableFont(font, {"wght": 400}, updateFontNames=False)
    names = static["name"]
    own = (  # the font's own names
        (1, "Noto Sans SC"),  # i18n: no
        (2, "Regular"),  # i18n: no
        (3, f"{REGULAR};{version}"),  # i18n: no
        (4, "Noto Sans SC Regular"),  # i18n: no
        (6, REGULAR),
    )
    for name_id, value in own:
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    static["OS/2"].usWeightClass = 400
    return static


@cache
def fonts() -> Fonts:
    """Register the CJK font once per process and say which file it is."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    with _lock:
        path = os.environ.get("OMS_CJK_FONT") or str(regular_font())
        kwargs = {"subfontIndex": 0} if path.lower().endswith(".ttc") else {}
        pdfmetrics.registerFont(TTFont("OmsCJK", path, **kwargs))
    return Fonts("OmsCJK", "OmsCJK", "Helvetica", "Helvetica-Bold", path)  # i18n: no


if __name__ == "__main__":  # `python -m oms_tui.reports.fonts`: make the font now (setup)
    print(fonts().source)
