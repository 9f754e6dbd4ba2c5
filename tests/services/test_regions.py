"""Regions from addresses: the shipped table covers China's 34 provincial divisions and
agrees with the demo's warehouses; customers typed in entry or read from an import get
their region from the province, city or address; a company moves a province to another
region; customers left without one are filled in."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from oms_tui.demo.reference import REGIONS, WAREHOUSES
from oms_tui.models import Customer, CustomerAddress, Order
from oms_tui.services.exchange import order_import
from oms_tui.services.parties import customers, regions
from oms_tui.services.platform.errors import InvalidInput
from tests.factories import make_product


def test_the_table_covers_every_province_and_agrees_with_the_demo():
    table = regions.provinces()
    assert len(table) == 34 and len({p.name for p in table}) == 34
    assert {p.region for p in table} == set(REGIONS)  # East, South, West, North, Central
    assert {w[2] for w in WAREHOUSES} <= {p.region for p in table}
    for region, places in REGIONS.items():  # the demo's customers live where the table says
        for province, city, *_ in places:
            assert regions.province_of(province).region == region
            assert regions.province_of(city).region == region


@pytest.mark.parametrize(("text", "province"), [
    ("浙江省杭州市西湖区文三路 90 号", "浙江省"),
    ("浙江 杭州市", "浙江省"),
    ("杭州市 西湖区 文三路", "浙江省"),  # a city first
    ("上海 浦东新区", "上海市"),
    ("中国广东省深圳市南山区", "广东省"),
    ("内蒙古包头市", "内蒙古自治区"),
    ("广西南宁市", "广西壮族自治区"),
    ("新疆维吾尔自治区乌鲁木齐市", "新疆维吾尔自治区"),
    ("香港九龙", "香港特别行政区"),
    ("NEW PLACE 999 Different Rd Shenzhen", "广东省"),  # Latin letters: the last place
    ("12 Nanjing Road, Huangpu, Shanghai", "上海市"),
    ("朝阳区 建国路 8 号", None),  # a district named like a city (朝阳, Liaoning)
    ("中山路 8 号", None),  # a street named like a city
    ("Nanjing Rd 5", None),
    ("", None),
])  # fmt: skip
def test_the_province_of_an_address(text, province):
    found = regions.province_of(text)
    assert (found.name if found else None) == province


def test_customers_typed_in_entry_get_the_region_of_their_province_or_city(db):
    def new(name, phone, **where):
        return customers.create_customer(db, "clerk", customers.NewCustomer(name, phone, **where))

    typed = new("刘洋", "139 0000 1111", province="广东", city="深圳市", street="南山区科技路 1 号")
    city_only = new("陈静", "139 0000 2222", city="成都市", street="武侯区")
    given = new("赵磊", "139 0000 3333", province="广东", street="x", region="East")
    nowhere = new("周杰", "139 0000 4444", street="文三路 90 号")
    assert [c.region for c in (typed, city_only, given, nowhere)] == ["South", "West", "East", ""]
    with db.read() as s:
        assert s.exec(select(CustomerAddress.region).where(
            CustomerAddress.customer_id == typed.id)).one() == "South"  # fmt: skip
    other = customers.add_address(db, "clerk", typed.id, customers.NewAddress(
        street="建国路 8 号", province="北京"))  # fmt: skip
    assert other.region == "North"


def test_customers_created_by_an_import_get_the_region_of_their_address(db):
    make_product(db, code="LAMP-1", price_minor=8_900)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(order_import.FIELDS)
    w.writerow(["W1", "", "张伟", "13811112222", "四川省成都市武侯区天府大道 1 号", "LAMP-1", "1",
                "", "", ""])  # fmt: skip
    assert order_import.run_import(db, "importer", buf.getvalue().encode(), "ecommerce").created
    with db.read() as s:
        order = s.exec(select(Order)).one()
        assert s.get(Customer, order.customer_id).region == "West"
        assert order.ship_to_region == "West"  # allocation and freight go by it


def test_a_company_moves_a_province_and_fills_the_customers_without_one(db):
    table = regions.set_region(db, "boss", "山东", "East")
    assert ("山东省", "East", True) in table.rows()
    shandong = customers.create_customer(db, "clerk", customers.NewCustomer(
        name="王芳", phone="139 0000 5555", city="青岛市", street="香港中路 1 号"))  # fmt: skip
    assert shandong.region == "East"
    assert ("山东省", "North", False) in regions.set_region(db, "boss", "Shandong", "North").rows()
    with pytest.raises(InvalidInput, match="no province"):
        regions.set_region(db, "boss", "杭州", "East")  # a city, not a province
    with db.write() as s:  # as entry and import left them before regions were filled in
        for row in (*s.exec(select(Customer)).all(), *s.exec(select(CustomerAddress)).all()):
            row.region = ""
            s.add(row)
    assert regions.fill_regions(db, "boss") == (1, 1)
    assert regions.fill_regions(db, "boss") == (0, 0)
    with db.read() as s:
        assert s.exec(select(Customer.region)).all() == ["North"]
