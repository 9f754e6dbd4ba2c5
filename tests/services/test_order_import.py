"""Order import: encodings, BOM, xlsx, multi-line orders, quoted commas and newlines,
Chinese text, idempotency (same file twice, overlapping exports, updates, refusals),
every error kind with its row, aliases, and a fuzz test: never a crash, never a partial
order."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from oms_tui.models import Customer, Order, OrderLine
from oms_tui.services.exchange import order_import
from oms_tui.services.platform.errors import OmsError
from oms_tui.services.sales import orders
from oms_tui.services.states.order_states import OrderStatus as S
from tests.factories import make_customer, make_product

HEADER = list(order_import.FIELDS)


def _csv(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def _row(ext, product, qty="1", name="李娜", phone="139 1234 5678",
         address="上海市 浦东新区 世纪大道 100 号", price="", notes="", when="2026-11-30 10:00",
         pay="prepaid"):  # fmt: skip
    return [ext, when, name, phone, address, product, qty, price, notes, pay]


@pytest.fixture
def shop(db):
    lamp = make_product(db, code="LAMP-1", barcode="6900000000011", price_minor=8_900)
    bulb = make_product(db, code="BULB-2", price_minor=1_200)
    make_customer(db, name="王小明", phone="138 0013 8000")
    return {"lamp": lamp, "bulb": bulb}


def _orders(db):
    with db.read() as s:
        out = {}
        for o in s.exec(select(Order).order_by(Order.id)).all():
            lines = s.exec(select(OrderLine.product_id, OrderLine.qty).where(
                OrderLine.order_id == o.id).order_by(OrderLine.line_no)).all()  # fmt: skip
            out[o.external_ref] = (o.status, o.channel, [tuple(x) for x in lines])
        return out


def test_a_multi_line_order_with_quoted_commas_newlines_and_chinese(db, shop):
    data = _csv(
        [
            _row("TB1", "LAMP-1", "2", address='浙江省 杭州市 "西湖区", 文三路 90 号\n3 幢 1201'),
            _row("TB1", "6900000000011", "1"),  # by barcode, same order
            _row("TB2", "BULB-2", "5", name="王小明", phone="13800138000", notes="下午送, 先电话"),
        ]
    )
    plan = order_import.plan_import(db, data, "ecommerce")
    assert [(o.external_id, o.action, len(o.lines)) for o in plan.orders] == [
        ("TB1", "create", 2),
        ("TB2", "create", 1),
    ]
    assert plan.new_customers == 1 and plan.problems == ()
    assert _orders(db) == {}  # the preview writes nothing
    result = order_import.run_import(db, "importer", data, "ecommerce")
    assert len(result.created) == 2 and not result.failed
    got = _orders(db)
    assert got["TB1"] == (S.PENDING_AUDIT, "ecommerce", [(shop["lamp"], 2), (shop["lamp"], 1)])
    assert got["TB2"][2] == [(shop["bulb"], 5)]
    with db.read() as s:
        tb1 = s.exec(select(Order).where(Order.external_ref == "TB1")).one()
        tb2 = s.exec(select(Order).where(Order.external_ref == "TB2")).one()
        assert '"西湖区", 文三路 90 号\n3 幢 1201' in tb1.ship_to_address
        assert s.get(Customer, tb1.customer_id).name == "李娜"
        assert s.get(Customer, tb2.customer_id).name == "王小明"  # matched by phone
        assert "下午送, 先电话" in tb2.notes and tb1.payment_method == "prepaid"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_every_encoding(db, shop, encoding):
    data = _csv([_row("E1", "LAMP-1", name="张伟", address="北京市 朝阳区 建国路 8 号")],
                encoding=encoding)  # fmt: skip
    result = order_import.run_import(db, "importer", data, "ecommerce")
    assert len(result.created) == 1
    with db.read() as s:
        o = s.exec(select(Order)).one()
        assert s.get(Customer, o.customer_id).name == "张伟"


def test_xlsx_and_a_shipped_profile(db, shop):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    names = order_import.SHIPPED_PROFILES["taobao"][1]
    sheet.append([names[f] for f in ("external_id", "customer_name", "phone", "address",
                                     "product", "qty", "unit_price")])  # fmt: skip
    sheet.append(["TB900", "刘洋", 13912345678, "广州市 天河区 体育西路 1 号", "LAMP-1", 3, 80.5])
    buf = io.BytesIO()
    book.save(buf)
    result = order_import.run_import(db, "importer", buf.getvalue(), profile="taobao",
                                     filename="orders.xlsx")  # fmt: skip
    assert len(result.created) == 1, result.problems
    with db.read() as s:
        line = s.exec(select(OrderLine)).one()
    assert (line.qty, line.unit_price_minor) == (3, 8_050)
    assert line.price_source == "override: price from the ecommerce file"  # differs: kept


def test_idempotent_imports_updates_and_refusals(db, shop):
    first = _csv([_row("A1", "LAMP-1", "1"), _row("A2", "BULB-2", "2"), _row("A3", "LAMP-1")])
    order_import.run_import(db, "importer", first, "ecommerce")
    again = order_import.run_import(db, "importer", first, "ecommerce")
    assert (again.created, again.updated, again.unchanged) == ((), (), 3)
    # A3 gets approved meanwhile; an overlapping export changes A2 and A3 and adds A4
    with db.read() as s:
        a3 = s.exec(select(Order).where(Order.external_ref == "A3")).one()
    orders.transition(db, "auditor", a3.id, S.APPROVED, "ok")
    overlap = _csv([_row("A2", "BULB-2", "7"), _row("A3", "LAMP-1", "9"),
                    _row("A4", "BULB-2", "1")])  # fmt: skip
    plan = order_import.plan_import(db, overlap, "ecommerce")
    assert [(o.external_id, o.action) for o in plan.orders] == [
        ("A2", "update"),
        ("A3", "refused"),
        ("A4", "create"),
    ]
    result = order_import.run_import(db, "importer", overlap, "ecommerce")
    assert len(result.created) == 1 and len(result.updated) == 1 and result.failed
    assert result.refused[0][0] == "A3" and "approved" in result.refused[0][1]
    got = _orders(db)
    assert got["A2"][2] == [(shop["bulb"], 7)] and got["A3"][2] == [(shop["lamp"], 1)]
    assert len(got) == 4
    # another channel with the same external id is another order
    order_import.run_import(db, "importer", _csv([_row("A1", "LAMP-1")]), "dealer")
    with db.read() as s:
        assert s.exec(select(func.count()).select_from(Order)).one() == 5


def test_every_error_kind_is_reported_and_good_orders_still_import(db, shop):
    data = _csv([
        _row("OK1", "LAMP-1"),
        _row("X1", "NOPE-9"),                      # row 3: unknown product
        _row("X2", "LAMP-1", qty="zero"),          # row 4: bad quantity
        _row("X3", "LAMP-1", phone="12-34"),       # row 5: malformed phone
        _row("X4", "LAMP-1", address=""),          # row 6: missing field
        _row("X5", "LAMP-1", name="\ufffd\ufffd"), # row 7: unreadable text
        _row("X6", "LAMP-1", qty="2"),             # row 8: fine, but ...
        _row("X6", "BULB-2", qty="-1"),            # row 9: ... its other line is bad
        _row("OK2", "BULB-2", price="abc"),        # row 10: not an amount
    ])  # fmt: skip
    result = order_import.run_import(db, "importer", data, "ecommerce")
    assert [(p.row, p.column, p.value, p.reason) for p in result.problems] == [
        (3, "product", "NOPE-9", "unknown product code (map it to ours)"),
        (4, "qty", "zero", "quantity must be a whole number 1 to 100,000"),
        (5, "phone", "12-34", "not a phone number (7 to 15 digits)"),
        (6, "address", "", "missing address"),
        (7, "customer_name", "\ufffd\ufffd", "unreadable text (wrong encoding?)"),
        (9, "qty", "-1", "quantity must be a whole number 1 to 100,000"),
        (10, "unit_price", "abc", "'abc' is not an amount (e.g. 12.50)"),
    ]
    assert set(_orders(db)) == {"OK1"}  # X6 not half imported
    report = order_import.problems_csv(result.problems, result.refused)
    assert report.splitlines()[0] == "row,column,value,reason" and "NOPE-9" in report
    assert ("X6", "another row of this order has a problem") in result.refused


def test_an_unknown_code_mapped_once_is_known_next_time(db, shop):
    data = _csv([_row("D1", "DEALER-LMP")])
    assert order_import.run_import(db, "importer", data, "dealer").problems
    order_import.remember_alias(db, "importer", "dealer", "DEALER-LMP", "lamp-1")
    result = order_import.run_import(db, "importer", data, "dealer")
    assert len(result.created) == 1 and not result.problems
    assert _orders(db)["D1"][2] == [(shop["lamp"], 1)]


def test_a_file_that_lacks_a_column_is_refused_whole(db, shop):
    with pytest.raises(OmsError, match="the file has no column customer_name, phone, address"):
        order_import.plan_import(db, _csv([["X", "LAMP-1"]], header=["external_id", "product"]))
    profile = order_import.save_profile(db, "me", "shop-a", "ecommerce", {
        "external_id": "单号", "customer_name": "姓名", "phone": "电话", "address": "地址",
        "product": "编码", "qty": "数量"})  # fmt: skip
    data = _csv([["S1", "赵六", "13912340000", "南京市 鼓楼区", "BULB-2", "4"]],
                header=["单号", "姓名", "电话", "地址", "编码", "数量"])  # fmt: skip
    assert len(order_import.run_import(db, "me", data, profile=profile.name).created) == 1


def test_the_files_ship_to_is_the_orders_when_the_phone_matches_a_customer(db, shop):
    """A known customer's phone with another name and address: the order goes where the
    file says (a new address of the customer, not its default), and the auditor is warned
    that the name is not the customer's."""
    from oms_tui.models import CustomerAddress
    from oms_tui.services.sales import audit_checks

    data = _csv([
        _row("S1", "LAMP-1", name="Someone Else", phone="138 0013 8000",
             address="NEW PLACE 999 Different Rd Shenzhen"),
        _row("S2", "BULB-2", name="王小明", phone="13800138000",
             address="浙江 杭州市 西湖区 文三路 90 号"),  # his own default address
    ])  # fmt: skip
    assert len(order_import.run_import(db, "importer", data, "ecommerce").created) == 2
    with db.read() as s:
        s1 = s.exec(select(Order).where(Order.external_ref == "S1")).one()
        s2 = s.exec(select(Order).where(Order.external_ref == "S2")).one()
        addresses = s.exec(
            select(CustomerAddress)
            .where(CustomerAddress.customer_id == s1.customer_id)
            .order_by(CustomerAddress.id)
        ).all()
        assert (
            s.get(Customer, s1.customer_id).name == "王小明" == s.get(Customer, s2.customer_id).name
        )
    assert (s1.ship_to_name, s1.ship_to_address, s1.ship_to_phone, s1.ship_to_region) == (
        "Someone Else",
        "NEW PLACE 999 Different Rd Shenzhen",
        "138 0013 8000",
        "South",
    )
    assert [(a.contact_name, a.is_default) for a in addresses] == [
        ("王小明", True),
        ("Someone Else", False),
    ]  # the default stays his
    assert s1.ship_to_address_id == addresses[1].id and s2.ship_to_address_id == addresses[0].id
    warned = [c for c in audit_checks.run_checks(db, s1.id) if c.level == "warn"
              and c.code == "completeness"]  # fmt: skip
    assert [c.reason for c in warned] == [
        "ship-to name Someone Else is not the customer's (王小明)",
        "no requested delivery date",
    ]
    assert not any("ship-to name" in c.reason for c in audit_checks.run_checks(db, s2.id))
    # the same ship-to again: its address is found, not added twice
    again = _csv([_row("S3", "LAMP-1", name="Someone  Else", phone="138 0013 8000",
                       address="NEW PLACE 999  Different Rd Shenzhen")])  # fmt: skip
    order_import.run_import(db, "importer", again, "ecommerce")
    with db.read() as s:
        s3 = s.exec(select(Order).where(Order.external_ref == "S3")).one()
        count = s.exec(select(func.count()).select_from(CustomerAddress).where(
            CustomerAddress.customer_id == s3.customer_id)).one()  # fmt: skip
    assert count == 2 and s3.ship_to_address_id == addresses[1].id


def test_template_round_trips(db, shop):
    text = order_import.template_csv()
    assert text.splitlines()[0] == ",".join(order_import.FIELDS)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.one_of(
    st.binary(max_size=400),
    st.lists(st.lists(st.sampled_from(["", "X1", "X2", "LAMP-1", "BULB-2", "3", "-2", "abc",
                                       "13912345678", "上海", '"', "\n", ",", "\ufffd",
                                       "2026-13-45", "9" * 30]),
                      min_size=0, max_size=12), max_size=8).map(lambda rows: _csv(rows)),
))  # fmt: skip
def test_malformed_files_never_crash_nor_leave_a_partial_order(sqlite_db, data):
    make_product(sqlite_db, code="LAMP-1") if not _has(sqlite_db, "LAMP-1") else None
    make_product(sqlite_db, code="BULB-2") if not _has(sqlite_db, "BULB-2") else None
    try:
        result = order_import.run_import(sqlite_db, "fuzz", data, "ecommerce")
    except OmsError:
        return  # a clear message for the whole file (no header, unreadable ...)
    rows = list(order_import.iter_rows(data))
    wanted = {}
    for r in rows[1:]:
        if r and r[0].strip():
            wanted[r[0].strip()] = wanted.get(r[0].strip(), 0) + 1
    got = _orders(sqlite_db)
    for ext in result.created:
        assert ext  # numbers
    for ext, (_status, _ch, lines) in got.items():
        assert len(lines) <= wanted.get(ext, len(lines))  # never more lines than rows
        bad_rows = [p for p in result.problems if p.row and _ext_of(rows, p.row) == ext]
        assert not bad_rows or ext not in {o.external_id for o in result.plan.orders
                                           if o.action == "create"}  # fmt: skip


def _has(db, code):
    from oms_tui.models import Product

    with db.read() as s:
        return s.exec(select(Product).where(Product.code == code)).first() is not None


def _ext_of(rows, n):
    r = rows[n - 1] if n - 1 < len(rows) else []
    return r[0].strip() if r else ""
