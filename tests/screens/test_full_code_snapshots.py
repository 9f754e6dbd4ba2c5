"""Whole screens at 80x24 with product codes that differ only at their end (colour, finish:
`L-D075-12W-WH` and `-BK`, `D-CD-2100x900-OAK-NAT` and `-WAL`): order entry, an order's
detail, the production board, the reorder suggestions and the stock ledger show each code
whole (issue 16, point 8: they read `L-D075-12…` for both). Each test also reads the screen's
text, so a cut code fails it even where its snapshot was accepted. Fixed data, user and
clock, no cursor blink. Update with ``--snapshot-update`` only for intended changes, after
looking at the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select
from textual.pilot import Pilot

from oms_tui.app import OmsApp, make_app
from oms_tui.config import Settings
from oms_tui.models import (
    BomItem,
    Order,
    OrderEvent,
    Product,
    ProductionOrder,
    StockLevel,
    StockMove,
)
from oms_tui.screens.order_detail import OrderDetailScreen
from oms_tui.services.fulfilment import stock_operations as ops
from oms_tui.services.inventory import stock as stock_service
from oms_tui.services.platform.db import Database
from oms_tui.services.production import planning
from oms_tui.widgets.scan_input import ScanInput
from tests.audit_factories import customer, order, stock
from tests.factories import make_product
from tests.pilot import settle
from tests.services.test_production import _order_of

from .app_helpers import frozen_app, screen_text
from .test_order_entry_snapshots import dated_shop, shop  # noqa: F401  (fixtures)
from .test_production_snapshots import FROZEN as BOARD_FROZEN
from .test_production_snapshots import board_db
from .test_stock import add_warehouses, stock_app

SnapCompare = Callable[..., bool]
Keys = Callable[[Pilot], Awaitable[None]]
FROZEN = datetime(2026, 3, 2, 9, 30)  # local time
WHITE, BLACK, GOLD = "L-D075-12W-WH", "L-D075-12W-BK", "L-F900-24W-GD"
OAK, WALNUT = "D-CD-2100x900-OAK-NAT", "D-CD-2100x900-OAK-WAL"
LAMPS = ((WHITE, "LED downlight 12W white, 75 mm cut-out", "6901234570001"),
         (BLACK, "LED downlight 12W black, 75 mm cut-out", "6901234570002"),
         (GOLD, "LED pendant 24W gold, 900 mm", "6901234570003"))  # fmt: skip


def lamps(db: Database) -> list[int]:
    """The three lamps, priced, with a 10-day lead time."""
    return [make_product(db, 12_800, code=code, name=name, barcode=barcode, lead_time_days=10)
            for code, name, barcode in LAMPS]  # fmt: skip


def snapped(snap_compare: SnapCompare, app: OmsApp, keys: Keys) -> str:
    """The snapshot at 80x24 after ``keys`` compared, and the screen's text returned: the
    text is checked too, so a cut code fails even where its snapshot was accepted."""
    seen: list[str] = []

    async def run_before(pilot: Pilot) -> None:
        await keys(pilot)
        for field in app.screen.query(ScanInput):
            field.cursor_blink = False
        await settle(pilot)
        seen.append(screen_text(app))

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
    assert seen, "the screen was never read"
    return seen[-1]


def keys(*bursts: list[str]) -> Keys:
    """Each burst of keys pressed together, then the app settled."""

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        for burst in bursts:
            await pilot.press(*burst)
            await settle(pilot)

    return run


def whole(screen: str, *codes: str) -> None:
    for code in codes:
        assert code in screen, f"{code} is not whole on:\n{screen}"


def test_order_entry_lines(
    snap_compare: SnapCompare,
    sqlite_db: Database,
    dated_shop: dict[str, int],  # noqa: F811
) -> None:
    for pid in lamps(sqlite_db):
        stock(sqlite_db, pid, 40)
    scans = [*f"{WHITE}*2", "enter", *f"{BLACK}*2", "enter", *GOLD, "enter"]
    typed = keys(["e"], [*"13800138", "enter"], scans)
    whole(snapped(snap_compare, frozen_app(sqlite_db), typed), WHITE, BLACK, GOLD)


def test_order_detail_lines(snap_compare: SnapCompare, sqlite_db: Database) -> None:
    white, black, gold = lamps(sqlite_db)
    for pid in (white, black, gold):
        stock(sqlite_db, pid, 40)
    cid = customer(sqlite_db, name="苏州永安设计工作室", phone="13800138000")
    view = order(sqlite_db, cid, [(white, 6), (black, 4), (gold, 1)],
                 requested_date=FROZEN.date() + timedelta(days=10))  # fmt: skip
    with sqlite_db.write() as s:
        at = (FROZEN - timedelta(hours=2)).astimezone(UTC)
        row = s.get(Order, view.id)
        row.created_at = row.updated_at = at
        s.add(row)
        for event in s.exec(select(OrderEvent).where(OrderEvent.order_id == view.id)):
            event.at = at
            s.add(event)
    app = frozen_app(sqlite_db)

    async def opened(pilot: Pilot) -> None:
        await settle(pilot)
        await app.push_screen(OrderDetailScreen(view.number))

    whole(snapped(snap_compare, app, opened), view.number, WHITE, BLACK, GOLD)


def test_production_board_doors(snap_compare: SnapCompare, sqlite_db: Database) -> None:
    """The board's doors made to order in two finishes (the fixture's door renamed, a walnut
    one added with the same materials)."""
    board_db(sqlite_db)
    today = BOARD_FROZEN.date()
    with sqlite_db.write() as s:
        oak = s.exec(select(Product).where(Product.code == "DOOR-1")).one()
        oak.code = OAK
        walnut = Product(code=WALNUT, name="实木门 Walnut door", product_line="doors",
                         made_to_order=True, list_price_minor=260_000)  # fmt: skip
        s.add_all([oak, walnut])
        s.flush()
        for item in s.exec(select(BomItem).where(BomItem.product_id == oak.id)).all():
            s.add(BomItem(product_id=walnut.id, material_id=item.material_id,
                          qty_per=item.qty_per))  # fmt: skip
        walnut_id = walnut.id
    oid = _order_of(sqlite_db, [(walnut_id, 1, "2100x900 胡桃木")])
    with sqlite_db.write() as s:
        s.get(Order, oid).number = "SO-2026-000206"
        po = s.exec(select(ProductionOrder).where(ProductionOrder.order_id == oid)).one()
        po.number, po.due_date = "PO-2026-000106", today + timedelta(days=6)
        s.add(po)
    planning.replan(sqlite_db, today)
    app = make_app(Settings(database_url=sqlite_db.url, user="production"), sqlite_db)
    app.clock = lambda: BOARD_FROZEN
    whole(snapped(snap_compare, app, keys(["p"])), OAK, WALNUT)


def lamps_in_stock(db: Database) -> list[int]:
    """The lamps received in HZ and GZ, some moved, then most shipped (the demand of the
    reorder suggestions); every move's time fixed."""
    add_warehouses(db)
    ids = lamps(db)
    for n, pid in enumerate(ids):
        ops.receive(db, "wang", "HZ", [(pid, 30 + 10 * n)], supplier="Opple", reference="DN-7")
        ops.receive(db, "wang", "GZ", [(pid, 12)], supplier="Opple", reference="DN-8")
    ops.transfer(db, "li", ids[0], "HZ", "GZ", 4, "rebalance")
    with db.write() as s:  # shipped to customers over the last days
        stocked = select(StockLevel).where(StockLevel.on_hand > 0).order_by(col(StockLevel.id))
        for n, level in enumerate(s.exec(stocked).all()):
            stock_service.add_move(s, level, 2 + n - level.on_hand, stock_service.ISSUE, "wang",
                                   reference=f"SO-2026-{300 + n:06d}")  # fmt: skip
    with db.write() as s:
        for n, move in enumerate(s.exec(select(StockMove).order_by(col(StockMove.id))).all()):
            move.created_at = (FROZEN - timedelta(days=12 - n // 2, hours=n)).astimezone(UTC)
            s.add(move)
    return ids


def stock_screen(db: Database) -> OmsApp:
    app = stock_app(db)
    app.clock = lambda: FROZEN
    return app


def test_reorder_suggestions(snap_compare: SnapCompare, sqlite_db: Database) -> None:
    lamps_in_stock(sqlite_db)
    screen = snapped(snap_compare, stock_screen(sqlite_db), keys(["s"], ["f10"]))
    whole(screen, WHITE, BLACK, GOLD)


def test_stock_ledger(snap_compare: SnapCompare, sqlite_db: Database) -> None:
    lamps_in_stock(sqlite_db)
    screen = snapped(snap_compare, stock_screen(sqlite_db), keys(["s"], [*WHITE, "enter"]))
    whole(screen, WHITE, LAMPS[0][2])  # the code and the barcode: the name gives way
