"""`oms payment record | cod`, `oms dunning run`, `oms print statement`."""

from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfReader
from sqlmodel import select

from oms_tui.models import Customer, Invoice
from oms_tui.services import dispatch
from tests.audit_factories import customer
from tests.dispatch_factories import allocated_order, world
from tests.test_cli import oms


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
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("林小燕\tCredit hold")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(letters.read_bytes())).pages)
    assert "林小燕" in text and "INV-OLD" in text and "¥500.00" in text
    with sqlite_db.read() as s:
        assert s.get(Customer, cid).credit_hold

    paid = oms("--db", sqlite_db.url, "payment", "record", code, "350", "--method", "bank",
               "--reference", "网银 8812")  # fmt: skip
    assert paid.returncode == 0, paid.stderr
    assert paid.stdout.splitlines() == ["INV-OLD\t¥300.00\tleft ¥0.00",
                                        "INV-NEW\t¥50.00\tleft ¥150.00"]  # fmt: skip
    with sqlite_db.read() as s:
        assert not s.get(Customer, cid).credit_hold  # what is left is 5 days over: a reminder
    statement = tmp_path / "st.pdf"
    done = oms("--db", sqlite_db.url, "print", "statement", code, "--out", str(statement))
    assert done.returncode == 0, done.stderr
    text = PdfReader(io.BytesIO(statement.read_bytes())).pages[0].extract_text()
    assert "对账单" in text and "INV-NEW" in text and "¥150.00" in text and "¥350.00" in text

    bad = oms("--db", sqlite_db.url, "payment", "record", code, "abc")
    assert bad.returncode == 1 and bad.stderr.strip() == "oms: 'abc' is not an amount (e.g. 12.50)"
    nobody = oms("--db", sqlite_db.url, "payment", "record", "C999999", "1")
    assert nobody.returncode == 1 and nobody.stderr.strip() == "oms: no customer matches 'C999999'"


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
    assert done.returncode == 1
    assert done.stdout.strip() == "SF999: no shipment with this tracking number"
    assert done.stderr.strip() == "1 remittances recorded, 1 to look at"
    with sqlite_db.read() as s:
        assert s.exec(select(Invoice.status).where(Invoice.order_id == oid)).one() == "paid"


def test_dunning_and_aging_limits_in_oms_settings(sqlite_db):
    shown = oms("--db", sqlite_db.url, "settings").stdout
    assert "dunning_days             7,30,60,90" in shown
    assert "aging_buckets            30,60,90,120" in shown
    changed = oms("--db", sqlite_db.url, "settings", "dunning_days", "5,20,40,60")
    assert "dunning_days             5,20,40,60" in changed.stdout
    bad = oms("--db", sqlite_db.url, "settings", "aging_buckets", "60,30")
    assert bad.returncode == 1 and bad.stderr.startswith("oms: aging buckets 60,30")
