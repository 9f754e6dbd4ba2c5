"""Password mode in the app: the sign-in screen at start, the idle lock that keeps an order
being typed, and the OS account that is no user told whom to ask."""

from __future__ import annotations

from textual.widgets import Input

from oms_tui.screens.order_entry import OrderEntryScreen
from oms_tui.screens.sign_in import RefusedScreen, SignInScreen
from oms_tui.services.platform import users
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.settings import set_setting
from oms_tui.widgets.scan_input import ScanInput
from tests.pilot import settle

from .app_helpers import flat, frozen_app, screen_text
from .test_order_entry import make_shop


def password_mode(db: Database) -> None:
    users.set_password(db, "admin", "admin", "admin-password")
    users.set_password(db, "admin", "clerk", "clerk-password")
    set_setting(db, "admin", "identity", "password")


def clocked_app(db: Database, now: list[float]):  # noqa: ANN201
    """The app in password mode, idle time measured by ``now[0]`` (the test moves it)."""
    app = frozen_app(db, sign_in=True)
    app.idle_clock = lambda: now[0]
    return app


async def sign_in(pilot, name: str, password: str) -> None:  # noqa: ANN001
    if name:
        await pilot.press(*name, "enter")
    await pilot.press(*password, "enter")
    await settle(pilot)


async def test_the_app_asks_who_signs_in_and_refuses_a_wrong_password(
    sqlite_db: Database,
) -> None:
    password_mode(sqlite_db)
    app = frozen_app(sqlite_db, sign_in=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        await pilot.press("escape", "f12")  # no backing out of it
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "clerk", "wrong")
        assert isinstance(app.screen, SignInScreen)
        assert "wrong name or password" in flat(screen_text(app))
        assert app.screen.query_one("#password", Input).value == ""
        await pilot.press(*"clerk-password", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, SignInScreen)
        assert app.settings.user == "clerk" and app.sub_title.startswith("clerk @ ")


async def test_the_idle_lock_keeps_the_order_being_typed(sqlite_db: Database) -> None:
    make_shop(sqlite_db)
    password_mode(sqlite_db)
    now = [1000.0]
    app = clocked_app(sqlite_db, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "clerk", "clerk-password")
        await pilot.press("e")
        await settle(pilot)
        entry = app.screen
        assert isinstance(entry, OrderEntryScreen)
        await pilot.press(*"0013", "enter")  # the known caller
        await settle(pilot)
        await pilot.press(*"XD-40W*2", "enter", *"LED")  # a line, and a code half typed
        await settle(pilot)
        lines = [(ln.product.code, ln.qty) for ln in entry.model.lines]
        assert lines == [("XD-40W", 2)]
        now[0] += 14 * 60
        app.check_idle()
        assert app.screen is entry  # not idle long enough (15 minutes by default)
        now[0] += 2 * 60
        app.check_idle()
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and app.screen.user == "clerk"
        assert "XD-40W" not in screen_text(app)  # nothing of the order shows through
        await pilot.press("escape", "ctrl+p")  # neither backing out nor the palette
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "", "clerk-password")
        assert app.screen is entry
        assert [(ln.product.code, ln.qty) for ln in entry.model.lines] == lines
        assert entry.query_one("#scan", ScanInput).value == "LED"
        assert app.settings.user == "clerk"


async def test_the_idle_lock_follows_the_setting_and_zero_is_never(sqlite_db: Database) -> None:
    password_mode(sqlite_db)
    set_setting(sqlite_db, "admin", "idle_lock_minutes", "0")
    now = [0.0]
    app = clocked_app(sqlite_db, now)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, "clerk", "clerk-password")
        now[0] += 24 * 3600
        app.check_idle()
        await settle(pilot)
        assert not isinstance(app.screen, SignInScreen)


async def test_an_os_account_that_is_no_user_is_told_whom_to_ask(sqlite_db: Database) -> None:
    why = "mallory is no user of this database: ask an admin (admin) to add you"
    app = frozen_app(sqlite_db, refused=why)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RefusedScreen)
        assert "mallory is no user of this database" in flat(screen_text(app))
        assert "Any key quits" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
    assert app.return_code == 1
