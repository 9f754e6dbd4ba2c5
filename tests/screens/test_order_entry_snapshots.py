"""Layout snapshots of order entry: a known customer and three lines, at 80x24 and 120x40.

Fixed data (the shop fixture, the past order dated), frozen clock, no cursor blink.
Update with ``pytest tests/screens/test_order_entry_snapshots.py --snapshot-update`` only
when the change is intended, and look at the SVGs first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlmodel import select
from textual.pilot import Pilot

from oms_tui.models import Order
from oms_tui.services.platform.db import Database
from oms_tui.widgets.scan_input import ScanInput

from .app_helpers import frozen_app
from .test_order_entry import settle, shop  # noqa: F401  (shop is a fixture)

SnapCompare = Callable[..., bool]


@pytest.fixture
def dated_shop(sqlite_db: Database, shop: dict[str, int]) -> dict[str, int]:  # noqa: F811
    date_past_orders(sqlite_db)
    return shop


def date_past_orders(db: Database) -> None:
    """The shop's past order dated (its age on screen does not move with the day)."""
    with db.write() as s:
        for order in s.exec(select(Order)):
            order.created_at = datetime(2026, 2, 20, 4, 0, tzinfo=UTC)
            s.add(order)


async def customer_and_three_lines(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    await pilot.press(*"13800138", "enter")
    await settle(pilot)
    await pilot.press(*"XD-40W*2", "enter", *"LED-9W*12", "enter", *"STRIP-5M", "enter")
    await settle(pilot)
    await pilot.press("up")
    for field in pilot.app.screen.query(ScanInput):
        field.cursor_blink = False
    await settle(pilot)


async def new_caller(pilot: Pilot) -> None:
    """An unknown caller's fields: the phone filled in, the address typed as one line, a
    refused group."""
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    await pilot.press(*"13900001111", "enter")
    await settle(pilot)
    await pilot.press(*"李雷", "tab", "tab", *"浙江杭州西湖区文三路1号", *["tab"] * 5,
                      "ctrl+u", *"x", "enter")  # fmt: skip
    for field in pilot.app.screen.query(ScanInput):
        field.cursor_blink = False
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_order_entry_with_a_customer_and_three_lines(
    snap_compare: SnapCompare, sqlite_db: Database, dated_shop: dict[str, int],
    size: tuple[int, int],
) -> None:  # fmt: skip
    assert snap_compare(frozen_app(sqlite_db), terminal_size=size,
                        run_before=customer_and_three_lines)  # fmt: skip


def test_order_entry_empty(snap_compare: SnapCompare, sqlite_db: Database,
                           dated_shop: dict[str, int]) -> None:  # fmt: skip
    async def opened(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("e")
        for field in pilot.app.screen.query(ScanInput):
            field.cursor_blink = False
        await settle(pilot)

    assert snap_compare(frozen_app(sqlite_db), terminal_size=(80, 24), run_before=opened)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_order_entry_new_caller_fields(
    snap_compare: SnapCompare, sqlite_db: Database, dated_shop: dict[str, int],
    size: tuple[int, int],
) -> None:  # fmt: skip
    """An unknown caller: the new customer's fields over the order, the phone filled in,
    the address typed as one line shown in its parts, a refused group marked."""
    assert snap_compare(frozen_app(sqlite_db), terminal_size=size, run_before=new_caller)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_order_entry_with_a_customer_and_three_lines_zh(
    snap_compare: SnapCompare, sqlite_db: Database, dated_shop: dict[str, int],
    size: tuple[int, int],
) -> None:  # fmt: skip
    """In Chinese (issue #18): labels, columns, totals and keys fit (double-width text)."""
    assert snap_compare(frozen_app(sqlite_db, language="zh_CN"), terminal_size=size,
                        run_before=customer_and_three_lines)  # fmt: skip


def test_order_entry_options_zh(snap_compare: SnapCompare, sqlite_db: Database,
                                dated_shop: dict[str, int]) -> None:  # fmt: skip
    """The F10 options menu in Chinese over the order: its letters are the English ones."""

    async def options(pilot: Pilot) -> None:
        await customer_and_three_lines(pilot)
        await pilot.press("f10")
        await settle(pilot)

    assert snap_compare(frozen_app(sqlite_db, language="zh_CN"), terminal_size=(80, 24),
                        run_before=options)  # fmt: skip
