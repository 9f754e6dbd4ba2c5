"""Customer search: phone in any format and any part, Chinese and Latin names, codes."""

from __future__ import annotations

import pytest
from sqlmodel import select

from oms_tui.services.parties.customers import (
    NewCustomer,
    create_customer,
    normalise_phone,
    search_customers,
)
from oms_tui.services.platform.errors import InvalidInput


@pytest.mark.parametrize(
    ("typed", "digits"),
    [("138-0013-8000", "13800138000"), ("+86 138 0013 8000", "13800138000"),
     ("(0571) 8888-1234", "057188881234"), ("0086 13800138000", "13800138000")],
)  # fmt: skip
def test_normalise_phone(typed, digits):
    assert normalise_phone(typed) == digits


@pytest.fixture
def people(db):
    a = create_customer(db, "t", NewCustomer(name="王小明", phone="138-0013-8000"))
    b = create_customer(db, "t", NewCustomer(name="Wang Fang", phone="0571 8888 1234"))
    c = create_customer(db, "t", NewCustomer(name="王大锤", phone="139 1111 2222", group="dealer"))
    return db, a, b, c


@pytest.mark.parametrize(
    ("query", "expected"),
    [("13800138000", ["王小明"]), ("138 0013", ["王小明"]), ("8888-1234", ["Wang Fang"]),
     ("0013 8000", ["王小明"]), ("王", ["王大锤", "王小明"]),
     ("Wang", ["Wang Fang", "王大锤", "王小明"]),  # 王's pinyin too (issue #16)
     ("王小", ["王小明"])],
)  # fmt: skip
def test_search(people, query, expected):
    db = people[0]
    assert sorted(h.name for h in search_customers(db, query)) == sorted(expected)


def test_search_by_code(people):
    db, a, *_ = people
    assert [h.name for h in search_customers(db, a.code.lower())] == ["王小明"]


def test_bad_phone_and_missing_name(db):
    with pytest.raises(InvalidInput, match="phone"):
        create_customer(db, "t", NewCustomer(name="x", phone="12"))
    with pytest.raises(InvalidInput, match="name"):
        create_customer(db, "t", NewCustomer(name="  "))


def test_the_card_counts_approved_orders_not_invoiced_against_the_limit(db):
    from datetime import date

    from oms_tui.models import Invoice
    from oms_tui.services.finance import receivables
    from oms_tui.services.sales import orders
    from oms_tui.services.sales.customer_history import customer_card
    from oms_tui.services.states.order_states import OrderStatus
    from tests.factories import make_customer, make_product

    c = make_customer(db, credit_limit_minor=100_000, payment_terms="NET30")
    pid = make_product(db, price_minor=30_000, tax_bp=0)
    today = date(2026, 11, 24)
    with db.write() as s:
        s.add(Invoice(number="INV-K", customer_id=c.id, amount_minor=40_000, issued_on=today,
                      due_on=date(2026, 12, 24), created_by="t"))  # fmt: skip
    card = customer_card(db, c.id, today=today)
    assert (card.open_balance_minor, card.committed_minor, card.exposure_minor) == (
        40_000, 0, 40_000)  # fmt: skip
    assert card.credit_status == "ok"
    # two approved orders, not shipped: the invoices alone are within the limit, not all
    for _ in range(2):
        view = orders.create_order(db, "clerk", c.id, [orders.NewLine(pid, 1)], submit=True)
        orders.transition(db, "auditor", view.id, OrderStatus.APPROVED, "ok")
    card = customer_card(db, c.id, today=today)
    assert (card.open_balance_minor, card.committed_minor, card.exposure_minor) == (
        40_000, 60_000, 100_000)  # fmt: skip
    assert card.credit_status == "ok"  # at the limit, not over it
    view = orders.create_order(db, "clerk", c.id, [orders.NewLine(pid, 1)], submit=True)
    orders.transition(db, "auditor", view.id, OrderStatus.APPROVED, "ok")
    card = customer_card(db, c.id, today=today)
    assert card.committed_minor == 90_000 and card.credit_status == "over credit limit"
    # money paid ahead is credit on account: it lowers the open balance
    receivables.record_payment(db, "finance", c.id, 50_000, today)
    card = customer_card(db, c.id, today=today)
    assert (card.open_balance_minor, card.committed_minor) == (-10_000, 90_000)
    assert card.credit_status == "ok"
    with db.read() as s:  # the card agrees with the service the audit and the quote use
        assert receivables.credit_exposure(s, c.id, today) == (
            card.open_balance_minor, card.committed_minor, card.overdue_minor)  # fmt: skip


@pytest.mark.parametrize("typed", ["138-0013-8000", "+86 138 0013 8000", "0086 13800138000"])
def test_a_phone_of_another_customer_is_refused_naming_them(people, typed):
    db, a, *_ = people
    with pytest.raises(InvalidInput) as refused:
        create_customer(db, "t", NewCustomer(name="王小红", phone=typed))
    assert refused.value.field == "phone"
    assert str(refused.value) == (f"{typed} is already the phone of {a.code} 王小明: find them "
                                  "by it, or type another number")  # fmt: skip
    assert [h.name for h in search_customers(db, "13800138000")] == ["王小明"]


def test_customers_without_a_phone_share_nothing(db):
    first = create_customer(db, "t", NewCustomer(name="李娜"))
    second = create_customer(db, "t", NewCustomer(name="李娜", phone="  "))
    assert first.id != second.id


def test_an_import_matches_a_phone_and_creates_one_customer_per_new_phone(people):
    from oms_tui.models import Customer
    from oms_tui.services.parties.customers import customers_for_phones_in

    db, a, *_ = people
    news = [NewCustomer(name="王小明 (file)", phone="+86 138 0013 8000"),
            NewCustomer(name="周杰", phone="137 0000 0001"),
            NewCustomer(name="周杰伦", phone="137-0000-0001"),
            NewCustomer(name="无名")]  # fmt: skip
    with db.write() as s:
        before = len(s.exec(select(Customer.id)).all())
        ids = customers_for_phones_in(s, "importer", news)
        names = {c.id: c.name for c in s.exec(select(Customer)).all()}
    assert ids[0] == a.id and ids[1] == ids[2] and len(set(ids)) == 3
    assert [names[i] for i in ids] == ["王小明", "周杰", "周杰", "无名"]
    assert len(names) == before + 2


def test_the_upgrade_keeps_a_phone_with_its_first_customer_and_notes_the_others(any_db_url):
    """0017 on a database that already has one phone on two customers: it does not fail;
    the first customer keeps the phone, the other keeps the number as typed (no longer
    found by it) and gets a note; customers without a phone are left as they are."""
    from types import SimpleNamespace

    from oms_tui.models import CustomerPhone, FollowUp
    from oms_tui.services.platform import schema
    from oms_tui.services.platform.db import Database
    from tests.databases import seed_users
    from tests.factories import customer_before_0019

    db = Database(any_db_url)
    schema.upgrade(db, "0015")
    a = SimpleNamespace(
        id=customer_before_0019(db, "C000001", "王小明", "138 0013 8000"), code="C000001"
    )
    b = SimpleNamespace(id=customer_before_0019(db, "C000002", "王大明", "139 0000 0001"))
    c = SimpleNamespace(id=customer_before_0019(db, "C000003", "李娜"))
    with db.write() as s:  # as older imports and typing left them
        s.add_all([
            # the same phone, its digits as an older rule kept them (the +86 not dropped)
            CustomerPhone(customer_id=b.id, number="+86 138-0013-8000", digits="8613800138000"),
            CustomerPhone(customer_id=a.id, number="13800138000", digits="13800138000"),
            CustomerPhone(customer_id=c.id, number="", digits=""),
            CustomerPhone(customer_id=b.id, number="", digits=""),
        ])  # fmt: skip
    schema.upgrade(db)
    seed_users(db)
    with db.read() as s:
        phones = s.exec(select(CustomerPhone.customer_id, CustomerPhone.number,
                               CustomerPhone.digits).order_by(CustomerPhone.id)).all()  # fmt: skip
        notes = s.exec(select(FollowUp.customer_id, FollowUp.actor, FollowUp.kind,
                              FollowUp.note)).all()  # fmt: skip
    assert [tuple(p) for p in phones] == [
        (a.id, "138 0013 8000", "13800138000"),
        (b.id, "139 0000 0001", "13900000001"),
        (b.id, "+86 138-0013-8000", ""),
        (a.id, "13800138000", ""),
        (c.id, "", ""),
        (b.id, "", ""),
    ]
    assert [tuple(n) for n in notes] == [(
        b.id, "upgrade 0017", "note",
        f"phone +86 138-0013-8000 is also {a.code} 王小明's (theirs first, as 138 0013 8000): "
        "it no longer finds or matches this customer. If they are one customer, merge them "
        "by hand.",
    )]  # fmt: skip
    assert [h.name for h in search_customers(db, "13800138000")] == ["王小明"]
    with pytest.raises(InvalidInput, match=f"already the phone of {a.code}"):
        create_customer(db, "t", NewCustomer(name="x", phone="0086 138 0013 8000"))
    db.dispose()
