"""What every document shares: page sizes, styles, barcodes, "page x of y"."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.graphics.barcode import createBarcodeDrawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

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


def page_size(name: str) -> tuple[float, float]:
    try:
        return PAGE_SIZES[name.lower()]
    except KeyError:
        raise ValueError(f"paper '{name}': use A4 or Letter") from None


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
    drawing = createBarcodeDrawing("Code128", value=value, barHeight=height_mm * mm,
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


class NumberedCanvas(canvas.Canvas):
    """Draws "Page x of y" at the foot of every page once the page count is known."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self._saved: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self.setFont(fonts().latin, 8)
            width = self._pagesize[0]
            self.drawRightString(width - 15 * mm, 10 * mm,
                                 f"Page {self._pageNumber} of {total}")  # fmt: skip
            super().showPage()
        super().save()
