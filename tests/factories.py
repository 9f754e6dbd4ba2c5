"""Small builders for test data, going through the services where one exists."""

from __future__ import annotations

from itertools import count

from oms_tui.models import Product
from oms_tui.services.parties import customers
from oms_tui.services.platform.db import Database
from oms_tui.services.sales import orders

_seq = count(1)


def make_customer(db: Database, name: str = "王小明", phone: str = "138 0013 8000", **kw):
    return customers.create_customer(
        db, "tester", customers.NewCustomer(name=name, phone=phone, city="杭州市",
                                            street="西湖区文三路 90 号", province="浙江",
                                            region=kw.pop("region", "East"), **kw)
    )  # fmt: skip


def make_product(db: Database, price_minor: int = 1999, tax_bp: int = 1300, **kw) -> int:
    n = next(_seq)
    with db.write() as s:
        p = Product(code=kw.pop("code", f"P{n:05d}"), name=kw.pop("name", f"Lamp {n}"),
                    list_price_minor=price_minor, tax_rate_bp=tax_bp, **kw)  # fmt: skip
        s.add(p)
        s.flush()
        return p.id


def make_order(db: Database, qty: int = 2, submit: bool = False, **kw) -> orders.OrderView:
    c = make_customer(db, phone=f"139{next(_seq):08d}")
    pid = make_product(db)
    return orders.create_order(db, "tester", c.id, [orders.NewLine(pid, qty)], submit=submit, **kw)
