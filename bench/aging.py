"""Receivables reports over 1,000,000 invoices: aging as of several dates, DSO, collections.

    python bench/aging.py                       # copies bench/big.db to /tmp/aging.db once
    python bench/aging.py --runs 9 --fresh      # a new copy first

Set-up (not timed): a copy of ``bench/big.db`` (1M orders, ~886k invoices, ~824k payments,
each payment allocated to one invoice), topped up with SQL ``INSERT ... SELECT`` to
``--invoices`` (1,000,000): copies of existing invoices with their payments and allocations
(so ``paid_minor`` stays the sum of the allocations, as ``services/receivables.py`` keeps
it) and one unapplied credit note (-10 %) for every fifth copy. Then two checks, also not
timed: no invoice whose ``paid_minor`` differs from its allocations, and the report's grand
total for one past date equals the textbook query (amount less allocations of payments
received by then, over all invoices issued by then, less the credit on account from the
payments received by then: over-payments, net of the credit applied from them by then, as
``services/aging.py`` and ``receivables.credit_exposure`` define it).

Timed (``time.perf_counter``, each call a fresh read session): ``aging.aging`` for four
``as_of`` dates, ``--runs`` times each (the first run of each date reported separately as
"first"), ``aging.dso`` (90 days) and ``aging.collections`` by month, week and day over the
year. Prints the query plan of the aging statement and one JSON line of figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from oms_tui.services.finance import aging  # noqa: E402
from oms_tui.services.platform.db import Database  # noqa: E402

HERE = Path(__file__).resolve().parent
# Proposed, not in the schema: --indexes adds them to the working copy to measure them.
PROPOSED_INDEXES = (
    # the "payments received after as_of" list, and collections read from the index alone
    # (on received_on only, collections over a year got slower: a table lookup per payment)
    "CREATE INDEX IF NOT EXISTS ix_payment_received ON payment (received_on, method, amount_minor)",
    # later payments' allocations without a table lookup each
    "CREATE INDEX IF NOT EXISTS ix_payment_allocation_payment_cover "
    "ON payment_allocation (payment_id, invoice_id, amount_minor)",
    # the invoices not settled today (8 % of them here), instead of reading the whole table
    "CREATE INDEX IF NOT EXISTS ix_invoice_unsettled ON invoice "
    "(customer_id, due_on, issued_on, currency, amount_minor, paid_minor) "
    "WHERE status <> 'void' AND amount_minor <> paid_minor",
)
DATES = (date(2026, 11, 29), date(2026, 9, 30), date(2026, 6, 30), date(2026, 1, 31))


def top_up(path: Path, target: int) -> dict:
    """Copies of invoices 1..k (with their payments and allocations) and credit notes."""
    con = sqlite3.connect(path)
    have = con.execute("SELECT count(*) FROM invoice").fetchone()[0]
    need = target - have
    if need <= 0:
        con.close()
        return {"invoices_before": have, "added": 0}
    copies = need - need // 6  # then one credit note per fifth copy: copies + copies/5 = need
    credit_notes = need - copies
    off_i = con.execute("SELECT max(id) FROM invoice").fetchone()[0]
    off_p = con.execute("SELECT max(id) FROM payment").fetchone()[0]
    with con:
        con.execute(f"""
            INSERT INTO invoice (id, number, kind, order_id, shipment_id, customer_id, currency,
                amount_minor, paid_minor, issued_on, due_on, status, created_by, created_at)
            SELECT id + {off_i}, 'INV-B-' || id, kind, NULL, NULL, customer_id, currency,
                amount_minor, paid_minor, issued_on, due_on, status, created_by, created_at
            FROM invoice WHERE id <= {copies}""")
        con.execute(f"""
            INSERT INTO payment (id, number, customer_id, received_on, amount_minor, method,
                reference, unapplied_minor, created_by, created_at)
            SELECT p.id + {off_p}, 'PAY-B-' || p.id, p.customer_id, p.received_on,
                p.amount_minor, p.method, p.reference, p.unapplied_minor, p.created_by,
                p.created_at
            FROM payment p WHERE p.id IN
                (SELECT payment_id FROM payment_allocation WHERE invoice_id <= {copies})""")
        con.execute(f"""
            INSERT INTO payment_allocation (payment_id, invoice_id, amount_minor)
            SELECT payment_id + {off_p}, invoice_id + {off_i}, amount_minor
            FROM payment_allocation WHERE invoice_id <= {copies}""")
        con.execute(f"""
            INSERT INTO invoice (number, kind, customer_id, currency, amount_minor, paid_minor,
                issued_on, due_on, status, created_by, created_at)
            SELECT 'CN-B-' || id, 'credit_note', customer_id, currency, -(amount_minor / 10), 0,
                due_on, due_on, 'open', created_by, created_at
            FROM invoice WHERE id <= {copies} AND id % 5 = 0 LIMIT {credit_notes}""")
    con.close()
    return {"invoices_before": have, "copies": copies, "credit_notes": credit_notes}


def counts(path: Path) -> dict:
    con = sqlite3.connect(path)
    out = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
           for t in ("invoice", "payment", "payment_allocation", "customer")}  # fmt: skip
    out["open_invoices"] = con.execute(
        "SELECT count(*) FROM invoice WHERE status <> 'void' AND amount_minor <> paid_minor"
    ).fetchone()[0]
    con.close()
    return out


def checks(path: Path, db: Database, as_of: date) -> dict:
    con = sqlite3.connect(path)
    drift = con.execute("""
        SELECT count(*) FROM invoice i WHERE paid_minor <> coalesce(
            (SELECT sum(amount_minor) FROM payment_allocation a WHERE a.invoice_id = i.id), 0)
    """).fetchone()[0]
    textbook = con.execute("""
        SELECT (SELECT coalesce(sum(amount_minor), 0) FROM invoice
                WHERE status <> 'void' AND issued_on <= :d AND currency = 'CNY')
             - (SELECT coalesce(sum(a.amount_minor), 0) FROM payment_allocation a
                JOIN payment p ON p.id = a.payment_id JOIN invoice i ON i.id = a.invoice_id
                WHERE p.received_on <= :d AND i.issued_on <= :d AND i.status <> 'void'
                  AND i.currency = 'CNY')
             - (SELECT coalesce(sum(unapplied_minor), 0) FROM payment WHERE received_on <= :d)
    """, {"d": as_of.isoformat()}).fetchone()[0]  # fmt: skip
    con.close()
    report = aging.aging(db, as_of)
    assert drift == 0, f"{drift} invoices whose paid_minor is not their allocations"
    assert report.total_minor == textbook, (report.total_minor, textbook)
    return {"paid_minor_drift": drift, "as_of": as_of.isoformat(), "total_minor": textbook}


def timed(fn, runs: int) -> dict:  # noqa: ANN001
    """Wall time (first run, then p50 and max of the others) and this process's CPU time
    (p50), which other processes on the machine disturb less."""
    seconds, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    rest, cpu_rest = seconds[1:] or seconds, cpu[1:] or cpu
    return {"first_s": round(seconds[0], 3), "p50_s": round(statistics.median(rest), 3),
            "max_s": round(max(rest), 3),
            "cpu_p50_s": round(statistics.median(cpu_rest), 3)}  # fmt: skip


def plan(db: Database, as_of: date) -> list[str]:
    query = aging.aging_query(as_of, aging.DEFAULT_BUCKETS, "CNY")
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    with db.engine.connect() as conn:
        return [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", default=str(HERE / "big.db"))
    ap.add_argument("--db", default="/tmp/aging.db", help="the working copy")
    ap.add_argument("--fresh", action="store_true", help="copy the source again")
    ap.add_argument("--invoices", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=6)
    ap.add_argument("--indexes", action="store_true",
                    help="add the proposed indexes to the copy (give another --db)")  # fmt: skip
    args = ap.parse_args()

    path = Path(args.db)
    t0 = time.perf_counter()
    if args.fresh or not path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(args.source, path)
    topped = top_up(path, args.invoices)
    if args.indexes:
        con = sqlite3.connect(path)
        for ddl in PROPOSED_INDEXES:
            con.execute(ddl)
        con.close()
    setup_s = time.perf_counter() - t0
    db = Database(f"sqlite:///{path}")
    sizes = counts(path)
    checked = checks(path, db, date(2026, 6, 30))
    load_before = os.getloadavg()

    result: dict = {"db": str(path), "setup_s": round(setup_s, 1), "top_up": topped, **sizes,
                    "proposed_indexes": args.indexes, "check": checked,
                    "aging": {}}  # fmt: skip
    for as_of in DATES:
        report = aging.aging(db, as_of)
        result["aging"][as_of.isoformat()] = {
            "customers": len(report.rows), "total_minor": report.total_minor,
            **timed(lambda d=as_of: aging.aging(db, d), args.runs),
        }  # fmt: skip
    every = [v for r in result["aging"].values() for v in (r["p50_s"], r["max_s"])]
    result["aging_max_s"] = max(every)
    result["dso_90"] = {"dso": str(aging.dso(db, DATES[0]).dso),
                        **timed(lambda: aging.dso(db, DATES[0]), args.runs)}  # fmt: skip
    start, end = date(2025, 11, 30), DATES[0]
    for by in ("month", "week", "day"):
        c = aging.collections(db, start, end, by=by)
        result[f"collections_{by}"] = {
            "periods": len(c.rows), "amount_minor": c.amount_minor,
            **timed(lambda b=by: aging.collections(db, start, end, by=b), args.runs),
        }  # fmt: skip
    result["load_avg_1m_before_after"] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]
    result["python"] = platform.python_version()
    result["sqlite"] = sqlite3.sqlite_version
    result["goal_s"] = 1.0

    print("aging query plan (as of", DATES[0], "):")
    for line in plan(db, DATES[0]):
        print("   ", line)
    print(json.dumps(result))
    db.dispose()
    if result["aging_max_s"] >= result["goal_s"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
