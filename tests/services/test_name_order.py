"""Issue #18.4: customers and products listed by name are in pinyin order, Latin names among
the Chinese by their spelling, on SQLite and PostgreSQL alike (docs/i18n.md)."""

from __future__ import annotations

import pytest

from oms_tui.models import Product
from oms_tui.services.catalog.catalog import search_products
from oms_tui.services.parties import customers
from oms_tui.services.parties.customers import NewCustomer, create_customer, search_customers
from oms_tui.services.platform.search_text import name_keys, name_keys_row

# as people read them: 阿里 ali, 安徽 anhui, Baker, 北京 beijing, 张三 zhangsan, Zhao, Zhao Liu;
# the Latin ones in plain alphabetical order among themselves, case ignored
IN_ORDER = ["adams Co", "阿里水站", "安徽巢湖商贸", "Baker Lighting", "baldwin", "北京东方灯饰",
            "张三", "Zhao", "Zhao Liu"]  # fmt: skip
ADDED = [IN_ORDER[i] for i in (6, 2, 7, 5, 3, 1, 8, 0, 4)]  # not in order, nor by code point


@pytest.fixture
def book(db):
    for k, name in enumerate(ADDED):
        create_customer(db, "t", NewCustomer(name=name, phone=f"1390001{k:02d}88",
                                             city="合肥市", street=f"人民路 {k} 号"))  # fmt: skip
    return db


def found(db, query: str, limit: int = 20) -> list[str]:
    return [h.name for h in search_customers(db, query, limit=limit)]


def test_the_keys_put_latin_among_chinese_by_spelling():
    keys = [name_keys(n)[0] for n in IN_ORDER]
    assert keys == sorted(keys)
    assert keys[:4] == ["adamsco", "alishuizhan", "anhuichaohushangmao", "bakerlighting"]


def test_customers_containing_a_fragment_list_in_name_order(book):
    """What contains the fragment (an address, the end of a phone number) comes in name
    order, not in the order the customers were added or their codes."""
    assert found(book, "人民路") == IN_ORDER  # the address index
    assert found(book, "0188") == [ADDED[1]]
    assert found(book, "人民路", limit=4) == IN_ORDER[:4]  # the first four, not any four


def test_each_group_of_matches_in_name_order(book):
    """Those whose name starts with the query first, then those containing it; each group by
    pinyin (one Chinese character: the name grams)."""
    for name in ("南京五金", "京东商城"):
        create_customer(book, "t", NewCustomer(name=name))
    assert found(book, "京") == ["京东商城", "北京东方灯饰", "南京五金"]
    assert found(book, "zh") == ["张三", "Zhao", "Zhao Liu"]  # pinyin and letters alike
    everyone = sorted([*IN_ORDER, "南京五金", "京东商城"], key=lambda n: name_keys(n)[0])
    assert found(book, "C0") == everyone  # the start of their codes
    assert everyone[6:8] == ["京东商城", "南京五金"]


def test_a_big_group_orders_the_first_it_finds(book, monkeypatch):
    """More than ``TIER_ORDERED`` containing the fragment: the first that many the index
    gives are put in name order (bounded work for a common character); a caller asking
    for more (receivables' find) gets the rest after them."""
    monkeypatch.setattr(customers, "TIER_ORDERED", 3)
    got = found(book, "人民路", limit=3)
    assert len(got) == 3 and got == sorted(got, key=IN_ORDER.index)
    everyone = found(book, "人民路", limit=20)
    assert everyone[:3] == got and sorted(everyone) == sorted(IN_ORDER)


def test_phone_numbers_by_their_start_list_by_number(book):
    """Digits that start a phone number list by number (the clerk types the number)."""
    got = [h.phone for h in search_customers(book, "1390001")]
    assert got == sorted(got) and len(got) == len(IN_ORDER)


def test_products_found_list_in_name_order(db):
    """A product search lists by pinyin, then name, then code (a product's variants
    together), not by code."""
    with db.write() as s:
        for code, name in (
            ("T-1", "吸顶灯 圆形"),
            ("T-2", "壁灯"),
            ("T-5", "Aqua 桶装水"),
            ("T-4", "壁灯"),
            ("T-3", "安全出口灯"),
            ("T-6", "北京灯 Beijing"),
        ):
            s.add(Product(code=code, name=name, **name_keys_row(name)))
    hits = search_products(db, "t-")
    assert [(h.name, h.code) for h in hits] == [
        ("安全出口灯", "T-3"), ("Aqua 桶装水", "T-5"), ("北京灯 Beijing", "T-6"),
        ("壁灯", "T-2"), ("壁灯", "T-4"), ("吸顶灯 圆形", "T-1"),
    ]  # fmt: skip
