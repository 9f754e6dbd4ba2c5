"""Order entry at 80x24 by keys only: new and known callers, scanner bursts, validation,
leaving with unsaved changes, and a draft that survives a crash."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from textual import events
from textual.app import _character_to_key
from textual.pilot import Pilot
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from oms_tui.app import OmsApp
from oms_tui.models import Order, OrderLine, PriceListItem, StockLevel, Warehouse
from oms_tui.screens import order_entry
from oms_tui.screens.key_help import grammar_sections
from oms_tui.screens.order_entry import OrderEntryScreen
from oms_tui.screens.order_entry.product_search import ProductSearchDialog
from oms_tui.services.platform.db import Database
from oms_tui.services.sales import drafts, orders
from oms_tui.widgets.dialogs import ChoiceDialog, PromptDialog
from oms_tui.widgets.new_caller import NewCallerPanel
from oms_tui.widgets.scan_input import ScanInput
from tests.factories import make_customer, make_product
from tests.pilot import settle as settle_app
from tests.pilot import until

from .app_helpers import flat, frozen_app, screen_text

# The fixture catalog (prices include 13 % tax, the default setting).
LAMP = {"code": "XD-40W", "barcode": "6901234567892", "name": "吸顶灯", "model": "XD40",
        "colour": "白色", "spec": "40W"}  # fmt: skip
BULB = {"code": "LED-9W", "barcode": "6901234500017", "name": "LED bulb", "spec": "9W E27"}
STRIP = {"code": "STRIP-5M", "barcode": "6901234500024", "name": "LED strip", "spec": "5 m"}
DOOR = {"code": "DOOR-OAK", "name": "Oak door", "made_to_order": True}
KNOWN_PHONE = "138 0013 8000"


@pytest.fixture
def shop(sqlite_db: Database) -> dict[str, int]:
    """Four products with stock, a retail quantity break, one known customer with an order."""
    return make_shop(sqlite_db)


def make_shop(sqlite_db: Database) -> dict[str, int]:
    """The ``shop`` fixture's data (also used by the other order-entry test modules)."""
    ids = {
        "lamp": make_product(sqlite_db, 19_900, cost_minor=9_000, **LAMP),
        "bulb": make_product(sqlite_db, 1_500, cost_minor=500, **BULB),
        "strip": make_product(sqlite_db, 8_800, cost_minor=3_000, **STRIP),
        "door": make_product(sqlite_db, 250_000, cost_minor=100_000, **DOOR),
    }
    with sqlite_db.write() as s:
        wh = Warehouse(code="HZ", name="杭州仓", region="East")
        s.add(wh)
        s.flush()
        for key, on_hand in (("lamp", 50), ("bulb", 500), ("strip", 3)):
            s.add(StockLevel(product_id=ids[key], warehouse_id=wh.id, on_hand=on_hand,
                             reorder_point=5))  # fmt: skip
        s.add(PriceListItem(customer_group="retail", product_id=ids["bulb"], min_qty=10,
                            unit_price_minor=1_200))  # fmt: skip
    known = make_customer(sqlite_db, name="王小明", phone=KNOWN_PHONE)
    ids["known"] = known.id
    past = orders.create_order(
        sqlite_db, "clerk", known.id,
        [orders.NewLine(ids["lamp"], 2), orders.NewLine(ids["bulb"], 12)], submit=True,
    )  # fmt: skip
    ids["past_order"] = past.id
    return ids


async def settle(pilot: Pilot) -> None:
    """Workers start workers (lookup, then quote, then draft): wait until all are done, and
    every key typed ahead has been given (``type_ahead.py``)."""
    await settle_app(pilot, raise_failures=True)


def draft_of(db: Database) -> dict | None:
    """The new caller in the clerk's latest draft, if any."""
    draft = drafts.latest_draft(db, "clerk")
    return None if draft is None else draft.payload.get("new_caller")


def burst(app: OmsApp, text: str) -> None:
    """Send ``text`` as a keyboard-wedge scanner does: every key queued at once, no idle
    wait between keys (``Pilot.press`` waits for the app to go idle after each key)."""
    for ch in text:
        if ch in "\r\n":
            event = events.Key("enter", "\r")
        elif ch == "\t":
            event = events.Key("tab", "\t")
        else:
            key = ch if ch.isalnum() else _character_to_key(ch)
            event = events.Key(key, ch)
        event.set_sender(app)
        app.post_message(event)


async def open_entry(pilot: Pilot, draft_offered: bool = False) -> OrderEntryScreen:
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    screen = pilot.app.get_screen_stack("entry")[0]
    assert isinstance(screen, OrderEntryScreen)
    assert isinstance(pilot.app.screen, ChoiceDialog) is draft_offered
    return screen


async def pick_known_caller(pilot: Pilot) -> None:
    await pilot.press(*"13800138", "enter")
    await settle(pilot)


def db_order(db: Database) -> tuple[Order, list[OrderLine]]:
    with db.read() as s:
        order = s.exec(select(Order).order_by(Order.id.desc())).first()  # type: ignore[union-attr]
        lines = s.exec(select(OrderLine).where(OrderLine.order_id == order.id)
                       .order_by(OrderLine.line_no)).all()  # fmt: skip
        return order, list(lines)


def focused_id(app: OmsApp) -> str | None:
    return app.focused.id if app.focused else None


# -- complete orders by keys only -------------------------------------------------------------


async def test_new_caller_three_lines_two_by_code_one_by_barcode_burst(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        assert focused_id(app) == "customer"
        await pilot.press(*"13900001111", "enter")  # nobody has this number
        await settle(pilot)
        panel = screen.query_one("#new-caller", NewCallerPanel)  # in the entry screen itself
        assert app.screen is screen and panel.is_open
        assert panel.values()["phone"] == "13900001111"  # prefilled from what was typed
        assert focused_id(app) == "new-caller-name"
        assert "New customer" in screen_text(app)
        await pilot.press(*"李雷", "tab", "tab", *"浙江杭州西湖区文三路1号")  # as said: one line
        await pilot.press("f10", "w")  # group by key: wholesale
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and not panel.is_open
        assert focused_id(app) == "scan"
        assert "李雷 · wholesale · credit ok" in flat(screen_text(app))
        assert "Ship to 浙江省 杭州市 西湖区 文三路1号" in flat(screen_text(app))
        await pilot.press(*"xd-40w", "enter")  # by code, any case
        await pilot.press(*"LED-9W*10", "enter")  # code*qty
        burst(app, "6901234500024\r")  # the strip, by a scanner
        await settle(pilot)
        assert [ln.product.code for ln in screen.model.lines if ln.product] == [
            "XD-40W", "LED-9W", "STRIP-5M"]  # fmt: skip
        await pilot.press("f2")
        await settle(pilot)
        assert "Saved SO-" in flat(screen_text(app))
        assert screen.model.customer_id is None and screen.model.lines == []  # a fresh order
        assert focused_id(app) == "customer"

    order, lines = db_order(sqlite_db)
    assert order.status == "pending_audit" and order.channel == "phone"
    assert order.ship_to_address == "浙江省 杭州市 西湖区 文三路1号"
    assert [(ln.line_no, ln.product_id, ln.qty, ln.unit_price_minor, ln.discount_minor,
             ln.line_total_minor, ln.price_source) for ln in lines] == [
        (1, shop["lamp"], 1, 19_900, 0, 19_900, "list price"),
        (2, shop["bulb"], 10, 1_500, 0, 15_000, "list price"),  # retail break: wholesale pays list
        (3, shop["strip"], 1, 8_800, 0, 8_800, "list price"),
    ]  # fmt: skip
    assert (order.subtotal_minor, order.discount_minor, order.shipping_minor) == (43_700, 0, 0)
    # 13 % tax inside each line, rounded per line: 2289 + 1726 + 1012
    assert (order.tax_minor, order.total_minor, order.currency) == (5_027, 43_700, "CNY")
    with sqlite_db.read() as s:
        from oms_tui.models import Customer

        customer = s.get(Customer, order.customer_id)
        assert (customer.name, customer.group) == ("李雷", "wholesale")

    assert drafts.latest_draft(sqlite_db, "clerk") is None  # the order replaced its draft
    from oms_tui.services.sales import audit_checks

    assert {c.code for c in audit_checks.stored_checks(sqlite_db, order.id)} >= {
        "completeness",
        "price",
    }


async def test_a_new_caller_typed_in_one_burst_lands_field_by_field(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    """Tab is a binding in Textual: keys typed after it were already queued in the field it
    leaves (a fast typist, or one SSH packet). Each field passes them on, in order."""
    from oms_tui.models import Customer, CustomerAddress

    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pilot.press(*"13900006666", "enter")
        await settle(pilot)
        burst(app, "刘备\t\t四川成都武侯区武侯祠大街1号\t\t\t\t\tw\r")  # to the group: w
        await settle(pilot)
        assert screen.model.customer_id is not None and focused_id(app) == "scan"
    with sqlite_db.read() as s:
        customer = s.exec(select(Customer).where(Customer.name == "刘备")).one()
        address = s.exec(select(CustomerAddress)
                         .where(CustomerAddress.customer_id == customer.id)).one()  # fmt: skip
        assert (customer.group, address.province, address.city, address.district,
                address.street) == (
            "wholesale", "四川省", "成都市", "武侯区", "武侯祠大街1号")  # fmt: skip


async def test_the_new_callers_group_is_typed_or_looked_up_and_a_wrong_one_is_refused(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    from oms_tui.models import Customer

    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        panel = screen.query_one("#new-caller", NewCallerPanel)
        await pilot.press(*"张三", "enter")
        await settle(pilot)
        assert panel.is_open and focused_id(app) == "new-caller-phone"
        await pilot.press(*"13900003333", *["tab"] * 6, "ctrl+u", "q", "f2")  # to the group
        await settle(pilot)  # no group starts with q: refused at the field, nobody created
        assert panel.is_open and focused_id(app) == "new-caller-group"
        assert "-error" in panel.field("group").classes
        assert "group: retail, wholesale, dealer or key account" in flat(screen_text(app))
        with sqlite_db.read() as s:
            assert s.exec(select(Customer).where(Customer.name == "张三")).first() is None
        await pilot.press("f4")  # the lookup of the focused field: the groups, by letter
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("k")
        await settle(pilot)
        assert app.screen is screen and panel.field("group").value == "key_account"
        await pilot.press("ctrl+u", "d", "enter")  # a letter is enough: dealer
        await settle(pilot)
        assert not panel.is_open and focused_id(app) == "scan"
        assert "张三 · dealer" in flat(screen_text(app))
    with sqlite_db.read() as s:
        customer = s.exec(select(Customer).where(Customer.name == "张三")).one()
        assert customer.group == "dealer"


async def test_new_caller_keys_stay_in_the_fields_and_the_footer_keeps_its_keys(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        footer = screen.query_one(Footer)
        before = [(k.key_display, k.description) for k in footer.query(FooterKey)]
        await pilot.press("f7")  # F7: a new customer, from anywhere in the order
        await settle(pilot)
        panel = screen.query_one("#new-caller", NewCallerPanel)
        assert panel.is_open and focused_id(app) == "new-caller-name"
        assert [(k.key_display, k.description) for k in footer.query(FooterKey)] == before
        await pilot.press("up")  # wraps within the fields, never out to the order
        assert focused_id(app) == "new-caller-group"
        await pilot.press("tab", "tab")
        assert focused_id(app) == "new-caller-phone"
        await pilot.press("f12")  # backs out of the fields, not out of the order
        await settle(pilot)
        assert not panel.is_open and app.screen is screen and focused_id(app) == "customer"


async def test_the_new_customer_fields_come_back_blank_for_the_next_caller(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pilot.press(*"13900001111", "enter")
        await settle(pilot)
        panel = screen.query_one("#new-caller", NewCallerPanel)
        assert panel.is_open
        await pilot.press("f10", "w", "enter")  # wholesale; no name: refused
        await settle(pilot)
        assert panel.is_open and "-error" in panel.query_one("#new-caller-name").classes
        assert focused_id(app) == "new-caller-name"
        await pilot.press(*"李雷")
        await pilot.press("escape")  # backed out: nobody created
        await settle(pilot)
        assert not panel.is_open and screen.model.customer_id is None
        assert focused_id(app) == "customer"
        with sqlite_db.read() as s:
            from oms_tui.models import Customer

            assert s.exec(select(Customer).where(Customer.name == "李雷")).first() is None

        await pilot.press("ctrl+u", *"王五", "enter")  # the next caller, by name
        await settle(pilot)
        assert panel.is_open
        assert panel.values() == {"name": "王五", "phone": "", "address": "", "province": "",
                                  "city": "", "district": "", "street": "",
                                  "group": "retail"}  # fmt: skip
        assert panel.group == "retail" and "retail" in flat(screen_text(app))
        assert not panel.query(".-error") and "required" not in flat(screen_text(app))
        assert focused_id(app) == "new-caller-phone"
        await pilot.press(*"13900002222", "tab", *"浙江杭州文三路2号", "enter")
        await settle(pilot)
        assert app.screen is screen and focused_id(app) == "scan"
        assert "王五 · retail" in flat(screen_text(app))


async def test_the_customer_matches_cover_whole_rows_one_match_a_row(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    """Issue 16.14: the match list lay over the right part of the row under the field, so
    "No custom" of the message there showed beside it; a long name wrapped its match onto
    two rows. Now the rows it lies over are hidden whole and each match is one row."""
    long = "苏州永安设计工程装饰建材灯饰照明有限公司 Yongan Design Engineering Co."
    make_customer(sqlite_db, name=long, phone="0512 4769 9080")
    make_customer(sqlite_db, name="苏州永安灯饰", phone="0512 4769 9081")
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_entry(pilot)
        rows = screen_text(app).splitlines()
        assert "No customer yet" in rows[2]
        await pilot.press(*"永安")
        await settle(pilot)
        rows = screen_text(app).splitlines()
        # a row each, in name order (pinyin: ...yongan deng... before ...yongan she...)
        assert "0512 4769 9081" in rows[2] and "0512 4769 9080" in rows[3]
        assert rows[3].startswith(" " * 10) and "苏州永安设计" in rows[3]
        assert "No custom" not in screen_text(app)  # hidden whole, not cut
        await pilot.press("escape")  # the matches go: the message under them is whole
        await settle(pilot)
        assert "No customer yet: type a phone, name or code" in screen_text(app)


async def test_a_new_caller_with_a_known_customers_phone_is_refused_at_the_phone(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pilot.press(*"李雷", "enter")  # nobody of that name: a new caller
        await settle(pilot)
        panel = screen.query_one("#new-caller", NewCallerPanel)
        assert panel.is_open and focused_id(app) == "new-caller-phone"
        await pilot.press(*"008613800138000", "enter")  # 王小明's, typed another way
        await settle(pilot)
        assert panel.is_open and focused_id(app) == "new-caller-phone"
        assert "-error" in panel.query_one("#new-caller-phone").classes
        assert "008613800138000 is already the phone of C000001 王小明" in flat(
            screen_text(app))  # fmt: skip
        with sqlite_db.read() as s:
            from oms_tui.models import Customer

            assert s.exec(select(Customer).where(Customer.name == "李雷")).first() is None


async def test_known_caller_repeats_a_past_order(sqlite_db: Database, shop: dict[str, int]) -> None:
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pilot.press(*"0013", "enter")  # any part of the phone number
        await settle(pilot)
        assert screen.model.customer_id == shop["known"]
        text = flat(screen_text(app))
        assert "王小明 · retail · credit ok · overdue ¥0.00 · last order" in text
        await pilot.press("ctrl+y")  # F8's twin: recent orders
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")  # the newest
        await settle(pilot)
        assert [(ln.product.code, ln.qty) for ln in screen.model.lines] == [
            ("XD-40W", 2),
            ("LED-9W", 12),
        ]
        await pilot.press("down", *"*3", "enter")  # quantities stay editable
        await pilot.press("f2")
        await settle(pilot)

    order, lines = db_order(sqlite_db)
    assert order.customer_id == shop["known"] and order.status == "pending_audit"
    assert [(ln.product_id, ln.qty, ln.unit_price_minor, ln.line_total_minor, ln.price_source)
            for ln in lines] == [
        (shop["lamp"], 2, 19_900, 39_800, "list price"),
        (shop["bulb"], 3, 1_500, 4_500, "list price"),
    ]  # fmt: skip
    assert order.total_minor == 44_300


async def test_live_totals_and_line_keys(sqlite_db: Database, shop: dict[str, int]) -> None:
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pick_known_caller(pilot)
        await pilot.press(*"LED-9W", "enter", *"LED-9W", "enter")  # again: one line, qty 2
        await settle(pilot)
        assert [(ln.product.code, ln.qty) for ln in screen.model.lines] == [("LED-9W", 2)]
        await pilot.press(*"*10", "enter")  # the quantity break applies live
        await settle(pilot)
        line = screen.model.lines[0]
        assert (line.unit_minor, line.price_source) == (1_200, "retail price list (qty >= 10)")
        assert "Total ¥120.00 CNY" in flat(screen_text(app))
        await pilot.press(*"-5", "enter")  # a line discount
        await settle(pilot)
        assert "Discount ¥5.00" in flat(screen_text(app)) or "Disc ¥5.00" in flat(screen_text(app))
        await pilot.press("+", "enter")  # duplicate
        await settle(pilot)
        assert len(screen.model.lines) == 2 and screen.model.selected == 1
        await pilot.press("ctrl+delete")
        await pilot.press("-", "enter")
        await settle(pilot)
        assert screen.model.lines == []
        await pilot.press(*"DOOR-OAK", "enter")  # made to order: the note is asked for
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"2100x900", "enter")
        await pilot.press(*"DOOR-OAK", "enter")  # made to order: never merged
        await settle(pilot)
        await pilot.press("escape")  # no note for the second door
        await settle(pilot)
        assert [(ln.product.code, ln.qty, ln.note) for ln in screen.model.lines] == [
            ("DOOR-OAK", 1, "2100x900"), ("DOOR-OAK", 1, "")]  # fmt: skip
        assert "made to order" in screen_text(app)
        assert "credit" in flat(screen_text(app))


async def test_words_open_a_product_search(sqlite_db: Database, shop: dict[str, int]) -> None:
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pick_known_caller(pilot)
        await pilot.press(*"led", "enter")  # not a code: search by words
        await settle(pilot)
        assert isinstance(app.screen, ProductSearchDialog)
        assert [h.code for h in app.screen.hits] == ["LED-9W", "STRIP-5M"]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert [ln.product.code for ln in screen.model.lines] == ["STRIP-5M"]
        await pilot.press("f4", *"吸顶", "enter")  # F4 on the scan line: the same search
        await settle(pilot)
        assert [ln.product.code for ln in screen.model.lines] == ["STRIP-5M", "XD-40W"]


# -- scanner bursts ---------------------------------------------------------------------------


async def test_thirty_characters_in_one_burst_arrive_complete_and_in_order(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    app = frozen_app(sqlite_db)
    typed = "AB12-cd34*EF56.gh78/IJ90-kl12m"
    assert len(typed) == 30
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        burst(app, typed)
        await settle(pilot)
        assert screen.query_one("#customer", ScanInput).value == typed
        await pick_known_caller_after_clearing(pilot)
        burst(app, typed)
        await settle(pilot)
        assert screen.query_one("#scan", ScanInput).value == typed


async def pick_known_caller_after_clearing(pilot: Pilot) -> None:
    await pilot.press("ctrl+u")
    await pick_known_caller(pilot)


async def test_ten_scans_back_to_back_add_exactly_ten_lines(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    codes = [f"BC-{n:02d}" for n in range(10)]
    barcodes = [f"69000000000{n:02d}" for n in range(10)]
    for code, barcode in zip(codes, barcodes, strict=True):
        make_product(sqlite_db, 1_000, code=code, barcode=barcode, name=f"Item {code}")
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pick_known_caller(pilot)
        burst(app, "".join(f"{b}\r" for b in barcodes))
        await settle(pilot)
        assert [ln.product.code for ln in screen.model.lines] == codes
        assert [ln.qty for ln in screen.model.lines] == [1] * 10
        # the same product scanned again adds to its line; a quantity rides along; then save
        burst(app, f"{barcodes[0]}\r{barcodes[0]}\r{codes[3]}*5\r")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
    _order, lines = db_order(sqlite_db)
    assert [ln.qty for ln in lines] == [3, 1, 1, 6, 1, 1, 1, 1, 1, 1]


# -- errors, leaving, drafts ------------------------------------------------------------------


async def test_validation_errors_show_at_the_field_and_ring(
    sqlite_db: Database, shop: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = frozen_app(sqlite_db)
    bells: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: bells.append(1))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pilot.press("f2")  # no customer
        await settle(pilot)
        assert "Pick the customer first" in screen_text(app)
        assert screen.query_one("#customer").has_class("-error") and len(bells) == 1
        await pick_known_caller(pilot)
        assert not screen.query_one("#customer").has_class("-error")
        await pilot.press(*"XD-40W", "enter", *"LED-9W", "enter", *"*200000", "enter")
        await pilot.press("f2")
        await settle(pilot)
        assert "Line 2: 200000 is implausibly large" in screen_text(app)
        rows = list(screen.query(".line-row"))
        assert [r.has_class("-error") for r in rows] == [False, True]
        assert len(bells) == 2
        await pilot.press(*"NOPE-1", "enter")
        await settle(pilot)
        assert "No product 'NOPE-1'" in screen_text(app) and len(bells) == 3
        await pilot.press(*"*0", "enter")
        await settle(pilot)
        assert "quantity must be at least 1" in screen_text(app) and len(bells) == 4
        await pilot.press("ctrl+g", "d", *"yesterday", "enter")  # options: delivery date
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        assert "is not a date" in screen_text(app) and len(bells) == 5
        await pilot.press("ctrl+u", *"+1", "enter")
        await settle(pilot)
        assert screen.model.options.requested_date == date(2026, 3, 3)
    with sqlite_db.read() as s:
        assert len(s.exec(select(Order)).all()) == 1  # only the fixture's past order


async def test_escape_with_unsaved_changes_asks_first(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pick_known_caller(pilot)
        await pilot.press(*"XD-40W", "enter")
        await settle(pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, ChoiceDialog)
        assert "Leave this order?" in screen_text(app)
        await pilot.press("n")
        assert app.screen is screen and len(screen.model.lines) == 1
        await pilot.press("f12", "y")
        await settle(pilot)
        assert app.current_mode == "home"
    empty = frozen_app(sqlite_db)
    async with empty.run_test(size=(80, 24)) as pilot:
        await open_entry(pilot, draft_offered=True)
        await pilot.press("escape")  # the draft offer
        await pilot.press("escape")  # nothing typed: straight home
        await settle(pilot)
        assert empty.current_mode == "home"


async def test_a_crash_leaves_a_draft_that_the_next_start_offers(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_entry(pilot)
        await pick_known_caller(pilot)
        await pilot.press(*"XD-40W*2", "enter", *"LED-9W", "enter")
        await pilot.press("ctrl+g", "c", "w")  # walk-in
        await settle(pilot)
        app.exit()  # the terminal closes: nothing saved by the clerk
    draft = drafts.latest_draft(sqlite_db, "clerk")
    assert draft is not None and draft.customer_id == shop["known"]
    assert draft.summary == "王小明: 2 lines"

    again = frozen_app(sqlite_db)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(again.screen, ChoiceDialog)
        assert "王小明: 2 lines" in screen_text(again)
        await pilot.press("r")
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, OrderEntryScreen)
        assert screen.model.customer_id == shop["known"]
        assert [(ln.product.code, ln.qty) for ln in screen.model.lines] == [
            ("XD-40W", 2),
            ("LED-9W", 1),
        ]
        assert screen.model.options.channel == "walk_in"
        assert "Total ¥413.00 CNY" in flat(screen_text(again))
        await pilot.press("f2")
        await settle(pilot)
    order, lines = db_order(sqlite_db)
    assert order.channel == "walk_in" and len(lines) == 2
    assert drafts.latest_draft(sqlite_db, "clerk") is None


async def test_a_new_callers_details_typed_so_far_are_in_the_draft_and_resume(
    sqlite_db: Database, shop: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection drops while the clerk types an unknown caller's address: the next
    start offers the draft and puts the details back in the new caller's fields."""
    from oms_tui.models import Customer

    monkeypatch.setattr(OrderEntryScreen, "NEW_CALLER_SAVE_DELAY", 0.05)  # a short wait
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_entry(pilot)
        await pilot.press(*"13900004444", "enter")
        await settle(pilot)
        await pilot.press(*"赵六", "tab", "tab", *"江苏南京鼓楼区")
        await until(pilot, lambda: (draft_of(sqlite_db) or {}).get("district") == "鼓楼区",
                    "the new caller saved in the draft")  # fmt: skip
        app.exit()  # the terminal closes before the caller is saved
    draft = drafts.latest_draft(sqlite_db, "clerk")
    assert draft is not None and draft.customer_id is None
    assert draft.payload["new_caller"] == {"name": "赵六", "phone": "13900004444",
                                           "address": "江苏南京鼓楼区", "province": "江苏省",
                                           "city": "南京市", "district": "鼓楼区",
                                           "group": "retail"}  # fmt: skip
    assert draft.summary.startswith("赵六")

    again = frozen_app(sqlite_db)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(again.screen, ChoiceDialog) and "赵六" in screen_text(again)
        await pilot.press("r")
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, OrderEntryScreen)
        panel = screen.query_one("#new-caller", NewCallerPanel)
        assert panel.is_open and focused_id(again) == "new-caller-street"
        assert panel.values()["city"] == "南京市"
        await pilot.press(*"中山路1号", "enter")
        await settle(pilot)
        assert screen.model.customer_id is not None and focused_id(again) == "scan"
    with sqlite_db.read() as s:
        customer = s.exec(select(Customer).where(Customer.name == "赵六")).one()
        assert customer.id == screen.model.customer_id


async def test_backing_out_of_a_new_caller_leaves_no_draft_of_it(
    sqlite_db: Database, shop: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(OrderEntryScreen, "NEW_CALLER_SAVE_DELAY", 0.05)  # a short wait
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_entry(pilot)
        await pilot.press(*"13900005555", "enter")
        await settle(pilot)
        await pilot.press(*"孙七")
        await until(pilot, lambda: (draft_of(sqlite_db) or {}).get("name") == "孙七",
                    "the new caller saved in the draft")  # fmt: skip
        assert drafts.latest_draft(sqlite_db, "clerk") is not None
        await pilot.press("escape")  # not a new customer after all
        await settle(pilot)
    assert drafts.latest_draft(sqlite_db, "clerk") is None


async def test_an_order_left_as_a_draft_is_offered_when_back_in_the_same_session(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    """Issue 16.13: "kept as a draft, offered next time": ``y`` then ``e`` offers it
    (resume or discard), with an empty order behind; resumed, it is the order left."""
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pick_known_caller(pilot)
        await pilot.press(*"XD-40W", "enter")
        await settle(pilot)
        await pilot.press("f12", "y")
        await settle(pilot)
        assert app.current_mode == "home"
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog) and "Unfinished order" in screen_text(app)
        assert screen.model.lines == [] and screen.model.customer_id is None
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is screen and screen.model.customer_id == shop["known"]
        assert [ln.product.code for ln in screen.model.lines] == ["XD-40W"]
        await pilot.press("f2")
        await settle(pilot)
    assert drafts.latest_draft(sqlite_db, "clerk") is None  # the order replaced its draft
    with sqlite_db.read() as s:
        assert len(s.exec(select(Order)).all()) == 2


async def test_discard_the_order_on_screen_by_key_or_on_leaving(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    """Ctrl+Z (and the palette's "Discard order") asks, then drops the order and its
    draft; the leave dialog's ``d`` does the same on the way home."""
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pick_known_caller(pilot)
        await pilot.press(*"XD-40W", "enter")
        await settle(pilot)
        assert drafts.latest_draft(sqlite_db, "clerk") is not None
        await pilot.press("ctrl+z")
        assert "Discard this order?" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen and screen.model.lines == []
        assert drafts.latest_draft(sqlite_db, "clerk") is None
        assert app.focused is screen.picker.field
        await pick_known_caller(pilot)
        await pilot.press(*"LED-9W", "enter")
        await settle(pilot)
        await pilot.press("f12", "d")
        await settle(pilot)
        assert app.current_mode == "home"
        assert drafts.latest_draft(sqlite_db, "clerk") is None
        await pilot.press("e")
        await settle(pilot)
        assert app.screen is screen and screen.model.lines == []
    assert ("discard", "Discard order") in [(a, t) for a, t, _h in screen.PALETTE]


async def test_discarding_the_offered_draft(sqlite_db: Database, shop: dict[str, int]) -> None:
    drafts.save_draft(sqlite_db, "clerk", {"customer_id": shop["known"], "lines": []},
                      customer_id=shop["known"], summary="王小明: 0 lines")  # fmt: skip
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_entry(pilot, draft_offered=True)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, OrderEntryScreen)
    assert drafts.latest_draft(sqlite_db, "clerk") is None


# -- the key grammar --------------------------------------------------------------------------


async def test_footer_fits_80_columns_and_every_key_has_a_twin(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_entry(pilot)
        footer = app.screen.query_one(Footer)
        keys = list(footer.query(FooterKey))
        shown = {key.description for key in keys}
        assert {"Save", "Find", "Back", "Quit"} <= shown
        for key in keys:
            assert key.region.width > 0 and key.region.right <= 80, key.description
        rows = dict(grammar_sections(app.screen)["screen"])  # what F1 lists
        for keys_shown in ("F2/^S", "F4/^L", "F6/^O", "F7/^N", "F8/^Y", "F9/^B", "F10/^G", "F11/^U",
                           "F12/Esc", "^Del", "Up/Down"):  # fmt: skip
            assert keys_shown in rows, keys_shown
    doc = order_entry.__doc__ or ""
    for binding in OrderEntryScreen.BINDINGS:
        assert binding.id and binding.id.startswith("entry."), binding
        first = binding.key.split(",")[0]
        if first.startswith("f") and first[1:].isdigit():
            assert "ctrl+" in binding.key or "escape" in binding.key, binding.key  # the twin
            assert f"`{first.upper()}`" in doc


async def test_template_and_ship_to_by_key(sqlite_db: Database, shop: dict[str, int]) -> None:
    from oms_tui.services.sales import templates

    templates.create_template(sqlite_db, "clerk", "office weekly", [(shop["bulb"], 6)],
                              customer_id=shop["known"])  # fmt: skip
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pick_known_caller(pilot)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert [(ln.product.code, ln.qty) for ln in screen.model.lines] == [("LED-9W", 6)]
        await pilot.press("ctrl+o", "n")  # ship-to: a new address
        await settle(pilot)
        await pilot.press(*"体育场路 8 号", "tab", *"杭州市", "enter")
        await settle(pilot)
        assert (
            screen.model.ship_to is not None and screen.model.ship_to.text == "杭州市 体育场路 8 号"
        )
        await pilot.press("f2")
        await settle(pilot)
    order, lines = db_order(sqlite_db)
    assert order.ship_to_address == "杭州市 体育场路 8 号"
    assert [(ln.qty, ln.unit_price_minor) for ln in lines] == [(6, 1_500)]


async def test_the_caller_is_found_by_the_middle_of_the_name_or_its_pinyin(
    sqlite_db: Database, shop: dict[str, int]
) -> None:
    """Issue #16: the customer field finds by any fragment and by pinyin (the one customer
    search), not only by what a name starts with."""
    make_customer(sqlite_db, name="苏州永安设计工作室", phone="0512 6688 1234")
    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_entry(pilot)
        await pilot.press(*"szya", "enter")  # its initials (永安 or yongan would do too)
        await settle(pilot)
        assert screen.query_one("#customer", ScanInput).value == "苏州永安设计工作室"
        assert screen.model.customer_id not in (None, shop["known"])
