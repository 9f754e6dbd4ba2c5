"""Two writers at once (issue #15, item 9): imports with the same new phones, the same file
imported twice, and ``oms generate`` while a clerk saves an order.

Each writer is a process of its own (tests/processes.py: own connections). The race is made,
not hoped for: a child waits at a barrier (or an event) at the point where the other
writer must act, so the interleaving is the same on every run; every wait is bounded.
"""

from __future__ import annotations

import csv
import io
import traceback

import pytest
from sqlalchemy import func
from sqlmodel import select

from oms_tui.models import Customer, CustomerPhone, Order, Product
from oms_tui.services.exchange import order_import
from oms_tui.services.platform.db import Database
from tests import processes
from tests.factories import make_customer, make_product


@pytest.fixture
def db(fresh_db: Database) -> Database:
    """Child processes here connect by URL and may outlive a failing test: a database of
    each test's own rather than this process's shared schema (conftest), with the test
    users (the commands run here act as one; fresh_db seeds them)."""
    return fresh_db


PHONES = 300  # new callers in each file: one batch (order_import.BATCH) of orders
WAIT = 120  # seconds any child waits for the other side: a bound, never a timing


def _file(prefix: str, phones: int = PHONES) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(order_import.FIELDS)
    for n in range(phones):
        w.writerow([f"{prefix}{n}", "2026-11-30 10:00", f"客户{n}", f"+86 139-{n:04d}-0000",
                    "上海市 浦东新区 世纪大道 100 号", "LAMP-1", "1", "", "",
                    "prepaid"])  # fmt: skip
    return buf.getvalue().encode("utf-8")


def _both_planned_then_write(barrier) -> None:  # noqa: ANN001
    """Both imports read their preview before either writes: the race at its worst."""
    real = order_import.plan_import

    def planned(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        plan = real(*args, **kwargs)
        barrier.wait(timeout=WAIT)
        return plan

    order_import.plan_import = planned


def _import_service(url: str, data: bytes, barrier, results) -> None:  # noqa: ANN001
    db = Database(url)
    try:
        _both_planned_then_write(barrier)
        result = order_import.run_import(db, "importer", data, "ecommerce")
        results.put((len(result.created), result.failed, None))
    except BaseException:  # noqa: BLE001 - reported to the parent
        results.put((0, True, traceback.format_exc()))
    finally:
        db.dispose()


def _import_cli(url: str, path: str, barrier, results) -> None:  # noqa: ANN001
    from oms_tui.cli import app
    from tests.cli.runner import _runner

    try:
        _both_planned_then_write(barrier)
        got = _runner.invoke(app, ["import", "orders", path, "--channel", "ecommerce",
                                   "--db", url], prog_name="oms")  # fmt: skip
        error = "".join(traceback.format_exception(got.exception)) if got.exception and \
            not isinstance(got.exception, SystemExit) else None  # fmt: skip
        results.put((got.exit_code, got.stdout, got.stderr, error))
    except BaseException:  # noqa: BLE001
        results.put((None, "", "", traceback.format_exc()))


def _run(target, argsets) -> list:  # noqa: ANN001
    ctx = processes.context()
    barrier = ctx.Barrier(len(argsets))
    results = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, barrier, results)) for args in argsets]
    for p in procs:
        p.start()
    reports = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return reports


def _shop(db: Database) -> None:
    make_product(db, code="LAMP-1", price_minor=8_900)
    make_customer(db, name="王小明", phone="138 0013 8000")


def test_two_imports_of_the_same_new_phones_at_once_make_one_customer_per_phone(db):
    _shop(db)
    reports = _run(_import_service, [(db.url, _file("TB")), (db.url, _file("JD"))])
    assert [r[2] for r in reports if r[2]] == []
    assert sorted(r[:2] for r in reports) == [(PHONES, False), (PHONES, False)]
    with db.read() as s:
        customers = s.exec(select(func.count()).select_from(Customer)).one()
        per_phone = s.exec(select(CustomerPhone.digits, func.count())
                           .group_by(CustomerPhone.digits)
                           .having(func.count() > 1)).all()  # fmt: skip
        ordered_by = s.exec(select(func.count(func.distinct(Order.customer_id)))).one()
    assert per_phone == []
    assert customers == PHONES + 1  # the file's callers, and the shop's own customer
    assert ordered_by == PHONES  # both files' orders went to the same customers


def test_the_same_file_imported_twice_at_once_says_already_imported(db, tmp_path):
    _shop(db)
    path = tmp_path / "orders.csv"
    path.write_bytes(_file("TB"))
    reports = _run(_import_cli, [(db.url, str(path)), (db.url, str(path))])
    assert [r[3] for r in reports if r[3]] == []
    outputs = sorted((r[0], r[1], r[2]) for r in reports)  # exit code, stdout, stderr
    assert outputs == [
        (0, "", f"{PHONES} orders created, 0 updated, 0 unchanged, 0 refused, 0 bad rows\n"),
        (0, "", f"already imported: {PHONES} orders unchanged, nothing created\n"),
    ]
    with db.read() as s:
        assert s.exec(select(func.count()).select_from(Order)).one() == PHONES
        assert s.exec(select(func.count()).select_from(Customer)).one() == PHONES + 1


# --------------------------------------------------------------------------------------------
# oms generate while a clerk saves an order


def _generate(url: str, ids_taken, saved, results) -> None:  # noqa: ANN001
    """Generate orders; once their ids are taken (nothing written yet), let the clerk save
    an order and wait for it (PostgreSQL: SQLite's writer lock keeps the clerk out until
    the batch is in, so waiting there would wait for ever)."""
    from oms_tui.demo import generate, orders

    db = Database(url)
    real = orders.OrderSimulator.assign_numbers

    def ids_then_numbers(self, session) -> None:  # noqa: ANN001
        ids_taken.set()
        if db.dialect == "postgresql":
            assert saved.wait(timeout=WAIT), "the clerk did not save"
        real(self, session)

    orders.OrderSimulator.assign_numbers = ids_then_numbers
    try:
        summary = generate.generate_orders(db, "generator", 40, seed=3)
        results.put((summary.orders, None))
    except BaseException:  # noqa: BLE001
        results.put((0, traceback.format_exc()))
    finally:
        db.dispose()


def test_generate_while_a_clerk_saves_an_order_collides_on_no_id(db):
    from oms_tui.demo.generate import generate_orders
    from oms_tui.services.sales import orders

    generate_orders(db, "generator", 20, seed=2)  # the catalog, customers and a few orders
    with db.read() as s:
        customer_id = s.exec(select(Customer.id).order_by(Customer.id)).first()
        product_id = s.exec(select(Product.id).where(Product.active).order_by(Product.id)).first()
    ctx = processes.context()
    ids_taken, saved, results = ctx.Event(), ctx.Event(), ctx.Queue()
    child = ctx.Process(target=_generate, args=(db.url, ids_taken, saved, results))
    child.start()
    try:
        assert ids_taken.wait(timeout=WAIT)
        clerk = orders.create_order(db, "clerk", customer_id, [orders.NewLine(product_id, 1)])
        saved.set()
        made, error = results.get(timeout=600)
    finally:
        child.join(timeout=60)
    assert error is None, error
    assert made == 40
    with db.read() as s:
        assert s.exec(select(func.count()).select_from(Order)).one() == 20 + 40 + 1
        assert s.get(Order, clerk.id).created_by == "clerk"
