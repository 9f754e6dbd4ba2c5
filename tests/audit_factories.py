"""Builders for the audit, search and lock tests (beside tests/factories.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count

from sqlmodel import select

from oms_tui.models import Customer, Invoice, Order, Product, StockLevel, Warehouse
from oms_tui.services.parties import customers
from oms_tui.services.platform.db import Database
from oms_tui.services.sales import orders

_seq = count(1)


def customer(db: Database, name: str = "王小明", **kw) -> int:
    """A customer with a phone and a default address; extra Customer fields set directly."""
    own = {k: kw.pop(k) for k in ("credit_hold", "credit_hold_reason") if k in kw}
    address = {"city": "杭州市", "street": "西湖区文三路 90 号", "province": "浙江",
               "region": "East"}  # fmt: skip
    address.update({k: kw.pop(k) for k in list(address) if k in kw})
    new = customers.NewCustomer(name=name, phone=kw.pop("phone", f"137{next(_seq):08d}"),
                                **address, **kw)  # fmt: skip
    c = customers.create_customer(db, "tester", new)
    if own:
        set_customer(db, c.id, **own)
    return c.id


def set_customer(db: Database, customer_id: int, **fields) -> None:
    with db.write() as s:
        c = s.get(Customer, customer_id)
        for k, v in fields.items():
            setattr(c, k, v)
        s.add(c)


def set_product(db: Database, product_id: int, **fields) -> None:
    with db.write() as s:
        p = s.get(Product, product_id)
        for k, v in fields.items():
            setattr(p, k, v)
        s.add(p)


def stock(db: Database, product_id: int, on_hand: int, reserved: int = 0, wh: str = "HZ") -> None:
    with db.write() as s:
        w = s.exec(select(Warehouse).where(Warehouse.code == wh)).first()
        if w is None:
            w = Warehouse(code=wh, name=f"{wh} 仓")
            s.add(w)
            s.flush()
        s.add(StockLevel(product_id=product_id, warehouse_id=w.id, on_hand=on_hand,
                         reserved=reserved))  # fmt: skip


def order(
    db: Database, customer_id: int, lines: list[tuple[int, int] | orders.NewLine],
    submit: bool = False, **kw,
) -> orders.OrderView:  # fmt: skip
    new = [x if isinstance(x, orders.NewLine) else orders.NewLine(*x) for x in lines]
    kw.setdefault("requested_date", date.today() + timedelta(days=10))
    # a price changed on a line is a manager's (prices.override); the rest, a clerk's
    actor = "manager" if any(ln.unit_price_minor is not None for ln in new) else "clerk"
    return orders.create_order(db, actor, customer_id, new, submit=submit, **kw)


def invoice(db: Database, customer_id: int, amount_minor: int, due_on: date,
            paid_minor: int = 0) -> None:  # fmt: skip
    with db.write() as s:
        n = next(_seq)
        s.add(
            Invoice(
                number=f"INV-T-{n:06d}",
                customer_id=customer_id,
                amount_minor=amount_minor,
                paid_minor=paid_minor,
                issued_on=due_on - timedelta(days=30),
                due_on=due_on,
                created_by="t",
            )
        )


def set_created(db: Database, order_id: int, at: datetime) -> None:
    """Move an order's creation time (for date ranges and the 24-hour window)."""
    with db.write() as s:
        o = s.get(Order, order_id)
        o.created_at = at
        s.add(o)
