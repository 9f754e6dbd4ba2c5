"""Order search (every predicate, keyset paging) and the order detail."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select

from oms_tui.models import (
    Invoice,
    OrderLine,
    ProductionOrder,
    ReturnOrder,
    Shipment,
    Warehouse,
)
from oms_tui.services.platform.errors import InvalidInput, NotFound
from oms_tui.services.sales import audit_checks, audit_decisions, order_search, orders
from oms_tui.services.sales.order_query import parse_query
from oms_tui.services.sales.order_search import OrderQuery, search
from oms_tui.services.states.order_states import OrderStatus as S
from tests.audit_factories import customer, order, set_created, stock
from tests.factories import make_product


def _local(d: date, hour: int) -> datetime:
    return datetime.combine(d, time(hour)).astimezone().astimezone(UTC)


@pytest.fixture
def book(db):
    """Eight orders of three customers over four days, two channels, two products."""
    wang = customer(db, name="王小明", phone="138 0013 8000")
    li = customer(db, name="李雷", phone="139 1111 2222")
    han = customer(db, name="韩梅梅", phone="137 5555 6666", code="KA0001")
    lamp = make_product(db, code="XD-40W", name="吸顶灯")
    door = make_product(db, code="DOOR-1", name="实木门")
    stock(db, lamp, 100)
    plan = [  # customer, product, channel, day, hour, submit
        (wang, lamp, "phone", 1, 9, True), (li, lamp, "ecommerce", 1, 10, False),
        (han, door, "dealer", 2, 9, True), (wang, door, "phone", 2, 11, False),
        (li, lamp, "phone", 3, 9, True), (han, lamp, "ecommerce", 3, 15, True),
        (wang, lamp, "phone", 4, 8, False), (wang, lamp, "walk_in", 4, 8, True),
    ]  # fmt: skip
    start = date(2026, 3, 1)
    views = []
    for i, (cid, pid, channel, day, hour, submit) in enumerate(plan):
        v = order(db, cid, [(pid, i + 1)], channel=channel, submit=submit)
        at = _local(start + timedelta(days=day - 1), hour)
        if i == 7:
            at = views[6][1]  # same second as the one before: the id breaks the tie
        set_created(db, v.id, at)
        views.append((v, at))
    return {"orders": [v for v, _ in views], "start": start, "wang": wang, "li": li,
            "han": han, "lamp": lamp, "door": door}  # fmt: skip


def _numbers(page) -> list[str]:
    return [r.number for r in page.rows]


def _newest_first(views) -> list[str]:
    return [v.number for v in reversed(views)]


def test_everything_newest_first_paged_by_keyset(db, book):
    views = book["orders"]
    everything = _newest_first(views)  # created in time order, ids break the one tie
    seen, after, pages = [], None, 0
    while True:
        page = search(db, OrderQuery(), after=after, limit=3)
        seen += _numbers(page)
        pages += 1
        if page.next is None:
            break
        after = page.next
    assert seen == everything and pages == 3
    assert _numbers(search(db, OrderQuery(), limit=8)) == everything
    assert search(db, OrderQuery(), limit=8).next is None


def test_each_predicate(db, book):
    o, start = book["orders"], book["start"]
    assert _numbers(search(db, OrderQuery(number=o[2].number.lower().replace("-00000", "-"))))\
        == [o[2].number]  # fmt: skip
    assert _numbers(search(db, OrderQuery(number="SO-20"))) == _newest_first(o)  # a prefix
    assert _numbers(search(db, OrderQuery(customer="王小"))) == _newest_first(
        [o[0], o[3], o[6], o[7]]
    )
    assert _numbers(search(db, OrderQuery(customer="ka0001"))) == _newest_first([o[2], o[5]])
    assert _numbers(search(db, OrderQuery(phone="13911112222"))) == _newest_first([o[1], o[4]])
    assert _numbers(search(db, OrderQuery(phone="5555"))) == _newest_first([o[2], o[5]])
    assert _numbers(search(db, OrderQuery(status=S.DRAFT))) == _newest_first([o[1], o[3], o[6]])
    assert _numbers(search(db, OrderQuery(status=[S.DRAFT, S.PENDING_AUDIT]))) \
        == _newest_first(o)  # fmt: skip
    day2 = start + timedelta(days=1)
    assert _numbers(search(db, OrderQuery(date_from=day2, date_to=day2))) == _newest_first(
        [o[2], o[3]]
    )
    assert _numbers(search(db, OrderQuery(date_from=start + timedelta(days=2)))) \
        == _newest_first(o[4:])  # fmt: skip
    assert _numbers(search(db, OrderQuery(channel="ecommerce"))) == _newest_first([o[1], o[5]])
    assert _numbers(search(db, OrderQuery(product="dOOR-1"))) == _newest_first([o[2], o[3]])
    assert _numbers(search(db, OrderQuery(product=book["door"]))) == _newest_first([o[2], o[3]])
    # together: every field must match
    both = OrderQuery(customer="王小明", product="XD-40W", channel="phone", status=S.PENDING_AUDIT)
    assert _numbers(search(db, both)) == [o[0].number]
    # nothing matches: an empty page, no cursor
    for q in (OrderQuery(product="NOPE"), OrderQuery(customer="赵"),
              OrderQuery(customer="王", phone="139 1111 2222")):  # fmt: skip
        page = search(db, q)
        assert page.rows == () and page.next is None


def test_a_bare_code_barcode_phone_or_number_is_taken_as_that(db, book):
    """Issue #16: no prefix needed for a word that is exactly a product code or barcode, a
    phone, a customer code or an order number; a number typed in part lists the numbers."""
    from tests.audit_factories import set_product

    o = book["orders"]
    set_product(db, book["lamp"], barcode="6920000000017")

    def found(line: str) -> list[str]:
        return _numbers(search(db, parse_query(line, date(2026, 3, 5))))

    lamps = _newest_first([o[i] for i in (0, 1, 4, 5, 6, 7)])
    assert found("XD-40W") == found("xd-40w") == found("p:XD-40W") == lamps
    assert found("6920000000017") == lamps  # scanned: looks like a phone, is a barcode
    assert found("XD-40W 李雷") == _newest_first([o[1], o[4]])
    assert found("13911112222") == found("李雷") == found("lilei") == _newest_first([o[1], o[4]])
    assert found("ka0001") == found("hmm") == _newest_first([o[2], o[5]])  # code, initials
    assert found("小明") == _newest_first([o[0], o[3], o[6], o[7]])  # the middle of a name
    assert found(o[2].number) == [o[2].number]
    assert found(o[2].number.lower()[:-1]) == _newest_first(o)  # SO-YYYY-00000: all eight


def test_refused_queries(db, book):
    with pytest.raises(InvalidInput, match="unknown order status"):
        search(db, OrderQuery(status="lost"))
    with pytest.raises(InvalidInput, match="ends before it starts"):
        search(db, OrderQuery(date_from=date(2026, 3, 5), date_to=date(2026, 3, 1)))
    with pytest.raises(InvalidInput, match="3 digits"):
        search(db, OrderQuery(phone="1"))


def test_many_line_product_uses_the_probe_and_pages_the_same(db, book, monkeypatch):
    """Above the list threshold the product filter probes per order: same answers."""
    expected = _numbers(search(db, OrderQuery(product="XD-40W"), limit=10))
    monkeypatch.setattr(order_search, "_PRODUCT_LIST_MAX", 1)
    assert _numbers(search(db, OrderQuery(product="XD-40W"), limit=10)) == expected
    first = search(db, OrderQuery(product="XD-40W"), limit=4)
    second = search(db, OrderQuery(product="XD-40W"), after=first.next, limit=4)
    assert _numbers(first) + _numbers(second) == expected and second.next is None
    # a window of 2 orders probed per page: short pages, same rows, nothing skipped or twice
    monkeypatch.setattr(order_search, "PROBE_WINDOW", 2)
    seen, after, sizes = [], None, []
    while True:
        page = search(db, OrderQuery(product="XD-40W"), after=after, limit=4)
        seen += _numbers(page)
        sizes.append(len(page.rows))
        if page.next is None:
            break
        after = page.next
    assert seen == expected and max(sizes) <= 2 and 0 in sizes  # door orders: an empty window


def test_many_matching_customers_are_reported_truncated(db, monkeypatch):
    monkeypatch.setattr(order_search, "CUSTOMER_MATCH_LIMIT", 1)
    pid = make_product(db)
    for name in ("王一", "王二"):
        order(db, customer(db, name=name), [(pid, 1)])
    page = search(db, OrderQuery(customer="王"))
    # one customer's orders (the first match: by pinyin, 王二 wang'er, on SQLite's prefix
    # index; by the name index on PostgreSQL), and the page says there were more
    assert page.customers_truncated and len({r.customer_name for r in page.rows}) == 1


def test_detail_has_lines_checks_timeline_and_links(db):
    cid = customer(db, name="韩梅梅")
    pid = make_product(db, price_minor=1500)
    stock(db, pid, 10)
    view = order(db, cid, [(pid, 2), orders.NewLine(pid, 1, unit_price_minor=1000,
                                                   override_reason="样品价")])  # fmt: skip
    audit_checks.submit_for_audit(db, "wang", view.id)
    audit_decisions.approve(db, "li", view.id)
    with db.write() as s:
        wh = Warehouse(code="HZ2", name="杭州二仓")
        s.add(wh)
        s.flush()
        line_id = s.exec(select(OrderLine.id).where(OrderLine.order_id == view.id)).first()
        s.add(
            Shipment(
                number="SH-2026-000001",
                order_id=view.id,
                warehouse_id=wh.id,
                created_by="t",
                status="shipped",
            )
        )
        s.add(
            Invoice(
                number="INV-2026-000001",
                order_id=view.id,
                customer_id=cid,
                amount_minor=4000,
                issued_on=date(2026, 3, 1),
                due_on=date(2026, 3, 31),
                created_by="t",
            )
        )
        s.add(
            ProductionOrder(
                number="PO-2026-000001",
                order_id=view.id,
                order_line_id=line_id,
                product_id=pid,
                qty=1,
                created_by="t",
            )
        )
        s.add(ReturnOrder(number="RMA-2026-000001", order_id=view.id, created_by="t",
                          reason="破损"))  # fmt: skip
    d = order_search.detail(db, view.number.lower())
    assert d.order.number == view.number and d.order.status == S.ALLOCATED
    assert [(ln.qty, ln.unit_price_minor, ln.price_source) for ln in d.order.lines] == [
        (2, 1500, "list price"),
        (1, 1000, "override: 样品价"),
    ]
    assert d.order.total_minor == 4000
    assert [(c.code, c.level) for c in d.checks if c.level != "pass"] == [("price", "warn")]
    assert d.checked_at is not None and d.priority_reasons.endswith("¥40")
    assert [(e.actor, e.from_status, e.to_status, e.reason) for e in d.timeline] == [
        ("manager", None, "draft", "created"),  # it has a price override
        ("wang", "draft", "pending_audit", "submitted"),
        ("li", "pending_audit", "approved", "approved (warnings: price)"),
        ("li", "approved", "allocated", d.timeline[-1].reason),
    ]
    assert d.timeline[-1].reason.startswith("L1 2 from ")
    assert [(x.line_no, sum(a.qty for a in x.reserved), x.backordered) for x in d.stock] == [
        (1, 2, 0), (2, 1, 0)]  # fmt: skip
    assert all(a.reason for x in d.stock for a in x.reserved)
    assert [(x.number, x.status) for x in d.shipments] == [("SH-2026-000001", "shipped")]
    assert [(x.number, x.status) for x in d.invoices] == [("INV-2026-000001", "open")]
    assert [(x.number, x.status) for x in d.production_orders] == [("PO-2026-000001", "planned")]
    assert [(x.number, x.status) for x in d.returns] == [("RMA-2026-000001", "requested")]
    with pytest.raises(NotFound):
        order_search.detail(db, "SO-1999-000001")


def test_detail_of_an_order_never_checked(db):
    view = order(db, customer(db), [(make_product(db), 1)])
    d = order_search.detail(db, view.number)
    assert d.checks == () and d.checked_at is None and d.priority_score == 0
    assert (d.shipments, d.invoices, d.production_orders, d.returns) == ((), (), (), ())
