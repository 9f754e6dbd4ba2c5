"""What every document shares: page sizes, styles, barcodes, "page x of y"."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, Paragraph

from ..i18n import document_words
from .fonts import fonts

PAGE_SIZES = {"a4": A4, "letter": LETTER}


@dataclass(frozen=True)
class Company:
    name: str
    address: str = ""
    phone: str = ""
    # the company currency (ISO 4217): amounts the company keeps in it (cash a driver
    # collects, payments, statements) are printed in it; always given, never assumed
    currency: str = field(kw_only=True)
    # the language of the company's own papers (pick lists, driver manifests) and of a
    # customer's who chose none: the setting ``language``; "" prints both (i18n.py)
    language: str = field(default="", kw_only=True)


def company_of(settings: Any) -> Company:
    """The company as documents print it, from the company settings."""
    return Company(settings.company_name, settings.company_address, settings.company_phone,
                   currency=settings.currency, language=settings.language)  # fmt: skip


def page_size(name: str) -> tuple[float, float]:
    try:
        return PAGE_SIZES[name.lower()]
    except KeyError:
        raise ValueError(f"paper '{name}': use A4 or Letter") from None  # i18n: no


def styles() -> dict[str, ParagraphStyle]:
    f = fonts()
    base = ParagraphStyle("text", fontName=f.text, fontSize=9, leading=12, wordWrap="CJK")
    return {
        "text": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "title": ParagraphStyle("title", parent=base, fontName=f.bold, fontSize=15, leading=19),
        "company": ParagraphStyle(
            "company", parent=base, fontName=f.bold, fontSize=11, leading=14
        ),  # fmt: skip
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontName=f.bold,
            fontSize=10,
            leading=13,
            spaceBefore=6,
            spaceAfter=2,
        ),  # fmt: skip
        "big": ParagraphStyle("big", parent=base, fontSize=13, leading=17),
    }


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """User text is escaped: a name with "<" or "&" prints as typed."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def barcode(value: str, width_mm: float = 60, height_mm: float = 11):  # noqa: ANN201
    """A Code128 barcode drawing of ``value`` with the text under it."""
    drawing = createBarcodeDrawing("Code128", value=value,  # a symbology's name; i18n: no
                                   barHeight=height_mm * mm,
                                   humanReadable=True, fontName=fonts().latin,
                                   fontSize=7)  # fmt: skip
    scale = min(1.0, (width_mm * mm) / drawing.width)
    drawing.scale(scale, 1)
    drawing.width *= scale
    return drawing


def code128(value: str, height_mm: float = 11, bar_mm: float = 0.26):  # noqa: ANN201
    """A Code128 barcode flowable drawn straight on the canvas (``.drawOn(c, x, y)``), with
    the value printed under it: several times cheaper than a graphics drawing."""
    from reportlab.graphics.barcode.code128 import Code128

    return Code128(value, barHeight=height_mm * mm, barWidth=bar_mm * mm, humanReadable=True,
                   fontName=fonts().latin, fontSize=7)  # fmt: skip


def kg(grams: int) -> str:
    return f"{Decimal(grams) / 1000:.2f} kg"


def cubic_m(cm3: int) -> str:
    return f"{Decimal(cm3) / 1_000_000:.3f} m3"  # no "³": not in every CJK font


GRID = colors.Color(0.55, 0.55, 0.55)
SHADE = colors.Color(0.92, 0.92, 0.92)


class TickBox(Flowable):
    """A square to tick by hand, drawn as a shape (the ☐ character is missing from most
    fonts and printed blank), with its label after it; ``ticked`` draws a tick (✓) in it,
    ``box=False`` the tick alone (a column heading)."""

    def __init__(self, label: str = "", size: float = 3 * mm, font_size: float = 7.5,
                 ticked: bool = False, box: bool = True) -> None:  # fmt: skip
        super().__init__()
        self.label, self.size, self.font_size = label, size, font_size
        self.ticked, self.box = ticked, box

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:  # noqa: ARG002
        gap = 1.5 * mm if self.label else 0
        self.width = self.size + gap + stringWidth(self.label, fonts().text, self.font_size)
        self.height = max(self.size, self.font_size * 1.25)
        return self.width, self.height

    def draw(self) -> None:
        c, s = self.canv, self.size
        c.setLineWidth(0.6)
        c.setStrokeColorRGB(0, 0, 0)
        if self.box:
            c.rect(0, 0, s, s, stroke=1, fill=0)
        if self.ticked:
            c.lines([(0.2 * s, 0.55 * s, 0.42 * s, 0.25 * s), (0.42 * s, 0.25 * s, 0.85 * s,
                                                               0.85 * s)])  # fmt: skip
        if self.label:
            c.setFont(fonts().text, self.font_size)
            c.drawString(s + 1.5 * mm, 0.15 * s, self.label)


def tick_mark() -> TickBox:
    """The ✓ of a column heading, drawn."""
    return TickBox(ticked=True, box=False)


class NumberedCanvas(canvas.Canvas):
    """Draws "Page x of y" at the foot of every page once the page count is known; counted
    per letter when a ``NewPageCount`` starts each one (a file of dunning letters), in the
    language the ``NewPageCount`` gives (else both)."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self._saved: list[dict] = []
        self._count_no = 0  # which count the page belongs to
        self._count_language = ""

    def new_page_count(self, language: str = "") -> None:
        """This page starts a count of its own (page 1 of the next letter)."""
        self._count_no += 1
        self._count_language = language

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        totals = Counter(state["_count_no"] for state in self._saved)
        seen: Counter[int] = Counter()
        for state in self._saved:
            self.__dict__.update(state)
            seen[self._count_no] += 1
            self.setFont(fonts().text, 8)  # the CJK font: "第 1 页" has Chinese in it
            width = self._pagesize[0]
            tr = document_words(self._count_language)
            self.drawRightString(width - 15 * mm, 10 * mm, tr("Page {n} of {total}").format(
                n=seen[self._count_no], total=totals[self._count_no]))  # fmt: skip
            super().showPage()
        super().save()


class NewPageCount(Flowable):
    """Put first in each letter of a file: its pages are numbered "Page 1 of n" on their
    own (``NumberedCanvas``), not through the whole file, in ``language``."""

    def __init__(self, language: str = "") -> None:
        super().__init__()
        self.language = language

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:  # noqa: ARG002
        return 0, 0

    def draw(self) -> None:
        self.canv.new_page_count(self.language)
