"""Packing list: one per shipment, packed with the goods and signed at each hand-over."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from ..services.dispatch import ShipmentView
from .common import (
    GRID,
    SHADE,
    Company,
    NumberedCanvas,
    barcode,
    cubic_m,
    kg,
    page_size,
    para,
    styles,
)
from .fonts import fonts

TARE_G_PER_PACKAGE = 300  # carton and filling, added to the net weight for the gross
FRAGILE_INSTRUCTIONS = (
    "易碎品：每件单独用气泡膜包裹，箱内填充，箱外贴“易碎 向上”标识，不得倒置或重压。 "
    "Fragile: wrap each item in bubble film, fill the carton, mark it FRAGILE / THIS SIDE UP, "
    "do not stack heavy goods on it."
)


def packing_list_pdf(shipments: Sequence[ShipmentView], company: Company, paper: str = "A4"
                     ) -> bytes:  # fmt: skip
    """One or more packing lists (a wave prints as one file, each shipment from a new
    page). Returns the PDF bytes; byte-identical for the same input (invariant)."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=page_size(paper), leftMargin=15 * mm,
                            rightMargin=15 * mm, topMargin=12 * mm, bottomMargin=18 * mm,
                            title="Packing list", author=company.name, invariant=1)  # fmt: skip
    story: list = []
    for i, shipment in enumerate(shipments):
        if i:
            from reportlab.platypus import PageBreak

            story.append(PageBreak())
        story += _one(shipment, company, doc.width)
    doc.build(story, canvasmaker=NumberedCanvas)
    return buf.getvalue()


def _one(s: ShipmentView, company: Company, width: float) -> list:
    st = styles()
    f = fonts()
    head_left = [para(company.name, st["company"])]
    if company.address or company.phone:
        head_left.append(para("  ".join(x for x in (company.address, company.phone) if x),
                              st["small"]))  # fmt: skip
    head_left += [Spacer(1, 3 * mm), para("装箱单 Packing list", st["title"])]
    codes = [para("Order 订单", st["small"]), barcode(s.order_number),
             para("Shipment 发货单", st["small"]), barcode(s.number)]  # fmt: skip
    head = Table([[head_left, codes]], colWidths=[width - 65 * mm, 65 * mm])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))

    carrier = s.carrier_name or "—"
    if s.tracking_no:
        carrier += f"  {s.tracking_no}"
    info_rows = [
        ("Customer 客户", s.customer_name),
        ("Ship to 收货人", s.ship_to_name),
        ("Phone 电话", s.ship_to_phone or "—"),
        ("Address 地址", s.ship_to_address or "—"),
        ("Warehouse 仓库", s.warehouse_code),
        ("Carrier 承运", carrier),
        ("Expected 预计送达", s.expected_date.isoformat() if s.expected_date else "—"),
    ]
    if s.notes:
        info_rows.append(("Notes 备注", s.notes))
    info = Table([[para(k, st["small"]), para(v, st["text"])] for k, v in info_rows],
                 colWidths=[32 * mm, width - 32 * mm])  # fmt: skip
    info.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                              ("TOPPADDING", (0, 0), (-1, -1), 1)]))  # fmt: skip

    header = ["#", "Code 编码", "Description 品名", "Ordered\n订购", "This\n本次",
              "Backord.\n欠货"]  # fmt: skip
    rows: list[list] = [[para(h, st["small"]) for h in header]]
    shade: list[int] = []
    for ln in s.lines:
        desc = ln.description + ("  [易碎 FRAGILE]" if ln.fragile else "")
        rows.append([str(ln.line_no), para(ln.product_code, st["small"]), para(desc, st["text"]),
                     str(ln.ordered), str(ln.qty), str(ln.backordered)])  # fmt: skip
        if ln.note:
            rows.append(["", "", para(f"Note 要求: {ln.note}", st["small"]), "", "", ""])
            shade.append(len(rows) - 1)
    col = [8 * mm, 34 * mm, width - 8 * mm - 34 * mm - 3 * 17 * mm, 17 * mm, 17 * mm, 17 * mm]
    lines = Table(rows, colWidths=col, repeatRows=1)
    style = [("GRID", (0, 0), (-1, -1), 0.4, GRID), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
             ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (3, 1), (-1, -1), "RIGHT"),
             ("FONT", (0, 1), (0, -1), f.latin, 9),
             ("FONT", (3, 1), (-1, -1), f.latin_bold, 10)]  # fmt: skip
    for r in shade:
        style.append(("SPAN", (2, r), (-1, r)))
    lines.setStyle(TableStyle(style))

    story = [head, Spacer(1, 3 * mm), info, Spacer(1, 3 * mm), lines]
    if any(ln.fragile for ln in s.lines):
        story += [para("Packing instructions 包装要求", st["heading"]),
                  para(FRAGILE_INSTRUCTIONS, st["small"])]  # fmt: skip
    remaining = [(ln, ln.ordered - ln.shipped_before - ln.qty) for ln in s.lines]
    remaining = [(ln, q) for ln, q in remaining if q > 0]
    if remaining:
        block = [para("Remaining to deliver 待发货", st["heading"])]
        block.append(Table(
            [[para("Code 编码", st["small"]), para("Description 品名", st["small"]),
              para("Still to come 待发", st["small"])]]
            + [[para(ln.product_code, st["small"]), para(ln.description, st["text"]), str(q)]
               for ln, q in remaining],
            colWidths=[34 * mm, width - 34 * mm - 30 * mm, 30 * mm],
            style=TableStyle([("GRID", (0, 0), (-1, -1), 0.4, GRID),
                              ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                              ("ALIGN", (2, 1), (2, -1), "RIGHT")]),
        ))  # fmt: skip
        story.append(KeepTogether(block))
    net = s.net_weight_g
    gross = net + TARE_G_PER_PACKAGE * s.packages
    totals = (f"Packages 件数: {s.packages}   Net weight 净重: {kg(net)}   "
              f"Gross weight 毛重: {kg(gross)}   Volume 体积: {cubic_m(s.volume_cm3)}")  # fmt: skip
    story += [Spacer(1, 3 * mm), para(totals, st["text"]), Spacer(1, 6 * mm)]
    roles = ("Picker 拣货", "Checker 复核", "Driver 司机", "Receiver 收货人")
    sign = Table([[para(r, st["small"]), "Signature 签字: ______________",
                   "Date 日期: ____________"] for r in roles],
                 colWidths=[30 * mm, (width - 30 * mm) / 2, (width - 30 * mm) / 2],
                 style=TableStyle([("FONT", (1, 0), (-1, -1), f.text, 9),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]))  # fmt: skip
    story.append(KeepTogether(sign))
    return story
