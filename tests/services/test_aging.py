"""Aging as of a date, DSO and collections (services/aging.py), on every test engine.

Invoices and payments are built straight from the models (the invoicing service is
written alongside); ``_pay`` keeps ``invoice.paid_minor`` equal to the sum of the
invoice's allocations, as ``services/receivables.py`` does.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from oms_tui.models import Customer, Invoice, Payment, PaymentAllocation
from oms_tui.services.finance import aging
from oms_tui.services.platform.errors import InvalidInput

_seq = itertools.count(1)
AS_OF = date(2026, 6, 30)


def _customer(db, code: str, name: str | None = None) -> int:
    with db.write() as s:
        c = Customer(code=code, name=name or f"客户 {code}")
        s.add(c)
        s.flush()
        return c.id


def _invoice(db, customer_id: int, amount: int, issued: date, due: date | None = None,
             kind: str = "invoice", status: str = "open", currency: str = "CNY"
             ) -> int:  # fmt: skip
    with db.write() as s:
        inv = Invoice(number=f"INV-{next(_seq):06d}", kind=kind, customer_id=customer_id,
                      currency=currency, amount_minor=amount, issued_on=issued,
                      due_on=due or issued, status=status, created_by="t")  # fmt: skip
        s.add(inv)
        s.flush()
        return inv.id


def _pay(db, customer_id: int, received: date, amount: int, applied: dict[int, int],
         method: str = "bank") -> int:  # fmt: skip
    """A payment of ``amount`` received on ``received``, ``applied`` {invoice id: amount};
    the rest stays unapplied. Invoices' paid_minor and status follow, as in receivables."""
    with db.write() as s:
        p = Payment(number=f"PAY-{next(_seq):06d}", customer_id=customer_id,
                    received_on=received, amount_minor=amount, method=method,
                    unapplied_minor=amount - sum(applied.values()), created_by="t")  # fmt: skip
        s.add(p)
        s.flush()
        for invoice_id, part in applied.items():
            s.add(PaymentAllocation(payment_id=p.id, invoice_id=invoice_id, amount_minor=part))
            inv = s.get(Invoice, invoice_id)
            inv.paid_minor += part
            inv.status = "paid" if inv.paid_minor == inv.amount_minor else "open"
            s.add(inv)
        return p.id


def _row(report: aging.AgingReport, code: str) -> aging.AgingRow:
    (row,) = [r for r in report.rows if r.code == code]
    return row


def test_buckets_at_their_boundaries(db):
    cid = _customer(db, "C1")
    # days overdue -> amount; each amount a distinct power of two so a wrong bucket shows
    days = {-5: 1, 0: 2, 1: 4, 30: 8, 31: 16, 60: 32, 61: 64, 90: 128, 91: 256, 120: 512,
            121: 1024, 400: 2048}  # fmt: skip
    for overdue, amount in days.items():
        due = AS_OF - timedelta(days=overdue)
        _invoice(db, cid, amount, issued=min(due, AS_OF), due=due)

    report = aging.aging(db, AS_OF)
    assert report.labels == ("not due", "1-30", "31-60", "61-90", "91-120", "over 120")
    assert report.limits == (30, 60, 90, 120)
    row = _row(report, "C1")
    assert row.amounts == (1 + 2, 4 + 8, 16 + 32, 64 + 128, 256 + 512, 1024 + 2048)
    assert row.total_minor == sum(days.values()) == report.total_minor
    assert row.not_due_minor == 3 and row.overdue_minor == sum(days.values()) - 3
    assert report.totals == row.amounts
    # risk: overdue money weighted 1 (1-30) .. 5 (over 120)
    assert row.risk == 1 * 12 + 2 * 48 + 3 * 192 + 4 * 768 + 5 * 3072


def test_as_of_past_dates_counts_what_was_issued_and_paid_by_then(db):
    cid = _customer(db, "C1")
    inv = _invoice(db, cid, 10_000, issued=date(2026, 3, 1), due=date(2026, 3, 31))
    _pay(db, cid, date(2026, 4, 10), 4_000, {inv: 4_000})
    _pay(db, cid, date(2026, 5, 20), 6_000, {inv: 6_000})  # the invoice is paid today
    later = _invoice(db, cid, 700, issued=date(2026, 4, 15), due=date(2026, 5, 15))

    def amounts(day: date) -> tuple[int, ...] | None:
        report = aging.aging(db, day)
        rows = [r for r in report.rows if r.code == "C1"]
        return rows[0].amounts if rows else None

    assert amounts(date(2026, 2, 28)) is None  # nothing issued yet
    assert amounts(date(2026, 3, 1)) == (10_000, 0, 0, 0, 0, 0)  # issued, not due
    assert amounts(date(2026, 3, 31)) == (10_000, 0, 0, 0, 0, 0)  # due today: day 0
    assert amounts(date(2026, 4, 1)) == (0, 10_000, 0, 0, 0, 0)  # 1 day overdue
    assert amounts(date(2026, 4, 9)) == (0, 10_000, 0, 0, 0, 0)  # the payment came after
    assert amounts(date(2026, 4, 10)) == (0, 6_000, 0, 0, 0, 0)  # received on as_of: counts
    assert amounts(date(2026, 4, 14)) == (0, 6_000, 0, 0, 0, 0)  # `later` not issued yet
    assert amounts(date(2026, 4, 15)) == (700, 6_000, 0, 0, 0, 0)
    assert amounts(date(2026, 5, 19)) == (0, 700, 6_000, 0, 0, 0)  # 49 and 4 days overdue
    assert amounts(date(2026, 5, 20)) == (0, 700, 0, 0, 0, 0)
    _pay(db, cid, date(2026, 5, 25), 700, {later: 700})
    assert amounts(date(2026, 5, 24)) == (0, 700, 0, 0, 0, 0)
    assert amounts(date(2026, 5, 25)) is None  # settled: the customer leaves the report


def test_partial_payments_and_over_payment(db):
    cid = _customer(db, "C1")
    a = _invoice(db, cid, 12_345, issued=date(2026, 5, 1), due=date(2026, 5, 31))
    b = _invoice(db, cid, 1_000, issued=date(2026, 6, 1), due=date(2026, 7, 1))
    _pay(db, cid, date(2026, 6, 10), 345, {a: 345})
    _pay(db, cid, date(2026, 6, 20), 5_000, {a: 4_000, b: 1_000})
    row = _row(aging.aging(db, AS_OF), "C1")
    assert row.amounts == (0, 8_000, 0, 0, 0, 0) and row.total_minor == 8_000
    assert row.on_account_minor == 0
    # b was paid in full before it was due; as of the day before that payment it was open
    assert _row(aging.aging(db, date(2026, 6, 19)), "C1").amounts == (1_000, 12_000, 0, 0, 0, 0)
    # an over-payment settles the invoice; the 1,000 left is credit on account: the
    # customer is listed in credit, not as owing nothing (nor the gross amount)
    _pay(db, cid, date(2026, 6, 25), 9_000, {a: 8_000})
    row = _row(aging.aging(db, AS_OF), "C1")
    assert (row.amounts, row.on_account_minor, row.total_minor) == ((0,) * 6, -1_000, -1_000)
    assert (row.overdue_minor, row.risk) == (0, 0)
    assert [r.code for r in aging.aging(db, date(2026, 6, 24)).rows] == ["C1"]  # 8,000 late
    assert _row(aging.aging(db, date(2026, 6, 24)), "C1").on_account_minor == 0


def test_credit_notes_are_credit_on_account_not_aged(db):
    cid = _customer(db, "C1")
    inv = _invoice(db, cid, 10_000, issued=date(2026, 4, 1), due=date(2026, 5, 1))
    # an unapplied credit note: on account, not in the bucket of its own (due) date
    _invoice(db, cid, -2_500, issued=date(2026, 6, 10), kind="credit_note")
    before = _row(aging.aging(db, date(2026, 6, 9)), "C1")
    assert (before.amounts, before.on_account_minor) == ((0, 0, 10_000, 0, 0, 0), 0)
    row = _row(aging.aging(db, AS_OF), "C1")
    assert row.amounts == (0, 0, 10_000, 0, 0, 0) and row.on_account_minor == -2_500
    assert row.total_minor == 7_500 and row.overdue_minor == 7_500
    assert row.risk == 2 * 7_500  # the credit set against the 31-60 money
    # applied as receivables does it: a zero payment, +x to the invoice, -x to the note
    note = _invoice(db, cid, -1_000, issued=date(2026, 6, 20), kind="credit_note")
    _pay(db, cid, date(2026, 6, 20), 0, {inv: 1_000, note: -1_000}, method="credit_note")
    assert _row(aging.aging(db, date(2026, 6, 19)), "C1").total_minor == 7_500
    row = _row(aging.aging(db, AS_OF), "C1")
    assert row.amounts == (0, 0, 9_000, 0, 0, 0) and row.on_account_minor == -2_500
    assert row.total_minor == 6_500
    # a customer whose credit exceeds what is owed has a negative balance and risk 0
    other = _customer(db, "C2")
    _invoice(db, other, -300, issued=date(2026, 6, 30), kind="credit_note")
    c2 = _row(aging.aging(db, AS_OF), "C2")
    assert (c2.amounts, c2.on_account_minor, c2.total_minor, c2.risk) == ((0,) * 6, -300, -300, 0)
    # an old credit note no longer sits in the over-120 bucket making it look paid
    old = _customer(db, "C3")
    _invoice(db, old, 5_000, issued=date(2025, 12, 1), due=date(2026, 1, 1))
    _invoice(db, old, -1_000, issued=date(2025, 12, 5), kind="credit_note")
    c3 = _row(aging.aging(db, AS_OF), "C3")
    assert (c3.amounts, c3.on_account_minor, c3.total_minor) == (
        (0, 0, 0, 0, 0, 5_000), -1_000, 4_000)  # fmt: skip
    assert c3.overdue_minor == 4_000 and c3.risk == 5 * 4_000


def test_over_payments_count_as_of_the_day_received_in_the_company_currency_only(db):
    cid = _customer(db, "C1")
    inv = _invoice(db, cid, 3_000, issued=date(2026, 5, 1), due=date(2026, 5, 31))
    _pay(db, cid, date(2026, 6, 15), 5_000, {inv: 3_000})  # 2,000 kept on account
    assert _row(aging.aging(db, date(2026, 6, 14)), "C1").amounts == (0, 3_000, 0, 0, 0, 0)
    report = aging.aging(db, date(2026, 6, 15))
    row = _row(report, "C1")
    assert (row.amounts, row.on_account_minor, row.total_minor) == ((0,) * 6, -2_000, -2_000)
    assert (report.on_account_minor, report.total_minor) == (-2_000, -2_000)
    assert aging.receivables_total(db, AS_OF) == -2_000
    assert aging.dso(db, AS_OF).receivables_minor == -2_000
    # payments have no currency: a USD report does not count them
    _invoice(db, cid, 7_000, issued=date(2026, 6, 1), due=date(2026, 6, 15), currency="USD")
    usd = aging.aging(db, AS_OF, currency="USD")
    assert (usd.on_account_minor, usd.total_minor) == (0, 7_000)


def test_credit_on_account_is_set_against_the_oldest_overdue_in_the_risk_order(db):
    covered = _customer(db, "COVERED")  # 10,000 over 120 days, 10,000 paid ahead: risk 0
    late = _customer(db, "LATE")  # 1,000 at 1-30 days: risk 1,000
    _invoice(db, covered, 10_000, issued=date(2025, 12, 1), due=date(2026, 1, 1))
    other = _invoice(db, covered, 500, issued=date(2026, 6, 1), due=date(2026, 6, 20))
    _pay(db, covered, date(2026, 6, 1), 10_500, {other: 500})  # paid the newer one
    _invoice(db, late, 1_000, issued=date(2026, 6, 1), due=date(2026, 6, 20))
    report = aging.aging(db, AS_OF)
    assert [(r.code, r.risk, r.overdue_minor, r.total_minor) for r in report.rows] == [
        ("LATE", 1_000, 1_000, 1_000), ("COVERED", 0, 0, 0)]  # fmt: skip


def test_void_invoices_and_other_currencies_are_left_out(db):
    cid = _customer(db, "C1")
    _invoice(db, cid, 5_000, issued=date(2026, 6, 1), due=date(2026, 6, 15), status="void")
    _invoice(db, cid, 7_000, issued=date(2026, 6, 1), due=date(2026, 6, 15), currency="USD")
    _invoice(db, cid, 100, issued=date(2026, 6, 1), due=date(2026, 6, 15))
    report = aging.aging(db, AS_OF)
    assert report.currency == "CNY" and _row(report, "C1").amounts == (0, 100, 0, 0, 0, 0)
    usd = aging.aging(db, AS_OF, currency="usd")
    assert usd.currency == "USD" and usd.total_minor == 7_000


def test_riskiest_customers_first(db):
    old = _customer(db, "OLD")  # 1,000 over 120 days: risk 5,000
    recent = _customer(db, "RECENT")  # 4,000 at 1-30 days: risk 4,000
    big = _customer(db, "BIG")  # 90,000 not yet due: risk 0, but the largest balance
    tie = _customer(db, "TIE")  # risk 4,000 too, smaller balance than RECENT
    _invoice(db, old, 1_000, issued=date(2026, 1, 1), due=date(2026, 1, 31))
    _invoice(db, recent, 4_000, issued=date(2026, 6, 1), due=date(2026, 6, 20))
    _invoice(db, big, 90_000, issued=date(2026, 6, 1), due=date(2026, 7, 31))
    _invoice(db, tie, 2_000, issued=date(2026, 5, 1), due=date(2026, 5, 20))  # 41 days: x2
    report = aging.aging(db, AS_OF)
    assert [(r.code, r.risk) for r in report.rows] == [
        ("OLD", 5_000), ("RECENT", 4_000), ("TIE", 4_000), ("BIG", 0)
    ]  # fmt: skip


def test_bucket_limits_are_a_setting(db):
    cid = _customer(db, "C1")
    for overdue in (0, 10, 15, 16, 45, 46):
        _invoice(db, cid, 1_000 + overdue, issued=date(2026, 1, 1),
                 due=AS_OF - timedelta(days=overdue))  # fmt: skip
    assert aging.get_aging_buckets(db) == (30, 60, 90, 120)
    assert aging.set_aging_buckets(db, "t", "15, 45") == (15, 45)
    assert aging.get_aging_buckets(db) == (15, 45)
    report = aging.aging(db, AS_OF)
    assert report.labels == ("not due", "1-15", "16-45", "over 45")
    assert _row(report, "C1").amounts == (1_000, 1_010 + 1_015, 1_016 + 1_045, 1_046)
    assert _row(report, "C1").risk == 1 * 2_025 + 2 * 2_061 + 3 * 1_046
    # one report with other limits; the setting stays
    assert aging.aging(db, AS_OF, buckets=(10,)).rows[0].amounts == (1_000, 1_010, 4_122)
    assert aging.get_aging_buckets(db) == (15, 45)
    for bad in ("", "30,30", "60,30", "0,30", "x", "1.5", (30, True)):
        with pytest.raises(InvalidInput):
            aging.set_aging_buckets(db, "t", bad)
    assert aging.get_aging_buckets(db) == (15, 45)


def test_a_bad_setting_row_falls_back_to_the_default(db):
    from oms_tui.models import Setting

    with db.write() as s:
        s.add(Setting(key="aging_buckets", value="soon,later"))
    assert aging.get_aging_buckets(db) == aging.DEFAULT_BUCKETS


def test_aging_matches_the_definition_on_random_histories(db):
    """Open as of D = amount - allocations of payments received by D, for invoices issued by
    D and not void, summed per customer and bucket: computed here invoice by invoice."""
    rnd = random.Random(8)
    start = date(2026, 1, 1)
    customers = [_customer(db, f"R{i}") for i in range(4)]
    ahead: list[tuple[int, int, date]] = []  # customer, over-paid, received
    invoices: list[tuple[int, int, int, date, date, str]] = []  # id, cust, amount, issued, due
    for _ in range(40):
        cid = rnd.choice(customers)
        issued = start + timedelta(days=rnd.randrange(150))
        due = issued + timedelta(days=rnd.choice((0, 7, 30, 60)))
        amount = rnd.randrange(100, 50_000) * rnd.choice((1, 1, 1, 1, -1))
        status = "void" if rnd.random() < 0.1 else "open"
        kind = "credit_note" if amount < 0 else "invoice"
        iid = _invoice(db, cid, amount, issued, due, kind=kind, status=status)
        invoices.append((iid, cid, amount, issued, due, status))
    allocations: list[tuple[int, int, date]] = []  # invoice id, amount, received
    for iid, cid, amount, issued, _due, status in invoices:
        if amount < 0 or status == "void":
            continue
        left, day = amount, issued
        while left and rnd.random() < 0.7:
            day += timedelta(days=rnd.randrange(1, 60))
            part = min(left, rnd.randrange(1, amount + 1))
            extra = rnd.randrange(1, 5_000) if part == left and rnd.random() < 0.2 else 0
            _pay(db, cid, day, part + extra, {iid: part})  # extra: kept on account
            allocations.append((iid, part, day))
            if extra:
                ahead.append((cid, extra, day))
            left -= part
    assert ahead  # the seed gives some over-payments
    limits = (30, 60, 90, 120)
    for as_of in (start + timedelta(days=d) for d in (0, 20, 45, 80, 120, 160, 200, 260)):
        # per customer: the six buckets (invoices), then the credit on account
        expected: dict[int, list[int]] = {}
        for iid, cid, amount, issued, due, status in invoices:
            if status == "void" or issued > as_of:
                continue
            paid = sum(a for i, a, day in allocations if i == iid and day <= as_of)
            late = (as_of - due).days
            k = 0 if late <= 0 else 1 + sum(late > n for n in limits)
            expected.setdefault(cid, [0] * 7)[6 if amount < 0 else k] += amount - paid
        for cid, extra, day in ahead:
            if day <= as_of:
                expected.setdefault(cid, [0] * 7)[6] -= extra
        report = aging.aging(db, as_of)
        got = {r.customer_id: [*r.amounts, r.on_account_minor] for r in report.rows}
        assert got == {c: v for c, v in expected.items() if any(v)}, as_of
        for r in report.rows:
            credit = -r.on_account_minor  # set against the oldest overdue first
            later = [sum(r.amounts[k:]) for k in range(1, 6)]
            assert r.risk == sum(max(s - credit, 0) for s in later), (as_of, r.code)
            assert r.total_minor == sum(expected[r.customer_id])
        assert report.total_minor == sum(map(sum, expected.values()))
        assert aging.receivables_total(db, as_of) == report.total_minor


def test_today_the_total_is_the_sum_of_open_amounts_less_credit_on_account(db):
    a, b = _customer(db, "A"), _customer(db, "B")
    today = date.today()
    i1 = _invoice(db, a, 10_000, issued=today - timedelta(days=70), due=today - timedelta(40))
    _invoice(db, b, 3_333, issued=today - timedelta(days=5), due=today + timedelta(25))
    _invoice(db, b, -1_111, issued=today, kind="credit_note")
    _invoice(db, a, 9_999, issued=today, status="void")
    _pay(db, a, today - timedelta(days=1), 2_500, {i1: 2_500})
    _pay(db, b, today, 4_000, {})  # nothing applied: all on account
    with db.read() as s:
        counted = s.exec(select(Invoice).where(Invoice.status != "void")).all()
        ahead = sum(s.exec(select(Payment.unapplied_minor)).all())
    open_sum = sum(i.amount_minor - i.paid_minor for i in counted) - ahead
    report = aging.aging(db, today)
    assert report.total_minor == open_sum == 7_500 + 2_222 - 4_000
    assert sum(r.total_minor for r in report.rows) == open_sum
    assert sum(report.totals) + report.on_account_minor == open_sum
    assert report.on_account_minor == -1_111 - 4_000


def test_dso(db):
    cid = _customer(db, "C1")
    # sales in the 90 days ending on AS_OF (issued after April 1st): 9,000 - 1,000 = 8,000
    first = _invoice(db, cid, 50_000, issued=date(2026, 4, 1), due=date(2026, 5, 1))  # out
    inv = _invoice(db, cid, 6_000, issued=date(2026, 4, 2), due=date(2026, 5, 2))  # in
    _invoice(db, cid, 3_000, issued=AS_OF, due=date(2026, 7, 30))  # in (as_of itself)
    _invoice(db, cid, -1_000, issued=date(2026, 6, 1), kind="credit_note")
    _invoice(db, cid, 4_000, issued=date(2026, 6, 1), status="void")  # never
    _invoice(db, cid, 8_000, issued=date(2026, 7, 1))  # after as_of
    _pay(db, cid, date(2026, 5, 1), 50_000, {first: 50_000})
    result = aging.dso(db, AS_OF)
    assert result.sales_minor == 8_000
    assert result.receivables_minor == 6_000 + 3_000 - 1_000 == 8_000
    assert result.dso == Decimal("90.0")
    assert aging.dso(db, AS_OF, days=30).sales_minor == 3_000 - 1_000
    assert aging.dso(db, AS_OF, days=30).dso == Decimal("120.0")  # 8,000 / 2,000 x 30
    # as of April 2nd both invoices are open and both were issued in the last 7 days
    early = aging.dso(db, date(2026, 4, 2), days=7)
    assert (early.receivables_minor, early.sales_minor, early.dso) == (56_000, 56_000, 7)
    assert aging.dso(db, date(2026, 3, 1)).dso is None  # no sales: no DSO
    _pay(db, cid, date(2026, 6, 30), 1_000, {inv: 1_000})
    assert aging.dso(db, AS_OF, days=7).dso == Decimal("16.3")  # 7,000 / 3,000 x 7 = 16.33
    with pytest.raises(InvalidInput):
        aging.dso(db, AS_OF, days=0)


def test_collections_per_period(db):
    cid = _customer(db, "C1")
    inv = _invoice(db, cid, 10**9, issued=date(2026, 1, 1))
    for day, amount in [(date(2026, 3, 31), 1), (date(2026, 4, 1), 20), (date(2026, 4, 5), 300),
                        (date(2026, 4, 6), 4_000), (date(2026, 5, 31), 50_000),
                        (date(2026, 6, 1), 600_000)]:  # fmt: skip
        _pay(db, cid, day, amount, {inv: amount})
    note = _invoice(db, cid, -5, issued=date(2026, 4, 2), kind="credit_note")
    _pay(db, cid, date(2026, 4, 2), 0, {inv: 5, note: -5}, method="credit_note")  # not cash

    months = aging.collections(db, date(2026, 4, 1), date(2026, 5, 31), by="month")
    assert [(r.period, r.payments, r.amount_minor) for r in months.rows] == [
        (date(2026, 4, 1), 3, 4_320), (date(2026, 5, 1), 1, 50_000)
    ]  # fmt: skip
    assert (months.payments, months.amount_minor) == (4, 54_320)

    # ISO weeks start on Monday: 2026-04-05 is a Sunday, 2026-04-06 a Monday
    weeks = aging.collections(db, date(2026, 3, 31), date(2026, 4, 20), by="week")
    assert [(r.period, r.amount_minor) for r in weeks.rows] == [
        (date(2026, 3, 30), 321), (date(2026, 4, 6), 4_000), (date(2026, 4, 13), 0),
        (date(2026, 4, 20), 0),
    ]  # fmt: skip

    days = aging.collections(db, date(2026, 4, 4), date(2026, 4, 6), by="day")
    assert [(r.period, r.amount_minor) for r in days.rows] == [
        (date(2026, 4, 4), 0), (date(2026, 4, 5), 300), (date(2026, 4, 6), 4_000)
    ]  # fmt: skip
    with pytest.raises(InvalidInput):
        aging.collections(db, date(2026, 4, 4), date(2026, 4, 3))
    with pytest.raises(InvalidInput):
        aging.collections(db, date(2026, 4, 4), date(2026, 4, 5), by="year")


def test_credit_applied_later_counts_from_the_day_it_was_applied(db):
    """An over-payment received on 06-01 stays on account until it is applied to an
    invoice on 06-20: as of 06-10 the invoice is open and the credit on account, as of
    06-20 the invoice is part-paid and no credit is left; collections count the money
    once (the application is not cash)."""
    from oms_tui.services.finance import receivables

    cid = _customer(db, "CR")
    pay = receivables.record_payment(
        db, "finance", cid, 3_000, date(2026, 6, 1), today=date(2026, 6, 1)
    )  # nothing open: on account
    inv = _invoice(db, cid, 5_000, issued=date(2026, 5, 1), due=date(2026, 5, 11))
    result = receivables.apply_credit_on_account(db, "finance", cid, today=date(2026, 6, 20))
    assert [(a.amount_minor, a.left_minor, a.source) for a in result.applied] == [
        (3_000, 2_000, f"payment {pay.number}")
    ]
    before, after = aging.aging(db, date(2026, 6, 10)), aging.aging(db, date(2026, 6, 20))
    b, a = _row(before, "CR"), _row(after, "CR")
    assert (b.amounts, b.on_account_minor, b.total_minor) == ((0, 5_000, 0, 0, 0, 0), -3_000,
                                                              2_000)  # fmt: skip
    assert (a.amounts, a.on_account_minor, a.total_minor) == ((0, 0, 2_000, 0, 0, 0), 0, 2_000)
    assert (b.overdue_minor, b.risk) == (2_000, 2_000)
    assert aging.receivables_total(db, date(2026, 5, 31)) == 5_000  # before the payment
    got = aging.collections(db, date(2026, 6, 1), date(2026, 6, 30), by="month")
    assert (got.payments, got.amount_minor) == (1, 3_000)
    with db.read() as s:
        applied = s.exec(select(Payment).where(Payment.method == "on_account")).one()
        assert s.get(Invoice, inv).paid_minor == 3_000
    assert (applied.received_on, applied.amount_minor, applied.unapplied_minor) == (
        date(2026, 6, 20), 0, -3_000)  # fmt: skip
