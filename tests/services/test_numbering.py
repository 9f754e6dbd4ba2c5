"""Order numbers: readable, sequential per year, unique and gap-free across processes."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlmodel import select

from oms_tui.models import NumberSequence, Order
from oms_tui.services.platform import numbering
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.platform.numbering import format_number
from oms_tui.services.sales import orders
from tests import processes
from tests.factories import make_customer, make_product

PER_PROCESS = 25
PROCESSES = 3


def test_format():
    assert format_number("SO", 2026, 123) == "SO-2026-000123"
    assert numbering.normalise_order_number(" so-2026-123 ") == "SO-2026-000123"


def test_numbers_follow_each_other_and_a_failed_order_leaves_no_gap(db):
    c = make_customer(db)
    pid = make_product(db)
    year = datetime.now().year
    first = orders.create_order(db, "t", c.id, [orders.NewLine(pid, 1)])
    with pytest.raises(InvalidInput):  # line 2 is bad: the whole order rolls back
        orders.create_order(db, "t", c.id, [orders.NewLine(pid, 1), orders.NewLine(pid, 0)])
    second = orders.create_order(db, "t", c.id, [orders.NewLine(pid, 1)])
    assert first.number == f"SO-{year}-000001"
    assert second.number == f"SO-{year}-000002"
    assert re.fullmatch(r"SO-\d{4}-\d{6}", second.number)


def _create_many(url: str, customer_id: int, product_id: int, start, out) -> None:  # noqa: ANN001
    db = Database(url)
    start.wait()
    numbers = []
    for _ in range(PER_PROCESS):
        numbers.append(orders.create_order(db, "t", customer_id, [
            orders.NewLine(product_id, 1)]).number)  # fmt: skip
    out.put(numbers)
    db.dispose()


@pytest.mark.slow
def test_concurrent_processes_get_unique_gap_free_numbers(fresh_db):
    db = fresh_db  # child processes connect by URL: a schema of its own
    c = make_customer(db)
    pid = make_product(db)
    ctx = processes.context()
    start, out = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=_create_many, args=(db.url, c.id, pid, start, out))
             for _ in range(PROCESSES)]  # fmt: skip
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    numbers = [n for r in results for n in r]
    total = PER_PROCESS * PROCESSES
    assert len(set(numbers)) == total, "duplicate order numbers"
    year = datetime.now().year
    assert sorted(numbers) == [format_number("SO", year, i) for i in range(1, total + 1)]
    with db.read() as s:
        assert len(s.exec(select(Order.id)).all()) == total
        assert s.get(NumberSequence, ("SO", year)).last_value == total
    # each process saw its own numbers in increasing order
    for r in results:
        assert r == sorted(r)
