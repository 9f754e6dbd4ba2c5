"""The production board at 80x24, by keys only: start (materials issued), advance through the
stages, a quality failure back to a chosen stage, a new expected date, a shortage that
changes nothing, completion making the sales order ready to ship, and the capacity view
with a day over capacity. Every assertion on screen is backed by one on the database."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select
from textual.pilot import Pilot

from oms_tui.app import OmsApp, make_app
from oms_tui.config import Settings
from oms_tui.models import Order, ProductionOrder, ProductionStageLog, StockMove
from oms_tui.screens.key_help import KeyHelpScreen
from oms_tui.screens.production import ProductionScreen
from oms_tui.screens.production.capacity import CapacityScreen
from oms_tui.screens.production.dialogs import HistoryDialog
from oms_tui.screens.production.rows import StageGroup
from oms_tui.services.fulfilment import stock_operations
from oms_tui.services.platform.db import Database
from oms_tui.services.production import board, planning, stages
from oms_tui.services.states.order_states import OrderStatus as S
from oms_tui.widgets.form_dialog import FormDialog
from tests.pilot import settle
from tests.services.test_production import _doors, _order_of

from .app_helpers import flat, screen_text

USER = "liu"
NOW = datetime(2026, 11, 30, 9, 30)
TODAY = NOW.date()


def plant(db: Database) -> dict[str, int]:
    """The door line (capacity 4 a day; 30 oak boards, 3 a door): a 2-door order due in 3
    days (priority 1) and an 11-door one that is short of oak."""
    ids = _doors(db, capacity=4)
    ids["small_order"] = _order_of(db, [(ids["door"], 2, "2050x860 哑光")], priority=1)
    ids["big_order"] = _order_of(db, [(ids["door"], 11, "")])
    with db.write() as s:
        for po in s.exec(select(ProductionOrder)).all():
            po.due_date = TODAY + timedelta(days=3 if po.qty == 2 else 30)
            s.add(po)
            ids["small" if po.qty == 2 else "big"] = po.id
    planning.replan(db, TODAY)
    return ids


def prod_app(db: Database) -> OmsApp:
    app = make_app(Settings(database_url=db.url, user=USER), db)
    app.clock = lambda: NOW
    return app


async def open_board(pilot: Pilot) -> ProductionScreen:
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ProductionScreen)
    assert pilot.app.focused is screen.board  # a list, not a text field: letters are keys
    return screen


async def go_to(pilot: Pilot, screen: ProductionScreen, po_id: int) -> None:
    """Move the highlight to a production order by Down from the top (keys only)."""
    await pilot.press("home")
    for _ in range(len(screen.board.rows)):
        row = screen.board.highlighted
        if not isinstance(row, StageGroup) and row is not None and row.id == po_id:
            return
        await pilot.press("down")
    raise AssertionError(f"production order {po_id} is not on the board")


def po_of(db: Database, po_id: int) -> ProductionOrder:
    with db.read() as s:
        return s.get(ProductionOrder, po_id)


def message(screen: ProductionScreen) -> str:
    return flat(str(screen.query_one("#prod-message").render()))


async def test_the_board_lists_orders_by_stage_with_late_marked(sqlite_db: Database) -> None:
    ids = plant(sqlite_db)
    app = prod_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot)
        text = flat(screen_text(app))
        small, big = po_of(sqlite_db, ids["small"]), po_of(sqlite_db, ids["big"])
        assert "waiting to start 2 orders, 13 units, 1 late" in text
        assert small.number in text and big.number in text
        late = small.expected_date
        assert late is not None and late > small.due_date
        assert f"{late:%m-%d}!" in text  # expected after due: marked
        assert "2 open · 0 in progress · 1 late" in text
        await pilot.press("f1")  # the keys list names this screen's keys
        assert isinstance(app.screen, KeyHelpScreen)
        keys = dict(app.screen._sections["screen"])
        for key, does in (
            ("F6/^O", "Start: issue"),
            ("F7/^N", "Advance a stage"),
            ("F8/^Y", "Quality failure"),
            ("F9/^B", "New expected date"),
            ("F10/c", "Capacity per route"),
            ("F4/^L", "Only orders due by"),
            ("Enter/h", "Route, stage log"),
            ("l", "Next product line"),
        ):
            assert keys[key].startswith(does), key
        await pilot.press("f1")


async def test_start_advance_quality_failure_expected_and_completion(
    sqlite_db: Database,
) -> None:
    ids = plant(sqlite_db)
    app = prod_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot)
        await go_to(pilot, screen, ids["small"])
        await pilot.press("f6")  # start: 6 oak boards and 4 hinges issued
        await settle(pilot)
        po = po_of(sqlite_db, ids["small"])
        assert (po.status, po.current_stage_seq) == ("in_progress", 1)
        with sqlite_db.read() as s:
            used = s.exec(select(StockMove.product_id, StockMove.qty).where(
                StockMove.kind == "production_use")).all()  # fmt: skip
        assert sorted(tuple(u) for u in used) == sorted([(ids["oak"], -6), (ids["hinge"], -4)])
        assert f"{po.number} started: materials issued" in message(screen)
        assert "1/4" in flat(screen_text(app))

        for n in range(3):  # materials -> cutting -> assembly -> QC, the last with a note
            await go_to(pilot, screen, ids["small"])
            await pilot.press("ctrl+n")
            await settle(pilot)
            assert isinstance(app.screen, FormDialog)
            if n == 2:
                await pilot.press(*"ok")
            await pilot.press("enter")
            await settle(pilot)
        assert po_of(sqlite_db, ids["small"]).current_stage_seq == 4
        assert "4/4" in flat(screen_text(app))

        await go_to(pilot, screen, ids["small"])
        await pilot.press("f8")  # quality failure: back to cutting (2), with the reason
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "4 质检 QC (current)" in flat(screen_text(app))
        await pilot.press("2", "enter", *"gap", "enter")
        await settle(pilot)
        assert po_of(sqlite_db, ids["small"]).current_stage_seq == 2
        with sqlite_db.read() as s:
            log = s.exec(select(ProductionStageLog).where(
                ProductionStageLog.production_order_id == ids["small"],
                ProductionStageLog.result == "qc_fail")).one()  # fmt: skip
        assert (log.stage_name, log.actor) == ("质检 QC", USER)
        assert log.note == "gap -> back to 开料 cutting"
        assert "back to 开料 cutting" in message(screen)

        await go_to(pilot, screen, ids["small"])
        before = po_of(sqlite_db, ids["small"]).expected_date
        assert before is not None and before > TODAY  # so +9 from it differs from +9 from today
        await pilot.press("f9")  # a new expected date, with the reason
        await settle(pilot)
        await pilot.press(*"+9", "enter", "enter")  # no reason: refused, nothing changes
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "a reason is required" in flat(screen_text(app))
        await pilot.press(*"paint late", "enter")
        await settle(pilot)
        # +9: nine days later than it was expected, not nine days from today
        assert po_of(sqlite_db, ids["small"]).expected_date == before + timedelta(days=9)

        await go_to(pilot, screen, ids["small"])
        await pilot.press("enter")  # the stage log
        await settle(pilot)
        assert isinstance(app.screen, HistoryDialog)
        text = flat(screen_text(app))
        assert "qc_fail" in text and "replanned" in text and "paint late" in text
        await pilot.press("escape")
        await settle(pilot)

        for _ in range(3):  # cutting -> assembly -> QC -> done
            await go_to(pilot, screen, ids["small"])
            await pilot.press("f7", "enter")
            await settle(pilot)
        done = po_of(sqlite_db, ids["small"])
        assert done.status == "done"
        with sqlite_db.read() as s:
            assert s.get(Order, ids["small_order"]).status == S.READY_TO_SHIP
        assert f"{done.number} done: 2 DOOR-1 into stock" in message(screen)
        assert ids["small"] not in [r.id for r in screen.orders()]  # off the board


async def test_a_shortage_is_named_with_the_bell_and_nothing_changes(
    sqlite_db: Database,
) -> None:
    ids = plant(sqlite_db)
    app = prod_app(sqlite_db)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot)
        await go_to(pilot, screen, ids["big"])
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert bells
        text = message(screen)
        # the 2-door order, planned first, holds 6 of the 30 boards: 24 left for this one
        assert "cannot start: RM-OAK short 9 (24 of 33), blocking since" in text
        assert po_of(sqlite_db, ids["big"]).status == "planned"
        with sqlite_db.read() as s:
            assert s.exec(select(StockMove).where(StockMove.kind == "production_use")).all() == []
        await pilot.press("enter")  # the shortages are listed with the log too
        await settle(pilot)
        assert "RM-OAK" in flat(screen_text(app)) and "short 9" in flat(screen_text(app))


async def test_an_order_short_of_materials_is_marked_and_the_detail_says_what_is_reserved(
    sqlite_db: Database,
) -> None:
    ids = plant(sqlite_db)  # the 2 doors hold 6 boards; the 11 doors 24 of their 33
    app = prod_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot)
        small, big = po_of(sqlite_db, ids["small"]), po_of(sqlite_db, ids["big"])
        lines = screen_text(app).splitlines()
        big_row = next(line for line in lines if big.number in line)
        small_row = next(line for line in lines if small.number in line)
        assert "short" in big_row and "▱" not in big_row and "0/4" not in big_row
        assert "short" not in small_row and "▱▱▱▱ 0/4" in small_row
        text = flat("\n".join(lines))
        assert "waiting to start 2 orders, 13 units, 1 late, 1 short" in text
        assert "2 open · 0 in progress · 1 late · 1 short" in text

        await go_to(pilot, screen, ids["big"])
        assert f"{big.number} doors · short of materials" in flat(screen_text(app))
        await pilot.press("enter")  # what is short
        await settle(pilot)
        assert isinstance(app.screen, HistoryDialog)
        text = flat(screen_text(app))
        assert "Shortages (it cannot start):" in text and "short 9 (24 of 33)" in text
        assert "reserved:" not in text and "all in stock" not in text
        await pilot.press("escape")
        await settle(pilot)

        await go_to(pilot, screen, ids["small"])
        await pilot.press("enter")  # what is reserved for it
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Materials reserved: RM-HINGE 4, RM-OAK 6; F6 starts it" in text
        assert "Shortages" not in text and "all in stock" not in text
        await pilot.press("escape")
        await settle(pilot)

        stock_operations.receive(sqlite_db, "wang", "HZ", [(ids["oak"], 9)])  # they go to it
        await pilot.press("f5")
        await settle(pilot)
        lines = screen_text(app).splitlines()
        assert "short" not in next(line for line in lines if big.number in line)
        assert " short" not in flat(screen_text(app))


async def test_filters_by_line_and_due_date(sqlite_db: Database) -> None:
    ids = plant(sqlite_db)
    app = prod_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot)
        small = po_of(sqlite_db, ids["small"]).number
        big = po_of(sqlite_db, ids["big"]).number
        await pilot.press("f4", *"+7", "enter")
        await settle(pilot)
        assert [r.number for r in screen.orders()] == [small]
        assert "due by 2026-12-07" in flat(screen_text(app))
        await pilot.press("ctrl+l", "ctrl+u", "enter")  # blank: every due date again
        await settle(pilot)
        assert {r.number for r in screen.orders()} == {small, big}
        await pilot.press("l")  # doors only
        await settle(pilot)
        assert "line doors" in flat(screen_text(app)) and len(screen.orders()) == 2
        await pilot.press("l")  # back to all lines
        await settle(pilot)
        assert "line all" in flat(screen_text(app))


async def test_capacity_view_shows_how_long_each_route_is_booked(sqlite_db: Database) -> None:
    plant(sqlite_db)
    days = board.capacity(sqlite_db, TODAY, 14)
    busy = [d for d in days if d.planned_units]
    assert busy and all(d.planned_units <= d.capacity for d in days)  # 13 doors at 4 a day
    app = prod_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CapacityScreen)
        text = flat(screen_text(app))
        assert "all open work fits these days" in text and "OVER" not in text
        total = sum(d.planned_units for d in days if d.route == busy[0].route)
        assert f"{total} units: booked until {busy[-1].day:%a %m-%d}" in text
        first = busy[0]
        assert f"{first.day:%a %m-%d}" in text
        assert f"{first.planned_units} / {first.capacity}" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ProductionScreen)


async def test_f7_on_a_board_somebody_else_moved_on_says_who_and_reads_it_again(
    sqlite_db: Database,
) -> None:
    """Issue #15, item 7: wang advanced the order to its last stage and then into stock
    while this board still showed quality check; F7 here is refused with who and when, the
    goods went in once, and the board is read again (the order is off it)."""
    ids = plant(sqlite_db)
    stages.start(sqlite_db, "wang", ids["small"], TODAY)
    for _ in range(3):
        stages.advance(sqlite_db, "wang", ids["small"], today=TODAY)
    app = prod_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot)
        await go_to(pilot, screen, ids["small"])
        assert "质检 QC" in flat(screen_text(app))
        stages.advance(sqlite_db, "wang", ids["small"], today=TODAY)  # done, meanwhile
        await pilot.press("f7", *"quality check done", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ProductionScreen)  # the form closed
        po = po_of(sqlite_db, ids["small"])
        text = message(screen)
        assert f"{po.number} was changed by wang at " in text
        assert "(completed); nothing was saved: read again." in text
        assert ids["small"] not in [r.id for r in screen.orders()]  # read again: done
        with sqlite_db.read() as s:
            into = s.exec(select(StockMove).where(StockMove.kind == "production_in")).all()
            last = s.exec(select(ProductionStageLog).where(
                ProductionStageLog.production_order_id == ids["small"])
                .order_by(ProductionStageLog.id.desc())).first()  # fmt: skip
        assert len(into) == 1 and last.actor == "wang"


async def test_the_board_reads_itself_again_when_another_clerk_changed_it(
    sqlite_db: Database,
) -> None:
    """A cheap check (a count and the versions) finds the board out of date and reads it
    again: two more orders planned elsewhere, one advanced elsewhere. The check runs on a
    timer; here it is called, so the test does not wait on the clock."""
    ids = plant(sqlite_db)
    app = prod_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_board(pilot)
        before = len(screen.orders())
        await go_to(pilot, screen, ids["big"])
        _order_of(sqlite_db, [(ids["door"], 1, "")])  # another clerk's orders, planned
        _order_of(sqlite_db, [(ids["door"], 3, "")])
        screen.check_current()
        await settle(pilot)
        await settle(pilot)
        assert len(screen.orders()) == before + 2
        assert f"{before + 2} open" in flat(screen_text(app))
        assert screen.board.highlighted.id == ids["big"]  # the highlight stays on its order
        later = NOW.date() + timedelta(days=40)
        stages.set_expected(sqlite_db, "wang", ids["small"], later, "paint late")
        screen.check_current()
        await settle(pilot)
        await settle(pilot)
        row = next(r for r in screen.orders() if r.id == ids["small"])
        assert row.expected_date == later  # read again
