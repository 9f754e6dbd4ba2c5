"""At 80 columns a product code, an order number and an amount are never cut: the
description or name beside them gives way (colour and size variants differ only at the
end of the code: `L-D075-12W-WH` and `-BK` must not both read `L-D075-12…`)."""

from __future__ import annotations

from datetime import date

from rich.cells import cell_len

from oms_tui.screens.dispatch.rows import line_text
from oms_tui.screens.production.rows import board_head, board_row
from oms_tui.screens.stock.rows import low_row, reorder_row
from oms_tui.services.inventory import stock
from oms_tui.services.production.board import BoardRow
from oms_tui.services.shipping import dispatch
from oms_tui.widgets.order_list import fit_name, fit_whole, widest

WHITE, BLACK = "L-D075-12W-WH", "L-D075-12W-BK"
LONG = "D-CD-2100x900-OAK-NAT"


def text(pieces: list[tuple[str, str]]) -> str:
    return "".join(t for t, _style in pieces)


def test_fit_whole_keeps_the_code_and_the_row_width() -> None:
    code, desc = fit_whole(LONG, 12, "Oak door, natural finish", 20)
    assert code == LONG and cell_len(code + desc) == 32
    assert desc.startswith("Oak door") and desc.endswith("…")
    assert fit_whole("L-1", 12, "Lamp", 20) == ("L-1" + " " * 9, "Lamp" + " " * 16)


def test_fit_name_gives_way_to_the_amounts_beside_it() -> None:
    name = fit_name("苏州永安设计工作室有限公司", 30, " · overdue ", "¥762,603.00")
    assert cell_len(name) + cell_len(" · overdue ¥762,603.00") <= 30
    assert name.startswith("苏州") and name.rstrip().endswith("…")  # (the odd cell after the …)
    assert fit_name("Li", 30, "x") == "Li"
    assert widest(["SO-2026-000001", LONG], 12) == len(LONG)


def board(code: str, n: int) -> BoardRow:
    return BoardRow(id=n, number=f"PO-2026-00000{n}", order_number=f"SO-2026-00000{n}",
                    customer_name="苏州永安设计工作室", product_code=code, product_line="doors",
                    qty=2, status="planned", stage_name="cutting", stage_no=1, stages=4,
                    due_date=date(2026, 12, 20), expected_date=date(2026, 12, 18),
                    requirements_note="2100x900", priority=0)  # fmt: skip


def test_production_board_shows_whole_codes_at_80_columns() -> None:
    rows = [text(board_row(board(c, n), 79)) for n, c in enumerate((WHITE, BLACK, LONG))]
    for row, code in zip(rows, (WHITE, BLACK, LONG), strict=True):
        assert code in row
        assert cell_len(row) == cell_len(rows[0])  # the columns after the code stay put
    assert cell_len(board_head(79)) == cell_len(rows[0]) + 1  # the head over the marks column


def test_stock_lists_show_whole_codes() -> None:
    low = stock.LowStockRow(product_id=1, code=LONG, name="Oak door", warehouse_code="SZ",
                            on_hand=1, reserved=0, available=1, reorder_point=5)  # fmt: skip
    assert LONG in text(low_row(low, 79))
    reorder = stock.ReorderRow(product_id=1, code=WHITE, name="LED downlight 12W white",
                               warehouse_code="SZ", on_hand=3, reserved=1, incoming=0,
                               daily_demand="1.50", lead_time_days=7, safety_stock=2,
                               reorder_point=13, current_reorder_point=5,
                               suggested_qty=20)  # fmt: skip
    assert WHITE in text(reorder_row(reorder, 79))


def test_shipment_lines_show_whole_codes() -> None:
    line = dispatch.ShipmentLineView(order_line_id=1, line_no=1, product_code=LONG,
                                     description="Oak door", ordered=2, qty=2,
                                     shipped_before=0, backordered=0, note="", weight_g=0,
                                     volume_cm3=0, fragile=False, bin="")  # fmt: skip
    assert LONG in line_text(line)
