"""The stock area at 80x24, by keys only: stock check by barcode and by name, the ledger,
receive / transfer / adjust dialogs, the below-reorder list, reorder CSV, a stocktake by a
scanner burst. Every assertion on screen is backed by one on the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot

from oms_tui.app import OmsApp, make_app
from oms_tui.config import Settings
from oms_tui.models import StockLevel, StockMove, Stocktake, StocktakeCount, Warehouse
from oms_tui.screens.stock import StockScreen
from oms_tui.screens.stock.lists import LowStockScreen, ReorderScreen
from oms_tui.screens.stock.stocktake import StocktakeScreen, parse_scan
from oms_tui.services.fulfilment import stock_operations as ops
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.widgets.form_dialog import FormDialog
from oms_tui.widgets.order_list import OrderList
from tests.factories import make_product
from tests.pilot import settle

from .app_helpers import flat, screen_text

USER = "warehouse"  # stock moves are the warehouse's (stock.move)


def add_warehouses(db: Database) -> None:
    with db.write() as s:
        for rank, (code, name) in enumerate((("HZ", "Hangzhou"), ("GZ", "Guangzhou"),
                                             ("CD", "Chengdu"))):  # fmt: skip
            s.add(Warehouse(code=code, name=name, allocation_rank=rank))


def set_reorder_point(db: Database, product_id: int, wh: str, point: int) -> None:
    with db.write() as s:
        wid = s.exec(select(Warehouse.id).where(Warehouse.code == wh)).one()
        level = s.exec(select(StockLevel).where(StockLevel.product_id == product_id,
                                                StockLevel.warehouse_id == wid)).one()  # fmt: skip
        level.reorder_point = point
        s.add(level)


def level(db: Database, product_id: int, wh: str) -> tuple[int, int]:
    with db.read() as s:
        wid = s.exec(select(Warehouse.id).where(Warehouse.code == wh)).one()
        lv = s.exec(select(StockLevel).where(StockLevel.product_id == product_id,
                                             StockLevel.warehouse_id == wid)).one()  # fmt: skip
        return lv.on_hand, lv.reserved


def moves(db: Database, product_id: int) -> list[tuple[str, int, str, str, str]]:
    with db.read() as s:
        rows = s.exec(select(StockMove).where(StockMove.product_id == product_id)
                      .order_by(col(StockMove.id))).all()  # fmt: skip
        return [(m.kind, m.qty, m.reference, m.reason, m.actor) for m in rows]


@pytest.fixture
def stock_db(sqlite_db: Database) -> dict[str, int]:
    """Three warehouses; a lamp with a barcode stocked in HZ (40) and GZ (5, reorder 10);
    two spotlights (a name search finds both); a strip never stocked."""
    db = sqlite_db
    add_warehouses(db)
    ids = {
        "lamp": make_product(db, code="LED-40W", name="LED panel 40W", barcode="6901234567892"),
        "spot7": make_product(db, code="SPOT-7W", name="Spotlight 7W", barcode="6900000000007"),
        "spot9": make_product(db, code="SPOT-9W", name="Spotlight 9W", barcode="6900000000009"),
        "strip": make_product(db, code="STRIP-5M", name="LED strip 5m"),
    }
    ops.receive(db, "wang", "HZ", [(ids["lamp"], 40), (ids["spot7"], 3)], supplier="Opple",
                reference="DN-1")  # fmt: skip
    ops.receive(db, "wang", "GZ", [(ids["lamp"], 5)], supplier="Opple", reference="DN-2")
    set_reorder_point(db, ids["lamp"], "GZ", 10)
    set_reorder_point(db, ids["spot7"], "HZ", 5)
    return ids


def stock_app(db: Database, user: str = USER) -> OmsApp:
    return make_app(Settings(database_url=db.url, user=user), db)


async def open_stock(pilot: Pilot) -> StockScreen:
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StockScreen)
    return pilot.app.screen


async def scan(pilot: Pilot, text: str) -> None:
    await pilot.press(*text, "enter")
    await settle(pilot)


# -- stock check -----------------------------------------------------------------------------


async def test_scanning_a_barcode_shows_stock_per_warehouse_and_the_ledger(
    sqlite_db: Database, stock_db: dict[str, int]
) -> None:
    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        screen = await open_stock(pilot)
        assert pilot.app.focused is screen.scan
        await scan(pilot, "6901234567892")
        assert screen.card is not None and screen.card.product_id == stock_db["lamp"]
        text = screen_text(pilot.app)
        lines = text.splitlines()
        hz = next(line for line in lines if line.startswith(" HZ "))
        gz = next(line for line in lines if line.startswith(" GZ "))
        cd = next(line for line in lines if line.startswith(" CD "))
        # on hand, reserved, available, incoming, reorder point
        assert hz.split()[-5:] == ["40", "0", "40", "0", "0"]
        assert gz.split()[-6:] == ["5", "0", "5", "0", "10", "low"]
        assert cd.split()[-6:] == ["0", "0", "0", "0", "0", "out"]
        assert "LED-40W" in text and "45 available of 45 on hand" in flat(text)
        # the ledger, newest first, from the database
        ledger = screen.ledger
        assert [(m.warehouse_code, m.kind, m.qty) for m in ledger.rows] == [
            ("GZ", "receipt", 5), ("HZ", "receipt", 40)]  # fmt: skip
        assert "receipt" in text and "+40" in text and "wang" in text
        assert pilot.app.focused is screen.scan  # the scan line keeps the focus


async def test_words_search_by_name_and_pick_from_the_matches(
    sqlite_db: Database, stock_db: dict[str, int]
) -> None:
    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        screen = await open_stock(pilot)
        await scan(pilot, "spotlight")
        assert screen.card is None
        assert [h.code for h in screen.hits] == ["SPOT-7W", "SPOT-9W"]
        assert "2 match" in screen_text(pilot.app)
        await pilot.press("down", "enter")  # Enter on the empty line picks the highlighted
        await settle(pilot)
        assert screen.card is not None and screen.card.code == "SPOT-9W"
        await scan(pilot, "strip 5m")  # one match: shown at once
        assert screen.card.code == "STRIP-5M"
        await scan(pilot, "nothing-like-this")
        assert "Nothing matches" in screen_text(pilot.app)
        assert screen.card.code == "STRIP-5M"  # the product shown stays


async def test_pagedown_loads_more_of_the_ledger(sqlite_db: Database,
                                                 stock_db: dict[str, int]) -> None:  # fmt: skip
    lamp = stock_db["lamp"]
    for n in range(70):  # 72 moves in all: two pages of 50
        ops.adjust(sqlite_db, "li", lamp, "HZ", 1 if n % 2 else -1, f"recount {n}")
    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        screen = await open_stock(pilot)
        await scan(pilot, "led-40w")  # the code in any case
        ledger = screen.ledger
        assert len(ledger.rows) == 50 and ledger.loading_more
        assert ledger.rows[0].reason == "recount 69"
        for _ in range(5):
            await pilot.press("pagedown")
            await settle(pilot)
        assert len(ledger.rows) == 72 and not ledger.loading_more
        assert ledger.rows[-1].kind == "receipt"
        assert [m.id for m in ledger.rows] == sorted((m.id for m in ledger.rows), reverse=True)
        assert pilot.app.focused is screen.scan


# -- operations ------------------------------------------------------------------------------


async def test_receive_goods_by_dialog_writes_the_move_and_the_level(
    sqlite_db: Database, stock_db: dict[str, int]
) -> None:
    lamp = stock_db["lamp"]
    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        screen = await open_stock(pilot)
        await pilot.press("f6")  # nothing shown yet: refused, said so
        assert pilot.app.screen is screen
        assert "Scan or type a product first" in screen_text(pilot.app)
        await scan(pilot, "LED-40W")
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormDialog)
        # the focus starts in Qty (the warehouse is filled in: HZ)
        await pilot.press(*"abc", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormDialog)  # a bad quantity stays in the dialog
        assert "quantity" in screen_text(pilot.app)
        await pilot.press("tab", *"Opple", "tab", *"DN-77", "shift+tab", "shift+tab")
        await pilot.press(*"12")  # tabbing in selects the field: typing replaces it
        await pilot.press("shift+tab", *"GZ", "enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert level(sqlite_db, lamp, "GZ") == (17, 0)
        kind, qty, ref, reason, actor = moves(sqlite_db, lamp)[-1]
        assert (kind, qty, actor, reason) == ("receipt", 12, USER, "from Opple")
        assert ref.startswith("PR-")
        text = flat(screen_text(pilot.app))
        assert f"Received 12 LED-40W into GZ: {ref}" in text
        assert screen.card is not None and screen.card.on_hand == 57  # read again
        assert screen.ledger.rows[0].qty == 12


async def test_the_move_just_made_shows_highlighted_at_the_top_of_the_ledger(
    sqlite_db: Database, stock_db: dict[str, int]
) -> None:
    lamp = stock_db["lamp"]
    for n in range(30):  # a ledger longer than the screen
        ops.adjust(sqlite_db, "li", lamp, "HZ", 1 if n % 2 else -1, f"recount {n}")
    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        screen = await open_stock(pilot)
        await scan(pilot, "LED-40W")
        for _ in range(20):  # the clerk had looked further down the ledger
            await pilot.press("down")
        assert screen.ledger.cursor == 20
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press(*"3", "enter")
        await settle(pilot)
        await settle(pilot)
        newest = moves(sqlite_db, lamp)[-1]
        ledger = screen.ledger
        assert ledger.cursor == 0 and ledger.scroll_offset.y == 0
        assert (ledger.highlighted.kind, ledger.highlighted.qty) == ("receipt", 3) == newest[:2]
        assert ledger.highlighted.reference in screen_text(pilot.app)


async def test_transfer_and_adjust_by_dialog(sqlite_db: Database,
                                             stock_db: dict[str, int]) -> None:  # fmt: skip
    lamp = stock_db["lamp"]
    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        screen = await open_stock(pilot)
        await scan(pilot, "LED-40W")
        await pilot.press("ctrl+n")  # the twin of F7: from HZ (most free) to GZ filled in
        await settle(pilot)
        await pilot.press(*"100", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormDialog)  # only 40 free in HZ
        assert "only 40 free" in screen_text(pilot.app)
        await pilot.press("ctrl+u", *"15", "tab", *"rebalance", "enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert level(sqlite_db, lamp, "HZ") == (25, 0)
        assert level(sqlite_db, lamp, "GZ") == (20, 0)
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press(*"-3", "enter")  # no reason: refused at the reason field
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, FormDialog)
        assert pilot.app.focused is form.query_one("#f-reason")
        await pilot.press(*"damaged", "enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert level(sqlite_db, lamp, "HZ") == (22, 0)
        assert moves(sqlite_db, lamp)[-1][:2] == ("adjustment", -3)
        assert moves(sqlite_db, lamp)[-1][3:] == ("damaged", USER)


async def test_below_reorder_list_and_enter_opens_the_product(
    sqlite_db: Database, stock_db: dict[str, int]
) -> None:
    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        screen = await open_stock(pilot)
        await pilot.press("f4")
        await settle(pilot)
        low = pilot.app.screen
        assert isinstance(low, LowStockScreen)
        rows = low.query_one("#rows", OrderList).rows
        # furthest below first: the spotlight (3 of 5) is 2 below, the lamp in GZ 5 below
        assert [(r.code, r.warehouse_code, r.available) for r in rows] == [
            ("LED-40W", "GZ", 5), ("SPOT-7W", "HZ", 3)]  # fmt: skip
        assert "2 rows" in screen_text(pilot.app)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert screen.card is not None and screen.card.code == "SPOT-7W"
        assert pilot.app.focused is screen.scan


async def test_reorder_with_no_demand_has_nothing_to_export(
    sqlite_db: Database, stock_db: dict[str, int]
) -> None:
    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        reorder = pilot.app.screen
        assert isinstance(reorder, ReorderScreen)
        assert reorder.query_one("#rows", OrderList).rows == []  # nothing issued: no demand
        await pilot.press("f2")
        await settle(pilot)
        assert "Nothing to export" in screen_text(pilot.app)
        assert not list(reorder_dir().glob("reorder-*.csv"))


async def test_reorder_csv_written_where_the_screen_says(
    sqlite_db: Database, stock_db: dict[str, int]
) -> None:
    """A product issued recently gets a suggestion; the CSV is written under the data dir."""
    from oms_tui.services.inventory import stock

    lamp = stock_db["lamp"]
    with sqlite_db.write() as s:  # demand: 30 issued from HZ; lead time 10 days
        lv = s.exec(select(StockLevel).where(StockLevel.product_id == lamp)).first()
        stock.add_move(s, lv, -30, stock.ISSUE, "wang", reference="SO-1")
        from oms_tui.models import Product

        p = s.get(Product, lamp)
        p.lead_time_days = 30
        s.add(p)
    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("f10")
        await settle(pilot)
        reorder = pilot.app.screen
        assert isinstance(reorder, ReorderScreen)
        rows = reorder.query_one("#rows", OrderList).rows
        assert any(r.code == "LED-40W" and r.suggested_qty > 0 for r in rows)
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = flat(screen_text(pilot.app))
        assert "saved to" in text
        written = list(Path(reorder_dir()).glob("reorder-*.csv"))
        assert len(written) == 1
        data = written[0].read_bytes()  # UTF-8 with a BOM, as the CLI's: Excel reads Chinese
        assert data.startswith(b"\xef\xbb\xbfproduct_code,product_name,warehouse")
        content = data.decode("utf-8-sig")
        assert "LED-40W" in content


def reorder_dir() -> Path:
    from oms_tui.services.platform.printing import documents_dir

    return documents_dir()


# -- stocktake -------------------------------------------------------------------------------


def test_parse_scan() -> None:
    assert parse_scan("LED-40W") == parse_scan(" LED-40W ")
    assert (parse_scan("LED-40W").qty, parse_scan("LED-40W").replace) == (1, False)
    assert (parse_scan("LED-40W*12").qty, parse_scan("LED-40W*12").code) == (12, "LED-40W")
    assert (parse_scan("LED-40W=0").qty, parse_scan("LED-40W=0").replace) == (0, True)
    with pytest.raises(InvalidInput):
        parse_scan("LED-40W*0")
    with pytest.raises(InvalidInput):
        parse_scan("")


async def test_stocktake_by_scanner_burst_saves_each_scan_and_posts_adjustments(
    sqlite_db: Database, stock_db: dict[str, int]
) -> None:
    lamp, spot7, spot9 = stock_db["lamp"], stock_db["spot7"], stock_db["spot9"]
    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        stock_screen = await open_stock(pilot)
        await scan(pilot, "LED-40W")  # the warehouses on offer come from the card
        await pilot.press("f9")
        await settle(pilot)
        take = pilot.app.screen
        assert isinstance(take, StocktakeScreen)
        assert "1 HZ" in screen_text(pilot.app)
        await scan(pilot, "1")  # the first warehouse, by its digit
        assert take.view is not None and take.view.warehouse_code == "HZ"
        # one burst, as a keyboard-wedge scanner types it: no pause between scans
        burst = ["6901234567892", "6900000000007", "6901234567892", "LED-40W*36",
                 "6900000000009", "6900000000007", "SPOT-9W=4", "NOPE-1"]  # fmt: skip
        keys = [k for code in burst for k in (*code, "enter")]
        await pilot.press(*keys)
        await settle(pilot)
        await settle(pilot)
        assert take.pending == 0
        with sqlite_db.read() as s:
            counted = dict(
                s.exec(
                    select(StocktakeCount.product_id, StocktakeCount.counted).where(
                        StocktakeCount.stocktake_id == take.view.id
                    )
                ).all()
            )
        assert counted == {lamp: 38, spot7: 2, spot9: 4}  # fmt: skip
        assert {c.product_id: (c.counted, c.book) for c in take.counts.values()} == {
            lamp: (38, 40), spot7: (2, 3), spot9: (4, 0)}  # fmt: skip
        text = screen_text(pilot.app)
        assert "NOPE-1" in text  # the unknown code is said, with the bell
        assert "3 products, 44 units counted" in flat(text)
        assert pilot.app.focused is take.scan
        # post with a reason: each difference is one adjustment move
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormDialog)
        await pilot.press(*"year-end count", "enter")
        await settle(pilot)
        assert pilot.app.screen is take
        number = take.query_one("#count-message").render()
        assert "Posted ST-" in str(number) and "3 adjustment moves" in str(number)
        assert take.view is None  # back to choosing a warehouse
    with sqlite_db.read() as s:
        st = s.exec(select(Stocktake)).one()
        assert (st.status, st.posted_by, st.reason) == ("posted", USER, "year-end count")
    assert level(sqlite_db, lamp, "HZ") == (38, 0)
    assert level(sqlite_db, spot7, "HZ") == (2, 0)
    assert level(sqlite_db, spot9, "HZ") == (4, 0)
    for pid, delta in ((lamp, -2), (spot7, -1), (spot9, 4)):
        kind, qty, ref, reason, actor = moves(sqlite_db, pid)[-1]
        assert (kind, qty, ref, actor) == ("adjustment", delta, st.number, USER)
        assert reason.endswith("year-end count")
    assert stock_screen is not None


async def test_stocktake_resumes_its_saved_counts_and_can_be_cancelled(
    sqlite_db: Database, stock_db: dict[str, int]
) -> None:
    view = ops.start_stocktake(sqlite_db, "li", "GZ")
    ops.record_count(sqlite_db, "li", view.id, "LED-40W", 3)
    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        await open_stock(pilot)
        await pilot.press("ctrl+b")  # no product shown: the code is typed
        await settle(pilot)
        take = pilot.app.screen
        assert isinstance(take, StocktakeScreen)
        await scan(pilot, "XX")
        assert take.view is None and "no active warehouse" in screen_text(pilot.app)
        await scan(pilot, "gz")
        assert take.view is not None and take.view.id == view.id
        assert "1 product counted so far" in flat(screen_text(pilot.app))
        await scan(pilot, "LED-40W*2")
        assert take.counts[stock_db["lamp"]].counted == 5
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert take.view is None
    with sqlite_db.read() as s:
        assert s.get(Stocktake, view.id).status == "cancelled"
    assert level(sqlite_db, stock_db["lamp"], "GZ") == (5, 0)  # nothing posted


async def test_stock_actions_are_in_the_palette(sqlite_db: Database,
                                                stock_db: dict[str, int]) -> None:  # fmt: skip
    from textual.command import CommandPalette

    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        screen = await open_stock(pilot)
        await scan(pilot, "LED-40W")
        await pilot.press("ctrl+p")
        assert isinstance(pilot.app.screen, CommandPalette)
        await pilot.press(*"receive goods")
        await settle(pilot)  # the palette's search
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen


async def test_the_ledger_tells_materials_used_in_production_from_those_back(
    sqlite_db: Database,
) -> None:
    """A door started takes its oak boards (used in prod, -6); cancelled, they come back
    (back from prod, +6)."""
    from oms_tui.models import ProductionOrder
    from oms_tui.services.production import stages
    from oms_tui.services.sales import orders
    from oms_tui.services.states.order_states import OrderStatus as S
    from tests.services.test_production import _doors, _order_of

    ids = _doors(sqlite_db)
    oid = _order_of(sqlite_db, [(ids["door"], 2, "")])
    with sqlite_db.read() as s:
        po = s.exec(select(ProductionOrder).where(ProductionOrder.order_id == oid)).one()
    stages.start(sqlite_db, "liu", po.id)
    orders.transition(sqlite_db, "manager", oid, S.CANCELLED, "customer cancelled")
    assert [m[:3] for m in moves(sqlite_db, ids["oak"]) if m[0] == "production_use"] == [
        ("production_use", -6, po.number), ("production_use", 6, po.number)]  # fmt: skip
    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        screen = await open_stock(pilot)
        await scan(pilot, "RM-OAK")
        assert screen.card is not None and screen.card.product_id == ids["oak"]
        lines = screen_text(pilot.app).splitlines()
        back = next(line for line in lines if "back from prod" in line)
        used = next(line for line in lines if "used in prod" in line)
        assert "+6" in back and po.number in back and "manager" in back
        assert "-6" in used and po.number in used and "liu" in used
        assert lines.index(back) < lines.index(used)  # newest first
