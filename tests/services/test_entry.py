"""Scan-line grammar, short dates and the draft payload (pure, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.sales import entry
from oms_tui.services.sales.entry import DraftLine, DraftOptions, EntryDraft, ScanEntry, parse_scan


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", None),
        ("  ", None),
        ("XD-40W", ScanEntry(entry.PRODUCT, "XD-40W")),
        ("6901234567892", ScanEntry(entry.PRODUCT, "6901234567892")),
        ("xd-40w*3", ScanEntry(entry.PRODUCT, "xd-40w", qty=3)),
        ("3*XD-40W", ScanEntry(entry.PRODUCT, "XD-40W", qty=3)),
        ("6901234567892 * 12", ScanEntry(entry.PRODUCT, "6901234567892", qty=12)),
        ("*5", ScanEntry(entry.QTY, qty=5)),
        ("-", ScanEntry(entry.DELETE)),
        ("+", ScanEntry(entry.DUPLICATE)),
        ("-5.50", ScanEntry(entry.DISCOUNT, amount_minor=550)),
        ("-0", ScanEntry(entry.DISCOUNT, amount_minor=0)),
        ('"2100x900 walnut', ScanEntry(entry.NOTE, "2100x900 walnut")),
        ("=12.50", ScanEntry(entry.PRICE, price_minor=1250)),
        ("=", ScanEntry(entry.PRICE)),
        ("吸顶灯 白", ScanEntry(entry.PRODUCT, "吸顶灯 白")),
    ],
)
def test_scan_line_grammar(typed: str, expected: ScanEntry | None) -> None:
    assert parse_scan(typed, "CNY") == expected


def test_codes_and_search_words_are_told_apart() -> None:
    assert parse_scan("XD-40W", "CNY").looks_like_code
    assert parse_scan("6901234567892", "CNY").looks_like_code
    assert not parse_scan("吸顶灯 白", "CNY").looks_like_code
    assert not parse_scan("ceiling lamp", "CNY").looks_like_code


@pytest.mark.parametrize(
    ("typed", "field"),
    [("*0", "qty"), ("*x", "qty"), ("XD*-1", "qty"), ("*", "qty"), ("*3*", "qty"),
     ("-abc", "discount"), ("-1.234", "discount")],
)  # fmt: skip
def test_bad_quantities_and_amounts_name_their_field(typed: str, field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_scan(typed, "CNY")
    assert error.value.field == field


TODAY = date(2026, 3, 2)  # a Monday


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", None),
        ("2026-12-01", date(2026, 12, 1)),
        ("+1", date(2026, 3, 3)),
        ("+7", date(2026, 3, 9)),
        ("today", TODAY),
        ("tomorrow", date(2026, 3, 3)),
        ("mon", date(2026, 3, 9)),  # the next Monday, not today
        ("Tue", date(2026, 3, 3)),
        ("friday", date(2026, 3, 6)),
    ],
)
def test_short_dates(typed: str, expected: date | None) -> None:
    assert entry.parse_requested_date(typed, TODAY) == expected


@pytest.mark.parametrize("typed", ["2026-13-01", "next week", "2026-03-01", "+x"])
def test_bad_dates_are_explained(typed: str) -> None:
    with pytest.raises(InvalidInput) as error:
        entry.parse_requested_date(typed, TODAY)
    assert error.value.field == "requested_date"


def test_draft_payload_round_trips() -> None:
    draft = EntryDraft(
        customer_id=7, ship_to_id=3,
        lines=(DraftLine(1, 2), DraftLine(5, 1, 250, "2100x900 walnut"),
               DraftLine(6, 1, price_minor=990, override_reason="matched a rival")),
        options=DraftOptions("walk_in", "prepaid", date(2026, 3, 9), 1, "call first", 4),
    )  # fmt: skip
    assert EntryDraft.from_payload(draft.payload()) == draft
    assert EntryDraft.from_payload({}) == EntryDraft()
    assert EntryDraft().empty and not draft.empty
    caller = EntryDraft(new_caller=(("name", "李雷"), ("phone", "139 0000 1111")))
    assert EntryDraft.from_payload(caller.payload()) == caller and not caller.empty
