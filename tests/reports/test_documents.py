"""Documents rendered to PDF and read back: numbers, Chinese names and addresses, every
line and quantity, barcodes, page sizes."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, LETTER

from oms_tui.reports.common import Company, barcode
from oms_tui.reports.fonts import fonts
from oms_tui.reports.label import labels_pdf
from oms_tui.reports.packing_list import packing_list_pdf
from oms_tui.reports.pick_list import pick_list_pdf, pick_rows
from oms_tui.services.shipping import dispatch
from oms_tui.services.shipping.dispatch import ShipmentLineView, ShipmentView

COMPANY = Company("明光水木实业", "杭州市西湖区文三路 90 号", "0571-8888 6666", currency="CNY")


def _line(no: int, code: str, desc: str, ordered: int, qty: int, before: int = 0,
          backordered: int = 0, **kw) -> ShipmentLineView:  # fmt: skip
    return ShipmentLineView(order_line_id=no, line_no=no, product_code=code, description=desc,
                            ordered=ordered, qty=qty, shipped_before=before,
                            backordered=backordered, note=kw.get("note", ""),
                            weight_g=kw.get("weight_g", 1_000),
                            volume_cm3=kw.get("volume_cm3", 2_000),
                            fragile=kw.get("fragile", False), bin=kw.get("bin", ""))  # fmt: skip


def _shipment(number: str = "SH-2026-000007", order: str = "SO-2026-000042", lines=None,
              **kw) -> ShipmentView:  # fmt: skip
    lines = lines or (
        _line(1, "L-C300-18W", "LED吸顶灯 Ceiling light 18W", 10, 6, backordered=4,
              fragile=True, bin="B-02-1"),
        _line(2, "D-OAK-2050", "实木门 Oak door", 1, 1, note="尺寸 2050x860，哑光清漆",
              weight_g=30_000, volume_cm3=120_000, bin="F-01"),
    )  # fmt: skip
    return ShipmentView(
        id=7, number=number, order_id=42, order_number=order, status="picking",
        warehouse_code=kw.get("warehouse", "HZ"), carrier_code="SF", carrier_name="顺丰速运 SF",
        tracking_no="SF123456789012", freight_minor=2_300, packages=kw.get("packages", 2),
        weight_g=0, expected_date=date(2026, 12, 2), carrier_reason="",
        customer_name="王小明", ship_to_name="王小明", ship_to_phone="138 0013 8000",
        ship_to_address="浙江省 杭州市 西湖区 文三路 90 号 3 幢 1201 室", notes="下午送",
        lines=lines,
    )  # fmt: skip


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_packing_list_reads_back_with_chinese_and_quantities():
    pdf = packing_list_pdf([_shipment()], COMPANY)
    pages = _text(pdf)
    text = "\n".join(pages)
    for wanted in ("明光水木实业", "装箱单 Packing list", "SO-2026-000042", "SH-2026-000007",
                   "王小明", "138 0013 8000", "浙江省 杭州市 西湖区 文三路 90 号 3 幢 1201 室",
                   "顺丰速运 SF SF123456789012", "2026-12-02", "下午送",
                   "L-C300-18W", "LED吸顶灯 Ceiling light 18W", "D-OAK-2050", "实木门 Oak door",
                   "尺寸 2050x860，哑光清漆", "易碎 FRAGILE", "Packing instructions",
                   "Remaining to deliver", "Packages 件数: 2",
                   # net 6 x 1 kg + 30 kg; gross + 2 x 0.3 kg; 6 x 2,000 + 120,000 cm3
                   "Net weight 净重: 36.00 kg", "Gross weight 毛重: 36.60 kg",
                   "Volume 体积: 0.132 m3", "Picker 拣货", "Checker 复核", "Driver 司机",
                   "Receiver 收货人", "Page 1 of 1"):  # fmt: skip
        assert wanted in text, wanted
    # the quantities of line 1: ordered 10, this shipment 6, backordered 4; line 2: 1, 1, 0
    assert "10\n6\n4" in text and "1\n1\n0" in text
    remaining = text[text.index("Remaining to deliver") :]
    assert "L-C300-18W" in remaining and "D-OAK-2050" not in remaining
    assert PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width == pytest.approx(A4[0])


def test_barcodes_carry_the_numbers():
    assert barcode("SO-2026-000042").contents[0].value == "SO-2026-000042"
    # the human-readable line under each barcode prints the same value
    text = "\n".join(_text(packing_list_pdf([_shipment()], COMPANY)))
    assert text.count("SO-2026-000042") >= 1 and text.count("SH-2026-000007") >= 1


def test_letter_paper_long_lists_and_page_x_of_y():
    many = tuple(_line(i, f"P-{i:03d}", f"产品 {i} 号", 5, 5) for i in range(1, 90))
    pdf = packing_list_pdf([_shipment(lines=many)], COMPANY, paper="Letter")
    reader = PdfReader(io.BytesIO(pdf))
    n = len(reader.pages)
    assert n >= 2
    assert reader.pages[0].mediabox.width == pytest.approx(LETTER[0])
    pages = _text(pdf)
    assert all(f"Page {i} of {n}" in page for i, page in enumerate(pages, 1))
    assert all(f"P-{i:03d}" in "\n".join(pages) for i in range(1, 90))
    assert "Remaining to deliver" not in "\n".join(pages)  # nothing left: no block
    with pytest.raises(ValueError, match="use A4 or Letter"):
        packing_list_pdf([_shipment()], COMPANY, paper="B5")


def test_same_input_same_bytes():
    assert packing_list_pdf([_shipment()], COMPANY) == packing_list_pdf([_shipment()], COMPANY)


def test_pick_list_groups_by_warehouse_and_bin():
    a = _shipment("SH-1", "SO-1", lines=(_line(1, "LAMP", "吸顶灯", 3, 3, bin="B-02"),
                                         _line(2, "DOOR", "木门", 1, 1, bin="A-01")))  # fmt: skip
    b = _shipment("SH-2", "SO-2", lines=(_line(1, "LAMP", "吸顶灯", 4, 4, bin="B-02"),))
    c = _shipment("SH-3", "SO-3", warehouse="GZ", lines=(_line(1, "LAMP", "吸顶灯", 2, 2,
                                                            bin="G-9"),))  # fmt: skip
    rows = pick_rows([a, b, c])
    assert rows == {
        "GZ": [("G-9", "LAMP", "吸顶灯", 2, ["SH-3"])],
        "HZ": [("A-01", "DOOR", "木门", 1, ["SH-1"]),
               ("B-02", "LAMP", "吸顶灯", 7, ["SH-1", "SH-2"])],
    }  # fmt: skip
    text = "\n".join(_text(pick_list_pdf([a, b, c], COMPANY, "HZ")))
    for wanted in ("拣货单 Pick list", "Warehouse 仓库 GZ", "Warehouse 仓库 HZ", "B-02", "吸顶灯",
                   "SH-1, SH-2", "3 shipments"):  # fmt: skip
        assert wanted in text, wanted


def test_labels_one_per_package():
    pdf = labels_pdf([_shipment(packages=3)], COMPANY)
    pages = _text(pdf)
    assert len(pages) == 3
    for n, page in enumerate(pages, 1):
        assert f"Package 件 {n} of 3" in page
        assert "王小明" in page and "文三路 90 号" in page and "SF123456789012" in page


def test_the_font_is_named():
    assert fonts().source  # a system CJK TrueType file, or the reportlab CID fallback


def test_a_real_shipment_prints(db):
    from tests.dispatch_factories import allocated_order, world

    w = world(db)
    oid = allocated_order(db, [(w.lamp, 3)])
    [sh] = dispatch.create_shipments(db, "picker", [oid], today=date(2026, 11, 30))
    text = "\n".join(_text(packing_list_pdf(dispatch.order_shipments(db, sh.order_number),
                                            COMPANY)))  # fmt: skip
    assert sh.order_number in text and "吸顶灯 Ceiling lamp" in text
    wave = dispatch.open_wave(db, "hz")
    assert [s.number for s in wave] == [sh.number]
