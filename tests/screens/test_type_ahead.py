"""Type-ahead (issue 16): recorded bursts replayed against the forms, dialogs and screen
openings, as one burst (0 ms), 5 ms and 20 ms apart, and slowly (each key sent once the
one before has settled, workers done: the reference); every spacing must give what slow
typing gives.

Each spacing runs ``OMS_BURST_RUNS`` times (default 1: starting the app is most of a case's
time, and CI is a loaded 2-core box); ``bench/type_ahead_bursts.py`` replays the bursts
100 times per spacing in one app each (its results: ``bench/RESULTS.md``).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from sqlmodel import select
from textual import events
from textual.app import _character_to_key
from textual.pilot import Pilot

from oms_tui.models import Order, OrderLine, Payment
from oms_tui.screens.order_entry import OrderEntryScreen
from oms_tui.screens.receivables import ReceivablesScreen
from oms_tui.screens.stock import StockScreen
from oms_tui.services.platform.db import Database
from oms_tui.widgets.dialogs import ChoiceDialog, PromptDialog
from oms_tui.widgets.form_dialog import FormDialog
from oms_tui.widgets.scan_input import ScanInput
from tests.factories import make_product
from tests.pilot import settle

from .app_helpers import ADMIN, frozen_app
from .test_order_entry import KNOWN_PHONE, make_shop
from .test_receivables import TODAY, receivables_db
from .test_stock import add_warehouses, level, moves, stock_app

RUNS = int(os.environ.get("OMS_BURST_RUNS", "1"))
SPACINGS: list[float | None] = [None, 0, 5, 20]  # None: slowly, key by key (the reference)
CASES = [
    pytest.param(ms, run, id=f"{'slow' if ms is None else f'{ms:g}ms'}-{run}")
    for ms in SPACINGS
    for run in range(1 if ms is None else RUNS)
]
PHONE = "".join(ch for ch in KNOWN_PHONE if ch.isdigit())  # 13800138000, the known caller

NAMED = {"tab": "\t", "shift+tab": None, "enter": "\r", "escape": "\x1b",
         "backspace": "\x7f", "end": None, "f2": None, "f6": None, "f7": None,
         "f8": None, "f11": None}  # fmt: skip


def keys(*parts: str) -> list[str]:
    """Key names as they are (``tab``, ``f8``), any other text key by key."""
    return [k for part in parts for k in ([part] if part in NAMED else list(part))]


def key_event(key: str) -> events.Key:
    if key in NAMED:
        return events.Key(key, NAMED[key])
    return events.Key(key if key.isalnum() else _character_to_key(key), key)


async def send(pilot: Pilot, ms: float | None, *parts: str) -> None:
    """Type ``parts``: slowly (``ms`` None), in one burst (0) or ``ms`` apart."""
    for key in keys(*parts):
        if ms is None:
            await pilot.press(key)
            await settle(pilot)
            continue
        event = key_event(key)
        event.set_sender(pilot.app)
        pilot.app.post_message(event)
        if ms:
            await asyncio.sleep(ms / 1000)
    await settle(pilot)


async def open_entry(pilot: Pilot) -> OrderEntryScreen:
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, OrderEntryScreen)
    return screen


def value(screen: Any, selector: str) -> str:
    return screen.query_one(selector, ScanInput).value


def lines_of(screen: OrderEntryScreen) -> list[tuple[str, int, str]]:
    return [(ln.product.code if ln.product else f"?{ln.text}", ln.qty, ln.note)
            for ln in screen.model.lines]  # fmt: skip


@pytest.fixture
def shop(sqlite_db: Database) -> dict[str, int]:
    return make_shop(sqlite_db)


# -- order entry: the new caller's fields, the ship-to, lines -------------------------------


@pytest.mark.parametrize(("ms", "run"), CASES)
async def test_two_tabs_in_the_new_callers_fields(
    sqlite_db: Database, shop: dict[str, int], ms: float | None, run: int
) -> None:
    """Issue 16.1: ``Zhao Liu ⇥⇥ 江苏…``: the name, the phone kept, the address."""
    app = frozen_app(sqlite_db, ADMIN)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await send(pilot, None, "13900001111", "enter")  # nobody: the new caller's fields
        assert app.focused is screen.query_one("#new-caller-name")
        await send(pilot, ms, "Zhao Liu", "tab", "tab", "江苏南京")
        fields = {n: value(screen, f"#new-caller-{n}") for n in ("name", "phone", "province")}
        assert fields == {"name": "Zhao Liu", "phone": "13900001111", "province": "江苏省"}
        assert app.focused is screen.query_one("#new-caller-address")


@pytest.mark.parametrize(("ms", "run"), CASES)
async def test_a_new_caller_typed_from_the_customer_field_in_one_go(
    sqlite_db: Database, shop: dict[str, int], ms: float | None, run: int
) -> None:
    """The search Enter waits on, the panel opening, two Tabs: all in one burst."""
    app = frozen_app(sqlite_db, ADMIN)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await send(pilot, ms, "13900001111", "enter", "Zhao Liu", "tab", "tab", "江苏南京")
        fields = {n: value(screen, f"#new-caller-{n}") for n in ("name", "phone", "province")}
        assert fields == {"name": "Zhao Liu", "phone": "13900001111", "province": "江苏省"}
        assert value(screen, "#customer") == "13900001111" and value(screen, "#scan") == ""


PARTS = ("address", "province", "city", "district", "street")


@pytest.mark.parametrize(("ms", "run"), CASES)
async def test_the_new_callers_address_line_and_a_part_corrected(
    sqlite_db: Database, shop: dict[str, int], ms: float | None, run: int
) -> None:
    """Issue 16.15: the address as one line fills the parts as it is typed; two Tabs and a
    correction in the burst land in the city, and the line typed on keeps it."""
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await send(pilot, None, "13900001111", "enter")  # nobody: the new caller's fields
        await send(pilot, ms, "李娜", "tab", "tab", "浙江杭州滨江区", "tab", "tab", "宁波市",
                   "shift+tab", "shift+tab", "end", "江南大道88号")  # fmt: skip
        fields = {n: value(screen, f"#new-caller-{n}") for n in PARTS}
        assert fields == {"address": "浙江杭州滨江区江南大道88号", "province": "浙江省",
                          "city": "宁波市", "district": "滨江区",
                          "street": "江南大道88号"}  # fmt: skip
        assert app.focused is screen.query_one("#new-caller-address")
        await send(pilot, ms, "enter")
        assert screen.model.ship_to is not None and screen.model.ship_to.text == (
            "浙江省 宁波市 滨江区 江南大道88号")  # fmt: skip


@pytest.mark.parametrize(("ms", "run"), CASES)
async def test_the_ship_to_dialog(
    sqlite_db: Database, shop: dict[str, int], ms: float | None, run: int
) -> None:
    """Issues 16.2, 16.15: F6, ``n`` (new address), the address as one line, a Tab to the
    city corrected, Enter saves: the parts as split and corrected, the contact and phone
    the customer's, the order ships there."""
    app = frozen_app(sqlite_db, ADMIN)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await send(pilot, None, PHONE, "enter")
        await send(pilot, ms, "f6", "n", "浙江省杭州市滨江区江南大道 100 号", "tab", "tab",
                   "宁波市", "enter")  # fmt: skip
        assert app.screen is screen
        ship = screen.model.ship_to
        card = screen.model.card
        assert ship is not None and card is not None
        assert (ship.text, ship.contact_name, ship.phone) == (
            "浙江省 宁波市 滨江区 江南大道 100 号", card.name, card.phones[0])  # fmt: skip


@pytest.mark.parametrize(("ms", "run"), CASES)
async def test_the_line_dialog(
    sqlite_db: Database, shop: dict[str, int], ms: float | None, run: int
) -> None:
    app = frozen_app(sqlite_db, ADMIN)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await send(pilot, None, PHONE, "enter")
        await send(pilot, ms, "XD-40W", "enter", "enter", "3", "tab", "10", "tab", "贴墙安装",
                   "enter", "LED-9W*2", "enter")  # fmt: skip
        assert lines_of(screen) == [("XD-40W", 3, "贴墙安装"), ("LED-9W", 2, "")]
        assert screen.model.lines[0].discount_minor == 1_000


@pytest.mark.parametrize(("ms", "run"), CASES)
async def test_made_to_order_scans_each_make_a_line_and_a_prompt(
    sqlite_db: Database, shop: dict[str, int], ms: float | None, run: int
) -> None:
    """Issue 16.4: each door its own line and its own requirements prompt, in order: the
    keys after a scan answer that scan's prompt."""
    app = frozen_app(sqlite_db, ADMIN)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await send(pilot, None, PHONE, "enter")
        await send(pilot, ms, "DOOR-OAK", "enter", "2100x900", "enter", "DOOR-OAK", "enter",
                   "escape", "DOOR-OAK", "enter", "800x2000 oak", "enter")  # fmt: skip
        assert app.screen is screen
        assert lines_of(screen) == [("DOOR-OAK", 1, "2100x900"), ("DOOR-OAK", 1, ""),
                                    ("DOOR-OAK", 1, "800x2000 oak")]  # fmt: skip
        assert value(screen, "#scan") == ""


@pytest.mark.parametrize(("ms", "run"), CASES)
async def test_repeat_an_order_and_save_in_one_burst(
    sqlite_db: Database, shop: dict[str, int], ms: float | None, run: int
) -> None:
    """Issue 16.3: ``<phone> ⏎ F8 1 F2``: the caller, the repeat dialog answered, the
    lines copied, then saved."""
    app = frozen_app(sqlite_db, ADMIN)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await send(pilot, ms, PHONE, "enter", "f8", "1", "f2")
        assert app.screen is screen and value(screen, "#scan") == ""
        assert screen.model.lines == []  # saved: the next caller
    with sqlite_db.read() as s:
        newest = s.exec(select(Order).order_by(Order.id.desc())).first()  # type: ignore[union-attr]
        assert newest is not None and newest.id != shop["past_order"]
        got = s.exec(select(OrderLine.product_id, OrderLine.qty)
                     .where(OrderLine.order_id == newest.id)
                     .order_by(OrderLine.id)).all()  # type: ignore[arg-type]  # fmt: skip
    assert list(got) == [(shop["lamp"], 2), (shop["bulb"], 12)]


@pytest.mark.parametrize(("ms", "run"), CASES)
async def test_keys_typed_from_home_before_the_entry_screen_opens(
    sqlite_db: Database, shop: dict[str, int], ms: float | None, run: int
) -> None:
    """Issue 16.3: ``e <phone> ⏎ <barcode> ⏎`` from home: the screen opens, the caller is
    picked, the line is scanned."""
    app = frozen_app(sqlite_db, ADMIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await send(pilot, ms, "e", PHONE, "enter", "6901234567892", "enter")
        screen = app.screen
        assert isinstance(screen, OrderEntryScreen)
        assert screen.model.customer_id == shop["known"]
        assert lines_of(screen) == [("XD-40W", 1, "")]
        assert value(screen, "#scan") == "" and app.focused is screen.scan


@pytest.mark.parametrize(("ms", "run"), CASES)
async def test_keys_typed_before_the_draft_choice_opens(
    sqlite_db: Database, shop: dict[str, int], ms: float | None, run: int
) -> None:
    """A draft waits: ``e d <phone> ⏎``: the choice opens (its look-up is a worker), ``d``
    discards the draft, the phone goes to the customer field."""
    app = frozen_app(sqlite_db, ADMIN)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await send(pilot, None, PHONE, "enter", "XD-40W", "enter")
        await pilot.press("f12")  # leave: kept as a draft
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await send(pilot, None, "y")
        assert app.screen is not screen
        await send(pilot, ms, "e", "d", PHONE, "enter", "LED-9W", "enter")
        screen = app.screen
        assert isinstance(screen, OrderEntryScreen)
        assert screen.model.customer_id == shop["known"]
        assert lines_of(screen) == [("LED-9W", 1, "")]


# -- stock and receivables: the forms ---------------------------------------------------------


@pytest.mark.parametrize(("ms", "run"), CASES)
async def test_stock_receive_opened_and_filled_in_one_burst(
    sqlite_db: Database, ms: float | None, run: int
) -> None:
    """Issue 16.2: F6 opens the receipt (the warehouse filled in, Qty focused): ``5 ⇥
    ACME ⇥ DN-1 ⏎`` lands field by field."""
    add_warehouses(sqlite_db)
    lamp = make_product(sqlite_db, code="LED-40W", name="LED panel 40W", barcode="6901234567892")
    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await send(pilot, None, "s")
        screen = pilot.app.screen
        assert isinstance(screen, StockScreen)
        await send(pilot, ms, "LED-40W", "enter", "f6", "5", "tab", "ACME", "tab", "DN-1",
                   "enter")  # fmt: skip
        assert pilot.app.screen is screen
    kind, qty, _ref, reason, _actor = moves(sqlite_db, lamp)[-1]
    assert (kind, qty, reason) == ("receipt", 5, "from ACME")
    assert level(sqlite_db, lamp, "HZ")[0] == 5


@pytest.mark.parametrize(("ms", "run"), CASES)
async def test_stock_receive_a_burst_starting_with_tab(
    sqlite_db: Database, ms: float | None, run: int
) -> None:
    """The dialog open, Qty typed: ``⇥ ACME ⇥ DN-1 ⏎`` (Tab first) as one burst."""
    add_warehouses(sqlite_db)
    lamp = make_product(sqlite_db, code="LED-40W", name="LED panel 40W", barcode="6901234567892")
    async with stock_app(sqlite_db).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await send(pilot, None, "s", "LED-40W", "enter", "f6", "7")
        assert isinstance(pilot.app.screen, FormDialog)
        await send(pilot, ms, "tab", "ACME", "tab", "DN-1", "enter")
        assert isinstance(pilot.app.screen, StockScreen)
    kind, qty, ref, reason, _actor = moves(sqlite_db, lamp)[-1]
    assert (kind, qty, reason) == ("receipt", 7, "from ACME")


@pytest.mark.parametrize(("ms", "run"), CASES)
async def test_a_payment_opened_and_filled_in_one_burst(
    sqlite_db: Database, ms: float | None, run: int
) -> None:
    """Issue 16.2: F6 (the riskiest customer), the amount, Tab past the date, ``w``
    (wechat) over the method, the reference, Enter to the last field and Enter saves."""
    ids = receivables_db(sqlite_db)
    app = frozen_app(sqlite_db, "finance")  # who records payments
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await send(pilot, None, "r")
        assert isinstance(app.screen, ReceivablesScreen)
        await send(pilot, ms, "f6", "3500.50", "tab", "tab", "w", "tab", "WX-889", "enter",
                   "enter")  # fmt: skip
        assert isinstance(app.screen, ReceivablesScreen)
    with sqlite_db.read() as s:
        pay = s.exec(select(Payment)).one()
    assert (pay.customer_id, pay.amount_minor, pay.method, pay.reference, pay.received_on) == (
        ids["late"], 350_050, "wechat", "WX-889", TODAY)  # fmt: skip


@pytest.mark.parametrize(("ms", "run"), CASES)
async def test_a_prompt_backed_out_of_and_typed_again(
    sqlite_db: Database, shop: dict[str, int], ms: float | None, run: int
) -> None:
    """A dialog closed by Esc: the keys after it go to the screen behind, in order."""
    app = frozen_app(sqlite_db, ADMIN)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await send(pilot, None, PHONE, "enter")
        await send(pilot, ms, "DOOR-OAK", "enter", "escape", "XD-40W", "enter")
        assert not isinstance(app.screen, PromptDialog)
        assert lines_of(screen) == [("DOOR-OAK", 1, ""), ("XD-40W", 1, "")]
