"""`oms payment record | apply-credit | cod`, `oms dunning run`, `oms print statement`."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import select

from oms_tui.models import Customer, Invoice, Payment
from oms_tui.services.shipping import dispatch
from tests.audit_factories import customer
from tests.cli.runner import oms
from tests.dispatch_factories import allocated_order, world


def _invoice(db, cid, amount, due, number):
    with db.write() as s:
        s.add(Invoice(number=number, customer_id=cid, amount_minor=amount, issued_on=due,
                      due_on=due, created_by="t"))  # fmt: skip


def _code(db, cid):
    with db.read() as s:
        return s.get(Customer, cid).code


def test_payment_record_dunning_and_statement(sqlite_db, tmp_path):
    cid = customer(sqlite_db, name="林小燕", phone="13700000001")
    code = _code(sqlite_db, cid)
    _invoice(sqlite_db, cid, 30_000, date.today() - timedelta(days=100), "INV-OLD")
    _invoice(sqlite_db, cid, 20_000, date.today() - timedelta(days=5), "INV-NEW")
    letters = tmp_path / "dunning.pdf"
    ran = oms("--db", sqlite_db.url, "dunning", "run", "--out", str(letters))
    assert ran.exit_code == 0, ran.stderr
    assert ran.stdout.startswith("林小燕\tCredit hold")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(letters.read_bytes())).pages)
    assert "林小燕" in text and "INV-OLD" in text and "¥500.00" in text
    with sqlite_db.read() as s:
        assert s.get(Customer, cid).credit_hold

    paid = oms("--db", sqlite_db.url, "payment", "record", code, "350", "--method", "bank",
               "--reference", "网银 8812")  # fmt: skip
    assert paid.exit_code == 0, paid.stderr
    assert paid.stdout.splitlines() == ["INV-OLD\t¥300.00\tleft ¥0.00",
                                        "INV-NEW\t¥50.00\tleft ¥150.00"]  # fmt: skip
    with sqlite_db.read() as s:
        assert not s.get(Customer, cid).credit_hold  # what is left is 5 days over: a reminder
    statement = tmp_path / "st.pdf"
    done = oms("--db", sqlite_db.url, "print", "statement", code, "--out", str(statement))
    assert done.exit_code == 0, done.stderr
    text = PdfReader(io.BytesIO(statement.read_bytes())).pages[0].extract_text()
    assert "对账单" in text and "INV-NEW" in text and "¥150.00" in text and "¥350.00" in text

    bad = oms("--db", sqlite_db.url, "payment", "record", code, "abc")
    assert bad.exit_code == 1 and bad.stderr.strip() == "oms: 'abc' is not an amount (e.g. 12.50)"
    nobody = oms("--db", sqlite_db.url, "payment", "record", "C999999", "1")
    assert nobody.exit_code == 1 and nobody.stderr.strip() == "oms: no customer matches 'C999999'"


def test_cod_remittance_file(sqlite_db, tmp_path):
    w = world(sqlite_db)
    oid = allocated_order(sqlite_db, [(w.lamp, 1)])
    [sh] = dispatch.create_shipments(sqlite_db, "picker", [oid], carrier_id=w.carriers["SF"])
    dispatch.ship(sqlite_db, "packer", sh.id, "SF123456789012")
    with sqlite_db.read() as s:
        amount = s.exec(select(Invoice.amount_minor).where(Invoice.order_id == oid)).one()
    csv_file = tmp_path / "sf_cod.csv"
    csv_file.write_text(f"运单号,代收金额\nSF123456789012,{amount / 100:.2f}\nSF999,12\n",
                        encoding="gb18030")  # fmt: skip
    done = oms("--db", sqlite_db.url, "payment", "cod", str(csv_file))
    assert done.exit_code == 1
    assert done.stdout.strip() == "SF999: no shipment with this tracking number"
    assert done.stderr.strip() == "1 remittances recorded, 1 to look at"
    with sqlite_db.read() as s:
        assert s.exec(select(Invoice.status).where(Invoice.order_id == oid)).one() == "paid"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("abc", "'abc' is not an amount (e.g. 12.50)"),
        ("1e9", "'1e9' is not an amount: write it in digits, e.g. 1000000000"),
        ("1e400", "'1e400' is not an amount: write it in digits, e.g. 1000000000"),
        ("0.001", "'0.001' is not an amount: CNY has 2 decimals"),
        ("-5", "the amount must be above 0"),
        ("10000000000.01", "the payment ¥10,000,000,000.01 is over the limit of "
                           "¥10,000,000,000.00 (setting max_amount_minor)"),
    ],
)  # fmt: skip
def test_an_amount_refused_is_one_line(sqlite_db, typed, said):
    code = _code(sqlite_db, customer(sqlite_db))
    bad = oms("--db", sqlite_db.url, "payment", "record", code, typed)
    assert (bad.exit_code, bad.stdout, bad.stderr) == (1, "", f"oms: {said}\n")


def test_a_cod_file_imported_twice_pays_once(sqlite_db, tmp_path):
    w = world(sqlite_db)
    oid = allocated_order(sqlite_db, [(w.lamp, 1)])
    [sh] = dispatch.create_shipments(sqlite_db, "picker", [oid], carrier_id=w.carriers["SF"])
    dispatch.ship(sqlite_db, "packer", sh.id, "SF123456789012")
    csv_file = tmp_path / "sf_cod.csv"
    csv_file.write_text("运单号,代收金额,汇款单号\nSF123456789012,5.00,HK-0007\nSF1,1e3\n",
                        encoding="utf-8")  # fmt: skip
    first = oms("--db", sqlite_db.url, "payment", "cod", str(csv_file))
    assert first.stdout.splitlines()[0] == ("row 3: '1e3' is not an amount: write it in digits, "
                                            "e.g. 1000000000")  # fmt: skip
    assert first.stderr.strip() == "1 remittances recorded, 2 to look at"
    again = oms("--db", sqlite_db.url, "payment", "cod", str(csv_file))
    assert again.stdout.splitlines()[1].startswith("SF123456789012: already recorded: PAY-")
    assert again.stderr.strip() == "0 remittances recorded, 1 already recorded, 1 to look at"
    with sqlite_db.read() as s:
        assert s.exec(select(Payment.amount_minor)).all() == [500]


def test_payment_apply_credit_and_the_auto_apply_setting(db):
    """On every test engine: the setting shown and switched off, then the credit on
    account applied by hand to the open invoices, oldest due first."""
    from oms_tui.models import Payment, PaymentAllocation
    from oms_tui.services.finance import receivables

    shown = oms("--db", db.url, "settings").stdout
    assert "credit_auto_apply        1" in shown
    off = oms("--db", db.url, "--user", "admin", "settings", "credit_auto_apply", "0")
    assert off.exit_code == 0, off.stderr
    assert "credit_auto_apply        0" in off.stdout
    bad = oms("--db", db.url, "settings", "credit_auto_apply", "2")
    assert bad.exit_code == 1 and bad.stderr.startswith("oms: credit_auto_apply must be 0")

    cid = customer(db, name="林小燕", phone="13700000002")
    code = _code(db, cid)
    nothing = oms("--db", db.url, "payment", "apply-credit", code)
    assert (nothing.exit_code, nothing.stdout) == (0, "")
    assert nothing.stderr.strip() == "林小燕 has no credit on account"
    today = date.today()
    ahead = receivables.record_payment(db, "finance", cid, 50_000, today - timedelta(days=9))
    _invoice(db, cid, 20_000, today - timedelta(days=3), "INV-NEWER")
    _invoice(db, cid, 45_000, today - timedelta(days=40), "INV-OLDER")
    done = oms("--db", db.url, "--user", "wang", "payment", "apply-credit", code)
    assert done.exit_code == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"INV-OLDER\t¥450.00\tfrom payment {ahead.number}\tleft ¥0.00",
        f"INV-NEWER\t¥50.00\tfrom payment {ahead.number}\tleft ¥150.00",
    ]
    assert done.stderr.strip() == (
        "¥500.00 of credit on account applied for 林小燕; ¥0.00 left on account"
    )
    with db.read() as s:
        [app] = s.exec(select(Payment).where(Payment.method == "on_account")).all()
        allocs = s.exec(select(PaymentAllocation.amount_minor)
                        .where(PaymentAllocation.payment_id == app.id)).all()  # fmt: skip
        invoices = s.exec(select(Invoice.number, Invoice.paid_minor, Invoice.status)
                          .order_by(Invoice.due_on)).all()  # fmt: skip
    assert (app.amount_minor, app.unapplied_minor, app.created_by, app.received_on) == (
        0, -50_000, "wang", today)  # fmt: skip
    assert app.reference == f"credit on account from payment {ahead.number}"
    assert sorted(allocs) == [5_000, 45_000]
    assert [tuple(r) for r in invoices] == [("INV-OLDER", 45_000, "paid"),
                                            ("INV-NEWER", 5_000, "open")]  # fmt: skip
    receivables.record_payment(db, "finance", cid, 16_000, today, invoice_numbers=["INV-NEWER"])
    _invoice(db, cid, 700, today + timedelta(days=30), "INV-AHEAD")  # issued after today
    waiting = oms("--db", db.url, "payment", "apply-credit", code)
    assert waiting.stdout == ""
    assert waiting.stderr.strip() == "林小燕 has ¥10.00 on account and no open invoice it can pay"


def test_a_payment_in_another_currency_pays_that_currencys_invoice(sqlite_db):
    cid = customer(sqlite_db, name="Acme Ltd", phone="13700000077")
    code = _code(sqlite_db, cid)
    _invoice(sqlite_db, cid, 30_000, date.today() - timedelta(days=10), "INV-CNY")
    with sqlite_db.write() as s:
        s.add(Invoice(number="INV-USD", customer_id=cid, currency="USD", amount_minor=12_000,
                      issued_on=date.today(), due_on=date.today(), created_by="t"))  # fmt: skip
    paid = oms("--db", sqlite_db.url, "payment", "record", code, "150", "--currency", "usd")
    assert paid.exit_code == 0, paid.stderr
    assert paid.stdout.splitlines() == ["INV-USD\t$120.00\tleft $0.00"]
    assert "$30.00 kept on account" in paid.stderr
    with sqlite_db.read() as s:
        assert s.exec(select(Payment.currency)).all() == ["USD"]
    bad = oms("--db", sqlite_db.url, "payment", "record", code, "1", "--currency", "dollars")
    assert bad.exit_code != 0
    assert bad.stderr.strip() == "oms: currency 'dollars': three letters, e.g. CNY or USD"
    changed = oms("--db", sqlite_db.url, "settings", "currency", "USD")
    assert changed.exit_code != 0
    assert "the company currency stays CNY: invoices are already in it" in changed.stderr
