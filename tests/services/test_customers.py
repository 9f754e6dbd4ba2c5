"""Customer search: phone in any format and any part, Chinese and Latin names, codes."""

from __future__ import annotations

import pytest

from oms_tui.services.customers import (
    NewCustomer,
    create_customer,
    normalise_phone,
    search_customers,
)
from oms_tui.services.errors import InvalidInput


@pytest.mark.parametrize(
    ("typed", "digits"),
    [("138-0013-8000", "13800138000"), ("+86 138 0013 8000", "13800138000"),
     ("(0571) 8888-1234", "057188881234"), ("0086 13800138000", "13800138000")],
)  # fmt: skip
def test_normalise_phone(typed, digits):
    assert normalise_phone(typed) == digits


@pytest.fixture
def people(db):
    a = create_customer(db, "t", NewCustomer(name="王小明", phone="138-0013-8000"))
    b = create_customer(db, "t", NewCustomer(name="Wang Fang", phone="0571 8888 1234"))
    c = create_customer(db, "t", NewCustomer(name="王大锤", phone="139 1111 2222", group="dealer"))
    return db, a, b, c


@pytest.mark.parametrize(
    ("query", "expected"),
    [("13800138000", ["王小明"]), ("138 0013", ["王小明"]), ("8888-1234", ["Wang Fang"]),
     ("0013 8000", ["王小明"]), ("王", ["王大锤", "王小明"]), ("Wang", ["Wang Fang"]),
     ("王小", ["王小明"])],
)  # fmt: skip
def test_search(people, query, expected):
    db = people[0]
    assert sorted(h.name for h in search_customers(db, query)) == sorted(expected)


def test_search_by_code(people):
    db, a, *_ = people
    assert [h.name for h in search_customers(db, a.code.lower())] == ["王小明"]


def test_bad_phone_and_missing_name(db):
    with pytest.raises(InvalidInput, match="phone"):
        create_customer(db, "t", NewCustomer(name="x", phone="12"))
    with pytest.raises(InvalidInput, match="name"):
        create_customer(db, "t", NewCustomer(name="  "))
