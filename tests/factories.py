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


def dun(db: Database, as_of=None, today=None, actor: str = "finance"):  # noqa: ANN001, ANN201
    """The steps of a dunning run as of ``as_of``, on that day (``today``: the caller's
    date, default ``as_of``), its letters rendered as the app renders them."""
    return list(dun_run(db, as_of, today, actor).steps)


def dun_run(db: Database, as_of=None, today=None, actor: str = "finance"):  # noqa: ANN001, ANN201
    from oms_tui.reports.account_letter import renderer
    from oms_tui.reports.common import Company
    from oms_tui.services.finance import dunning

    render = renderer(Company("杭州测试公司", currency="CNY"))
    return dunning.run_dunning(db, actor, as_of, today or as_of, render=render)


def customer_before_0019(db: Database, code: str, name: str, phone: str = "") -> int:
    """A customer row (and its phone) with the columns older schemas had, for tests that
    upgrade from one: the service writes 0019's invoicing columns too. Returns its id."""
    from sqlalchemy import text

    with db.engine.begin() as conn:
        cid = conn.execute(text(
            "INSERT INTO customer (code, name, \"group\", tier, region, credit_limit_minor, "
            "payment_terms, shipping_policy, credit_hold, credit_hold_reason, dunning_level, "
            "email, notes, active, created_at) VALUES (:code, :name, 'retail', 'C', 'East', 0, "
            "'COD', 'partial', false, '', 0, '', '', true, CURRENT_TIMESTAMP) RETURNING id"),
            {"code": code, "name": name}).scalar_one()  # fmt: skip
        if phone:
            conn.execute(text(
                "INSERT INTO customer_phone (customer_id, number, digits, label, is_primary) "
                "VALUES (:c, :n, :d, 'mobile', true)"),
                {"c": cid, "n": phone, "d": phone.replace(" ", "")})  # fmt: skip
    return cid
