"""Products kept by hand (issue 17 point 3): add, change, discontinue and resume, each in the
change log with before and after; a clerk refused; bad input refused with a sentence; a new
price is the one the next order line is priced from. Both engines."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from oms_tui.models import ChangeLog, Product
from oms_tui.services.catalog import catalog, maintenance
from oms_tui.services.platform.change_log import change_log
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.errors import InvalidInput, NotFound
from oms_tui.services.platform.permissions import NotPermitted
from oms_tui.services.platform.search_text import name_keys
from oms_tui.services.sales import orders
from oms_tui.services.sales.change_history import history_page
from tests.cli.runner import oms
from tests.factories import make_customer, make_product


def logged(db: Database, code: str) -> list[tuple[str, str, str, str, str]]:
    """The product's change log, oldest first: (actor, field, before, after, reason)."""
    return [(c.actor, c.field, c.before, c.after, c.reason)
            for c in reversed(change_log(db, "product", code))]  # fmt: skip


def test_a_product_added_is_logged_with_each_field_given(db: Database) -> None:
    card = maintenance.add_product(db, "manager", "l-c300-18w-wh", "吸顶灯 18W 白", "89.00",
                                   {"unit": "个", "barcode": "6901234567892", "cost": "52",
                                    "tax": "13%", "made_to_order": "no"},
                                   reason="new supplier")  # fmt: skip
    assert card.code == "L-C300-18W-WH" and card.active
    assert card.values["price"] == "¥89.00" and card.values["tax"] == "13%"
    assert logged(db, "L-C300-18W-WH") == [
        ("manager", "created", "", "吸顶灯 18W 白", "new supplier"),
        ("manager", "price", "", "¥89.00", "new supplier"),
        ("manager", "unit", "", "个", "new supplier"),
        ("manager", "barcode", "", "6901234567892", "new supplier"),
        ("manager", "cost", "", "¥52.00", "new supplier"),
        ("manager", "tax", "", "13%", "new supplier"),
        ("manager", "made_to_order", "", "no", "new supplier"),  # given, so kept
    ]
    with db.read() as s:
        p = s.exec(select(Product).where(Product.code == "L-C300-18W-WH")).one()
        assert (p.list_price_minor, p.cost_minor, p.tax_rate_bp, p.unit) == (
            8_900,
            5_200,
            1_300,
            "个",
        )
        assert (p.pinyin, p.initials) == (name_keys("吸顶灯 18W 白"))
        assert p.pinyin.startswith("xidingdeng") and p.initials.startswith("xdd")
    card, _changed = maintenance.set_product(db, "manager", "L-C300-18W-WH", {"tax": "10"})
    assert card.values["tax"] == "10%" and logged(db, "L-C300-18W-WH")[-1][1:4] == (
        "tax",
        "13%",
        "10%",
    )
    # found by its barcode, its code in any case, and its name's pinyin
    assert catalog.find_product(db, "6901234567892").code == "L-C300-18W-WH"
    assert [h.code for h in catalog.search_products(db, "xdd")] == ["L-C300-18W-WH"]


def test_each_change_is_logged_with_before_and_after_and_the_name_keeps_its_pinyin(
    db: Database,
) -> None:
    make_product(db, code="LED-40W", name="LED panel 40W", price_minor=12_000, cost_minor=7_000)
    card, changed = maintenance.set_product(
        db, "admin", "led-40w", {"price": "135.50", "cost": "7000.00", "name": "吸顶灯",
                                 "weight": "１２００"},
        reason="supplier's new prices")  # fmt: skip
    assert changed == ["price", "cost", "name", "weight"]
    assert card.values["price"] == "¥135.50" and card.values["weight"] == "1200"
    assert logged(db, "LED-40W") == [
        ("admin", "price", "¥120.00", "¥135.50", "supplier's new prices"),
        ("admin", "cost", "¥70.00", "¥7,000.00", "supplier's new prices"),
        ("admin", "name", "LED panel 40W", "吸顶灯", "supplier's new prices"),
        ("admin", "weight", "0", "1200", "supplier's new prices"),
    ]
    assert [h.code for h in catalog.search_products(db, "xdd")] == ["LED-40W"]
    assert catalog.search_products(db, "panel") == []
    # the same values again: nothing changed, nothing logged
    assert maintenance.set_product(db, "admin", "LED-40W", {"price": "135.5"})[1] == []
    assert len(logged(db, "LED-40W")) == 4
    # what the stock card's Changes (F11) pages through
    rows = history_page(db, "product", "LED-40W")
    assert sorted(r.field for r in rows) == ["cost", "name", "price", "weight"]


def test_discontinue_and_resume_are_logged_and_orders_follow(db: Database) -> None:
    pid = make_product(db, code="SPOT-7W", name="Spotlight 7W")
    cid = make_customer(db).id
    with pytest.raises(InvalidInput, match="say why"):
        maintenance.set_active(db, "manager", "SPOT-7W", False)
    assert not maintenance.set_active(db, "manager", "SPOT-7W", False, "end of line").active
    with pytest.raises(InvalidInput, match="already discontinued"):
        maintenance.set_active(db, "manager", "SPOT-7W", False, "again")
    assert catalog.search_products(db, "spotlight") == []
    with pytest.raises(InvalidInput, match="SPOT-7W is no longer sold"):
        orders.create_order(db, "tester", cid, [orders.NewLine(pid, 1)])
    maintenance.set_active(db, "admin", "SPOT-7W", True)
    orders.create_order(db, "tester", cid, [orders.NewLine(pid, 1)])
    assert logged(db, "SPOT-7W") == [("manager", "active", "yes", "no", "end of line"),
                                     ("admin", "active", "no", "yes", "")]  # fmt: skip


@pytest.mark.parametrize("role", ["clerk", "auditor", "warehouse", "production", "finance"])
def test_only_managers_and_admins_edit_the_catalog(db: Database, role: str) -> None:
    make_product(db, code="LED-40W", name="LED panel 40W", price_minor=12_000)
    refused = rf"^{role} \({role}\) may not change products, prices and price lists"
    with pytest.raises(NotPermitted, match=refused):
        maintenance.set_product(db, role, "LED-40W", {"price": "1.00"})
    with pytest.raises(NotPermitted, match=refused):
        maintenance.add_product(db, role, "NEW-1", "New", "1.00")
    with pytest.raises(NotPermitted, match=refused):
        maintenance.set_active(db, role, "LED-40W", False, "no")
    with db.read() as s:
        assert s.exec(select(ChangeLog).where(ChangeLog.entity == "product")).all() == []
        assert s.exec(select(Product.list_price_minor)).all() == [12_000]


@pytest.mark.parametrize(("changes", "refusal"), [
    ({"price": "1e3"}, "'1e3' is not an amount: write it in digits"),
    ({"price": "12.345"}, "'12.345' is not an amount: CNY has 2 decimals"),
    ({"price": "-5"}, "the product's list price cannot be negative: -5"),
    ({"price": "1_000"}, "'1_000' is not an amount"),
    ({"cost": "99999999999999"}, "the product's cost ¥99,999,999,999,999.00 is over the limit"),
    ({"tax": "130"}, "the product's tax rate '130': a percentage from 0 to 100"),
    ({"tax": "13.333"}, "the product's tax rate '13.333': a percentage"),
    ({"lead_time": "+5"}, "the product's lead time in days '+5': a whole number from 0 to 365"),
    ({"lead_time": "٥"}, "the product's lead time in days '٥': a whole number"),
    ({"weight": "1.5"}, "the product's weight in grams '1.5': a whole number"),
    ({"made_to_order": "maybe"}, "the product's made to order 'maybe': yes or no"),
    ({"name": "Lamp\x1b[31m"}, "the product's name holds a control character (U+001B)"),
    ({"name": "   "}, "the product's name cannot be empty"),
    ({"name": "x" * 201}, "the product's name is 201 characters long; the most is 200"),
    ({"barcode": "690 123"}, "barcode '690 123': letters, digits and -, at most 40"),
    ({"barcode": "6900000000009"}, "6900000000009 is already the barcode of product SPOT-9W"),
    ({"barcode": "SPOT-9W"}, "SPOT-9W is already the code of product SPOT-9W"),
    ({"colour": "white", "size": "XL"}, "no product field 'size': one of name, barcode"),
    ({}, "nothing to change"),
])  # fmt: skip
def test_bad_input_is_refused_with_a_sentence_and_changes_nothing(
    db: Database, changes: dict[str, str], refusal: str
) -> None:
    make_product(db, code="SPOT-9W", name="Spotlight 9W", barcode="6900000000009")
    make_product(db, code="LED-40W", name="LED panel 40W", price_minor=12_000)
    with pytest.raises(InvalidInput, match=re.escape(refusal)):
        maintenance.set_product(db, "manager", "LED-40W", changes)
    assert maintenance.product_card(db, "LED-40W").values["colour"] == ""
    assert change_log(db, "product") == []


@pytest.mark.parametrize(("code", "refusal"), [
    ("SPOT-9W", "SPOT-9W is already the code of product SPOT-9W"),
    ("spot-9w", "SPOT-9W is already the code of product SPOT-9W"),
    ("6900000000009", "6900000000009 is already the barcode of product SPOT-9W"),
    ("A B", "product code 'A B': letters and digits"),
    ("-X", "product code '-X': letters and digits"),
    ("", "a product needs a code"),
    ("=cmd|x", "product code '=CMD|X'"),
])  # fmt: skip
def test_a_new_products_code_is_unique_and_plain(db: Database, code: str, refusal: str) -> None:
    make_product(db, code="SPOT-9W", name="Spotlight 9W", barcode="6900000000009")
    with pytest.raises(InvalidInput, match=re.escape(refusal)):
        maintenance.add_product(db, "manager", code, "Lamp", "10.00")
    with pytest.raises(NotFound, match="no product 'NOPE'"):
        maintenance.set_product(db, "manager", "NOPE", {"price": "1"})


def test_a_new_price_is_the_one_the_next_order_line_is_priced_from(db: Database) -> None:
    pid = make_product(db, code="LED-40W", name="LED panel 40W", price_minor=12_000)
    cid = make_customer(db).id
    first = orders.create_order(db, "tester", cid, [orders.NewLine(pid, 2)])
    assert orders.get_order(db, first.number).lines[0].unit_price_minor == 12_000
    maintenance.set_product(db, "manager", "LED-40W", {"price": "99.90"}, "promotion ended")
    quoted = orders.quote_order(db, cid, [orders.NewLine(pid, 1)])
    assert quoted.quote.lines[0].unit_price_minor == 9_990
    second = orders.create_order(db, "tester", cid, [orders.NewLine(pid, 1)])
    assert orders.get_order(db, second.number).lines[0].unit_price_minor == 9_990
    assert orders.get_order(db, first.number).lines[0].unit_price_minor == 12_000  # kept


# -- oms product ----------------------------------------------------------------------------


def test_the_command_adds_sets_shows_discontinues_and_resumes(sqlite_db: Database) -> None:
    db = ("--db", sqlite_db.url)
    added = oms(*db, "product", "add", "w-brl", "桶装水 18.9L", "20.00", "unit", "桶",
                "deposit", "30", "--reason", "new line")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert added.stderr == "product W-BRL added\n"
    assert "W-BRL  (active)" in added.stdout and "deposit        ¥30.00" in added.stdout
    done = oms(*db, "product", "set", "W-BRL", "price", "22.50", "per-package", "1")
    assert done.exit_code == 0 and done.stderr == "W-BRL: price, per_package changed\n"
    same = oms(*db, "product", "set", "W-BRL", "price", "22.5")
    assert same.stderr.startswith("W-BRL: nothing changed")
    shown = oms(*db, "product", "show", "w-brl").stdout
    assert "price          ¥22.50" in shown and "per_package    1" in shown
    assert oms(*db, "product", "discontinue", "W-BRL", "--reason", "old barrel").exit_code == 0
    assert "(discontinued)" in oms(*db, "product", "show", "W-BRL").stdout
    assert oms(*db, "product", "resume", "W-BRL").stderr == "W-BRL is sold again\n"
    log = oms(*db, "audit", "log", "--entity", "product:W-BRL")
    assert log.exit_code == 0 and "22.50" in log.stdout and "old barrel" in log.stdout


@pytest.mark.parametrize(("args", "refusal"), [
    (("set", "W-1", "price"), "oms: price has no value: give each field followed by its value"),
    (("set", "W-1", "price", "1", "price", "2"), "oms: price is given twice"),
    (("set", "W-1", "price", "1e9"), "oms: '1e9' is not an amount: write it in digits"),
    (("set", "W-1", "colour", "red\x07"), "oms: the product's colour holds a control character"),
    (("set", "NOPE", "price", "1"), "oms: no product 'NOPE'"),
    (("add", "W-1", "Water", "2.00"), "oms: W-1 is already the code of product W-1"),
    (("discontinue", "W-1"), "oms: say why the product is discontinued (--reason)"),
])  # fmt: skip
def test_the_command_refuses_bad_input_in_one_line(
    sqlite_db: Database, args: tuple[str, ...], refusal: str
) -> None:
    make_product(sqlite_db, code="W-1", name="Water")
    done = oms("--db", sqlite_db.url, "product", *args)
    assert done.exit_code == 1
    assert done.stderr.startswith(refusal) and done.stderr.count("\n") == 1, done.stderr


def test_a_clerk_is_refused_by_the_command(sqlite_db: Database) -> None:
    make_product(sqlite_db, code="W-1", name="Water", price_minor=2_000)
    done = oms("--db", sqlite_db.url, "--user", "clerk", "product", "set", "W-1", "price", "1")
    assert done.exit_code == 1
    assert done.stderr.startswith("oms: clerk (clerk) may not change products, prices")
    assert maintenance.product_card(sqlite_db, "W-1").values["price"] == "¥20.00"


def test_edits_at_the_same_time_each_log_the_price_the_other_left(db: Database) -> None:
    """Two people changing one price at once: one waits for the other (the row is locked
    for the change), so each change's "before" is what the other left, and the last
    "after" is the price kept."""
    from concurrent.futures import ThreadPoolExecutor

    make_product(db, code="LED-40W", name="LED panel 40W", price_minor=10_000)

    def edit(user: str, cents: int) -> None:
        for n in range(8):
            maintenance.set_product(db, user, "LED-40W", {"price": f"{cents + n}.00"})

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(edit, ("manager", "admin"), (200, 300)))
    rows = logged(db, "LED-40W")
    assert len(rows) == 16
    assert rows[0][2] == "¥100.00"
    assert all(later[2] == earlier[3] for earlier, later in zip(rows, rows[1:], strict=False))
    assert maintenance.product_card(db, "LED-40W").values["price"] == rows[-1][3]
