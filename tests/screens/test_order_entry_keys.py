"""Order entry by keys, the parts beyond a plain order: carrier and shipping estimate, a
price override with its reason, priority and notes, Enter to edit a line, another saved
ship-to by F6, a command run from the Ctrl+P palette, and type-ahead past the customer."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from oms_tui.models import Carrier, CarrierRate
from oms_tui.screens.order_entry import OrderEntryScreen
from oms_tui.screens.order_entry.forms import LineDialog
from oms_tui.services.parties import customers
from oms_tui.services.platform.db import Database
from oms_tui.services.shipping.carriers import list_carriers
from oms_tui.widgets.dialogs import ChoiceDialog, PromptDialog
from oms_tui.widgets.scan_input import ScanInput

from .app_helpers import flat, frozen_app, screen_text
from .test_order_entry import burst, db_order, focused_id, make_shop, open_entry, settle


@pytest.fixture
def shop(sqlite_db: Database) -> dict[str, int]:
    return make_shop(sqlite_db)


@pytest.fixture
def carriers(sqlite_db: Database) -> dict[str, int]:
    """SF with its own rate for South (and East); ZTO anywhere ('*'); an inactive one."""
    with sqlite_db.write() as s:
        sf = Carrier(code="SF", name="顺丰速运 SF Express", kind="express")
        zto = Carrier(code="ZTO", name="中通快递 ZTO Express", kind="express")
        old = Carrier(code="OLD", name="Gone Freight", kind="freight", active=False)
        s.add_all([sf, zto, old])
        s.flush()
        s.add_all([
            CarrierRate(carrier_id=sf.id, region="East", first_weight_g=1000,
                        first_price_minor=1_200, additional_kg_minor=300),
            CarrierRate(carrier_id=sf.id, region="South", first_weight_g=1000,
                        first_price_minor=1_800, additional_kg_minor=500),
            CarrierRate(carrier_id=zto.id, region="*", first_weight_g=1000,
                        first_price_minor=800, additional_kg_minor=250),
        ])  # fmt: skip
        return {"SF": sf.id, "ZTO": zto.id, "OLD": old.id}


def test_list_carriers_active_by_code(sqlite_db: Database, carriers: dict[str, int]) -> None:
    assert [(c.code, c.kind) for c in list_carriers(sqlite_db)] == [
        ("SF", "express"),
        ("ZTO", "express"),
    ]
    assert [c.code for c in list_carriers(sqlite_db, active_only=False)] == ["OLD", "SF", "ZTO"]


async def test_carrier_and_saved_ship_to_give_the_shipping_estimate(
    sqlite_db: Database, shop: dict[str, int], carriers: dict[str, int]
) -> None:
    """F6 picks the customer's second saved address (South); F10 s 1 picks SF: the live
    total and the saved order carry SF's South rate, not its East one."""
    south = customers.add_address(
        sqlite_db, "clerk", shop["known"],
        customers.NewAddress(street="天河路 385 号", city="广州市", province="广东",
                             region="South"),
    )  # fmt: skip
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pilot.press(*"13800138", "enter")
        await settle(pilot)
        await pilot.press(*"XD-40W", "enter")
        await settle(pilot)
        assert "Total ¥199.00 CNY" in flat(screen_text(app))  # no carrier: no shipping
        await pilot.press("f6")
        assert isinstance(app.screen, ChoiceDialog)
        assert "广州市 天河路 385 号" in screen_text(app)
        await pilot.press("2")  # the second saved address, by key
        await settle(pilot)
        assert screen.model.ship_to is not None and screen.model.ship_to.id == south.id
        assert "Ship to 广东 广州市 天河路 385 号" in flat(screen_text(app))
        await pilot.press("f10")
        assert "Carrier (shipping estimate): none" in screen_text(app)
        await pilot.press("s")  # carrier
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        text = screen_text(app)
        assert "SF  顺丰速运 SF Express" in text and "ZTO" in text and "OLD" not in text
        await pilot.press("1")  # SF, first by code
        await settle(pilot)
        assert app.screen is screen and screen.model.options.carrier_id == carriers["SF"]
        assert "ship SF" in flat(screen_text(app))
        assert "Ship ¥18.00" in flat(screen_text(app)) or "Shipping ¥18.00" in flat(
            screen_text(app))  # fmt: skip
        assert "Total ¥217.00 CNY" in flat(screen_text(app))
        await pilot.press("f2")
        await settle(pilot)
    order, lines = db_order(sqlite_db)
    assert order.carrier_id == carriers["SF"] and order.ship_to_region == "South"
    assert order.ship_to_address == "广东 广州市 天河路 385 号"
    assert (order.subtotal_minor, order.shipping_minor, order.total_minor) == (
        19_900,
        1_800,
        21_700,
    )


async def test_a_clerk_is_told_at_once_that_a_price_change_needs_a_manager(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    app = frozen_app(sqlite_db)  # a clerk: no prices.override
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_entry(pilot)
        await pilot.press(*"13800138", "enter")
        await settle(pilot)
        await pilot.press(*"LED-9W*2", "enter")
        await settle(pilot)
        await pilot.press(*"=12.50", "enter")
        await settle(pilot)
        assert app.screen is screen  # no reason asked
        assert "line 1: changing a price needs a manager (clerk is clerk)" in flat(
            screen_text(app))  # fmt: skip
        assert screen.model.lines[0].price_minor is None  # the price engine's still


async def test_price_override_needs_a_reason_and_is_saved_as_the_source(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    app = frozen_app(sqlite_db, "manager")  # a price changed on a line: prices.override
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_entry(pilot)
        await pilot.press(*"13800138", "enter")
        await settle(pilot)
        await pilot.press(*"LED-9W*2", "enter", *"XD-40W", "enter")
        await settle(pilot)
        await pilot.press("up", *"=12.50", "enter")  # the bulb: 15.00 -> 12.50
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("enter")  # no reason: refused
        assert "a reason is required" in screen_text(app)
        await pilot.press(*"matched rival quote", "enter")
        await settle(pilot)
        assert app.screen is screen
        bulb = screen.model.lines[0]
        assert (bulb.price_minor, bulb.override_reason) == (1_250, "matched rival quote")
        assert bulb.price_source == "override: matched rival quote"  # from the live quote
        row = flat(screen_text(app))
        assert "=12.50" in row and "{override: matched rival quote}" in row
        assert "Total ¥224.00 CNY" in row  # 2 x 12.50 + 199.00
        await pilot.press("down", "up")  # selecting the line says where its price came from
        assert "Line 1 LED-9W: price from override: matched rival quote" in flat(
            screen_text(app))  # fmt: skip
        await pilot.press("f2")
        await settle(pilot)
    _order, lines = db_order(sqlite_db)
    assert [(ln.product_id, ln.qty, ln.unit_price_minor, ln.line_total_minor, ln.price_source)
            for ln in lines] == [
        (shop["bulb"], 2, 1_250, 2_500, "override: matched rival quote"),
        (shop["lamp"], 1, 19_900, 19_900, "list price"),
    ]  # fmt: skip


async def test_priority_notes_and_enter_to_edit_a_line(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pilot.press(*"13800138", "enter")
        await settle(pilot)
        await pilot.press(*"XD-40W", "enter")
        await settle(pilot)
        await pilot.press("enter")  # empty scan line: edit the selected line
        assert isinstance(app.screen, LineDialog)
        assert focused_id(app) == "f-qty"
        await pilot.press("3", "tab", *"10", "tab", *"贴墙安装", "enter")  # qty, discount, note
        await settle(pilot)
        assert app.screen is screen
        line = screen.model.lines[0]
        assert (line.qty, line.discount_minor, line.note) == (3, 1_000, "贴墙安装")
        await pilot.press("ctrl+g", "r", "u")  # priority: urgent
        await pilot.press("f10", "n", *"下午送, 先电话", "enter")  # notes
        await settle(pilot)
        assert screen.model.options.priority == 2 and screen.model.options.notes == "下午送, 先电话"
        assert "urgent · 下午送, 先电话" in flat(screen_text(app))
        await pilot.press("f10", "h", "c")  # shipping policy: ship complete only
        await settle(pilot)
        assert screen.model.options.shipping_policy == "complete"
        assert "urgent · ship complete" in flat(screen_text(app))
        await pilot.press("f2")
        await settle(pilot)
    order, lines = db_order(sqlite_db)
    assert (order.priority, order.notes, order.shipping_policy) == (2, "下午送, 先电话", "complete")
    assert [(ln.qty, ln.discount_minor, ln.line_total_minor, ln.requirements_note)
            for ln in lines] == [(3, 1_000, 58_700, "贴墙安装")]  # fmt: skip


async def test_a_command_run_from_the_palette(sqlite_db: Database, shop: dict[str, int]) -> None:
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pilot.press(*"13800138", "enter")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"repeat a recent")
        await settle(pilot)
        assert "Order entry: Repeat a recent order" in flat(screen_text(app))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        assert "Repeat an order" in screen_text(app)
        await pilot.press("1")
        await settle(pilot)
        assert [(ln.product.code, ln.qty) for ln in screen.model.lines] == [
            ("XD-40W", 2),
            ("LED-9W", 12),
        ]


# -- type-ahead past the customer -------------------------------------------------------------


async def test_keys_after_the_customer_enter_reach_the_scan_line_in_order(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    """One burst from the empty customer field: the search has not even run when Enter
    arrives, and every key after it is already queued for the customer field."""
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        burst(app, "13800138\rXD-40W\rLED-9W*3\r*2\r")
        await settle(pilot)
        assert screen.model.customer_id == shop["known"]
        assert screen.query_one("#customer", ScanInput).value == "王小明"
        assert [(ln.product.code, ln.qty) for ln in screen.model.lines] == [
            ("XD-40W", 1),
            ("LED-9W", 2),
        ]
        assert screen.query_one("#scan", ScanInput).value == ""
        assert focused_id(app) == "scan"
        assert not app.holding_keys


async def test_codes_typed_without_their_hyphens_make_lines(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    """``xd40w`` is ``XD-40W`` and ``led9w*3`` three ``LED-9W`` (issue 16.15: fewer keys for
    a new caller), typed in one burst after the customer."""
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        burst(app, "13800138\rxd40w\rled9w*3\r")
        await settle(pilot)
        assert [(ln.product.code, ln.qty) for ln in screen.model.lines] == [
            ("XD-40W", 1),
            ("LED-9W", 3),
        ]
        assert screen.query_one("#scan", ScanInput).value == ""


async def test_type_ahead_with_matches_shown_and_a_half_typed_code(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    """Matches already shown when Enter comes; the burst ends mid-code: the half code
    waits on the scan line, and the clerk finishes it there."""
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pilot.press(*"0013")
        await settle(pilot)
        burst(app, "\rSTRIP-5M\rXD-4")
        await settle(pilot)
        assert screen.model.customer_id == shop["known"]
        assert focused_id(app) == "scan"
        assert screen.query_one("#scan", ScanInput).value == "XD-4"
        await pilot.press(*"0W", "enter")
        await settle(pilot)
        assert [ln.product.code for ln in screen.model.lines] == ["STRIP-5M", "XD-40W"]
        await pilot.press("f2")
        await settle(pilot)
    _order, lines = db_order(sqlite_db)
    assert [ln.product_id for ln in lines] == [shop["strip"], shop["lamp"]]


async def test_type_ahead_for_an_unknown_caller_goes_to_the_new_callers_fields(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    """No pick (a new customer): keys typed after Enter go where they would typed slowly,
    the new caller's first empty field (the name; the phone is filled in), none lost,
    none sent to the scan line."""
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        burst(app, "13900001111\r22")
        await settle(pilot)
        assert screen.query_one("#new-caller").display  # the new caller's fields
        assert screen.query_one("#customer", ScanInput).value == "13900001111"
        assert screen.query_one("#new-caller-phone", ScanInput).value == "13900001111"
        assert screen.query_one("#new-caller-name", ScanInput).value == "22"
        assert screen.query_one("#scan", ScanInput).value == ""
        assert not app.holding_keys
        assert screen.model.lines == [] and isinstance(screen, OrderEntryScreen)


async def test_enter_again_on_the_picked_caller_goes_back_to_the_scan_line(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pilot.press(*"13800138", "enter")
        await settle(pilot)
        assert focused_id(app) == "scan"
        screen.query_one("#customer", ScanInput).focus()
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and focused_id(app) == "scan"
        assert screen.model.customer_id == shop["known"]
