"""`oms dunning run` (as of today or earlier; letters saved with the steps, then printed)
and `oms dunning reprint RUN|CUSTOMER`."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func
from sqlmodel import select

from oms_tui.models import Customer, DunningLetter, Invoice
from oms_tui.services.platform import printing
from oms_tui.services.platform.settings import set_setting
from tests.audit_factories import customer
from tests.cli.runner import oms


def _late_customers(db, n: int) -> list[int]:
    ids = [customer(db, phone=f"1370000{k:04d}") for k in range(n)]
    with db.write() as s:
        for cid in ids:
            s.add(Invoice(number=f"INV-{cid}", customer_id=cid, amount_minor=10_000,
                          issued_on=date.today() - timedelta(days=20),
                          due_on=date.today() - timedelta(days=20), created_by="t"))  # fmt: skip
    return ids


def _pdf_text(path) -> str:  # noqa: ANN001
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


@pytest.mark.parametrize("day", ["2030-01-01", "9999-12-31"])
def test_dunning_is_not_run_as_of_a_day_after_today(sqlite_db, day):
    _late_customers(sqlite_db, 2)
    ran = oms("--db", sqlite_db.url, "dunning", "run", "--as-of", day)
    assert ran.exit_code != 0
    assert ran.stderr.strip().splitlines() == [
        f"oms: dunning runs as of {date.today()} or an earlier day, not {day}"
    ]
    with sqlite_db.read() as s:
        assert s.exec(select(func.count()).select_from(DunningLetter)).one() == 0
        assert s.exec(select(func.count()).where(Customer.credit_hold == True)).one() == 0  # noqa: E712


def test_a_failed_print_keeps_the_letters_saved_and_reprint_prints_them_again(sqlite_db, tmp_path):
    ids = _late_customers(sqlite_db, 2)
    set_setting(sqlite_db, "admin", "printer", "no-such-printer")
    ran = oms("--db", sqlite_db.url, "dunning", "run", env={"PATH": str(tmp_path)})  # no lp
    assert ran.exit_code != 0
    with sqlite_db.read() as s:
        runs = s.exec(select(DunningLetter.run).order_by(DunningLetter.id)).all()
        code = s.get(Customer, ids[1]).code
    assert len(runs) == 2 and len(set(runs)) == 1  # both stepped, in one run
    saved = printing.documents_dir() / f"dunning-{runs[0]}.pdf"
    [line] = ran.stderr.strip().splitlines()
    assert "printer 'no-such-printer' failed" in line and saved.name in line
    assert "INV-" in _pdf_text(saved)  # the letters were saved with the steps
    again = tmp_path / "again.pdf"
    done = oms("--db", sqlite_db.url, "dunning", "reprint", runs[0], "--out", str(again))
    assert done.exit_code == 0, done.stderr
    assert _pdf_text(again).count("Reminder 付款提醒") == 2
    one = tmp_path / "one.pdf"
    done = oms("--db", sqlite_db.url, "dunning", "reprint", code, "--out", str(one))
    assert done.exit_code == 0, done.stderr
    assert f"INV-{ids[1]}" in _pdf_text(one) and f"INV-{ids[0]}" not in _pdf_text(one)
    missing = oms("--db", sqlite_db.url, "dunning", "reprint", "DR-1999-000001")
    assert missing.exit_code != 0
    assert "no dunning run or customer 'DR-1999-000001'" in missing.stderr
