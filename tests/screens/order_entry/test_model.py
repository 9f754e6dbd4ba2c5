"""The order being typed (``screens/order_entry/model.py``), driven without Textual: scans
add and merge lines, line commands change the selected one, a stale quote is dropped,
a refused save marks its line, and a draft round-trips."""

from __future__ import annotations

from dataclasses import replace

from oms_tui.screens.order_entry.model import EntryLine, EntryModel, line_number
from oms_tui.services.catalog.catalog import ProductHit
from oms_tui.services.catalog.pricing import PricedLine, Quote, Totals
from oms_tui.services.parties.customers import CustomerHit
from oms_tui.services.sales.entry import DraftOptions, parse_scan
from oms_tui.services.sales.orders import NewLine, OrderQuote

LAMP = ProductHit(id=1, code="XD-40W", barcode="6901234567892", name="吸顶灯", model="XD40",
                  colour="白色", spec="40W", unit="pc", list_price_minor=19_900,
                  tax_rate_bp=1_300, made_to_order=False, active=True, available=50,
                  reorder_point=5)  # fmt: skip
BULB = replace(LAMP, id=2, code="LED-9W", barcode="6901234500017", name="LED bulb", model="",
               colour="", spec="9W", list_price_minor=1_500)  # fmt: skip
DOOR = replace(LAMP, id=3, code="DOOR-OAK", barcode=None, name="Oak door", model="", colour="",
               spec="", list_price_minor=250_000, made_to_order=True)  # fmt: skip
CALLER = CustomerHit(id=7, code="C000007", name="王小明", phone="138 0013 8000", group="retail",
                     region="East")  # fmt: skip


def scan(model: EntryModel, text: str) -> tuple[EntryLine | None, str]:
    entry = parse_scan(text, "CNY")
    assert entry is not None
    return model.add_scan(entry)


def looked_up(model: EntryModel, text: str, hit: ProductHit) -> tuple[str, bool]:
    """Scan ``text`` and answer its lookup with ``hit``, as the lines widget does."""
    line, _said = scan(model, text)
    assert line is not None and line.product is None  # looked up in a worker meanwhile
    return model.place_product(line, hit)


def test_a_code_scanned_again_adds_to_its_line_and_a_barcode_finds_it_too() -> None:
    model = EntryModel()
    assert looked_up(model, "XD-40W*2", LAMP) == ("Added XD-40W 吸顶灯 XD40 白色 40W × 2", False)
    assert scan(model, "xd-40w") == (None, "XD-40W: quantity 3")
    assert scan(model, "6901234567892") == (None, "XD-40W: quantity 4")
    assert [(ln.name, ln.qty) for ln in model.lines] == [("XD-40W", 4)]
    assert model.touched and model.rev == 3


def test_a_lookup_finding_a_product_on_another_line_merges_but_made_to_order_never() -> None:
    model = EntryModel()
    looked_up(model, "XD-40W", LAMP)
    looked_up(model, "LED-9W", BULB)
    assert looked_up(model, "ceiling lamp", LAMP) == ("XD-40W: quantity 2", False)  # words
    assert [(ln.name, ln.qty) for ln in model.lines] == [("XD-40W", 2), ("LED-9W", 1)]
    assert model.selected == 0  # the line it went to
    looked_up(model, "DOOR-OAK", DOOR)
    door, _said = scan(model, "DOOR-OAK")  # made to order: each door is its own line
    assert door is not None
    model.place_product(door, DOOR)
    assert [ln.name for ln in model.lines] == ["XD-40W", "LED-9W", "DOOR-OAK", "DOOR-OAK"]
    assert model.needs_note(door)
    model.set_note(door, " 2100x900 ")
    assert door.note == "2100x900" and not model.needs_note(door)


def test_a_code_scanned_again_before_its_lookup_answered_is_a_line_of_its_own() -> None:
    """Not known yet whether it is made to order: each scan its own line; a stocked one
    merges once both are looked up (as if scanned slowly), a made-to-order one never."""
    model = EntryModel()
    first, _ = scan(model, "DOOR-OAK")
    second, _ = scan(model, "DOOR-OAK")
    assert first is not None and second is not None and second is not first
    model.place_product(first, DOOR)
    model.place_product(second, DOOR)
    assert [(ln.name, ln.qty) for ln in model.lines] == [("DOOR-OAK", 1), ("DOOR-OAK", 1)]
    assert model.needs_note(first) and model.needs_note(second)
    lamp1, _ = scan(model, "XD-40W")
    lamp2, _ = scan(model, "XD-40W*2")
    assert lamp1 is not None and lamp2 is not None
    model.place_product(lamp1, LAMP)
    assert model.place_product(lamp2, LAMP) == ("XD-40W: quantity 3", False)
    assert [(ln.name, ln.qty) for ln in model.lines][2:] == [("XD-40W", 3)]


def test_a_product_no_longer_sold_drops_its_line() -> None:
    model = EntryModel()
    looked_up(model, "LED-9W", BULB)
    assert looked_up(model, "XD-40W", replace(LAMP, active=False)) == (
        "XD-40W is no longer sold", True)  # fmt: skip
    assert [ln.name for ln in model.lines] == ["LED-9W"] and model.selected == 0


def test_line_commands_change_the_selected_line() -> None:
    model = EntryModel()
    looked_up(model, "XD-40W", LAMP)
    looked_up(model, "LED-9W", BULB)
    assert model.move(-1) is model.lines[0]
    for text, said in (("*3", "XD-40W: quantity 3"), ("-5.50", "XD-40W: discount 5.50"),
                       ('"wall mount', "XD-40W: note 'wall mount'"),
                       ("+", "XD-40W: duplicated")):  # fmt: skip
        entry = parse_scan(text, "CNY")
        assert entry is not None
        assert model.line_command(entry) == (said, False)
    first, copy, bulb = model.lines
    assert (first.qty, first.discount_minor, first.note) == (3, 550, "wall mount")
    assert (copy.qty, copy.discount_minor, copy.note) == (3, 550, "wall mount")
    assert copy is not first and bulb.name == "LED-9W" and model.selected == 1
    model.drop_line(copy)
    assert [ln.name for ln in model.lines] == ["XD-40W", "LED-9W"] and model.selected == 0


def test_a_line_still_being_looked_up_is_not_duplicated() -> None:
    model = EntryModel()
    pending, _said = scan(model, "XD-40W")
    assert pending is not None
    entry = parse_scan("+", "CNY")
    assert entry is not None
    assert model.line_command(entry) == ("That line is still being looked up", True)
    assert model.lines == [pending] and model.rev == 0  # nothing changed


def test_a_price_override_keeps_its_reason_and_equals_goes_back_to_the_book() -> None:
    model = EntryModel()
    looked_up(model, "LED-9W*2", BULB)
    line = model.lines[0]
    said = model.override_price(line, 1_250, " matched rival quote ")
    assert said == "LED-9W: unit price 12.50 (override: matched rival quote)"
    assert line.new_line() == NewLine(BULB.id, 2, 1_250, 0, "", "matched rival quote")
    entry = parse_scan("=", "CNY")
    assert entry is not None
    assert model.line_command(entry) == ("LED-9W: price from the price book again", False)
    assert (line.price_minor, line.override_reason) == (None, "")


def quote_of(model: EntryModel, total: int) -> OrderQuote:
    priced = tuple(PricedLine(ln.product.id, ln.qty, 1_000, 0, 1_000 * ln.qty, 0, "list price",
                              False) for ln in model.resolved_lines() if ln.product)  # fmt: skip
    return OrderQuote(Quote(priced, Totals(total, 0, 0, 0, total)), "CNY", ())


def test_a_quote_for_an_older_revision_is_dropped() -> None:
    model = EntryModel()
    model.choose_customer(CALLER)
    looked_up(model, "XD-40W", LAMP)
    rev, lines = model.rev, model.resolved_lines()
    quote = quote_of(model, 1_000)
    assert scan(model, "XD-40W")[0] is None  # one more while the quote was on its way
    assert not model.quoted(rev, lines, quote) and model.quote is None
    assert model.quoted(model.rev, lines, quote_of(model, 2_000))
    assert model.lines[0].price_source == "list price" and model.quote is not None


def test_a_refused_quote_or_save_marks_the_line_it_names() -> None:
    model = EntryModel()
    model.choose_customer(CALLER)
    looked_up(model, "XD-40W", LAMP)
    looked_up(model, "LED-9W", BULB)
    assert model.quote_failed(model.rev, "Line 2: implausibly large", "lines.2.qty")
    assert model.error_line == 1 and model.quote_error == "Line 2: implausibly large"
    assert model.save_failed("lines.1") == "scan" and (model.error_line, model.selected) == (0, 0)
    assert model.save_failed("customer") == "customer" and model.error_field == "customer"
    assert model.save_failed("channel") is None and model.error_field == "channel"
    model.set_options(channel="walk_in")
    assert model.error_field is None and model.options.channel == "walk_in"
    assert line_number("lines.x") is None and line_number(None) is None


def test_picking_another_caller_forgets_the_card_and_the_ship_to() -> None:
    model = EntryModel()
    model.choose_customer(CALLER)
    model.ship_to_id = 5
    model.choose_customer(CALLER)  # the same caller again: kept
    assert model.ship_to_id == 5
    model.choose_customer(replace(CALLER, id=8))
    assert (model.customer_id, model.card, model.ship_to_id) == (8, None, None)


def test_a_draft_keeps_the_lines_looked_up_and_restores_them() -> None:
    model = EntryModel()
    model.choose_customer(CALLER)
    looked_up(model, "XD-40W*2", LAMP)
    model.override_price(model.lines[0], 18_000, "old price")
    scan(model, "NOPE-1")  # still being looked up: not in the draft
    model.set_options(priority=2, notes="call first")
    draft = model.draft(new_caller=())
    assert [(ln.product_id, ln.qty, ln.price_minor, ln.override_reason)
            for ln in draft.lines] == [(LAMP.id, 2, 18_000, "old price")]  # fmt: skip
    assert draft.options == DraftOptions(priority=2, notes="call first")

    again = EntryModel()
    again.restore(draft, None, {LAMP.id: LAMP})
    assert [(ln.name, ln.qty, ln.price_minor) for ln in again.lines] == [("XD-40W", 2, 18_000)]
    assert again.options.notes == "call first" and again.selected == 0
    assert again.customer_id is None  # no card: the caller was not found again
    again.reset()
    assert (again.lines, again.options, again.rev, again.touched) == ([], DraftOptions(), 0, False)
