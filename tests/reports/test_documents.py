"""Documents rendered to PDF and read back: numbers, Chinese names and addresses, every
line and quantity, barcodes, page sizes."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm

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
        lines=lines, currency="CNY",
    )  # fmt: skip


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_packing_list_reads_back_with_chinese_and_quantities():
    pdf = packing_list_pdf([_shipment()], COMPANY)
    pages = _text(pdf)
    text = "\n".join(pages)
    for wanted in ("明光水木实业", "Packing list 装箱单", "SO-2026-000042", "SH-2026-000007",
                   "王小明", "138 0013 8000", "浙江省 杭州市 西湖区 文三路 90 号 3 幢 1201 室",
                   "顺丰速运 SF SF123456789012", "2026-12-02", "下午送",
                   "L-C300-18W", "LED吸顶灯 Ceiling light 18W", "D-OAK-2050", "实木门 Oak door",
                   "尺寸 2050x860，哑光清漆", "FRAGILE 易碎", "Packing instructions",
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
    for wanted in ("Pick list 拣货单", "Warehouse 仓库 GZ", "Warehouse 仓库 HZ", "B-02", "吸顶灯",
                   "SH-1, SH-2", "Shipments 发货单 (3)"):  # fmt: skip
        assert wanted in text, wanted


def squares(pdf: bytes, side: float = 3 * mm) -> int:
    """How many squares of ``side`` the pages draw (``re`` with equal width and height)."""
    from pypdf.generic import ContentStream

    reader = PdfReader(io.BytesIO(pdf))
    found = 0
    for page in reader.pages:
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"re" and all(abs(float(v) - side) < 0.01 for v in operands[2:]):
                found += 1
    return found


def test_tick_boxes_are_drawn_not_typed():
    """☐ and ✓ printed blank in the CJK font: the pick list draws a box per row and a tick
    atop the column instead."""
    a = _shipment("SH-1", "SO-1", lines=(_line(1, "LAMP", "吸顶灯", 3, 3, bin="B-02"),
                                         _line(2, "DOOR", "木门", 1, 1, bin="A-01")))  # fmt: skip
    pdf = pick_list_pdf([a], COMPANY, "HZ")
    text = "\n".join(_text(pdf))
    assert "☐" not in text and "✓" not in text and "木门" in text
    assert squares(pdf) == 2  # one per row


def test_labels_one_per_package():
    pdf = labels_pdf([_shipment(packages=3)], COMPANY)
    pages = _text(pdf)
    assert len(pages) == 3
    for n, page in enumerate(pages, 1):
        # the count and the weight on lines of their own ("1 of 178.30" was "1 of 1", 78.30)
        lines = page.splitlines()
        assert f"Package {n} of 3 第 {n} 件 / 共 3 件" in lines
        assert "Shipment gross weight 毛重 36.90 kg" in lines  # 36 kg net + 3 x 300 g
        assert "王小明" in page and "文三路 90 号" in page and "SF123456789012" in page


def _fonts(pdf: bytes) -> dict[str, bool]:
    """The fonts the pages use: name -> embedded (a TrueType font file in the PDF)."""
    out: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for f in [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]:
                desc = f.get("/FontDescriptor")
                embedded = desc is not None and "/FontFile2" in desc.get_object()
                out[str(f["/BaseFont"])] = out.get(str(f["/BaseFont"]), False) or embedded
    return out


def test_chinese_prints_in_an_embedded_font_on_any_reader():
    """The acceptance: a packing list with Chinese names shows them on a machine without any
    CJK font. The Chinese font is embedded (a TrueType subset), the text reads back; only
    the standard Helvetica, which every reader has, is not embedded."""
    pdf = packing_list_pdf([_shipment()], COMPANY)
    used = _fonts(pdf)
    cjk = [name for name in used if name.endswith("+NotoSansSC-Regular")]
    assert cjk and all(used[name] for name in cjk), used
    assert {name for name, embedded in used.items() if not embedded} <= {
        "/Helvetica", "/Helvetica-Bold"}  # fmt: skip
    assert b"/FontFile2" in pdf and b"STSong" not in pdf
    text = "\n".join(_text(pdf))
    for wanted in ("明光水木实业", "王小明", "浙江省 杭州市 西湖区 文三路 90 号", "装箱单"):
        assert wanted in text, wanted
    assert fonts().source.endswith(".ttf")


def test_without_a_writable_cache_the_variable_font_is_embedded_as_it_is(tmp_path, monkeypatch):
    from oms_tui.reports import fonts as font_module

    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # the cache folder cannot be made
    assert font_module.regular_font() == font_module.bundled_font()
    assert not list(tmp_path.glob("**/*.part"))


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


def test_each_shipment_prints_in_its_customers_language():
    """A wave holds customers of both languages: each packing list and label in its own."""
    from dataclasses import replace

    chinese = replace(_shipment("SH-ZH"), language="zh_CN")
    english = replace(_shipment("SH-EN"), language="en")
    zh_page, en_page = _text(packing_list_pdf([chinese, english], COMPANY))
    assert "装箱单" in zh_page and "品名" in zh_page and "第 1 页 / 共 1 页" in zh_page
    assert "Packing list" not in zh_page and "Description" not in zh_page
    assert "Packing list" in en_page and "Page 1 of 1" in en_page
    assert "装箱单" not in en_page and "订购" not in en_page
    assert "王小明" in en_page  # the customer's data as typed, whatever the language
    labels = _text(labels_pdf([replace(chinese, packages=1)], COMPANY))
    assert "第 1 件 / 共 1 件" in labels[0] and "Package" not in labels[0]


def test_an_importers_note_reads_in_the_customers_language():
    """The note an import writes (``ordered 2026-11-30; …``) is a service's sentence: on a
    Chinese customer's packing list it reads in Chinese; the clerk's own words as typed."""
    from dataclasses import replace

    note = "ordered 2026-11-30; 下午送"
    zh_page, en_page = _text(packing_list_pdf(
        [replace(_shipment("SH-ZH"), language="zh_CN", notes=note),
         replace(_shipment("SH-EN"), language="en", notes=note)], COMPANY))  # fmt: skip
    assert "下单日期 2026-11-30" in zh_page and "ordered" not in zh_page
    assert "ordered 2026-11-30" in en_page and "下单日期" not in en_page


def test_the_pick_list_is_in_the_companys_language():
    english = Company(COMPANY.name, currency="CNY", language="en")
    text = "\n".join(_text(pick_list_pdf([_shipment()], english, "W1")))
    assert "Pick list" in text and "拣货单" not in text and "Picked by" in text
