"""The dispatch area at 80x24, by keys only: a wave from selection to printed PDFs (read back
with pypdf) and shipped status, a partial shipment, a wrong tracking number that ships
nothing, reprints and a tracking event. Every assertion on screen is backed by one on the
database or on the files written."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Static

from oms_tui.app import OmsApp, make_app
from oms_tui.config import Settings
from oms_tui.models import Order, OrderLine, Shipment, TrackingEvent
from oms_tui.screens.dispatch import DispatchScreen
from oms_tui.screens.dispatch.dialogs import NoticeDialog, ShipDialog, TrackingDialog
from oms_tui.screens.dispatch.rows import GroupRow, with_groups
from oms_tui.services.inventory import stock
from oms_tui.services.platform.db import Database
from oms_tui.services.shipping import dispatch
from oms_tui.services.states.order_states import OrderStatus as S
from oms_tui.widgets.scan_input import ScanInput
from tests.dispatch_factories import World, allocated_order, world
from tests.pilot import settle

from .app_helpers import flat, screen_text

USER = "packer"
MONDAY_MORNING = datetime(2026, 11, 30, 9, 30)


@pytest.fixture
def docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where ``printing.deliver`` saves PDFs when no printer is set (the documents folder,
    isolated per test by tests/conftest.py)."""
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "Documents"))
    return tmp_path / "Documents" / "oms"


@pytest.fixture
def w(sqlite_db: Database) -> World:
    return world(sqlite_db)


def dispatch_app(db: Database) -> OmsApp:
    app = make_app(Settings(database_url=db.url, user=USER), db)
    app.clock = lambda: MONDAY_MORNING
    return app


async def open_dispatch(pilot: Pilot) -> DispatchScreen:
    await settle(pilot)
    await pilot.press("d")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DispatchScreen)
    assert pilot.app.focused is screen.orders  # a list, not a text field: letters are keys
    return screen


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def number(db: Database, order_id: int) -> str:
    with db.read() as s:
        return s.get(Order, order_id).number


def order_status(db: Database, order_id: int) -> str:
    with db.read() as s:
        return s.get(Order, order_id).status


def shipments_of(db: Database, order_id: int) -> list[Shipment]:
    with db.read() as s:
        return list(s.exec(select(Shipment).where(Shipment.order_id == order_id)
                           .order_by(Shipment.id)).all())  # fmt: skip


def message(screen: DispatchScreen) -> str:
    return str(screen.query_one("#dispatch-message", Static).content)


def listed(screen: DispatchScreen) -> list[str]:
    return [r.number if not isinstance(r, GroupRow) else f"[{r.warehouse_code}]"
            for r in screen.orders.rows]  # fmt: skip


async def go_to(pilot: Pilot, screen: DispatchScreen, order_number: str) -> None:
    """Move the highlight to an order by Down from the top (keys only)."""
    await pilot.press("home")
    for _ in range(len(screen.orders.rows)):
        row = screen.orders.highlighted
        if not isinstance(row, GroupRow) and row is not None and row.number == order_number:
            return
        await pilot.press("down")
    raise AssertionError(f"{order_number} is not in the list: {listed(screen)}")


# -- the wave --------------------------------------------------------------------------------


async def test_a_wave_from_selection_to_printed_pdfs_and_shipped_status(
    sqlite_db: Database, w: World, docs: Path
) -> None:
    db = sqlite_db
    a = allocated_order(db, [(w.lamp, 2)])
    b = allocated_order(db, [(w.lamp, 1), (w.shade, 1)])
    na, nb = number(db, a), number(db, b)
    async with dispatch_app(db).run_test(size=(80, 24)) as pilot:
        screen = await open_dispatch(pilot)
        assert listed(screen) == ["[HZ]", na, nb]
        text = screen_text(pilot.app)
        assert na in text and nb in text and "2 orders, 4 units" in text  # the group's header
        # Space on the group's header selects the whole group
        await pilot.press("space")
        assert {r.order_id for r in screen.orders.selected.values()} == {a, b}
        assert "2 selected" in screen_text(pilot.app)
        await pilot.press("f2")
        await settle(pilot)
        sa, sb = shipments_of(db, a)[0], shipments_of(db, b)[0]
        assert (sa.status, sb.status) == ("picking", "picking")
        assert order_status(db, a) == order_status(db, b) == S.READY_TO_SHIP
        # pick list and packing lists, delivered in one action to the documents folder
        pick = docs / f"pick-list-{sa.number}.pdf"
        packing = docs / f"packing-lists-{sa.number}.pdf"
        assert pick.exists() and packing.exists()
        pick_text, packing_text = pdf_text(pick), pdf_text(packing)
        for n in (na, nb, sa.number, sb.number):
            assert n in pick_text and n in packing_text
        assert "LAMP-1" in pick_text and "SHADE-1" in pick_text
        assert message(screen) == (
            f"Wave of 2 shipments ({sa.number}…{sb.number}): pick list and packing lists "
            f"saved in {docs} as {pick.name}, {packing.name}."
        )
        assert screen.orders.selected == {}
        rows = {r.order_id: r for r in screen.ready_orders()}
        assert (rows[a].in_shipment, rows[b].in_shipment) == (sa.number, sb.number)
        assert sa.number in screen_text(pilot.app)

        # ship a: F6, scan the tracking number (its Enter ships)
        await go_to(pilot, screen, na)
        await pilot.press("f6")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ShipDialog)
        assert pilot.app.focused is dialog.query_one("#ship-tracking")
        assert "ZTO" in screen_text(pilot.app) and "proposed" in screen_text(pilot.app)
        await pilot.press(*"123456789012", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NoticeDialog)
        notice = flat(screen_text(pilot.app))
        assert f"Your order {na} has shipped" in notice and "123456789012" in notice
        await pilot.press("escape")
        await settle(pilot)
        sa = shipments_of(db, a)[0]
        assert (sa.status, sa.tracking_no, sa.packages) == ("shipped", "123456789012", 1)
        assert order_status(db, a) == S.SHIPPED
        assert listed(screen) == ["[HZ]", nb]  # it left the list
        assert f"{sa.number} shipped" in flat(screen_text(pilot.app))
        assert stock.verify(db) == []

        # b with the Ctrl twin: bulky, DEPPON proposed; the clerk takes ZTO, two packages
        await go_to(pilot, screen, nb)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ShipDialog)
        assert "Why: DEPPON cheapest" in screen_text(pilot.app)
        await pilot.press("shift+tab", "down")  # the carrier list: the next one, ZTO
        await pilot.press("shift+tab", "2")  # packages
        await pilot.press("tab", "tab", *"123456789013", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NoticeDialog)
        await pilot.press("enter")  # closes the notice
        await settle(pilot)
        sb = shipments_of(db, b)[0]
        assert (sb.status, sb.packages, sb.carrier_id) == ("shipped", 2, w.carriers["ZTO"])
        assert order_status(db, b) == S.SHIPPED
        assert listed(screen) == []
        assert "No order is ready to ship" in screen_text(pilot.app)

        # a tracking event for the shipment shipped last: F9, a status letter, where
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TrackingDialog)
        assert pilot.app.screen.query_one("#track-shipment", ScanInput).value == sb.number
        await pilot.press("t", "enter", *"Hangzhou hub", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DispatchScreen)
        with db.read() as s:
            events = s.exec(select(TrackingEvent.status, TrackingEvent.location)
                            .where(TrackingEvent.shipment_id == sb.id)
                            .order_by(TrackingEvent.id)).all()  # fmt: skip
        assert [tuple(e) for e in events] == [("shipped", ""), ("in_transit", "Hangzhou hub")]
        assert f"{sb.number} ({nb}): in transit at Hangzhou hub" in flat(screen_text(pilot.app))


async def test_a_partial_shipment_by_keys(sqlite_db: Database, w: World, docs: Path) -> None:
    db = sqlite_db
    oid = allocated_order(db, [(w.lamp, 14), (w.shade, 2)])  # 10 lamps in stock
    n = number(db, oid)
    assert order_status(db, oid) == S.PARTIALLY_BACKORDERED
    async with dispatch_app(db).run_test(size=(80, 24)) as pilot:
        screen = await open_dispatch(pilot)
        await go_to(pilot, screen, n)
        row = next(line for line in screen_text(pilot.app).splitlines() if n in line)
        assert row.split()[-2:] == ["part", "0"] and " 12 " in row  # 10 lamps + 2 shades
        await pilot.press("space", "ctrl+s")  # select the order, start the wave (Ctrl twin)
        await settle(pilot)
        [sh] = shipments_of(db, oid)
        await go_to(pilot, screen, n)
        await pilot.press("f6")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ShipDialog)
        assert "DEPPON" in screen_text(pilot.app)  # bulky: the freight carrier is cheapest
        lamp_line = next(ln for ln in screen_text(pilot.app).splitlines() if "LAMP-1" in ln)
        assert lamp_line.split()[-6:-1] == ["14", "0", "4", "10", "10"]  # ..., back, picked, ship
        # back to the shade's quantity (tracking <- carrier <- packages <- line 2): 1 of 2
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "1")
        assert dialog.query_one("#ship-qty-1", ScanInput).value == "1"
        await pilot.press("f2")  # no tracking number yet: refused at that field
        await settle(pilot)
        assert isinstance(pilot.app.screen, ShipDialog)
        assert "enter the DEPPON 快递 tracking number" in screen_text(pilot.app)
        assert pilot.app.focused is dialog.query_one("#ship-tracking")
        await pilot.press(*"dpk123456789012", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NoticeDialog)
        assert "The rest follows in a later shipment" in flat(screen_text(pilot.app))
        await pilot.press("c")  # copies the notice
        assert pilot.app.clipboard == pilot.app.screen.result.notice
        await pilot.press("escape")
        await settle(pilot)
        [sh] = shipments_of(db, oid)
        assert (sh.status, sh.tracking_no) == ("shipped", "DPK123456789012")
        assert order_status(db, oid) == S.PARTIALLY_SHIPPED
        with db.read() as s:
            lines = s.exec(
                select(OrderLine.qty, OrderLine.qty_shipped)
                .where(OrderLine.order_id == oid)
                .order_by(OrderLine.line_no)
            ).all()
        assert [tuple(x) for x in lines] == [(14, 10), (2, 1)]
        assert stock.verify(db) == []
        # the unshipped shade is still reserved: the order stays, part shipped, 1 unit
        [row_view] = screen.ready_orders()
        assert (row_view.order_id, row_view.units, row_view.in_shipment) == (oid, 1, "")
        row = next(line for line in screen_text(pilot.app).splitlines() if n in line)
        assert row.split()[-2:] == ["p.ship", "0"]


async def test_a_wrong_tracking_number_is_refused_and_nothing_ships(
    sqlite_db: Database, w: World, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sqlite_db
    oid = allocated_order(db, [(w.lamp, 2)])
    [sh] = dispatch.create_shipments(db, "picker", [oid], today=MONDAY_MORNING.date())
    app = dispatch_app(db)
    bells: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_dispatch(pilot)
        await go_to(pilot, screen, sh.order_number)
        await pilot.press("f6")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ShipDialog)
        await pilot.press(*"SF123", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ShipDialog)  # still open
        assert "'SF123' is not a ZTO tracking number" in screen_text(pilot.app)
        tracking = dialog.query_one("#ship-tracking", ScanInput)
        assert pilot.app.focused is tracking and tracking.has_class("-error")
        assert tracking.selected_text == "SF123"  # the next scan replaces it
        assert bells
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DispatchScreen)
    [after] = shipments_of(db, oid)
    assert (after.status, after.tracking_no) == ("picking", "")
    assert order_status(db, oid) == S.READY_TO_SHIP
    with db.read() as s:
        assert s.exec(select(OrderLine.qty_shipped).where(OrderLine.order_id == oid)).all() == [0]
    assert stock.verify(db) == []


async def test_reprints_and_keys_that_need_a_wave_say_so(
    sqlite_db: Database, w: World, docs: Path
) -> None:
    db = sqlite_db
    waiting = allocated_order(db, [(w.lamp, 1)])
    picked = allocated_order(db, [(w.shade, 1)])
    [sh] = dispatch.create_shipments(db, "picker", [picked], today=MONDAY_MORNING.date())
    async with dispatch_app(db).run_test(size=(80, 24)) as pilot:
        screen = await open_dispatch(pilot)
        await pilot.press("f2")  # nothing selected
        assert "Select orders with Space" in flat(screen_text(pilot.app))
        await pilot.press("f6")  # on the group's header
        assert "Highlight an order first" in flat(screen_text(pilot.app))
        await go_to(pilot, screen, number(db, waiting))
        await pilot.press("f6")
        assert "is not in a wave yet" in flat(screen_text(pilot.app))
        await pilot.press("f7")
        await settle(pilot)
        assert "has no shipment yet" in flat(screen_text(pilot.app))
        await go_to(pilot, screen, sh.order_number)
        await pilot.press("f7")
        await settle(pilot)
        packing = docs / f"packing-list-{sh.order_number}.pdf"
        assert packing.exists() and sh.order_number in pdf_text(packing)
        assert message(screen) == f"Packing list of {sh.order_number} saved as {packing}."
        await pilot.press("ctrl+y")
        await settle(pilot)
        labels = docs / f"labels-{sh.order_number}.pdf"
        assert labels.exists() and sh.order_number in pdf_text(labels)
        # g selects the highlighted order's group (the picked order is grouped under the
        # carrier its wave chose, the waiting one under "cheapest in time"); again unselects
        await pilot.press("g")
        assert {r.order_id for r in screen.orders.selected.values()} == {picked}
        await pilot.press("g")
        assert screen.orders.selected == {}


async def test_a_printer_that_fails_keeps_the_wave_s_documents_and_f11_reprints_the_pick_list(
    sqlite_db: Database, w: World, docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The printer set to a missing destination: the wave stands, the message says it did
    not print and where the PDFs are; F11 reprints the pick list of the order's wave."""
    from oms_tui.services.platform import settings
    from tests.services.test_printing import fake_lp

    db = sqlite_db
    fake_lp(tmp_path, monkeypatch, exit_code=1)
    settings.set_setting(db, "admin", "printer", "nowhere")
    a = allocated_order(db, [(w.lamp, 2)])
    async with dispatch_app(db).run_test(size=(80, 24)) as pilot:
        screen = await open_dispatch(pilot)
        await go_to(pilot, screen, number(db, a))
        await pilot.press("space", "f2")
        await settle(pilot)
        [sa] = shipments_of(db, a)
        pick = docs / f"pick-list-{sa.number}.pdf"
        packing = docs / f"packing-lists-{sa.number}.pdf"
        assert sa.number in pdf_text(pick) and sa.number in pdf_text(packing)
        assert message(screen) == (
            f"Wave of 1 shipment ({sa.number}); not printed: printer 'nowhere' failed: lp: "
            f"The printer or class does not exist; saved in {docs} as {pick.name}, "
            f"{packing.name} (F11 reprints the pick list, F7 the packing list)"
        )
        pick.unlink()
        settings.set_setting(db, "admin", "printer", "")
        await go_to(pilot, screen, number(db, a))
        await pilot.press("f11")
        await settle(pilot)
        again = docs / "pick-list-HZ.pdf"
        assert sa.number in pdf_text(again) and "LAMP-1" in pdf_text(again)
        assert message(screen) == f"Pick list of HZ (1 shipment) saved as {again}."


def test_rows_are_grouped_by_warehouse_and_carrier() -> None:
    def ready(oid: int, wh: str, carrier: str) -> dispatch.ReadyOrder:
        return dispatch.ReadyOrder(oid, f"SO-{oid}", "allocated", "c", "East", 1, wh, None,
                                   carrier, 0, None, 1, False, "")  # fmt: skip

    rows = with_groups([ready(1, "GZ", ""), ready(2, "HZ", ""), ready(3, "HZ", ""),
                        ready(4, "HZ", "SF")])  # fmt: skip
    heads = [(r.warehouse_code, r.carrier_code, len(r.keys)) for r in rows
             if isinstance(r, GroupRow)]  # fmt: skip
    assert heads == [("GZ", "", 1), ("HZ", "", 2), ("HZ", "SF", 1)]
    assert [type(r).__name__ for r in rows] == [
        "GroupRow", "ReadyOrder", "GroupRow", "ReadyOrder", "ReadyOrder", "GroupRow",
        "ReadyOrder"]  # fmt: skip
    assert with_groups([]) == []
