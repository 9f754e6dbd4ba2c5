"""Fonts that print Chinese: a CJK TrueType font found on the system, embedded (subset),
else reportlab's built-in Adobe CID font STSong-Light (not embedded: every PDF reader has
it, via the Adobe-GB1 collection). ``OMS_CJK_FONT=/path/font.ttf`` picks a file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# TrueType outlines only: reportlab cannot embed CFF-based OpenType (.otf, Noto Sans CJK).
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/google-droid/DroidSansFallback.ttf",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
)
CID_FALLBACK = "STSong-Light"


@dataclass(frozen=True)
class Fonts:
    text: str  # for anything a user typed (Chinese names, addresses, descriptions)
    bold: str  # headings: the same CJK font when there is no bold face of it
    latin: str  # labels and numbers
    latin_bold: str
    source: str  # where the CJK font came from (shown in docs and tests)


@cache
def fonts() -> Fonts:
    """Register the CJK font once per process and say which one it is."""
    from reportlab.pdfbase import pdfmetrics

    wanted = os.environ.get("OMS_CJK_FONT")
    for path in ([wanted] if wanted else []) + list(CANDIDATES):
        if not path or not Path(path).is_file():
            continue
        try:
            from reportlab.pdfbase.ttfonts import TTFont

            kwargs = {"subfontIndex": 0} if path.lower().endswith(".ttc") else {}
            pdfmetrics.registerFont(TTFont("OmsCJK", path, **kwargs))
        except Exception:  # noqa: BLE001 - an unreadable font file: try the next one
            continue
        return Fonts("OmsCJK", "OmsCJK", "Helvetica", "Helvetica-Bold", path)
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return Fonts(CID_FALLBACK, CID_FALLBACK, "Helvetica", "Helvetica-Bold",
                 f"reportlab CID font {CID_FALLBACK}")  # fmt: skip
