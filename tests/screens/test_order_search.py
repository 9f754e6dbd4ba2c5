"""Order search at 80x24 by keys: number, phone, status paging over more than one page."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from oms_tui.app import OmsApp
from oms_tui.services.platform.db import Database
from oms_tui.services.sales import orders
from oms_tui.widgets.order_list import OrderList
from tests.audit_factories import customer, order, stock
from tests.factories import make_product
from tests.pilot import settle

from .app_helpers import flat, screen_text
from .test_audit_queue import queue_app

PAGE = 50


@pytest.fixture
def many_db(sqlite_db: Database) -> Database:
    """120 pending orders of one customer, 3 drafts of another (a known phone)."""
    busy = customer(sqlite_db, name="张三水站", phone="13911112222")
    other = customer(sqlite_db, name="李四灯饰", phone="13655556666")
    pid = make_product(sqlite_db, code="W-19L", name="Water 19L", price_minor=1500)
    stock(sqlite_db, pid, 100_000)
    for n in range(120):
        order(sqlite_db, busy, [(pid, n + 1)], submit=True)
    for n in range(3):
        order(sqlite_db, other, [(pid, n + 1)])
    return sqlite_db


def results(app: OmsApp) -> OrderList:
    return app.screen.query_one("#results", OrderList)


async def search(pilot: Pilot, text: str) -> None:
    await pilot.press("f4")  # back to the query line, wherever the focus is
    await pilot.press("ctrl+u")  # clear it (Input's own key)
    await pilot.press(*text, "enter")
    await settle(pilot)


async def test_search_by_number_phone_and_status_pages_past_one_page(many_db: Database) -> None:
    app = queue_app(many_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert type(app.screen).__name__ == "OrderSearchScreen"
        assert len(results(app).rows) == PAGE  # newest first, one page (+ what fills the screen)
        assert results(app).loading_more

        await search(pilot, "so-2026-7")
        assert [f.row.number for f in results(app).rows] == ["SO-2026-000007"]
        assert "1 order for “so-2026-7”" in flat(screen_text(app))

        await search(pilot, "5555 6666")
        assert {f.row.customer_name for f in results(app).rows} == {"李四灯饰"}
        assert len(results(app).rows) == 3

        await search(pilot, "st:pending")
        assert app.focused is results(app)
        assert len(results(app).rows) == PAGE and results(app).loading_more
        for _ in range(6):  # End: the last loaded row; the next pages come as it gets there
            await pilot.press("end")
            await settle(pilot)
        rows = results(app).rows
        assert len(rows) == 120 and not results(app).loading_more
        assert {f.row.status for f in rows} == {"pending_audit"}
        assert len({f.row.id for f in rows}) == 120  # no row twice across pages
        assert "120 orders for “st:pending”" in flat(screen_text(app))


async def test_a_bad_query_says_why_and_enter_opens_the_order(many_db: Database) -> None:
    app = queue_app(many_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press(*"st:nope", "enter")
        assert "no status 'nope'" in screen_text(app)
        await search(pilot, "李四")
        first = results(app).highlighted.row.number
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "OrderDetailScreen"
        text = flat(screen_text(app))
        assert first in text and "李四灯饰" in text
        await pilot.press("escape")
        assert type(app.screen).__name__ == "OrderSearchScreen"
        assert orders.get_order(many_db, first).status == "draft"


async def test_open_order_from_the_command_palette(many_db: Database) -> None:
    from textual.command import CommandPalette

    app = queue_app(many_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await search(pilot, "李四")
        first = results(app).highlighted.row.number
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"open order")
        await settle(pilot)
        assert "Orders: Open order" in flat(screen_text(app))
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "OrderDetailScreen"
        assert first in flat(screen_text(app))


async def test_coming_back_focuses_the_query_line_with_the_last_query_selected(
    many_db: Database,
) -> None:
    """Issue #16: back on order search, a typed query is a query (``p:W-19L`` once opened
    Production: the results had the focus and ``p`` is its key)."""
    from textual.widgets import Input

    app = queue_app(many_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await search(pilot, "四灯")  # the middle of 李四灯饰: 2 Chinese characters
        assert {f.row.customer_name for f in results(app).rows} == {"李四灯饰"}
        assert app.focused is results(app)
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        await pilot.press("o")
        await settle(pilot)
        query = app.screen.query_one("#query", Input)
        assert app.focused is query and query.selected_text == "四灯"
        await pilot.press(*"p:W-19L", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "OrderSearchScreen"
        assert query.value == "p:W-19L" and len(results(app).rows) == PAGE
        await pilot.press("escape", "o")
        await settle(pilot)
        await pilot.press(*"W-19L", "enter")  # no p: needed for a whole product code
        await settle(pilot)
        assert query.value == "W-19L" and len(results(app).rows) == PAGE
