"""Driver manifest: a van's run, stop by stop, with the cash to collect (and, at a
cash-on-delivery stop, the deposit for each container the customer keeps beyond the
empties given back), the empty containers to pick up, and lines to note what happened at
each stop."""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from ..i18n import document_words
from ..services.platform.money import capital_amount, format_money
from ..services.shipping.delivery_runs import RunView
from .common import (
    GRID,
    SHADE,
    Company,
    NewPageCount,
    NumberedCanvas,
    TickBox,
    barcode,
    page_size,
    para,
    styles,
)
from .fonts import fonts


def manifest_pdf(run: RunView, company: Company, paper: str = "A4") -> bytes:
    """The driver's manifest, in the company's language (``Company``)."""
    tr = document_words(company.language)
    st = styles()
    f = fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=page_size(paper), leftMargin=12 * mm,
                            rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=18 * mm,
                            title=tr("Driver manifest"), author=company.name,
                            invariant=1)  # fmt: skip
    width = doc.width
    about = (
        f"{run.van_name} ({run.van_code})  ·  {run.run_date.isoformat()}  ·  "
        + tr("Driver")
        + f": {run.driver or '__________'}"
    )
    left = [
        para(company.name, st["company"]),
        para(tr("Driver manifest"), st["title"]),
        para(about, st["text"]),
    ]
    head = Table([[left, barcode(run.number, width_mm=55)]], colWidths=[width - 60 * mm, 60 * mm])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    rows: list[list] = [[para(h, st["small"]) for h in (
        "#", tr("Customer / address"), tr("Items"), tr("Cash"), tr("Empties"),
        tr("Done"))]]  # fmt: skip
    for s in run.stops:
        who = f"{s.ship_to_name or s.customer_name}  {s.phone}\n{s.address}\n{s.order_number}"
        items = "\n".join(f"{i.qty} x {i.code} {i.description}" for i in s.items)
        empties = tr("collect {n}").format(n=s.containers_to_collect) + (
            "\n" + tr("leave {n} full").format(n=s.containers_out) if s.containers_out else ""
        )
        if s.cash_on_delivery and s.containers_out and s.deposit_each_minor:
            # collected at the door for each container left beyond the empties back
            deposit = format_money(s.deposit_each_minor, company.currency)
            empties += "\n+ " + tr("deposit") + "\n" + tr("{amount} each").format(amount=deposit)
        rows.append([str(s.seq), para(who, st["text"]), para(items, st["small"]),
                     format_money(s.cash_due_minor, company.currency) if s.cash_due_minor else "—",
                     para(empties + "\n" + tr("back") + ": ____", st["small"]),
                     [TickBox(tr("delivered")), TickBox(tr("not home")),
                      para(tr("cash") + ": ______", st["small"])]])  # fmt: skip
    cols = [8 * mm, width * 0.34, width * 0.26, 22 * mm, 24 * mm]
    cols.append(width - sum(cols))
    table = Table(rows, colWidths=cols, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, GRID),
                               ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("FONT", (3, 1), (3, -1), f.latin_bold, 9),
                               ("ALIGN", (3, 1), (3, -1), "RIGHT")]))  # fmt: skip
    totals = "   ".join((
        tr("Stops") + f": {len(run.stops)}",
        tr("Cash to collect") + f": {format_money(run.cash_due_minor, company.currency)}",
        tr("Full containers out") + f": {run.containers_out}",
        tr("Empties to collect") + f": {run.containers_to_collect}"))  # fmt: skip
    if company.currency.upper() == "CNY":  # the cash the driver settles, in 大写 too
        totals += "\n" + tr("Cash in words") + f": 人民币{capital_amount(run.cash_due_minor)}"
    sign = "   ".join((tr("Driver") + " ______________", tr("Checked in by") + " ______________",
                       tr("Date") + " ________"))  # fmt: skip
    doc.build([NewPageCount(company.language), head, Spacer(1, 4 * mm), table, Spacer(1, 4 * mm),
               para(totals, st["text"]), Spacer(1, 8 * mm), para(sign, st["text"])],
              canvasmaker=NumberedCanvas)  # fmt: skip
    return buf.getvalue()
