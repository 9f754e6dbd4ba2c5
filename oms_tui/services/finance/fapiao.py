"""The official fapiao (发票) for an invoice: issued outside oms, in the tax authority's
system; oms records its number and date on the invoice, with who recorded them and when,
so finance can see which invoices still wait for one (``oms invoice fapiao``).

A fapiao number is 8 digits (paper VAT invoices, with their 10- or 12-digit code kept
apart) or 20 digits (fully digital invoices, 全电发票); spaces are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlmodel import select

from ...i18n import N_
from ...models import Invoice, utcnow
from ..platform.db import Database
from ..platform.errors import InvalidInput, NotFound
from ..platform.permissions import anyone, requires
from ..states.invoice_states import check_version

READ = "a read of the receivables, taking no acting user"  # i18n: no

_NUMBER = re.compile(r"\d{8}|\d{20}")


@dataclass(frozen=True)
class FapiaoRecord:
    invoice: str
    fapiao_number: str
    fapiao_date: date
    recorded_by: str


def check_fapiao_number(text: str) -> str:
    number = "".join(text.split())
    if not _NUMBER.fullmatch(number):
        raise InvalidInput(N_("fapiao number '{text}': 8 digits (paper) or 20 digits "
                              "(digital)").format(text=text), "fapiao_number")  # fmt: skip
    return number


@requires("payments.record")
def record_fapiao(db: Database, actor: str, invoice_number: str, fapiao_number: str,
                  issued_on: date, *, today: date | None = None,
                  expected_version: int | None = None) -> FapiaoRecord:  # fmt: skip
    """Record the fapiao issued for ``invoice_number``. Recording it again replaces it (a
    slip corrected); a fapiao dated before the invoice or in the future is refused, and so
    is a fapiao number already recorded on another invoice, and a credit note (its red
    fapiao, 红字发票, is not taken yet)."""
    number = check_fapiao_number(fapiao_number)
    if issued_on > (today or date.today()):
        raise InvalidInput(N_("fapiao date {date}: in the future").format(date=issued_on),
                           "fapiao_date")  # fmt: skip
    with db.write() as session:
        wanted = Invoice.number == invoice_number.strip().upper()
        invoice = session.exec(select(Invoice).where(wanted).with_for_update()).first()
        if invoice is None:
            raise NotFound(N_("no invoice {number}").format(number=invoice_number))
        check_version(session, invoice, expected_version)
        if invoice.kind != "invoice":
            raise InvalidInput(N_("{number} is a credit note: record its red fapiao in the tax "
                                  "system").format(number=invoice.number), "invoice")  # fmt: skip
        if issued_on < invoice.issued_on:
            raise InvalidInput(N_("fapiao date {date}: before the invoice ({issued})").format(
                date=issued_on, issued=invoice.issued_on), "fapiao_date")  # fmt: skip
        other = session.exec(select(Invoice.number).where(
            Invoice.fapiao_number == number, Invoice.id != invoice.id)).first()  # fmt: skip
        if other is not None:
            raise InvalidInput(N_("fapiao {fapiao} is recorded on {invoice} already").format(
                fapiao=number, invoice=other), "fapiao_number")  # fmt: skip
        invoice.fapiao_number, invoice.fapiao_date = number, issued_on
        invoice.fapiao_recorded_by, invoice.fapiao_recorded_at = actor, utcnow()
        session.add(invoice)
        session.flush()
        return FapiaoRecord(invoice.number, number, issued_on, actor)


@anyone(READ)
def fapiao_of(db: Database, invoice_number: str) -> FapiaoRecord | None:
    """The fapiao recorded for an invoice, or None."""
    with db.read() as session:
        invoice = session.exec(select(Invoice).where(
            Invoice.number == invoice_number.strip().upper())).first()  # fmt: skip
        if invoice is None:
            raise NotFound(N_("no invoice {number}").format(number=invoice_number))
        if not invoice.fapiao_number or invoice.fapiao_date is None:
            return None
        return FapiaoRecord(invoice.number, invoice.fapiao_number, invoice.fapiao_date,
                            invoice.fapiao_recorded_by)  # fmt: skip
