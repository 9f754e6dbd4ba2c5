"""`oms report aging | dso | collections | buckets` as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import select

from oms_tui.models import Invoice, Payment
from oms_tui.services.platform.money import from_minor
from tests.cli.runner import oms
from tests.services.test_aging import _customer, _invoice, _pay

TODAY = date.today()


def _days(n: int) -> date:
    return TODAY + timedelta(days=n)


def _ledger(db) -> dict[str, int]:
    """Customers A, B, C with invoices old and new, part payments, credit notes, a void one."""
    a, b, c = _customer(db, "A", "甲方建材"), _customer(db, "B", "乙方装饰"), _customer(db, "C")
    a1 = _invoice(db, a, 123_456, issued=_days(-200), due=_days(-170))
    a2 = _invoice(db, a, 10_001, issued=_days(-40), due=_days(-10))
    _invoice(db, a, 77_700, issued=_days(-40), due=_days(-10), status="void")
    _pay(db, a, _days(-100), 23_456, {a1: 23_456})
    _pay(db, a, _days(-5), 15_000, {a2: 10_001})  # 4,999 left on account
    b1 = _invoice(db, b, 50_000, issued=_days(-20), due=_days(10))
    note = _invoice(db, b, -5_050, issued=_days(-3), kind="credit_note")
    _pay(db, b, _days(-3), 0, {b1: 5_050, note: -5_050}, method="credit_note")
    _invoice(db, b, -999, issued=_days(-2), kind="credit_note")  # credit still on account
    _invoice(db, c, 3_300, issued=_days(-65), due=_days(-62))
    return {"A": a, "B": b, "C": c}


def _open_sum(db) -> int:
    """Open invoices and credit notes, less the over-payments kept on account."""
    with db.read() as s:
        counted = s.exec(select(Invoice).where(Invoice.status != "void")).all()
        on_account = sum(s.exec(select(Payment.unapplied_minor)).all())
    return sum(i.amount_minor - i.paid_minor for i in counted) - on_account


def test_json_totals_equal_the_open_amounts_net_of_credit_on_account(sqlite_db):
    _ledger(sqlite_db)
    out = oms("--db", sqlite_db.url, "report", "aging", "--format", "json")
    assert out.exit_code == 0, out.stderr
    doc = json.loads(out.stdout)
    open_sum = _open_sum(sqlite_db)
    assert open_sum == 100_000 + 44_950 - 999 + 3_300 - 4_999
    assert doc["as_of"] == TODAY.isoformat() and doc["currency"] == "CNY"
    assert Decimal(doc["totals"]["total"]) == from_minor(open_sum, "CNY")
    assert sum(Decimal(c["total"]) for c in doc["customers"]) == from_minor(open_sum, "CNY")
    for label in doc["columns"]:
        assert Decimal(doc["totals"][label]) == sum(Decimal(c[label]) for c in doc["customers"])
    assert doc["columns"][-2:] == ["on account", "total"]
    assert [c["code"] for c in doc["customers"]] == ["A", "C", "B"]  # riskiest first
    a = doc["customers"][0]  # the 4,999 over-paid is on account, set against the over 120
    assert (a["name"], a["over 120"], a["1-30"], a["on account"], a["total"], a["risk"]) == (
        "甲方建材", "1000.00", "0.00", "-49.99", "950.01", 5 * (100_000 - 4_999))  # fmt: skip
    b = doc["customers"][2]  # the credit note not applied is on account, not aged
    assert (b["not due"], b["1-30"], b["on account"], b["total"], b["risk"]) == (
        "449.50", "0.00", "-9.99", "439.51", 0)  # fmt: skip
    assert doc["totals"]["on account"] == "-59.98"

    past = oms("--db", sqlite_db.url, "report", "aging", "--as-of", _days(-30).isoformat(),
               "--format", "json")  # fmt: skip
    doc = json.loads(past.stdout)
    # a1 less the payment 100 days ago, a2 (issued 40 days ago), C's invoice; B not issued
    # yet; the over-payment came 5 days ago: nothing on account yet
    assert Decimal(doc["totals"]["total"]) == from_minor(100_000 + 10_001 + 3_300, "CNY")
    assert doc["totals"]["on account"] == "0.00"


def test_table_and_csv(sqlite_db):
    _ledger(sqlite_db)
    table = oms("--db", sqlite_db.url, "report", "aging", "--buckets", "60")
    assert table.exit_code == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0] == f"Aging as of {TODAY} (CNY), aged on the due date, riskiest first"
    assert lines[1].split() == ["customer", "name", "not", "due", "1-60", "over", "60", "on",
                                "account", "total"]  # fmt: skip
    assert lines[2].split() == ["A", "甲方建材", "0.00", "0.00", "1,000.00", "-49.99", "950.01"]
    assert lines[-1].split() == ["total", "449.50", "0.00", "1,033.00", "-59.98", "1,422.52"]
    assert table.stderr.strip() == "3 customers with open receivables or credit on account"

    out = oms("--db", sqlite_db.url, "report", "aging", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out.stdout.removeprefix("\ufeff"))))  # BOM: CSV files
    assert rows[0] == ["code", "name", "not due", "1-30", "31-60", "61-90", "91-120",
                       "over 120", "on account", "total"]  # fmt: skip
    assert rows[1:] == [
        ["A", "甲方建材", "0.00", "0.00", "0.00", "0.00", "0.00", "1000.00", "-49.99", "950.01"],
        ["C", "客户 C", "0.00", "0.00", "0.00", "33.00", "0.00", "0.00", "0.00", "33.00"],
        ["B", "乙方装饰", "449.50", "0.00", "0.00", "0.00", "0.00", "0.00", "-9.99", "439.51"],
    ]


def test_dso_collections_and_buckets(sqlite_db):
    _ledger(sqlite_db)
    dso = oms("--db", sqlite_db.url, "report", "dso", "--days", "30")
    assert dso.exit_code == 0, dso.stderr
    # open 1,422.52 (net of the 49.99 on account) / sales in 30 days (500.00 - 50.50 - 9.99
    # = 439.51) x 30 = 97.1
    assert dso.stdout.strip() == (f"DSO as of {TODAY} over 30 days: 97.1 days  (receivables "
                                  "1,422.52, sales 439.51 CNY)")  # fmt: skip

    start, end = _days(-6), _days(-2)
    out = oms("--db", sqlite_db.url, "report", "collections", "--from", start.isoformat(),
              "--to", end.isoformat(), "--by", "day", "--format", "json")  # fmt: skip
    assert out.exit_code == 0, out.stderr
    doc = json.loads(out.stdout)
    assert [(p["period"], p["payments"], p["amount"]) for p in doc["periods"]] == [
        (_days(-6).isoformat(), 0, "0.00"), (_days(-5).isoformat(), 1, "150.00"),
        (_days(-4).isoformat(), 0, "0.00"), (_days(-3).isoformat(), 0, "0.00"),
        (_days(-2).isoformat(), 0, "0.00"),
    ]  # fmt: skip
    # (applying the credit note 3 days ago was a payment of 0: not money received)
    assert doc["total"] == {"payments": 1, "amount": "150.00"}

    shown = oms("--db", sqlite_db.url, "report", "buckets")
    assert shown.stdout.strip() == "30,60,90,120  (not due, 1-30, 31-60, 61-90, 91-120, over 120)"
    changed = oms("--db", sqlite_db.url, "report", "buckets", "45,90")
    assert changed.stdout.strip() == "45,90  (not due, 1-45, 46-90, over 90)"
    header = oms("--db", sqlite_db.url, "report", "aging", "--format", "csv").stdout
    assert header.splitlines()[0] == "\ufeffcode,name,not due,1-45,46-90,over 90,on account,total"


def test_bad_input_is_one_line_and_exit_1(sqlite_db):
    url = sqlite_db.url
    cases = {
        ("report", "aging", "--as-of", "2026-02-30"): "oms: --as-of 2026-02-30: use YYYY-MM-DD",
        ("report", "aging", "--format", "xml"): "oms: --format xml: use table, csv or json",
        ("report", "dso", "--as-of", "yesterday"): "oms: --as-of yesterday: use YYYY-MM-DD",
        ("report", "collections", "--from", "2026-1-1", "--to", "2026-02-01"):
            "oms: --from 2026-1-1: use YYYY-MM-DD",
        ("report", "collections", "--from", "2026-03-01", "--to", "2026-02-01"):
            "oms: the period ends (2026-02-01) before it starts (2026-03-01)",
        ("report", "buckets", "60,30"):
            "oms: aging buckets 60,30: each limit above 0 and above the one before, "
            "e.g. 30,60,90,120",
    }  # fmt: skip
    for args, message in cases.items():
        out = oms("--db", url, *args)
        assert (out.exit_code, out.stderr.strip(), out.stdout) == (1, message, ""), args
        assert len(out.stderr.splitlines()) == 1
