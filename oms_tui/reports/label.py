"""Shipping labels: one 100 x 150 mm label per package ("1 of 3")."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer

from ..i18n import document_words
from ..services.shipping.dispatch import ShipmentView
from .common import Company, barcode, kg, para, styles
from .packing_list import TARE_G_PER_PACKAGE

LABEL_SIZE = (100 * mm, 150 * mm)


def labels_pdf(shipments: Sequence[ShipmentView], company: Company) -> bytes:
    st = styles()
    tr = document_words(shipments[0].language if shipments else "")
    title = tr("Shipping labels")
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=LABEL_SIZE, leftMargin=5 * mm, rightMargin=5 * mm,
                            topMargin=5 * mm, bottomMargin=5 * mm, title=title,
                            author=company.name, invariant=1)  # fmt: skip
    story: list = []
    for s in shipments:
        gross = s.net_weight_g + TARE_G_PER_PACKAGE * s.packages
        tr = document_words(s.language)
        for n in range(1, s.packages + 1):
            if story:
                story.append(PageBreak())
            story += [
                para((tr("From") + f": {company.name} {company.phone}").strip(), st["small"]),
                Spacer(1, 2 * mm),
                para(tr("To") + f": {s.ship_to_name}", st["big"]),
                para(s.ship_to_phone, st["big"]),
                para(s.ship_to_address, st["text"]),
                Spacer(1, 3 * mm),
                para(f"{s.carrier_name}  {s.tracking_no}".strip() or "—", st["text"]),
                barcode(s.tracking_no or s.number, width_mm=85, height_mm=14),
                Spacer(1, 2 * mm),
                # apart: on one line "1 of 1" and "78.30 kg" read as "1 of 178.30"
                para(tr("Package {n} of {total}").format(n=n, total=s.packages), st["big"]),
                para(tr("Shipment gross weight") + f" {kg(gross)}", st["text"]),
                para(tr("Order") + f" {s.order_number}  " + tr("Shipment") + f" {s.number}",
                     st["small"]),
                barcode(s.order_number, width_mm=70, height_mm=9),
            ]  # fmt: skip
    doc.build(story)
    return buf.getvalue()
