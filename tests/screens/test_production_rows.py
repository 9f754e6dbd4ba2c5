"""The board's columns share the width (issue #16: full codes, issue #18: Chinese): the
product code whole, the customer at least its first six cells and "…", in both languages,
at 80 and 120 columns. Pure text: no app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from rich.cells import cell_len

from oms_tui import i18n
from oms_tui.screens.production.rows import CUSTOMER_MIN, board_columns, board_head, board_row
from oms_tui.services.production.board import BoardRow
from oms_tui.widgets.order_list import fit

LONG = "D-CD-2100x900-OAK-NAT"  # 21 cells: a door's size and finish in its code


@pytest.fixture(params=["en", "zh_CN"])
def language(request) -> Iterator[str]:
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language("en")


def row(code: str, customer: str = "西湖照明工程部", short: bool = False) -> BoardRow:
    return BoardRow(1, "PO-2026-000101", "SO-2026-000201", customer, code, "doors", 2,
                    "in_progress", "QC", 2, 4, date(2026, 12, 4), date(2026, 12, 6), "", 0,
                    short=short)  # fmt: skip


def text(pieces) -> str:  # noqa: ANN001
    return "".join(t for t, _ in pieces)


@pytest.mark.parametrize("width", [78, 118])  # the board's rows at 80x24 and 120x40
@pytest.mark.parametrize("code", ["DOOR-1", "L-F900-24W-GD", LONG])
@pytest.mark.parametrize("short", [False, True])
def test_code_whole_customer_readable_row_as_wide_as_the_head(language, width, code, short):
    cols = board_columns(width, cell_len(code))
    assert cols.customer >= CUSTOMER_MIN
    line = text(board_row(row(code, short=short), width, cell_len(code)))
    assert code in line and "西湖照" in line
    head = board_head(width, cell_len(code))
    assert cell_len(line) == width == cell_len(head) - 1  # (the heads start with a space)
    if short:
        assert i18n._("short") in line


def test_at_80_columns_a_long_code_takes_the_bar_then_the_order_column(language):
    plain, long = board_columns(78, 9), board_columns(78, len(LONG))
    assert plain.bar and plain.order  # room for everything
    assert not long.order and long.bar  # the order number gives way; the bar comes back
    assert long.customer >= CUSTOMER_MIN
    mid = board_columns(78, len("L-F900-24W-GD"))
    assert mid.order and mid.customer >= CUSTOMER_MIN
    wide = board_columns(118, len(LONG))
    assert wide.order and wide.bar == 8 and wide.customer >= 14


def test_a_name_is_cut_after_a_whole_character_then_the_ellipsis():
    assert fit("西湖照明工程部", 12) == "西湖照明工… "  # not "西湖照明工 …" nor half a 程
    assert fit("西湖照明工程部", 11) == "西湖照明工…"
    assert fit("西湖照明工程部", 8) == "西湖照… "
    assert fit("Chen Interiors", 7) == "Chen I…"
    assert fit("西湖", 4) == "西湖" and cell_len(fit("西湖照明", 3)) == 3
