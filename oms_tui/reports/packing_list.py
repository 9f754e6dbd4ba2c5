"""Packing list: one per shipment, packed with the goods and signed at each hand-over.

Drawn straight on the canvas (measured blocks, paginated, then painted) rather than with
platypus tables of paragraphs: the same page costs a few milliseconds instead of ~20, so a
wave of a thousand packing lists renders in seconds (bench/documents.py)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from ..i18n import N_, document_sentence, document_words
from ..services.shipping.dispatch import ShipmentLineView, ShipmentView
from .common import GRID, SHADE, Company, code128, cubic_m, kg, page_size
from .fonts import fonts

TARE_G_PER_PACKAGE = 300  # carton and filling, added to the net weight for the gross
FRAGILE_INSTRUCTIONS = N_(
    "Fragile: wrap each item in bubble film, fill the carton, mark it FRAGILE / THIS SIDE UP, "
    "do not stack heavy goods on it."
)
MARGIN = 15 * mm
FOOT = 16 * mm  # room for "Page x of y"
TEXT, SMALL = 9.0, 7.5


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of ``text`` no wider than ``width``: Chinese breaks between any two characters,
    Latin words at spaces when it can; explicit newlines are kept."""
    out: list[str] = []
    for para in (text or "").split("\n"):
        line, line_w, last_space = "", 0.0, -1
        for ch in para:
            w = stringWidth(ch, font, size)
            if line and line_w + w > width:
                if ch != " " and last_space > 0 and ord(ch) < 0x2E80:  # a Latin word: at space
                    out.append(line[:last_space].rstrip())
                    line = line[last_space + 1 :]
                    line_w = stringWidth(line, font, size)
                else:
                    out.append(line.rstrip())
                    line, line_w = ("" if ch == " " else ""), 0.0
                last_space = -1
                if ch == " " and not line:
                    continue
            if ch == " ":
                last_space = len(line)
            line += ch
            line_w += w
        out.append(line.rstrip())
    return out or [""]


@dataclass
class Block:
    height: float
    draw: Callable[[canvas.Canvas, float], None]  # draws with its top at y
    keep_with_next: bool = False
    table_head: Block | None = None  # a table row: this header repeats atop a new page


def packing_list_pdf(shipments: Sequence[ShipmentView], company: Company, paper: str = "A4"
                     ) -> bytes:  # fmt: skip
    """One or more packing lists (a wave prints as one file, each shipment from a new page,
    "Page x of y" counted per shipment). The same bytes for the same input (invariant)."""
    size = page_size(paper)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size, invariant=1, pageCompression=0)
    tr = document_words(shipments[0].language if shipments else "")
    c.setTitle(tr("Packing list"))
    c.setAuthor(company.name)
    for shipment in shipments:
        _one(c, shipment, company, size)
    c.save()
    return buf.getvalue()


def _one(c: canvas.Canvas, s: ShipmentView, company: Company, size: tuple[float, float]) -> None:
    width = size[0] - 2 * MARGIN
    tr = document_words(s.language)
    blocks = _blocks(s, company, width, tr)
    pages: list[list[tuple[Block, float]]] = [[]]
    top = size[1] - MARGIN
    y = top
    for i, b in enumerate(blocks):
        need = b.height
        if b.keep_with_next and i + 1 < len(blocks):
            need += blocks[i + 1].height
        if y - need < FOOT and pages[-1]:
            pages.append([])
            y = top - _continued_height()
            if b.table_head is not None:
                pages[-1].append((b.table_head, y))
                y -= b.table_head.height
        pages[-1].append((b, y))
        y -= b.height
    f = fonts()
    for n, page in enumerate(pages, start=1):
        if n > 1:
            _continued(c, s, size, n, tr)
        for block, at in page:
            block.draw(c, at)
        c.setFont(f.text, 8)  # the CJK font: "第 1 页" has Chinese in it
        c.drawRightString(
            size[0] - MARGIN, 10 * mm, tr("Page {n} of {total}").format(n=n, total=len(pages))
        )
        c.drawString(MARGIN, 10 * mm, f"{s.number} · {s.order_number}")
        c.showPage()


def _continued_height() -> float:
    return 10 * mm


def _continued(c: canvas.Canvas, s: ShipmentView, size: tuple[float, float], n: int,
               tr: Callable[[str], str]) -> None:  # fmt: skip
    f = fonts()
    c.setFont(f.bold, 10)
    title = (tr("Packing list") + f" {s.number} · {s.order_number} "
             + tr("(continued, page {n})").format(n=n))  # fmt: skip
    c.drawString(MARGIN, size[1] - MARGIN - 4 * mm, title)


def _blocks(s: ShipmentView, company: Company, width: float, tr: Callable[[str], str]
            ) -> list[Block]:  # fmt: skip
    f = fonts()
    blocks: list[Block] = []

    # -- header: company, title, barcodes ------------------------------------------------
    def header(c: canvas.Canvas, y: float) -> None:
        c.setFont(f.bold, 11)
        c.drawString(MARGIN, y - 11, company.name)
        contact = "  ".join(x for x in (company.address, company.phone) if x)
        if contact:
            c.setFont(f.text, SMALL)
            c.drawString(MARGIN, y - 21, contact)
        c.setFont(f.bold, 15)
        c.drawString(MARGIN, y - 42, tr("Packing list"))
        x = MARGIN + width - 62 * mm
        for i, (label, value) in enumerate(((tr("Order"), s.order_number),
                                             (tr("Shipment"), s.number))):  # fmt: skip
            top = y - i * 24 * mm
            c.setFont(f.text, SMALL)
            c.drawString(x, top - 7, label)
            code128(value).drawOn(c, x - 4 * mm, top - 8 - 16 * mm)

    blocks.append(Block(50 * mm, header))

    # -- who and where -------------------------------------------------------------------
    carrier = s.carrier_name or "—"
    if s.tracking_no:
        carrier += f" {s.tracking_no}"
    info = [(tr("Customer"), s.customer_name), (tr("Consignee"), s.ship_to_name),
            (tr("Phone"), s.ship_to_phone or "—"), (tr("Address"), s.ship_to_address or "—"),
            (tr("Warehouse"), s.warehouse_code), (tr("Carrier"), carrier),
            (tr("Expected delivery"),
             s.expected_date.isoformat() if s.expected_date else "—")]  # fmt: skip
    if s.notes:
        info.append((tr("Notes"), document_sentence(s.language, s.notes)))
    label_w = 32 * mm
    for label, value in info:
        lines = wrap(value, f.text, TEXT, width - label_w)

        def draw_info(c: canvas.Canvas, y: float, label: str = label,
                      lines: list[str] = lines) -> None:  # fmt: skip
            c.setFont(f.text, SMALL)
            c.drawString(MARGIN, y - 9, label)
            c.setFont(f.text, TEXT)
            for i, line in enumerate(lines):
                c.drawString(MARGIN + label_w, y - 9 - i * 11, line)

        blocks.append(Block(len(lines) * 11 + 2, draw_info))
    blocks.append(Block(3 * mm, lambda c, y: None))

    # -- lines ---------------------------------------------------------------------------
    cols = [8 * mm, 34 * mm, width - 8 * mm - 34 * mm - 3 * 17 * mm, 17 * mm, 17 * mm, 17 * mm]
    xs = [MARGIN]
    for w in cols:
        xs.append(xs[-1] + w)
    heads = ("#", tr("Code"), tr("Description"), tr("Ordered"), tr("This time"),
             tr("Backord."))  # fmt: skip

    def table_head(c: canvas.Canvas, y: float) -> None:
        c.setFillColor(SHADE)
        c.rect(MARGIN, y - 14, width, 14, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        c.setFont(f.text, SMALL - 0.5)
        for i, h in enumerate(heads):
            if i >= 3:
                c.drawRightString(xs[i + 1] - 2, y - 10, h)
            else:
                c.drawString(xs[i] + 2, y - 10, h)
        _hline(c, y, width)
        _hline(c, y - 14, width)

    head = Block(14, table_head, keep_with_next=True)
    blocks.append(head)
    for ln in s.lines:
        row = _line_block(ln, xs, cols, width, tr)
        row.table_head = head
        blocks.append(row)
    blocks.append(Block(3 * mm, lambda c, y: None))

    # -- packing instructions, remaining, totals, signatures --------------------------------
    if any(ln.fragile for ln in s.lines):
        blocks += _text_block(tr("Packing instructions"), tr(FRAGILE_INSTRUCTIONS), width)
    remaining = [(ln, ln.ordered - ln.shipped_before - ln.qty) for ln in s.lines]
    remaining = [(ln, q) for ln, q in remaining if q > 0]
    if remaining:
        title = tr("Remaining to deliver")
        blocks.append(Block(16, lambda c, y: _heading(c, y, title), keep_with_next=True))
        for ln, q in remaining:
            lines = wrap(ln.description, f.text, TEXT, width - 34 * mm - 30 * mm)

            def draw_rest(c: canvas.Canvas, y: float, ln: ShipmentLineView = ln, q: int = q,
                          lines: list[str] = lines) -> None:  # fmt: skip
                c.setFont(f.text, SMALL)
                c.drawString(MARGIN + 2, y - 9, ln.product_code)
                c.setFont(f.text, TEXT)
                for i, line in enumerate(lines):
                    c.drawString(MARGIN + 34 * mm, y - 9 - i * 11, line)
                c.setFont(f.latin_bold, 10)
                c.drawRightString(MARGIN + width - 2, y - 9, str(q))
                c.setFont(f.text, SMALL)
                c.drawRightString(MARGIN + width - 10 * mm, y - 9, tr("Still to come"))
                _hline(c, y - 11 * len(lines) - 2, width)

            blocks.append(Block(11 * len(lines) + 4, draw_rest))
    net = s.net_weight_g
    gross = net + TARE_G_PER_PACKAGE * s.packages
    totals = "   ".join((tr("Packages") + f": {s.packages}", tr("Net weight") + f": {kg(net)}",
                         tr("Gross weight") + f": {kg(gross)}",
                         tr("Volume") + f": {cubic_m(s.volume_cm3)}"))  # fmt: skip
    blocks += _text_block("", totals, width, before=3 * mm)
    roles = (tr("Picker"), tr("Checker"), tr("Driver"), tr("Receiver"))
    signature, day = tr("Signature"), tr("Date")

    def signatures(c: canvas.Canvas, y: float) -> None:
        for i, role in enumerate(roles):
            at = y - 14 - i * 20
            c.setFont(f.text, SMALL)
            c.drawString(MARGIN, at, role)
            c.setFont(f.text, TEXT)
            c.drawString(MARGIN + 30 * mm, at, f"{signature}: ______________")
            c.drawString(MARGIN + 30 * mm + (width - 30 * mm) / 2, at, f"{day}: ____________")

    blocks.append(Block(6 * mm + 4 * 20, signatures))
    return blocks


def _line_block(ln: ShipmentLineView, xs: list[float], cols: list[float], width: float,
                tr: Callable[[str], str]) -> Block:  # fmt: skip
    f = fonts()
    desc = ln.description + ("  [" + tr("FRAGILE") + "]" if ln.fragile else "")
    lines = wrap(desc, f.text, TEXT, cols[2] - 4)
    note = wrap(tr("Note") + f": {ln.note}", f.text, SMALL, width - xs[2] + xs[0] - 4) \
        if ln.note else []  # fmt: skip
    code = wrap(ln.product_code, f.text, SMALL, cols[1] - 4)
    rows = max(len(lines), len(code))
    height = rows * 11 + len(note) * 9.5 + 5

    def draw(c: canvas.Canvas, y: float) -> None:
        c.setFont(f.latin, 9)
        c.drawString(xs[0] + 2, y - 10, str(ln.line_no))
        c.setFont(f.text, SMALL)
        for i, part in enumerate(code):
            c.drawString(xs[1] + 2, y - 10 - i * 11, part)
        c.setFont(f.text, TEXT)
        for i, line in enumerate(lines):
            c.drawString(xs[2] + 2, y - 10 - i * 11, line)
        c.setFont(f.latin_bold, 10)
        for i, value in enumerate((ln.ordered, ln.qty, ln.backordered)):
            c.drawRightString(xs[4 + i] - 2, y - 10, str(value))
        if note:
            c.setFont(f.text, SMALL)
            for i, line in enumerate(note):
                c.drawString(xs[2] + 2, y - 12 - rows * 11 + 2 - i * 9.5, line)
        _hline(c, y - height, width)
        c.setStrokeColor(GRID)
        c.setLineWidth(0.4)
        for x in xs:
            c.line(x, y, x, y - height)

    return Block(height, draw)


def _text_block(title: str, text: str, width: float, before: float = 0) -> list[Block]:
    f = fonts()
    lines = wrap(text, f.text, SMALL if title else TEXT, width)
    size = SMALL if title else TEXT
    step = size + 2.5
    out = []
    if title:
        out.append(Block(16 + before, lambda c, y: _heading(c, y - before, title),
                         keep_with_next=True))  # fmt: skip

    def draw(c: canvas.Canvas, y: float) -> None:
        c.setFont(f.text, size)
        for i, line in enumerate(lines):
            c.drawString(MARGIN, y - size - (0 if title else before) - i * step, line)

    out.append(Block(len(lines) * step + 4 + (0 if title else before), draw))
    return out


def _heading(c: canvas.Canvas, y: float, text: str) -> None:
    c.setFont(fonts().bold, 10)
    c.drawString(MARGIN, y - 12, text)


def _hline(c: canvas.Canvas, y: float, width: float) -> None:
    c.setStrokeColor(GRID)
    c.setLineWidth(0.4)
    c.line(MARGIN, y, MARGIN + width, y)
