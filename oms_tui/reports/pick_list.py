"""Pick list: one per wave, the goods to fetch grouped by warehouse and bin."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from ..i18n import document_words
from ..services.shipping.dispatch import ShipmentView
from .common import (
    GRID,
    SHADE,
    Company,
    NewPageCount,
    NumberedCanvas,
    TickBox,
    page_size,
    para,
    styles,
    tick_mark,
)
from .fonts import fonts


def pick_rows(shipments: Sequence[ShipmentView]
              ) -> dict[str, list[tuple[str, str, str, int, list[str]]]]:  # fmt: skip
    """By warehouse: (bin, code, description, quantity, [shipment numbers]) sorted by bin
    then code, one row per product and bin, quantities summed over the wave."""
    acc: dict[tuple[str, str, str], list] = {}
    for s in shipments:
        for ln in s.lines:
            key = (s.warehouse_code, ln.bin, ln.product_code)
            row = acc.setdefault(key, [ln.description, 0, []])
            row[1] += ln.qty
            if s.number not in row[2]:
                row[2].append(s.number)
    out: dict[str, list] = defaultdict(list)
    for (wh, bin_, code), (desc, qty, numbers) in sorted(acc.items()):
        out[wh].append((bin_, code, desc, qty, numbers))
    return dict(out)


def pick_list_pdf(shipments: Sequence[ShipmentView], company: Company, wave: str = "",
                  paper: str = "A4") -> bytes:  # fmt: skip
    """The wave's pick list, for the warehouse: in the company's language (``Company``)."""
    tr = document_words(company.language)
    st = styles()
    f = fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=page_size(paper), leftMargin=15 * mm,
                            rightMargin=15 * mm, topMargin=12 * mm, bottomMargin=18 * mm,
                            title=tr("Pick list"), author=company.name, invariant=1)  # fmt: skip
    width = doc.width
    listed = ", ".join(f"{s.number} ({s.order_number})" for s in shipments)
    story: list = [
        NewPageCount(company.language),
        para(company.name, st["company"]),
        para(tr("Pick list") + (f"  {wave}" if wave else ""), st["title"]),
        para(tr("Shipments") + f" ({len(shipments)}): {listed}", st["small"]),
    ]
    for wh, rows in pick_rows(shipments).items():
        story += [Spacer(1, 4 * mm), para(tr("Warehouse") + f" {wh}", st["heading"])]
        table = [[para(h, st["small"]) for h in
                  (tr("Bin"), tr("Code"), tr("Description"), tr("Qty"), tr("Shipments"))]
                 + [tick_mark()]]  # fmt: skip
        for bin_, code, desc, qty, numbers in rows:
            table.append([para(bin_ or "—", st["text"]), para(code, st["small"]),
                          para(desc, st["text"]), str(qty), para(", ".join(numbers), st["small"]),
                          TickBox()])  # fmt: skip
        cols = [20 * mm, 34 * mm, width - 20 * mm - 34 * mm - 16 * mm - 40 * mm - 8 * mm,
                16 * mm, 40 * mm, 8 * mm]  # fmt: skip
        t = Table(table, colWidths=cols, repeatRows=1)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, GRID),
                               ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("ALIGN", (3, 1), (3, -1), "RIGHT"),
                               ("FONT", (3, 1), (3, -1), f.latin_bold, 10)]))  # fmt: skip
        story.append(t)
    sign = tr("Picked by") + " ______________   " + tr("Date") + " ____________"
    story += [Spacer(1, 8 * mm), para(sign, st["text"])]
    doc.build(story, canvasmaker=NumberedCanvas)
    return buf.getvalue()
