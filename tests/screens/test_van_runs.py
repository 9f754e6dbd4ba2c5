"""Van runs at 80x24, by keys only: from Dispatch (F10) a van's run is planned (the driver
manifest saved and read back with pypdf), then settled when the van is back: one stop
delivered with empties and cash, one not home, a wrong count of empties refused at its
field with the bell and nothing saved. Every assertion on screen is backed by one on the
database or on the file written."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Static

from oms_tui.app import OmsApp, make_app
from oms_tui.config import Settings
from oms_tui.models import ContainerMove, DeliveryRun, Order, Shipment
from oms_tui.screens.dispatch import DispatchScreen
from oms_tui.screens.formats import parse_day
from oms_tui.screens.key_help import grammar_sections
from oms_tui.screens.van_runs import VanRunsScreen
from oms_tui.screens.van_runs.settle import SettleRunScreen
from oms_tui.services.finance import follow_ups, receivables
from oms_tui.services.inventory import stock
from oms_tui.services.platform import printing
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.shipping import delivery_runs
from oms_tui.services.states.order_states import OrderStatus as S
from oms_tui.widgets.scan_input import ScanInput
from tests.pilot import settle
from tests.services.test_delivery_runs import _order_for, _water

from .app_helpers import flat, screen_text

MONDAY_MORNING = datetime(2026, 11, 30, 9, 30)


def van_app(db: Database) -> OmsApp:
    app = make_app(Settings(database_url=db.url, user="dispatcher"), db)
    app.clock = lambda: MONDAY_MORNING
    return app


async def open_van_runs(pilot: Pilot) -> VanRunsScreen:
    await settle(pilot)
    await pilot.press("d")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DispatchScreen)
    await pilot.press("f10")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, VanRunsScreen)
    return screen


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def order(db: Database, order_id: int) -> Order:
    with db.read() as s:
        return s.get(Order, order_id)


def message(screen: VanRunsScreen) -> str:
    return str(screen.query_one("#van-message", Static).content)


def money_typed(minor: int) -> str:
    """How a clerk types it: ``423`` for whole yuan, ``423.50`` otherwise."""
    return str(minor // 100) if minor % 100 == 0 else f"{minor // 100}.{minor % 100:02d}"


async def test_plan_a_run_and_settle_it_by_keys(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sqlite_db
    _van, barrel = _water(db)
    far_cid, far = _order_for(db, barrel, 4, route_seq=2)
    near_cid, near = _order_for(db, barrel, 2, route_seq=1)
    with db.write() as s:  # the near customer already holds 3 empties
        s.add(ContainerMove(customer_id=near_cid, product_id=barrel, qty=3, deposit_minor=9_000,
                            actor="t", reason="opening balance"))  # fmt: skip
    near_o, far_o = order(db, near), order(db, far)
    app = van_app(db)
    bells: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_van_runs(pilot)
        van = screen.query_one("#van-van", ScanInput)
        assert pilot.app.focused is van and van.value == "1"  # the first own van
        text = screen_text(pilot.app)
        assert "1 VAN1 VAN1 快递" in text and "No run on 2026-11-30" in text
        # the van (1), the day (today), the driver; Enter on the driver plans
        await pilot.press("enter", "enter", *"Wang", "enter")
        await settle(pilot)
        [run] = delivery_runs.runs_on(db, date(2026, 11, 30))
        assert (run.van_code, run.driver, run.status) == ("VAN1", "Wang", "planned")
        assert [s.order_number for s in run.stops] == [near_o.number, far_o.number]
        manifest = printing.documents_dir() / f"manifest-{run.number}.pdf"
        assert manifest.exists()
        printed = pdf_text(manifest)
        for wanted in (run.number, "Driver 司机: Wang", near_o.number, far_o.number,
                       run.stops[0].address, "collect 3", "leave 2 full", "leave 4 full",
                       "Stops 站点: 2"):  # fmt: skip
            assert wanted in printed, wanted
        assert message(screen) == (f"{run.number} planned: 2 stops; driver manifest saved as "
                                   f"{manifest}.")  # fmt: skip
        shown = flat(screen_text(pilot.app))
        assert f"{run.number} planned: 2 stops; driver manifest saved as" in shown
        assert near_o.number in shown and far_o.number in shown
        assert "full out 6 · empties to collect 3" in shown
        await pilot.press("ctrl+n")  # F7's twin: the manifest again
        await settle(pilot)
        assert message(screen) == f"Driver manifest of {run.number} saved as {manifest}."

        # the van is back: F6 settles the picked run, stop by stop
        await pilot.press("f6")
        await settle(pilot)
        settling = pilot.app.screen
        assert isinstance(settling, SettleRunScreen)
        assert pilot.app.focused is settling.query_one("#van-done")
        paid = near_o.total_minor - 1_000  # the customer was ¥10.00 short
        cash = money_typed(paid)
        # stop 1: delivered, 6 empties back (it holds 3 + the 2 left: 5), the cash
        await pilot.press("d", "enter", "6", "enter", *cash, "enter")
        # stop 2: not home
        await pilot.press("n", "enter", "enter", "enter")
        assert "All 2 stops marked: F2 settles the run." in flat(screen_text(pilot.app))
        assert "due (short ¥10.00) · empties back 6" in flat(screen_text(pilot.app))
        done = settling.query_one("#van-done", ScanInput)
        await pilot.press("up")  # back to stop 1: what was typed there
        assert (settling.index, done.value) == (0, "d")
        await pilot.press("down")
        assert (settling.index, done.value) == (1, "n")
        await pilot.press("f2")
        await settle(pilot)
        assert pilot.app.screen is settling  # refused, at stop 1's empties, with the bell
        assert "Stop 1: 王小明 holds 5 containers, not 6" in flat(screen_text(pilot.app))
        back = settling.query_one("#van-back", ScanInput)
        assert pilot.app.focused is back and back.has_class("-error") and bells
        assert delivery_runs.get_run(db, run.number).status == "planned"  # nothing saved
        with db.read() as s:
            assert s.exec(select(Shipment.status).where(Shipment.order_id == near)).one() \
                == "picking"  # fmt: skip
        await pilot.press("5", "ctrl+s")  # the typed count replaces the wrong one
        await settle(pilot)
        assert pilot.app.screen is screen
        shown = flat(screen_text(pilot.app))
        [invoice] = receivables.order_invoices(db, near)
        due, got = f"¥{near_o.total_minor / 100:,.2f}", f"¥{paid / 100:,.2f}"
        # the payment and the difference, where they went (3 empties' deposit credited)
        assert (f"{run.number} settled: 1 stop waits for the next run (F2 plans it). Cash "
                f"{got} recorded, paying {invoice.number}; stop 1 ¥10.00 short "
                f"({invoice.number} open, follow-up written); deposit ¥90.00 credited on "
                "account") in shown  # fmt: skip
        assert (f"1 of 2 stops delivered · cash {got} collected of {due} due (short ¥10.00) · "
                "full out 2 · empties back 5 · 1 waits for the next run") in shown  # fmt: skip
        assert f"{run.number} · VAN1 VAN1 快递 · 2026-11-30 · driver Wang · returned" in shown
        assert f"✓ 1 {near_o.number}" in shown and f"✗ 2 {far_o.number}" in shown

    with db.read() as s:
        assert s.get(Order, near).status == S.DELIVERED
        assert s.get(Order, far).status != S.DELIVERED
        far_shipment = s.exec(select(Shipment).where(Shipment.order_id == far)).one()
        record = s.exec(select(DeliveryRun).where(DeliveryRun.number == run.number)).one()
    assert far_shipment.status == "picking"  # waits for the next run
    assert (record.status, record.cash_collected_minor) == ("returned", paid)
    assert [(i.number, i.open_minor) for i in receivables.customer_invoices(db, near_cid)
            if i.kind == "invoice"] == [(invoice.number, 1_000)]  # fmt: skip
    [follow] = follow_ups.todays_follow_ups(db, MONDAY_MORNING.date())
    assert follow.customer_id == near_cid and "¥10.00 short" in follow.note
    assert delivery_runs.container_balance(db, near_cid) == delivery_runs.ContainerBalance(
        near_cid, 0, 0)  # 3 held + 2 delivered - 5 back  # fmt: skip
    assert delivery_runs.container_balance(db, far_cid).held == 0
    settled = delivery_runs.get_run(db, run.number)
    assert [(s.delivered, s.containers_back, s.cash_collected_minor) for s in settled.stops] \
        == [(True, 5, paid), (False, 0, 0)]  # fmt: skip
    assert stock.verify(db) == []


async def test_keys_that_need_a_van_or_a_run_say_so(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sqlite_db
    _water(db)
    app = van_app(db)
    bells: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_van_runs(pilot)
        await pilot.press("f6")  # no run yet
        assert "No run on 2026-11-30 to pick" in flat(screen_text(pilot.app))
        await pilot.press("backspace", "7", "f2")  # no van 7
        assert "Van: one of the keys listed (1)" in flat(screen_text(pilot.app))
        await pilot.press("1", "ctrl+s")  # nothing ready for the van: said at the van field
        await settle(pilot)
        assert "Not planned: nothing ready to deliver by VAN1 on 2026-11-30" in flat(
            screen_text(pilot.app))  # fmt: skip
        assert pilot.app.focused is screen.query_one("#van-van") and len(bells) == 3
        await pilot.press("enter", *"2026-11-01", "enter")  # a past day lists its runs
        await settle(pilot)
        assert "No run on 2026-11-01" in screen_text(pilot.app)
        await pilot.press("f2")  # but plans none
        assert "2026-11-01 is in the past" in flat(screen_text(pilot.app))
        assert delivery_runs.runs_on(db, date(2026, 11, 1)) == []
        assert ("F6/^O", "Settle the picked run: delivered, empties, cash") in grammar_sections(
            screen)["screen"]  # F1 lists the screen's keys  # fmt: skip
        await pilot.press("escape")  # back to dispatch
        await settle(pilot)
        dispatch = pilot.app.screen
        assert isinstance(dispatch, DispatchScreen)
        assert ("F10/^G", "Van runs: plan, manifest, settle") in grammar_sections(
            dispatch)["screen"]  # fmt: skip
        assert any(action == "van_runs" for action, _t, _h in dispatch.PALETTE)
        await pilot.press("ctrl+g")  # the twin opens it too
        await settle(pilot)
        assert isinstance(pilot.app.screen, VanRunsScreen)


def test_days_are_typed_the_short_way() -> None:
    today = date(2026, 11, 30)
    assert parse_day("", today) == today
    assert parse_day("+1", today) == date(2026, 12, 1)
    assert parse_day("-1", today) == date(2026, 11, 29)
    assert parse_day("2026-12-01", today) == date(2026, 12, 1)
    with pytest.raises(InvalidInput, match="not a date"):
        parse_day("soon", today)
