"""The app shell at 80x24, driven by keyboard alone: areas, counts, palette, theme, quit."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import select
from textual.command import CommandPalette
from textual.widgets import Footer, OptionList, Static
from textual.widgets._footer import FooterKey

import oms_tui.app as app_module
from oms_tui.app import OmsApp, make_app
from oms_tui.config import Settings
from oms_tui.models import Customer, Invoice, Order, OrderAudit
from oms_tui.screens import HOME_MODE, WORKFLOWS
from oms_tui.screens.home import HomeScreen
from oms_tui.screens.key_help import KeyHelpScreen
from oms_tui.screens.placeholder import PlaceholderScreen
from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.settings import set_setting
from oms_tui.services.sales.dashboard import home_counts
from oms_tui.widgets import CountTile
from tests.pilot import settle

from .app_helpers import ADMIN, FROZEN_NOW, flat, frozen_app, screen_text

# Orders by status in the fixture database, and what the home screen must show for them.
STATUSES = {
    "draft": 1,  # not counted anywhere
    "pending_audit": 3,
    "on_hold": 2,  # held until a later date (not in the audit queue yet)
    "backordered": 1,
    "partially_backordered": 1,
    "in_production": 1,
    "ready_to_ship": 2,
    "partially_shipped": 1,
    "shipped": 4,  # not counted anywhere
}
EXPECTED_TILES = {
    "waiting_audit": "3",
    "on_hold": "2",
    "backorders": "2",
    "in_production": "1",
    "ready_to_ship": "3",
    "overdue_invoices": "2 invoices, ¥620.00",
}


def add_orders(db: Database, status: str, count: int, start: int) -> None:
    with db.write() as session:
        customer_id = session.exec(select(Customer.id)).first()
        for n in range(start, start + count):
            session.add(Order(number=f"SO-2026-{n:06d}", customer_id=customer_id,
                              status=status, created_by="test"))  # fmt: skip


def fill_counts_db(db: Database) -> None:
    """A company whose home counts are known: see ``STATUSES`` and ``EXPECTED_TILES``."""
    set_setting(db, "admin", "company_name", "Acme Trading")
    with db.write() as session:
        session.add(Customer(code="C000001", name="Li Wei Hardware"))
    n = 1
    for status, count in STATUSES.items():
        add_orders(db, status, count, n)
        n += count
    with db.write() as session:  # the held orders are to be looked at again next year
        for order_id in session.exec(select(Order.id).where(Order.status == "on_hold")):
            session.add(OrderAudit(order_id=order_id, follow_up_on=date(2999, 1, 1)))
    with db.write() as session:
        cid = session.exec(select(Customer.id)).first()
        past, future = date(2000, 1, 31), date(2999, 1, 31)
        for number, amount, paid, due, status in [
            ("INV-1", 12_345, 345, past, "open"),  # overdue 120.00
            ("INV-2", 50_000, 0, past, "open"),  # overdue 500.00
            ("INV-3", 70_000, 0, future, "open"),  # not due yet
            ("INV-4", 80_000, 80_000, past, "paid"),  # paid
        ]:
            session.add(Invoice(number=number, customer_id=cid, amount_minor=amount,
                                paid_minor=paid, issued_on=date(2000, 1, 1), due_on=due,
                                status=status, created_by="test"))  # fmt: skip


@pytest.fixture
def counts_db(sqlite_db: Database) -> Database:
    fill_counts_db(sqlite_db)
    return sqlite_db


def tile_values(app: OmsApp) -> dict[str, str]:
    return {tile.id: str(tile.value) for tile in app.screen.query(CountTile) if tile.id}


# -- home ------------------------------------------------------------------------------------


async def test_home_shows_the_database_counts(counts_db: Database) -> None:
    app = frozen_app(counts_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert tile_values(app) == EXPECTED_TILES
        counts = home_counts(counts_db, today=FROZEN_NOW.date())
        assert tile_values(app)["waiting_audit"] == str(counts.waiting_audit)
        assert tile_values(app)["ready_to_ship"] == str(counts.ready_to_ship)
        assert app.title == "Acme Trading"
        assert app.sub_title == "clerk @ oms.db"
        status = str(app.screen.query_one("#counts-status", Static).render())
        assert "Counts at 09:30" in status


async def test_refresh_key_and_its_twin_reread_the_counts(counts_db: Database) -> None:
    app = frozen_app(counts_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        add_orders(counts_db, "pending_audit", 2, 100)
        await pilot.press("f5")
        await settle(pilot)
        assert tile_values(app)["waiting_audit"] == "5"
        add_orders(counts_db, "on_hold", 1, 200)  # no follow-up date: back in the queue
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert tile_values(app)["waiting_audit"] == "6"
        assert tile_values(app)["on_hold"] == "2"


async def test_counts_are_fresh_when_coming_back_home(counts_db: Database) -> None:
    app = frozen_app(counts_db, ADMIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        add_orders(counts_db, "in_production", 4, 100)
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_mode == HOME_MODE
        assert tile_values(app)["in_production"] == "5"


def record_intervals(
    monkeypatch: pytest.MonkeyPatch, cls: type
) -> list[tuple[float, Callable[[], object]]]:
    """Every ``set_interval`` of ``cls`` (still set) as (interval, callback): a test calls
    the callback as the timer's tick would, rather than waiting for it on the clock."""
    timers: list[tuple[float, Callable[[], object]]] = []
    set_interval = cls.set_interval

    def recorded(self, interval, callback, **kw):  # noqa: ANN001, ANN202
        timers.append((interval, callback))
        return set_interval(self, interval, callback, **kw)

    monkeypatch.setattr(cls, "set_interval", recorded)
    return timers


async def test_counts_refresh_on_a_timer(
    counts_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Home reads its counts again every REFRESH_SECONDS while shown. The timer is driven
    by hand (its callback called as its tick would), not waited for on the clock."""
    timers = record_intervals(monkeypatch, HomeScreen)
    app = frozen_app(counts_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        [(interval, tick)] = [(i, t) for i, t in timers if t == home.action_refresh_counts]
        assert interval == HomeScreen.REFRESH_SECONDS
        add_orders(counts_db, "ready_to_ship", 3, 100)
        tick()
        await settle(pilot)
        assert tile_values(app)["ready_to_ship"] == "6"


async def test_full_collections_wait_for_a_pause_in_the_typing(
    counts_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once up, the app runs Python's full garbage collection itself when no key has been
    pressed for a moment, never automatically on a key; Python's setting comes back at exit."""
    import gc

    timers = record_intervals(monkeypatch, OmsApp)
    before = gc.get_threshold()
    app = frozen_app(counts_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()  # the warm-up
        await pilot.pause()
        assert gc.get_threshold()[2] >= 1_000_000 and gc.get_threshold()[:2] == before[:2]

        now = time.monotonic()
        gc.collect(1)  # something moved up a generation since the last full collection
        app._last_key, app._last_full_gc = now, now - 30  # typing: not now
        app._collect_if_idle()
        assert app._last_full_gc == now - 30
        app._last_key = now - 1  # a pause: now
        app._collect_if_idle()
        assert app._last_full_gc >= now
        app._last_key, app._last_full_gc = time.monotonic(), now - app.GC_MAX_S  # nonstop
        app._collect_if_idle()
        assert app._last_full_gc >= now
        [(interval, tick)] = [(i, t) for i, t in timers if t == app._collect_if_idle]
        assert interval == app.GC_IDLE_S / 2
        # the timer's own round, after 10 x GC_IDLE_S without a key
        app._last_key = time.monotonic() - app.GC_IDLE_S
        app._last_full_gc = started = time.monotonic() - 10 * app.GC_IDLE_S
        gc.collect(1)
        tick()
        assert app._last_full_gc > started
    assert gc.get_threshold() == before


async def test_exit_when_ready_exits_once_counts_are_painted(counts_db: Database) -> None:
    app = frozen_app(counts_db, exit_when_ready=True)
    await asyncio.wait_for(app.run_async(headless=True, size=(80, 24)), timeout=20)
    assert app.return_code == 0


async def test_database_not_set_up_is_explained_not_crashed(tmp_path: Path) -> None:
    empty = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    app = frozen_app(empty)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = str(app.screen.query_one("#counts-status", Static).render())
        assert "Could not read the counts" in status
        assert "oms db upgrade" in status
        assert set(tile_values(app).values()) == {"—"}
        await pilot.press("f1")  # the rest of the app still works (no area: no user known)
        assert isinstance(app.screen, KeyHelpScreen)
    empty.dispose()
    failing = frozen_app(Database(f"sqlite:///{tmp_path / 'empty2.db'}"), exit_when_ready=True)
    await asyncio.wait_for(failing.run_async(headless=True, size=(80, 24)), timeout=20)
    assert failing.return_code == 1


# -- areas -----------------------------------------------------------------------------------


async def test_every_area_opens_by_its_letter_and_escape_comes_home(counts_db: Database) -> None:
    app = frozen_app(counts_db, ADMIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for wf in WORKFLOWS:
            await pilot.press(wf.key)
            assert app.current_mode == wf.mode
            screen = app.screen
            assert type(screen).__name__ == wf.screen_class
            if isinstance(screen, PlaceholderScreen):  # areas not built yet say so
                text = flat(screen_text(app))
                assert wf.title in text
                assert "Not built yet" in text
                assert flat(" ".join(wf.plan)) in text  # says what will be there ...
                assert "Esc or F12 goes back home" in text  # ... and how to get back
            await pilot.press("escape")
            assert app.current_mode == HOME_MODE
            assert isinstance(app.screen, HomeScreen)


async def test_f12_backs_out_and_letters_work_from_any_area(counts_db: Database) -> None:
    app = frozen_app(counts_db, ADMIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # area to area, without going home in between; the areas that open with a text
        # field focused (order entry's customer, order search's query line) last, from
        # home: letters typed there are text, not area keys
        typing = {"entry", "orders", "stock"}
        for wf in [w for w in WORKFLOWS if w.mode not in typing]:
            await pilot.press(wf.key)
            assert app.current_mode == wf.mode
        for wf in [w for w in WORKFLOWS if w.mode in typing]:
            await pilot.press("f12")
            assert app.current_mode == HOME_MODE
            await pilot.press(wf.key)
            assert app.current_mode == wf.mode
            await pilot.press("x")  # typed into the field, not an area key
            assert app.current_mode == wf.mode
        await pilot.press("f12")
        assert app.current_mode == HOME_MODE
        await pilot.press("f12")  # nothing to back out of at home: stays, no error
        assert app.current_mode == HOME_MODE


async def test_menu_arrows_and_enter_open_the_highlighted_area(counts_db: Database) -> None:
    app = frozen_app(counts_db, ADMIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.focused is app.screen.query_one("#menu", OptionList)
        await pilot.press("down", "down", "enter")
        assert app.current_mode == WORKFLOWS[2].mode


# -- palette, help, theme, quit --------------------------------------------------------------


async def test_palette_goes_to_an_area_by_typing(counts_db: Database) -> None:
    app = frozen_app(counts_db, ADMIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"dispatch")
        assert app.current_mode == HOME_MODE  # letters went into the search field
        await settle(pilot)  # the palette searches in a worker
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "dispatch"
        assert type(app.screen).__name__ == "DispatchScreen"


async def test_keys_list_opens_and_closes_with_f1_and_question_mark(counts_db: Database) -> None:
    app = frozen_app(counts_db, ADMIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, KeyHelpScreen)
        text = flat(screen_text(app))
        for wf in WORKFLOWS:
            assert f"{wf.key} {wf.title}" in text
        assert "F12/Esc Back out: close this screen, or go home" in text
        assert "F3/^Q Exit OMS" in text
        assert "F5/^R Read today's counts again" in text  # the home screen's own key
        await pilot.press("a")  # letters do nothing while the list is open
        assert app.current_mode == HOME_MODE
        await pilot.press("f1")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("a", "question_mark")
        assert app.current_mode == "audit"
        assert isinstance(app.screen, KeyHelpScreen)
        assert "Read today's counts again" not in screen_text(app)  # home's F5, not this one's
        await pilot.press("escape")  # closes the list, stays in the area
        assert app.current_mode == "audit"
        assert type(app.screen).__name__ == "AuditQueueScreen"


async def test_theme_toggles_between_dark_and_light(counts_db: Database) -> None:
    app = frozen_app(counts_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-dark"


@pytest.mark.parametrize("key", ["f3", "ctrl+q"])
async def test_quit_by_key(counts_db: Database, key: str) -> None:
    app = frozen_app(counts_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o", key)
        await pilot.pause()
        assert app._exit  # the app is shutting down
    assert app.return_code == 0


# -- the key grammar -------------------------------------------------------------------------


@pytest.mark.parametrize("area", [None, "audit"])
async def test_footer_fits_80_columns(counts_db: Database, area: str | None) -> None:
    app = frozen_app(counts_db, ADMIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if area:
            await pilot.press(WORKFLOWS[[w.mode for w in WORKFLOWS].index(area)].key)
            await pilot.pause()
        footer = app.screen.query_one(Footer)
        keys = list(footer.query(FooterKey))
        shown = {key.description for key in keys}
        assert {"Keys", "Theme", "Quit", "palette"} <= shown
        assert ("Back" in shown) is bool(area)  # nothing to back out of at home
        assert ("Refresh" in shown) is not area
        for key in keys:
            assert key.region.width > 0 and key.region.right <= 80, key.description
        last = screen_text(app).splitlines()[-1]
        assert "F3/^Q Quit" in last and "^p palette" in last


async def test_palette_offers_theme_and_refresh(counts_db: Database) -> None:
    app = frozen_app(counts_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"light / dark")
        await settle(pilot)  # the palette's search
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "textual-light"
        add_orders(counts_db, "on_hold", 5, 100)  # held with no follow-up date: in the queue
        await pilot.press("ctrl+p", *"refresh counts")
        await settle(pilot)  # the palette's search
        await pilot.press("enter")
        await settle(pilot)
        assert tile_values(app)["waiting_audit"] == "8"


def test_sub_title_names_the_database_without_secrets() -> None:
    assert app_module.short_database("sqlite:////var/lib/oms/shop.db") == "shop.db"
    assert app_module.short_database("sqlite://") == "in-memory"
    pg = "postgresql+psycopg://oms:s3cret@db.example.lan:5432/oms_prod"
    assert app_module.short_database(pg) == "db.example.lan/oms_prod"
    assert len(app_module.short_database("sqlite:////x/" + "a" * 80 + ".db")) == 32


def test_key_grammar_is_documented_and_remappable() -> None:
    doc = app_module.__doc__ or ""
    for wf in WORKFLOWS:
        assert re.search(rf"\| `{wf.key}` .*\| {wf.title} ", doc), wf.title
    for binding in OmsApp.BINDINGS:
        assert binding.id, binding  # remappable through a keymap
        if binding.key.startswith("f") and binding.key[1:].split(",")[0].isdigit():
            assert "/" in (binding.key_display or ""), f"{binding.key} has no twin shown"
            assert f"`{binding.key.split(',')[0].upper()}`" in doc
    letters = [wf.key for wf in WORKFLOWS]
    assert len(set(letters)) == len(letters)


def test_the_fixture_database_really_has_those_counts(counts_db: Database) -> None:
    counts = home_counts(counts_db, today=FROZEN_NOW.date())
    assert (counts.waiting_audit, counts.on_hold, counts.backorders) == (3, 2, 2)
    assert (counts.in_production, counts.ready_to_ship) == (1, 3)
    assert (counts.overdue_invoices, counts.overdue_minor) == (2, 62_000)


__all__ = ["fill_counts_db", "frozen_app", "settle", "schema"]


async def test_home_flags_shipments_not_delivered_after_their_expected_date(
    sqlite_db: Database,
) -> None:
    from datetime import date, timedelta

    from oms_tui.services.shipping import dispatch, tracking
    from tests.dispatch_factories import allocated_order, world

    w = world(sqlite_db)
    oid = allocated_order(sqlite_db, [(w.lamp, 1)])
    [sh] = dispatch.create_shipments(sqlite_db, "picker", [oid])
    ten_days_ago = date.today() - timedelta(days=10)
    dispatch.ship(sqlite_db, "packer", sh.id, "123456789012", today=ten_days_ago)  # ZTO, 2 days
    app = make_app(Settings(database_url=sqlite_db.url, user="clerk"), sqlite_db)
    app.clock = lambda: datetime.now()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Alerts 0 in audit > 4 h · 0 due in 2 d, not shipped · 1 shipped, late > 2 d" in text
    tracking.add_tracking_event(sqlite_db, "driver", sh.id, "delivered")
    app = make_app(Settings(database_url=sqlite_db.url, user="clerk"), sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "not delivered" not in flat(screen_text(app))


async def test_keys_list_wraps_under_the_description_and_names_keys_once(
    counts_db: Database,
) -> None:
    app = frozen_app(counts_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, KeyHelpScreen)
        does = list(app.screen.query(".key-help-does").results(Static))
        assert len({d.region.x for d in does}) == 1  # one column: wrapped lines stay in it
        options = next(d for d in does if str(d.render()).startswith("Order options"))
        assert options.region.height == 2  # wraps at 80 columns, under itself
        texts = [str(d.render()) for d in does]
        assert "Move in the customer matches, or select a line" in texts  # not "Up/Down: …"
        assert not any(t.startswith("Up/Down:") for t in texts)


async def test_the_header_never_cuts_the_users_name(counts_db: Database) -> None:
    set_setting(counts_db, "admin", "company_name",
                "浙江永安照明电器股份有限公司 "
                "Zhejiang Yong'an Lighting Appliances Co., Ltd.")  # fmt: skip
    app = frozen_app(counts_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        head = screen_text(app).splitlines()[0]
        assert "clerk @ oms.db" in head  # the company gives way, not who is acting
        assert "浙江永安照明" in head
