"""COD remittances are recorded once (issue 15): carrier + tracking number + remittance
reference (or the day received) is a row's identity; a list imported again, or by two
clerks at the same moment, pays once."""

from __future__ import annotations

import os
import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from oms_tui.models import CodRemittance, Invoice, Payment
from oms_tui.services.finance.cod_remittances import Remittance, reconcile_cod
from oms_tui.services.platform.settings import set_setting
from oms_tui.services.shipping import dispatch
from tests.dispatch_factories import allocated_order, world

MONDAY = date(2026, 11, 30)


def _shipped(db, tracking_no="SF123456789012"):
    """An order shipped by SF: (its tracking number, its invoice amount)."""
    w = world(db)
    oid = allocated_order(db, [(w.lamp, 1)])
    [sh] = dispatch.create_shipments(db, "picker", [oid], carrier_id=w.carriers["SF"],
                                     today=MONDAY)  # fmt: skip
    dispatch.ship(db, "packer", sh.id, tracking_no, today=MONDAY)
    with db.read() as s:
        amount = s.exec(select(Invoice.amount_minor).where(Invoice.order_id == oid)).one()
    return tracking_no, amount


def _paid(db):
    with db.read() as s:
        payments = s.exec(select(Payment.amount_minor, Payment.reference)
                          .where(Payment.method == "cod_remittance")
                          .order_by(Payment.id)).all()  # fmt: skip
        invoice = s.exec(select(Invoice.paid_minor, Invoice.status)).one()
    return [tuple(p) for p in payments], tuple(invoice)


def test_a_remittance_list_imported_twice_pays_once(db):
    tracking, amount = _shipped(db)
    rows = [Remittance(tracking, amount - 100)]  # the carrier kept 1 yuan: still open
    first = reconcile_cod(db, "finance", MONDAY, rows, today=MONDAY)
    second = reconcile_cod(db, "finance", MONDAY, rows, today=MONDAY)
    assert _paid(db) == ([(amount - 100, tracking)], (amount - 100, "open"))
    assert len(first.matched) == 1 and first.already == ()
    assert (second.matched, second.differences) == ((), ())
    assert second.already == ((tracking, f"already recorded: {first.matched[0]}, received "
                                         "2026-11-30"),)  # fmt: skip
    # with the carrier's reference, the identity no longer depends on the day imported
    with_ref = [Remittance(tracking, 60, "HK-20261201-07")]
    assert len(reconcile_cod(db, "finance", MONDAY, with_ref, today=MONDAY).matched) == 1
    later = reconcile_cod(db, "finance", MONDAY + timedelta(days=1), with_ref,
                          today=MONDAY + timedelta(days=1))  # fmt: skip
    assert later.matched == () and later.already[0][1].startswith("already recorded: ")
    assert _paid(db)[0] == [(amount - 100, tracking), (60, tracking)]
    with db.read() as s:
        recorded = s.exec(select(CodRemittance.carrier, CodRemittance.reference,
                                 CodRemittance.amount_minor)
                          .order_by(CodRemittance.id)).all()  # fmt: skip
    assert [tuple(r) for r in recorded] == [("SF", "2026-11-30", amount - 100),
                                            ("SF", "HK-20261201-07", 60)]  # fmt: skip


def test_rows_refused_are_reported_and_not_recorded(db):
    tracking, amount = _shipped(db)
    set_setting(db, "admin", "max_amount_minor", str(amount))
    rows = [Remittance(tracking, amount + 1), Remittance(tracking, 0, "R-0")]
    got = reconcile_cod(db, "finance", MONDAY, rows, today=MONDAY)
    assert got.matched == () and [t for t, _why in got.differences] == [tracking, tracking]
    assert "is over the limit of" in got.differences[0][1]
    assert got.differences[1][1] == "the amount must be above 0"
    assert _paid(db) == ([], (0, "open"))
    # nothing recorded: the corrected row pays
    assert len(reconcile_cod(db, "finance", MONDAY, [Remittance(tracking, amount)],
                             today=MONDAY).matched) == 1  # fmt: skip


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("OMS_TEST_POSTGRES_URL"), reason="PostgreSQL only")
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_imports_of_one_list_at_the_same_moment_pay_once(db_url):
    """Both imports are held at the invoice's row lock (which any payment of it takes) and
    let go together: one pays, the other reports the row as already recorded."""
    from oms_tui.services.platform import schema
    from oms_tui.services.platform.db import Database
    from tests.databases import seed_users

    db = Database(db_url)
    schema.upgrade(db)
    seed_users(db)
    tracking, amount = _shipped(db)
    rows = [Remittance(tracking, amount - 100)]
    results, errors = [], []

    def run() -> None:
        try:
            results.append(reconcile_cod(db, "finance", MONDAY, rows, today=MONDAY))
        except Exception as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)

    holder = db.engine.connect()
    # a second connection watches (pg_stat_activity is a snapshot per transaction)
    watcher = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    waiting = text(  # sessions waiting on the holder, directly or behind another
        "WITH RECURSIVE w(pid) AS (SELECT pid FROM pg_stat_activity"
        " WHERE :me = ANY(pg_blocking_pids(pid)) UNION SELECT a.pid"
        " FROM pg_stat_activity a JOIN w ON w.pid = ANY(pg_blocking_pids(a.pid)))"
        " SELECT count(*) FROM w"
    )  # fmt: skip
    try:
        with holder.begin():
            holder.execute(text("SELECT id FROM invoice FOR UPDATE"))
            me = holder.execute(text("SELECT pg_backend_pid()")).scalar_one()
            threads = [threading.Thread(target=run) for _ in range(2)]
            for t in threads:
                t.start()
            deadline = time.monotonic() + 120  # a bound for a broken build, not a timing
            while watcher.execute(waiting, {"me": me}).scalar_one() < 2:
                assert time.monotonic() < deadline, "the imports never both waited"
                time.sleep(0.05)
        for t in threads:
            t.join(timeout=120)
    finally:
        holder.close()
        watcher.close()
    assert errors == []
    assert _paid(db) == ([(amount - 100, tracking)], (amount - 100, "open"))
    assert sorted((len(r.matched), len(r.already)) for r in results) == [(0, 1), (1, 0)]
    db.dispose()
