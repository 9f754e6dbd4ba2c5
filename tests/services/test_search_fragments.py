"""Issue #16: customers and products by any fragment, by pinyin (full and initials), with
``%`` and ``_`` literal; the migration fills the pinyin of rows written before it."""

from __future__ import annotations

import pytest

from oms_tui.services.catalog.catalog import search_products
from oms_tui.services.parties.customers import (
    NewCustomer,
    create_customer,
    customers_for_phones_in,
    search_customers,
)
from oms_tui.services.platform.search_text import like_contains, name_keys


@pytest.fixture
def book(db):
    names = [
        ("苏州永安设计工作室", "0512-6688 1234", "江苏", "苏州市", "工业园区星湖街 328 号"),
        ("杭州永安照明有限公司", "0571-8765 4567", "浙江", "杭州市", "西湖区文三路 90 号"),
        ("何明 Helen He", "138 0013 8000", "上海", "上海市", "徐汇区漕溪北路 1 号"),
        ("王安石", "139 1111 2222", "江西", "抚州市", "临川区 5 号"),
        ("100% 纯水 Co_op", "137 2222 3333", "", "", ""),
        ("1000 纯水 Coop", "137 4444 5555", "", "", ""),
    ]
    hits = [create_customer(db, "t", NewCustomer(name=n, phone=p, province=pr, city=c, street=s))
            for n, p, pr, c, s in names]  # fmt: skip
    return db, {h.name: h for h in hits}


def names(db, query: str) -> list[str]:
    return sorted(h.name for h in search_customers(db, query))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("永安", ["杭州永安照明有限公司", "苏州永安设计工作室"]),  # 2 Chinese characters, middle
        ("永", ["杭州永安照明有限公司", "苏州永安设计工作室"]),  # one
        ("安", ["杭州永安照明有限公司", "王安石", "苏州永安设计工作室"]),
        ("永安设计", ["苏州永安设计工作室"]),  # 3+: the trigram index
        ("Helen", ["何明 Helen He"]),  # a word in the middle, any case
        ("helen", ["何明 Helen He"]),
        ("yongan", ["杭州永安照明有限公司", "苏州永安设计工作室"]),  # full pinyin, middle
        ("szya", ["苏州永安设计工作室"]),  # initials
        ("sz", ["苏州永安设计工作室"]),  # initials, start
        ("suzhou", ["苏州永安设计工作室"]),
        ("heming", ["何明 Helen He"]),
        ("1234", ["苏州永安设计工作室"]),  # last four digits of a phone
        ("8000", ["何明 Helen He"]),
        ("文三路", ["杭州永安照明有限公司"]),  # an address fragment
        ("星湖街", ["苏州永安设计工作室"]),
        ("工作室", ["苏州永安设计工作室"]),
        ("不存在的", []),
    ],
)
def test_customer_by_any_fragment(book, query, expected):
    db, _ = book
    assert names(db, query) == expected


def test_customer_code_fragment_and_exact_code(book):
    db, by_name = book
    code = by_name["王安石"].code  # C000004
    assert [h.name for h in search_customers(db, code.lower())] == ["王安石"]
    assert "王安石" in names(db, code[-3:])  # "004": the end of a code


def test_percent_and_underscore_are_literal(book):
    db, _ = book
    assert names(db, "100%") == ["100% 纯水 Co_op"]  # not 1000 (a wildcard would match it)
    assert names(db, "o_o") == ["100% 纯水 Co_op"]  # not Coop
    assert names(db, "%") == []  # too short for the index; never "everything"
    assert like_contains("a%b_c\\") == "%a\\%b\\_c\\\\%"


def test_best_matches_first_and_limited(book):
    db, _ = book
    # the name starts with it (杭州...) before one that contains it (何明 has no 杭)
    assert [h.name for h in search_customers(db, "杭州")][0] == "杭州永安照明有限公司"
    assert len(search_customers(db, "安", limit=2)) == 2


def test_customers_created_in_bulk_are_found_too(db):
    with db.write() as session:
        new = NewCustomer(name="南京永安五金店", phone="025 5555 0101", city="南京市",
                          street="中山路 1 号")  # fmt: skip
        customers_for_phones_in(session, "t", [new])
    assert names(db, "永安") == ["南京永安五金店"]
    assert names(db, "njya") == ["南京永安五金店"]
    assert names(db, "0101") == ["南京永安五金店"]
    assert names(db, "中山路") == ["南京永安五金店"]


def test_pinyin_keys():
    assert name_keys("苏州永安设计工作室") == ("suzhouyonganshejigongzuoshi", "szyasjgzs")
    assert name_keys("何明 Helen He") == ("heminghelenhe", "hmhh")
    assert name_keys("重庆") == ("chongqing", "cq")  # the phrase's reading, not zhong


def test_products_by_fragment_pinyin_barcode(db):
    from oms_tui.models import Product
    from oms_tui.services.platform.search_text import name_keys_row

    with db.write() as session:
        for code, barcode, name in (("L-F900-24W-GD", "6920000000017", "吸顶灯 圆形"),
                                    ("W-BRL-189", "6920000000024", "桶装水 18.9L"),
                                    ("X-100%", None, "特价_灯")):  # fmt: skip
            session.add(Product(code=code, barcode=barcode, name=name, **name_keys_row(name)))

    def codes(q: str) -> list[str]:
        return sorted(h.code for h in search_products(db, q))

    assert codes("F900") == ["L-F900-24W-GD"]
    assert codes("xdd") == ["L-F900-24W-GD"]  # initials
    assert codes("xiding") == ["L-F900-24W-GD"]  # pinyin
    assert codes("0000024") == ["W-BRL-189"]  # a barcode fragment
    assert codes("顶灯") == ["L-F900-24W-GD"]
    assert codes("100%") == ["X-100%"]
    assert codes("_") == ["X-100%"]
    assert codes("L-F9%") == []


def test_the_migration_fills_pinyin_and_grams_of_older_rows(any_db_url):
    from oms_tui.services.platform import schema
    from oms_tui.services.platform.db import Database

    db = Database(any_db_url)
    schema.upgrade(db, "0015")
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            'INSERT INTO customer (id, code, name, "group", tier, region, credit_limit_minor,'
            " payment_terms, shipping_policy, credit_hold, credit_hold_reason, dunning_level,"
            " email, notes, active, created_at) VALUES (1, 'C000001', '苏州永安设计工作室',"
            " 'retail', 'C', 'East', 0, 'COD', 'partial', false, '', 0, '', '', true,"
            " '2026-01-05 09:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO customer_phone (id, customer_id, number, digits, label, is_primary)"
            " VALUES (1, 1, '0512-6688 1234', '051266881234', 'office', true)"
        )
    schema.upgrade(db)
    try:
        assert names(db, "永安") == names(db, "szya") == names(db, "yongan")
        assert names(db, "yongan") == ["苏州永安设计工作室"]
        assert names(db, "1234") == names(db, "设计工") == ["苏州永安设计工作室"]
    finally:
        db.dispose()


def test_customers_found_by_the_start_of_their_code_list_in_pinyin_order(db) -> None:
    """Chinese lists sort as people sort them, by pinyin (阿 a, 李 li, 张 zhang), not by
    the characters' code points (张 U+5F20 before 李 U+674E) nor by when they were added."""
    for name in ("张伟五金店", "李娜灯饰", "阿里水站"):
        create_customer(db, "t", NewCustomer(name=name))
    assert [h.name for h in search_customers(db, "C0")] == ["阿里水站", "李娜灯饰", "张伟五金店"]
