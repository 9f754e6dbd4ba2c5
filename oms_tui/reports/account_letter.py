"""Dunning letters and statements of account: the customer's open invoices, the credit on
account set against them (its own line, when there is any), the balance and what is
overdue net of it, recent payments. Chinese names and addresses print as Chinese."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

from ..i18n import N_, document_words
from ..services.finance.dunning import AccountPaper
from ..services.finance.receivables import CREDIT_NOTE_METHOD, ON_ACCOUNT_METHOD
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

# The letter by its dunning step (0: a statement of account): its title and its words.
TITLES = {0: N_("Statement of account"), 1: N_("Reminder"), 2: N_("Second notice"),
          3: N_("Final notice"), 4: N_("Credit hold")}  # fmt: skip
WORDING = {
    0: N_("This is your account as of the date above. Please contact us with any question."),
    1: N_(
        "The invoices below are past due. Please arrange payment; if you have paid, thank "
        "you and please ignore this reminder."
    ),
    2: N_("We reminded you earlier of the overdue invoices below. Please pay within 7 days."),
    3: N_("Final notice: unless paid within 7 days, we will stop supplying you on credit."),
    4: N_(
        "Your account is on credit hold for the long-overdue invoices below. It is released "
        "once they are paid."
    ),
}
# How a payment was made, as the customer reads it
METHODS = {"cash": N_("In cash"), "bank": N_("Bank transfer"), "wechat": N_("WeChat Pay"),
           "alipay": N_("Alipay"), "card": N_("Card"), "cod_remittance": N_("COD remittance"),
           CREDIT_NOTE_METHOD: N_("Credit note"),
           ON_ACCOUNT_METHOD: N_("Credit on account")}  # fmt: skip


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
                            title=company.name, author=company.name, invariant=1)  # fmt: skip
    width = doc.width
    story: list = []
    for n, p in enumerate(papers):
        tr = document_words(p.language)
        if n:
            story.append(PageBreak())
        story.append(NewPageCount(p.language))  # "Page x of y" per letter
        contact = "  ".join(x for x in (company.address, company.phone) if x)
        story += [para(company.name, st["company"]), para(contact, st["small"]),
                  Spacer(1, 6 * mm), para(tr(TITLES.get(p.level, TITLES[0])), st["title"]),
                  para(tr("Date") + f": {p.as_of.isoformat()}", st["text"]), Spacer(1, 3 * mm),
                  para(f"{p.customer_name} ({p.customer_code})", st["big"]),
                  para(p.address, st["text"]), para(p.phone, st["text"]),
                  Spacer(1, 4 * mm), para(tr(WORDING.get(p.level, WORDING[0])), st["text"]),
                  Spacer(1, 4 * mm)]  # fmt: skip
        rows: list[list] = [[para(h, st["small"]) for h in (
            tr("Invoice"), tr("Order"), tr("Issued"), tr("Due"), tr("Amount"), tr("Open amount"),
            tr("Days over"))]]  # fmt: skip
        for i in p.items:
            rows.append([i.number, i.order_number, i.issued_on.isoformat(), i.due_on.isoformat(),
                         format_money(i.amount_minor, company.currency),
                         format_money(i.open_minor, company.currency),
                         str(i.days_overdue) if i.days_overdue else "—"])  # fmt: skip
        sums = [(tr("Balance"), p.balance_minor), (tr("Overdue"), p.overdue_minor)]
        if p.on_account_minor:  # set against the invoices: the balance is net of it
            sums.insert(0, (tr("Credit on account"), -p.on_account_minor))
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
                      para(tr("Balance in words") + f": 人民币{words}", st["text"])]  # fmt: skip
        if p.payments:
            story += [Spacer(1, 4 * mm), para(tr("Payments received"), st["heading"])]
            pay_rows = [[x.number, x.received_on.isoformat(),
                         tr(METHODS[x.method]) if x.method in METHODS else x.method,
                         format_money(x.amount_minor, company.currency)]
                        for x in p.payments]  # fmt: skip
            pt = Table(pay_rows, colWidths=[34 * mm, 26 * mm, 44 * mm, 30 * mm])
            pt.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), f.text, 8.5),
                                    ("ALIGN", (3, 0), (3, -1), "RIGHT")]))  # fmt: skip
            story.append(pt)
        story += [Spacer(1, 8 * mm), para(f"{company.name} " + tr("Accounts"), st["text"])]
    doc.build(story, canvasmaker=NumberedCanvas)
    return buf.getvalue()
