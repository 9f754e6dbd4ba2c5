"""Driver manifest: a van's run, stop by stop, with the cash to collect (and, at a
cash-on-delivery stop, the deposit for each container the customer keeps beyond the
empties given back), the empty containers to pick up, and lines to note what happened at
each stop."""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from ..services.platform.money import capital_amount, format_money
from ..services.shipping.delivery_runs import RunView
from .common import (
    GRID,
    SHADE,
    Company,
    NumberedCanvas,
    TickBox,
    barcode,
    page_size,
    para,
    styles,
)
from .fonts import fonts


def manifest_pdf(run: RunView, company: Company, paper: str = "A4") -> bytes:
    st = styles()
    f = fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=page_size(paper), leftMargin=12 * mm,
                            rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=18 * mm,
                            title="Driver manifest", author=company.name, invariant=1)  # fmt: skip
    width = doc.width
    about = (
        f"{run.van_name} ({run.van_code})  ·  {run.run_date.isoformat()}  ·  "
        f"driver 司机: {run.driver or '__________'}"
    )
    left = [
        para(company.name, st["company"]),
        para("送货单 Driver manifest", st["title"]),
        para(about, st["text"]),
    ]
    head = Table([[left, barcode(run.number, width_mm=55)]], colWidths=[width - 60 * mm, 60 * mm])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    rows: list[list] = [[para(h, st["small"]) for h in (
        "#", "Customer / address 客户 / 地址", "Items 货品", "Cash 代收", "Empties 回收桶",
        "Done 签收")]]  # fmt: skip
    for s in run.stops:
        who = f"{s.ship_to_name or s.customer_name}  {s.phone}\n{s.address}\n{s.order_number}"
        items = "\n".join(f"{i.qty} x {i.code} {i.description}" for i in s.items)
        empties = f"collect {s.containers_to_collect}" + (
            f"\nleave {s.containers_out} full" if s.containers_out else ""
        )
        if s.cash_on_delivery and s.containers_out and s.deposit_each_minor:
            # collected at the door for each container left beyond the empties back
            deposit = format_money(s.deposit_each_minor, company.currency)
            empties += f"\n+ 押金 deposit\n{deposit} each"
        rows.append([str(s.seq), para(who, st["text"]), para(items, st["small"]),
                     format_money(s.cash_due_minor, company.currency) if s.cash_due_minor else "—",
                     para(empties + "\nback: ____", st["small"]),
                     [TickBox("delivered"), TickBox("not home"),
                      para("cash: ______", st["small"])]])  # fmt: skip
    cols = [8 * mm, width * 0.34, width * 0.26, 22 * mm, 24 * mm]
    cols.append(width - sum(cols))
    table = Table(rows, colWidths=cols, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, GRID),
                               ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("FONT", (3, 1), (3, -1), f.latin_bold, 9),
                               ("ALIGN", (3, 1), (3, -1), "RIGHT")]))  # fmt: skip
    totals = (
        f"Stops 站点: {len(run.stops)}   Cash to collect 代收合计: "
        f"{format_money(run.cash_due_minor, company.currency)}   Full containers out 送出满桶: "
        f"{run.containers_out}   Empties to collect 待回收空桶: {run.containers_to_collect}"
    )
    if company.currency.upper() == "CNY":  # the cash the driver settles, in 大写 too
        totals += f"\n代收合计（大写）Cash in words: 人民币{capital_amount(run.cash_due_minor)}"
    sign = "Driver 司机 ______________   Checked in by 收车 ______________   Date 日期 ________"
    doc.build([head, Spacer(1, 4 * mm), table, Spacer(1, 4 * mm), para(totals, st["text"]),
               Spacer(1, 8 * mm), para(sign, st["text"])], canvasmaker=NumberedCanvas)  # fmt: skip
    return buf.getvalue()
