"""Snapshots of the audit queue (80x24, 120x40), an order's detail and a search (80x24),
with fixed data, user and clock. Update with ``--snapshot-update`` only for intended changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select
from textual.pilot import Pilot

from oms_tui.models import Order, OrderAudit, OrderCheck, OrderEvent
from oms_tui.services.platform.db import Database
from oms_tui.services.sales import order_locks
from tests.pilot import settle

from .test_audit_queue import build_queue, queue_app

SnapCompare = Callable[..., bool]
FROZEN = datetime(2026, 3, 2, 9, 30)  # local time


def _utc(local: datetime) -> datetime:
    return local.astimezone(UTC)


@pytest.fixture
def fixed_db(sqlite_db: Database) -> Database:
    fixed_queue(sqlite_db)
    return sqlite_db


def fixed_queue(db: Database) -> None:
    """The queue of ``build_queue``, every time in it fixed relative to ``FROZEN``."""
    ids = build_queue(db, requested=date(2026, 3, 3))
    with db.write() as s:
        for n, oid in enumerate(sorted(ids.values())):
            at = _utc(FROZEN - timedelta(hours=6 - n))  # the first three wait too long
            o = s.get(Order, oid)
            o.created_at = o.updated_at = at
            s.add(o)
            for e in s.exec(select(OrderEvent).where(OrderEvent.order_id == oid)):
                e.at = at
                s.add(e)
            for c in s.exec(select(OrderCheck).where(OrderCheck.order_id == oid)):
                c.checked_at = at
                s.add(c)
            record = s.get(OrderAudit, oid)
            record.checked_at = at
            s.add(record)
    order_locks.open_for_edit(db, "wang", ids["short"], now=_utc(FROZEN) - timedelta(
        minutes=20))  # fmt: skip


def then(*keys: str) -> Callable[[Pilot], Any]:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_audit_queue(snap_compare: SnapCompare, fixed_db: Database, size: tuple[int, int]) -> None:
    app = queue_app(fixed_db, clock=FROZEN)
    assert snap_compare(app, terminal_size=size, run_before=then("a", "down", "space"))


def test_order_detail(snap_compare: SnapCompare, fixed_db: Database) -> None:
    app = queue_app(fixed_db, clock=FROZEN)  # "short" is the third in the queue
    assert snap_compare(app, terminal_size=(80, 24),
                        run_before=then("a", "down", "down", "enter"))  # fmt: skip


def test_reason_dialog(snap_compare: SnapCompare, fixed_db: Database) -> None:
    app = queue_app(fixed_db, clock=FROZEN)
    assert snap_compare(app, terminal_size=(80, 24), run_before=then("a", "h", "2"))


def test_order_search(snap_compare: SnapCompare, fixed_db: Database) -> None:
    app = queue_app(fixed_db, clock=FROZEN)
    assert snap_compare(app, terminal_size=(80, 24),
                        run_before=then("o", *"st:pending", "enter"))  # fmt: skip


# -- in Chinese (issue #18): double-width labels, columns and statuses still fit ---------------

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@SIZES
def test_audit_queue_zh(snap_compare: SnapCompare, fixed_db: Database,
                        size: tuple[int, int]) -> None:  # fmt: skip
    app = queue_app(fixed_db, clock=FROZEN, language="zh_CN")
    assert snap_compare(app, terminal_size=size, run_before=then("a", "down", "space"))


@SIZES
def test_order_detail_zh(snap_compare: SnapCompare, fixed_db: Database,
                         size: tuple[int, int]) -> None:  # fmt: skip
    app = queue_app(fixed_db, clock=FROZEN, language="zh_CN")
    assert snap_compare(app, terminal_size=size,
                        run_before=then("a", "down", "down", "enter"))  # fmt: skip


@SIZES
def test_order_search_zh(snap_compare: SnapCompare, fixed_db: Database,
                         size: tuple[int, int]) -> None:  # fmt: skip
    app = queue_app(fixed_db, clock=FROZEN, language="zh_CN")
    assert snap_compare(app, terminal_size=size,
                        run_before=then("o", *"st:pending", "enter"))  # fmt: skip


def test_reason_dialog_zh(snap_compare: SnapCompare, fixed_db: Database) -> None:
    app = queue_app(fixed_db, clock=FROZEN, language="zh_CN")
    assert snap_compare(app, terminal_size=(80, 24), run_before=then("a", "h", "2"))


def test_customer_history_zh(snap_compare: SnapCompare, fixed_db: Database) -> None:
    app = queue_app(fixed_db, clock=FROZEN, language="zh_CN")
    assert snap_compare(app, terminal_size=(80, 24),
                        run_before=then("a", "down", "down", "enter", "f6"))  # fmt: skip
