"""Order detail: header, lines, checks, timeline, and "open by …" when someone else has it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from oms_tui.messages import OpenOrder
from oms_tui.services.platform.db import Database
from oms_tui.services.sales import order_locks, orders
from tests.pilot import settle

from .app_helpers import flat, screen_text
from .test_audit_queue import USER, build_queue, goto, open_queue, queue_app


async def test_detail_shows_the_timeline_and_who_else_has_it_open(sqlite_db: Database) -> None:
    ids = build_queue(sqlite_db)
    oid = ids["short"]
    number = orders.get_order_by_id(sqlite_db, oid).number
    today = date.today()
    wang_opened = datetime.combine(today, time(10, 2)).astimezone(UTC)
    order_locks.open_for_edit(sqlite_db, "wang", oid, now=wang_opened)
    app = queue_app(sqlite_db, clock=datetime.combine(today, time(10, 15)))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await goto(pilot, oid)
        await pilot.press("enter")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "open by wang since 10:02" in text
        assert number in text and "Pending audit" in text and "李伟五金" in text
        assert "Payment cod / COD" in text
        # the clerk has it open too now; scroll down to the checks and the timeline
        at = datetime.combine(today, time(10, 15)).astimezone(UTC)
        assert [h.user for h in order_locks.holders(sqlite_db, oid, now=at)] == ["wang", USER]
        for _ in range(30):
            await pilot.press("j")
        text = flat(screen_text(app))
        assert "WARN stock" in text
        assert "wang Draft → Pending audit submitted" in text
        assert "Production orders none" in text
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "AuditQueueScreen"
        left = order_locks.holders(sqlite_db, oid, now=datetime.combine(today, time(10, 16))
                                   .astimezone(UTC))  # fmt: skip
        assert [h.user for h in left] == ["wang"]  # the clerk's own mark is released


async def test_nobody_else_no_warning(sqlite_db: Database) -> None:
    ids = build_queue(sqlite_db)
    app = queue_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await goto(pilot, ids["clean1"])
        await pilot.press("enter")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "open by" not in text
        assert "LED-40W" in text and "price:" in text


async def test_detail_shows_where_each_line_is_reserved_or_backordered(sqlite_db: Database
                                                                      ) -> None:  # fmt: skip
    from oms_tui.screens.order_detail import OrderDetailScreen
    from oms_tui.services.sales import audit_decisions

    ids = build_queue(sqlite_db)
    clean = audit_decisions.approve(sqlite_db, "li", ids["clean1"])
    short = audit_decisions.approve(sqlite_db, "li", ids["short"])
    assert (clean.status, short.status) == ("allocated", "partially_backordered")
    app = queue_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for view, expected in ((clean, "reserved in"), (short, "backordered")):
            await app.push_screen(OrderDetailScreen(view.number))
            await settle(pilot)
            text = flat(screen_text(app))
            assert "stock: " in text and expected in text, text
            await pilot.press("escape")
            await settle(pilot)


async def test_detail_shows_each_production_order_with_stage_and_expected_date(
    sqlite_db: Database,
) -> None:
    from oms_tui.services.production import stages
    from tests.services.test_production import _doors, _order_of, _po

    ids = _doors(sqlite_db)
    oid = _order_of(sqlite_db, [(ids["door"], 1, "左开门")])
    po = _po(sqlite_db, oid)
    stages.start(sqlite_db, "liu", po.id)
    stages.advance(sqlite_db, "liu", po.id)  # materials -> cutting
    po = _po(sqlite_db, oid)
    number = orders.get_order_by_id(sqlite_db, oid).number
    app = queue_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press(*number, "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "OrderDetailScreen"
        for _ in range(30):
            await pilot.press("j")
        text = flat(screen_text(app))
        stage = f"{po.number} DOOR-1 开料 cutting, expected {po.expected_date}"
        assert f"Production orders {stage}" in text


async def test_customer_history_from_an_order_by_keys(sqlite_db: Database) -> None:
    from oms_tui.screens.customer_history import CustomerHistoryScreen
    from oms_tui.screens.order_detail import OrderDetailScreen

    ids = build_queue(sqlite_db)
    view = orders.get_order_by_id(sqlite_db, ids["clean1"])
    app = queue_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(OrderDetailScreen(view.number))
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, CustomerHistoryScreen)
        text = flat(screen_text(app))
        assert view.customer_name in text and "Orders " in text and "Average " in text
        assert view.number in text and "Pending audit" in text
        await pilot.press("enter")  # the highlighted order opens
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailScreen)


async def test_the_order_documents_open_with_their_details(sqlite_db: Database) -> None:
    from oms_tui.screens.order_detail import OrderDetailScreen
    from oms_tui.screens.order_documents import DocumentsDialog
    from oms_tui.services.finance import receivables
    from oms_tui.services.shipping import dispatch, tracking
    from tests.dispatch_factories import allocated_order, world

    w = world(sqlite_db)
    oid = allocated_order(sqlite_db, [(w.lamp, 2)])
    [sh] = dispatch.create_shipments(sqlite_db, "picker", [oid], carrier_id=w.carriers["SF"])
    dispatch.ship(sqlite_db, "packer", sh.id, "SF123456789012")
    tracking.add_tracking_event(sqlite_db, "t", sh.id, "in_transit", "杭州转运中心")
    [inv] = receivables.order_invoices(sqlite_db, oid)
    view = orders.get_order_by_id(sqlite_db, oid)
    receivables.record_payment(sqlite_db, "finance", view.customer_id, 1_000, date.today())
    app = queue_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(OrderDetailScreen(view.number))
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, DocumentsDialog)
        text = flat(screen_text(app))
        assert sh.number in text and inv.number in text
        assert "SF123456789012" in text and "in transit 杭州转运中心" in text
        await pilot.press("down")  # the invoice: its payment shows
        await settle(pilot)
        text = flat(screen_text(app))
        assert "paid ¥10.00" in text and "PAY-" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailScreen)


async def test_detail_shows_whole_codes_and_amounts_at_80_columns(sqlite_db: Database) -> None:
    """Colour variants differ at the end of the code: both show whole, the description gives
    way; so does a seven-figure amount."""
    from tests.audit_factories import customer, order
    from tests.factories import make_product

    cid = customer(sqlite_db, name="苏州永安设计工作室", phone="13800138001")
    white = make_product(sqlite_db, code="L-D075-12W-WH", name="LED downlight 75mm 12W white "
                         "recessed, warm light", price_minor=123_456_789)  # fmt: skip
    black = make_product(sqlite_db, code="L-D075-12W-BK", name="LED downlight 75mm 12W black "
                         "recessed, warm light", price_minor=2_500)  # fmt: skip
    view = order(sqlite_db, cid, [(white, 1), (black, 2)])
    app = queue_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.post_message(OpenOrder(view.number))
        await settle(pilot)
        text = screen_text(app)
        assert "L-D075-12W-WH" in text and "L-D075-12W-BK" in text
        assert "¥1,234,567.89" in text


async def test_detail_says_when_someone_else_opened_or_changed_the_order_since(
    sqlite_db: Database,
) -> None:
    """A check (a timer; called here, not waited for) finds another clerk on the order and
    a change since it was read: both said, without pressing F5."""
    from datetime import timedelta

    from oms_tui.services.sales import audit_decisions

    ids = build_queue(sqlite_db)
    oid = ids["clean1"]
    app = queue_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await goto(pilot, oid)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert "open by" not in flat(screen_text(app))
        order_locks.open_for_edit(sqlite_db, "wang", oid)
        audit_decisions.hold(sqlite_db, "wang", oid, "customer phoned",
                             date.today() + timedelta(days=1))  # fmt: skip
        screen.check_current()
        await settle(pilot)
        text = flat(screen_text(app))
        assert "open by wang since" in text
        assert "changed by wang at" in text and "F5 reads it again" in text
        await pilot.press("f5")
        await settle(pilot)
        screen.check_current()
        await settle(pilot)
        assert "F5 reads it again" not in flat(screen_text(app))  # read again: current now
