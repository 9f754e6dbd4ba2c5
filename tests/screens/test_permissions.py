"""Screens offer what the acting user's role may do, and nothing else (issue 17 point 2):
the home menu, the go-to letters, the palette, the keys list and the footer follow
``permissions.MATRIX``; a phone and an address show masked to a role without
``customers.contact``."""

from __future__ import annotations

from textual.command import CommandPalette

from oms_tui.app import make_app
from oms_tui.config import Settings
from oms_tui.messages import OpenOrder
from oms_tui.screens import HOME_MODE, WORKFLOWS
from oms_tui.screens.key_help import KeyHelpScreen
from oms_tui.screens.receivables import ReceivablesScreen
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.permissions import allowed
from tests.audit_factories import customer, order
from tests.factories import make_product
from tests.pilot import settle

from .app_helpers import flat, screen_text


def app_as(db: Database, user: str):  # noqa: ANN201
    return make_app(Settings(database_url=db.url, user=user), db)


def menu_modes(app) -> list[str]:  # noqa: ANN001
    menu = app.screen.query_one("#menu")
    return [menu.get_option_at_index(i).id for i in range(menu.option_count)]


async def test_a_warehouse_user_is_not_offered_receivables_nor_a_payment_key(sqlite_db):
    app = app_as(sqlite_db, "warehouse")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert menu_modes(app) == [wf.mode for wf in WORKFLOWS
                                   if allowed("warehouse", wf.permission)]  # fmt: skip
        assert "receivables" not in menu_modes(app) and "stock" in menu_modes(app)
        await pilot.press("r")  # the area's letter does nothing
        await settle(pilot)
        assert app.current_mode == HOME_MODE
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"receivables")
        await settle(pilot)
        assert "Go to: Receivables" not in flat(screen_text(app))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, KeyHelpScreen)
        text = flat(screen_text(app))
        assert "r Receivables" not in text and "s Stock" in text
        await pilot.press("escape")
        await settle(pilot)
        # Reached anyway (a mode switched to by code): no payment key, and F6 does nothing
        app.switch_mode("receivables")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReceivablesScreen)
        shown = {b.action for _n, b, enabled, _t in screen.active_bindings.values() if enabled}
        assert "payment" not in shown and "release_hold" not in shown
        assert "Payment" not in flat(screen_text(app))
        await pilot.press("f6")
        await settle(pilot)
        assert app.screen is screen  # no payment dialog


async def test_finance_has_the_payment_key_as_before(sqlite_db):
    app = app_as(sqlite_db, "finance")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "receivables" in menu_modes(app) and "entry" not in menu_modes(app)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReceivablesScreen)
        text = flat(screen_text(app))
        assert "F6/^O Payment" in text and "F9 dunning" in text
        assert "F11 release" not in text  # the hint line leaves out a manager's key
        palette = [text for text, _h, _c in _palette(app)]
        assert "Receivables: Record payment" in palette
        assert "Receivables: Release credit hold" not in palette  # a manager's


def _palette(app):  # noqa: ANN001, ANN202
    from oms_tui.commands import ScreenCommands

    provider = ScreenCommands(app.screen)
    return provider._commands()


async def test_a_clerk_home_lists_the_clerks_areas(sqlite_db):
    app = app_as(sqlite_db, "clerk")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert menu_modes(app) == ["entry", "orders", "stock", "production", "import"]


async def test_production_sees_the_ship_to_phone_and_address_masked(sqlite_db):
    cid = customer(sqlite_db, phone="13800138000", city="杭州市", street="西湖区文三路 90 号",
                   province="浙江省")  # fmt: skip
    number = order(sqlite_db, cid, [(make_product(sqlite_db), 1)]).number
    for user, phone, address in (("production", "138****8000", "浙江省 杭州市 西湖区…"),
                                 ("clerk", "13800138000", "西湖区文三路 90 号")):  # fmt: skip
        app = app_as(sqlite_db, user)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.post_message(OpenOrder(number))
            await settle(pilot)
            text = flat(screen_text(app))
            ship_to = text[text.index("Ship to") :][:80]
            assert number in text and phone in ship_to and address in ship_to, (user, ship_to)
