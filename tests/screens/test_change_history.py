"""Changes (F11 / Ctrl+E): from the customer's account, the customer history, the stock card
and order detail, one screen lists the thing's change log newest first (an order's events
with it), at 80x24; a change just made in the app is there."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.cells import cell_len

from oms_tui.messages import OpenOrder
from oms_tui.models import Customer
from oms_tui.screens.change_history import ChangeHistoryScreen, change_row
from oms_tui.screens.customer_history import CustomerHistoryScreen
from oms_tui.screens.receivables.customer import CustomerScreen
from oms_tui.services.catalog import maintenance
from oms_tui.services.inventory import stock
from oms_tui.services.parties.customers import set_credit_hold_in
from oms_tui.services.platform.db import Database
from oms_tui.services.sales.change_history import CHANGE, HistoryRow
from oms_tui.widgets.order_list import OrderList
from tests.databases import ensure_user
from tests.factories import make_customer, make_order
from tests.pilot import settle

from .app_helpers import flat, frozen_app, screen_text
from .test_receivables import frozen_app as receivables_app
from .test_receivables import open_receivables, receivables_db, type_in
from .test_stock import open_stock, scan, stock_app, stock_db  # noqa: F401  (a fixture)


def changes_rows(app) -> list[HistoryRow]:  # noqa: ANN001
    screen = app.screen
    assert isinstance(screen, ChangeHistoryScreen)
    return list(screen.query_one("#changes-list", OrderList).rows)


async def test_a_hold_released_in_the_customer_account_shows_in_its_changes(
    sqlite_db: Database,
) -> None:
    ids = receivables_db(sqlite_db)
    ensure_user(sqlite_db, "boss", role="manager")
    with sqlite_db.write() as s:
        set_credit_hold_in(s, "dunning", s.get(Customer, ids["late"]), True, "overdue 100 days")
    app = receivables_app(sqlite_db, user="boss")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_receivables(pilot)
        await pilot.press("enter")  # the riskiest customer first: 杭州明亮灯饰
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)
        await pilot.press("f11")  # release the hold, with a reason
        await type_in(pilot, "paid at the counter")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        rows = changes_rows(app)
        assert [(r.actor, r.field, r.before, r.after) for r in rows] == [
            ("boss", "credit_hold", "yes", "no"),
            ("dunning", "credit_hold", "no", "yes"),
            ("tester", "created", "", "杭州明亮灯饰"),
        ]
        text = flat(screen_text(app))
        assert "Changes · C" in text and "杭州明亮灯饰" in text
        assert "boss credit hold yes → no released by boss: paid at th…" in text
        # the highlighted row whole under the list
        assert "boss credit hold: yes → no released by boss: paid at the counter" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen)


async def test_order_detail_shows_the_orders_events_then_its_customers_changes(
    sqlite_db: Database,
) -> None:
    order = make_order(sqlite_db, submit=True)
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.post_message(OpenOrder(order.number))
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        rows = changes_rows(app)
        assert [(r.actor, r.field, r.before, r.after) for r in rows] == [
            ("tester", "status", "draft", "pending_audit"),
            ("tester", "status", "", "draft"),
        ]
        text = flat(screen_text(app))
        assert f"Changes · {order.number}" in text and "Draft → Pending audit" in text
        await pilot.press("escape", "f6")  # the customer's history, then its changes
        await settle(pilot)
        assert isinstance(app.screen, CustomerHistoryScreen)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert [r.field for r in changes_rows(app)] == ["created"]


async def test_the_stock_card_opens_the_products_changes_over_the_scan_line(
    sqlite_db: Database,
    stock_db: dict[str, int],  # noqa: F811
) -> None:
    row = stock.ReorderRow(stock_db["lamp"], "LED-40W", "LED panel 40W", "HZ", 40, 0, 0,
                           "1.50", 7, 5, 16, 0, 0)  # fmt: skip
    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        screen = await open_stock(pilot)
        await pilot.press("ctrl+e")  # no product yet: said, nothing opened
        await settle(pilot)
        assert pilot.app.screen is screen and "product first" in flat(screen_text(pilot.app))
        await scan(pilot, "LED-40W")
        stock.apply_reorder_points(sqlite_db, "buyer", [row])  # a change made just now
        await pilot.press("ctrl+e")  # the scan line would take it as "end": not here
        await settle(pilot)
        [change] = changes_rows(pilot.app)
        assert (change.actor, change.field, change.before, change.after) == (
            "buyer",
            "reorder_point HZ",
            "0",
            "16",
        )
        assert "buyer reorder point HZ: 0 → 16 computed from demand" in flat(screen_text(pilot.app))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p", *"changes")  # the palette too (the footer is full here)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert [r.field for r in changes_rows(pilot.app)] == ["reorder_point HZ"]


async def test_the_stock_card_shows_a_products_edits(
    sqlite_db: Database,
    stock_db: dict[str, int],  # noqa: F811
) -> None:
    """`oms product set` (services/catalog/maintenance.py) writes the product's change log:
    the stock card's F11 shows each field changed, labelled, with its before and after."""
    maintenance.set_product(sqlite_db, "boss", "LED-40W", {"price": "25.00", "tax": "9"},
                            reason="new price list")  # fmt: skip
    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await scan(pilot, "LED-40W")
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert [(r.actor, r.field, r.before, r.after) for r in changes_rows(pilot.app)] == [
            ("boss", "tax", "13%", "9%"),
            ("boss", "price", "¥19.99", "¥25.00"),
        ]
        text = flat(screen_text(pilot.app))
        assert "boss tax rate 13% → 9% new price list" in text
        assert "boss list price ¥19.99 → ¥25.00 new price list" in text


def test_a_long_change_is_cut_to_the_row_and_keeps_its_columns() -> None:
    row = HistoryRow(
        datetime(2026, 12, 7, 8, 30, tzinfo=UTC),
        "zhangsan-the-clerk",
        "address",
        "",
        "上海市 浦东新区 世纪大道 1 号 " * 4,
        "from an imported order",
        CHANGE,
        1,
    )
    text = "".join(piece for piece, _style in change_row(row, 79))
    assert text.startswith(row.at.astimezone().strftime("%y-%m-%d %H:%M") + " zhangsa… address ")
    assert text.rstrip().endswith("…") and cell_len(text) == 79  # (a half cell left: after the …)


async def test_the_changes_follow_the_language(sqlite_db: Database) -> None:
    hit = make_customer(sqlite_db)
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(CustomerHistoryScreen(hit.id))
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        assert "tester created — → 王小明" in flat(screen_text(app))
        await pilot.press("ctrl+f")  # 中文
        await settle(pilot)
        text = flat(screen_text(app))
        assert "变更记录 · " + hit.code in text and "tester 新建 — → 王小明" in text


async def test_a_long_history_loads_more_as_pgdn_goes_down(sqlite_db: Database) -> None:
    from oms_tui.services.platform.change_log import record_changes

    hit = make_customer(sqlite_db)
    with sqlite_db.write() as s:  # 120 changes, more than a page
        record_changes(s, "wang", "customer", [(hit.code, "route_seq", n, n + 1)
                                               for n in range(120)])  # fmt: skip
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(CustomerHistoryScreen(hit.id))
        await settle(pilot)
        await pilot.press("f11")
        await settle(pilot)
        assert len(changes_rows(app)) == 50
        for _ in range(4):
            await pilot.press("pagedown")
            await settle(pilot)
        rows = changes_rows(app)
        assert len(rows) == 100 and len({(r.source, r.id) for r in rows}) == 100
        for _ in range(6):
            await pilot.press("pagedown")
            await settle(pilot)
        assert [r.field for r in changes_rows(app)][-1] == "created"  # all 121, the first last
        assert len(changes_rows(app)) == 121
