"""Orders out, in our import template's columns (one row per order line), as CSV, JSON or
.xlsx: what an export holds imports again into an empty database as the same orders.

Every CSV and .xlsx cell goes through ``text.safe_cell``: a name like ``=HYPERLINK(...)``
is written as text (a leading apostrophe, which the import takes off again), never as a
formula, and control characters are dropped (openpyxl refuses them)."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlmodel import col, select

from ...i18n import N_
from ...models import Customer, CustomerPhone, Order, OrderLine, Product
from ..platform.csv_files import csv_bytes
from ..platform.db import Database
from ..platform.errors import InvalidInput
from ..platform.permissions import requires
from ..platform.text import safe_cell
from ..states.order_states import OrderStatus
from .order_import import FIELDS, INVOICE_FIELDS

FORMATS = ("csv", "json", "xlsx")


@requires("orders.import")
def export_rows(db: Database, actor: str, statuses: Sequence[str] = (),
                start: date | None = None, end: date | None = None
                ) -> list[dict[str, str]]:  # fmt: skip
    """One dict per order line, keyed by the template's fields; orders by number. The
    external id is the channel's own id when the order has one, else our number. The
    whole order book with the customers' phones and addresses: for those who move orders
    in and out as files (``orders.import``)."""
    for s in statuses:
        try:
            OrderStatus(s)
        except ValueError:
            known = ", ".join(x.value for x in OrderStatus)
            raise InvalidInput(N_("unknown status '{status}'; one of {known}").format(
                status=s, known=known), "status") from None  # fmt: skip
    stmt = (select(Order, Customer, OrderLine, Product)
            .join(Customer, Customer.id == Order.customer_id)
            .join(OrderLine, OrderLine.order_id == Order.id)
            .join(Product, Product.id == OrderLine.product_id)
            .order_by(Order.number, OrderLine.line_no))  # fmt: skip
    if statuses:
        stmt = stmt.where(col(Order.status).in_(list(statuses)))
    if start:
        stmt = stmt.where(Order.created_at >= datetime.combine(start, time.min, tzinfo=UTC))
    if end:
        stmt = stmt.where(Order.created_at < datetime.combine(end, time.max, tzinfo=UTC))
    out = []
    with db.read() as session:
        found = session.exec(stmt).all()
        phones: dict[int, str] = {}
        for cid, number in session.exec(
            select(CustomerPhone.customer_id, CustomerPhone.number)
            .where(col(CustomerPhone.customer_id).in_({c.id for _o, c, _l, _p in found}))
            .order_by(col(CustomerPhone.is_primary).desc(), CustomerPhone.id)
        ).all():  # fmt: skip
            phones.setdefault(cid, number)
        for order, customer, line, product in found:
            out.append({
                "external_id": order.external_ref or order.number,
                "order_date": order.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                "customer_name": order.ship_to_name or customer.name,
                "phone": order.ship_to_phone or phones.get(customer.id, ""),
                "address": order.ship_to_address,
                "product": product.code,
                "qty": str(line.qty),
                "unit_price": f"{Decimal(line.unit_price_minor) / 100:.2f}",
                "notes": order.notes,
                "payment_method": order.payment_method,
                **{f: getattr(customer, f) for f in INVOICE_FIELDS},
            })  # fmt: skip
    return out


def render(rows: list[dict[str, str]], fmt: str, encoding: str | None = None) -> bytes:
    """The file's bytes; a CSV as every CSV oms writes (``csv_files``: UTF-8 with a BOM,
    or ``encoding`` gb18030)."""
    if fmt not in FORMATS:
        raise InvalidInput(N_("format must be one of {formats}").format(
            formats=", ".join(FORMATS)), "format")  # fmt: skip
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1).encode()
    if fmt == "csv":
        return csv_bytes(FIELDS, ([r[f] for f in FIELDS] for r in rows), encoding)
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("orders")
    sheet.append(list(FIELDS))
    for r in rows:
        sheet.append([safe_cell(r[f]) for f in FIELDS])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
