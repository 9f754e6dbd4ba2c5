"""Dunning letters and statements of account: the customer's open invoices, the credit on
account set against them (its own line, when there is any), the balance and what is
overdue net of it, recent payments. Chinese names and addresses print as Chinese."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

from ..services.finance.dunning import AccountPaper
from ..services.finance.receivables import METHOD_WORDS
from ..services.platform.money import capital_amount, format_money
from .common import (
    GRID,
    SHADE,
    Company,
    NewPageCount,
    NumberedCanvas,
    page_size,
    para,
    styles,
)
from .fonts import fonts

WORDING = {
    0: "以下是截至上述日期您的账户明细。如有疑问请与我们联系。 "
       "This is your account as of the date above. Please contact us with any question.",
    1: "您好！以下发票已过付款期限，请尽快安排付款。如已付款，请忽略本提醒。 "
       "The invoices below are past due. Please arrange payment; if you have paid, thank you "
       "and please ignore this reminder.",
    2: "我们此前已提醒贵方以下款项逾期未付。请于收到本通知后 7 日内付清。 "
       "We reminded you earlier of the overdue invoices below. Please pay within 7 days.",
    3: "最后通知：如 7 日内仍未付款，我们将暂停向贵方赊销供货。 "
       "Final notice: unless paid within 7 days, we will stop supplying you on credit.",
    4: "由于以下款项长期逾期，贵方账户已暂停赊销。付清逾期款项后将自动恢复。 "
       "Your account is on credit hold for the long-overdue invoices below. It is released "
       "once they are paid.",
}  # fmt: skip


def renderer(company: Company, paper: str = "A4") -> Callable[[Sequence[AccountPaper]], bytes]:
    """Letters as ``dunning.run_dunning`` and ``dunning.reprint`` render them."""
    return lambda papers: account_pdf(papers, company, paper)


def account_pdf(papers: Sequence[AccountPaper], company: Company, paper: str = "A4") -> bytes:
    """Letters or statements, each from a new page."""
    st = styles()
    f = fonts()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=page_size(paper), leftMargin=18 * mm,
                            rightMargin=18 * mm, topMargin=15 * mm, bottomMargin=18 * mm,
                            title="Account", author=company.name, invariant=1)  # fmt: skip
    width = doc.width
    story: list = []
    for n, p in enumerate(papers):
        if n:
            story.append(PageBreak())
        story.append(NewPageCount())  # "Page x of y" per letter
        contact = "  ".join(x for x in (company.address, company.phone) if x)
        story += [para(company.name, st["company"]), para(contact, st["small"]),
                  Spacer(1, 6 * mm), para(p.title, st["title"]),
                  para(f"Date 日期: {p.as_of.isoformat()}", st["text"]), Spacer(1, 3 * mm),
                  para(f"{p.customer_name} ({p.customer_code})", st["big"]),
                  para(p.address, st["text"]), para(p.phone, st["text"]),
                  Spacer(1, 4 * mm), para(WORDING.get(p.level, WORDING[0]), st["text"]),
                  Spacer(1, 4 * mm)]  # fmt: skip
        rows: list[list] = [[para(h, st["small"]) for h in (
            "Invoice 发票", "Order 订单", "Issued 开票", "Due 到期", "Amount 金额",
            "Open 未付", "Days over 逾期天数")]]  # fmt: skip
        for i in p.items:
            rows.append([i.number, i.order_number, i.issued_on.isoformat(), i.due_on.isoformat(),
                         format_money(i.amount_minor, company.currency),
                         format_money(i.open_minor, company.currency),
                         str(i.days_overdue) if i.days_overdue else "—"])  # fmt: skip
        sums = [("Balance 余额", p.balance_minor), ("Overdue 逾期", p.overdue_minor)]
        if p.on_account_minor:  # set against the invoices: the balance is net of it
            sums.insert(0, ("Credit on account 账户贷项", -p.on_account_minor))
        for label, minor in sums:
            rows.append(
                [
                    "",
                    "",
                    "",
                    para(label, st["small"]),
                    "",
                    format_money(minor, company.currency),
                    "",
                ]
            )
        cols = [30 * mm, 30 * mm, 22 * mm, 22 * mm, 24 * mm, 24 * mm]
        cols.append(width - sum(cols))
        table = Table(rows, colWidths=cols, repeatRows=1)
        last = -len(sums) - 1  # the grid ends above the sums
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, last), 0.4, GRID),
                                   ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                                   ("FONT", (0, 1), (-1, -1), f.text, 8.5),
                                   ("ALIGN", (4, 1), (-1, -1), "RIGHT"),
                                   *(("SPAN", (3, r), (4, r)) for r in range(last + 1, 0))
                                   ]))  # fmt: skip
        story.append(table)
        if company.currency.upper() == "CNY":  # as Chinese finance documents: 大写 too
            words = capital_amount(p.balance_minor)
            story += [Spacer(1, 2 * mm),
                      para(f"余额（大写）Balance in words: 人民币{words}", st["text"])]  # fmt: skip
        if p.payments:
            story += [Spacer(1, 4 * mm), para("Payments received 近期收款", st["heading"])]
            pay_rows = [[x.number, x.received_on.isoformat(), METHOD_WORDS.get(x.method, x.method),
                         format_money(x.amount_minor, company.currency)]
                        for x in p.payments]  # fmt: skip
            pt = Table(pay_rows, colWidths=[34 * mm, 26 * mm, 44 * mm, 30 * mm])
            pt.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), f.text, 8.5),
                                    ("ALIGN", (3, 0), (3, -1), "RIGHT")]))  # fmt: skip
            story.append(pt)
        story += [Spacer(1, 8 * mm), para(f"{company.name} 财务部 Accounts", st["text"])]
    doc.build(story, canvasmaker=NumberedCanvas)
    return buf.getvalue()
