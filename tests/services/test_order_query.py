"""The order search line grammar (pure: no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.sales.order_query import (
    AlertRule,
    alert_marks,
    parse_query,
    parse_search_date,
)
from oms_tui.services.sales.order_search import OrderQuery

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", OrderQuery()),
        ("SO-2026-123", OrderQuery(number="SO-2026-123")),
        ("so-2026", OrderQuery(number="so-2026")),
        ("#12", OrderQuery(number="12")),
        ("138 0013 8000", OrderQuery(phone="13800138000")),
        ("138 王", OrderQuery(phone="138", customer="王")),
        ("13800138000", OrderQuery(phone="13800138000")),
        ("tel:8000", OrderQuery(phone="8000")),
        ("王小明", OrderQuery(customer="王小明")),
        ("Li Wei", OrderQuery(customer="Li Wei")),
        ("st:pending", OrderQuery(status=("pending_audit",))),
        ("status:pending,hold", OrderQuery(status=("pending_audit", "on_hold"))),
        ("st:ship", OrderQuery(status=("shipped",))),
        ("st:part_s", OrderQuery(status=("partially_shipped",))),
        ("ch:walk", OrderQuery(channel="walk_in")),
        ("ch:phone 王", OrderQuery(channel="phone", customer="王")),
        ("from:2026-11-01 to:today", OrderQuery(date_from=date(2026, 11, 1), date_to=TODAY)),
        ("from:-7", OrderQuery(date_from=TODAY - timedelta(days=7))),
        ("p:XD-40W", OrderQuery(product="XD-40W")),
    ],
)
def test_parse_query(text: str, expected: OrderQuery) -> None:
    assert parse_query(text, TODAY) == expected


def test_a_full_line() -> None:
    q = parse_query("status:pending ch:phone from:2026-11-01 王", TODAY)
    assert q == OrderQuery(customer="王", status=("pending_audit",), channel="phone",
                           date_from=date(2026, 11, 1))  # fmt: skip


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("st:nope", "status"),
        ("st:p", "status"),  # pending_audit, partially_..., prepaid? ambiguous
        ("ch:fax", "channel"),
        ("from:yesterdayish", "date_from"),
        ("from:today to:yesterday", "date_to"),
        ("no:", "number"),
        ("SO-1 SO-2", "number"),
    ],
)
def test_bad_lines_say_which_field(text: str, field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_query(text, TODAY)
    assert error.value.field == field


def test_search_dates() -> None:
    assert parse_search_date("yesterday", TODAY, "x") == date(2026, 11, 19)
    assert parse_search_date("+1", TODAY, "x") == date(2026, 11, 21)


def test_alert_marks() -> None:
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    rule = AlertRule(alert_hours=4, due_soon_days=2)
    old, new = now - timedelta(hours=5), now - timedelta(hours=1)
    marks = lambda status, since, due: alert_marks(  # noqa: E731
        rule, status=status, requested_date=due, since=since, now=now, today=TODAY
    )
    assert marks("pending_audit", old, None) == (True, False)
    assert marks("pending_audit", new, TODAY + timedelta(days=2)) == (False, True)
    assert marks("shipped", old, TODAY) == (False, False)
    assert marks("ready_to_ship", old, TODAY + timedelta(days=3)) == (False, False)


def test_phone_prefixes_typed_apart_belong_to_the_phone():
    from datetime import date

    from oms_tui.services.sales.order_query import parse_query

    day = date(2026, 11, 29)
    assert parse_query("(025) 47284548", day).phone == "(025)47284548"
    assert parse_query("+86 130 9621 8713", day).phone == "+8613096218713"
    q = parse_query("王 (025) 4728 4548", day)
    assert (q.customer, q.phone) == ("王", "(025)47284548")
    assert parse_query("abc 12", day).customer == "abc 12"  # short numbers stay words


def test_a_phone_typed_with_its_area_code_or_country_code_finds_the_order(db):
    from datetime import date

    from oms_tui.services.sales import order_search, orders
    from oms_tui.services.sales.order_query import parse_query
    from tests.factories import make_customer, make_product

    day = date.today()
    a = make_customer(db, name="南京客户", phone="(025) 47284548")
    b = make_customer(db, name="手机客户", phone="+86 130 9621 8713")
    pid = make_product(db)
    for c in (a, b):
        orders.create_order(db, "t", c.id, [orders.NewLine(pid, 1)])
    for typed, who in (("(025) 47284548", "南京客户"), ("+86 130 9621 8713", "手机客户")):
        page = order_search.search(db, parse_query(typed, day))
        assert [r.customer_name for r in page.rows] == [who], typed
