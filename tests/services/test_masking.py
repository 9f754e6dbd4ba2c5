"""Phones and addresses masked for a role without ``customers.contact`` (issue 17 point 7)."""

from __future__ import annotations

import pytest

from oms_tui.services.parties.masking import mask_address, mask_phone, shown_change, shown_contact
from oms_tui.services.platform.permissions import ROLES, allowed


@pytest.mark.parametrize(("typed", "shown"), [
    ("138 0013 8000", "138****8000"),
    ("+86 138-0013-8000", "138****8000"),
    ("0086 13800138000", "138****8000"),
    ("0571-8888 1234", "057****1234"),
    ("12345", "****"),  # too short to show any of it
    ("", ""),
])  # fmt: skip
def test_a_phone_keeps_its_first_three_and_last_four_digits(typed, shown):
    assert mask_phone(typed) == shown


@pytest.mark.parametrize(("typed", "shown"), [
    ("浙江省杭州市西湖区文三路 90 号", "浙江省杭州市西湖区…"),
    ("广西壮族自治区南宁市青秀区民族大道 1 号", "广西壮族自治区南宁市青秀区…"),  # not 自治区
    ("江苏省苏州市昆山市玉山镇 8 号", "江苏省苏州市昆山市…"),  # a county-level city
    ("上海市浦东新区世纪大道 100 号", "上海市浦东新区…"),
    ("浙江省湖州市安吉县递铺镇", "浙江省湖州市安吉县…"),
    ("杭州市文三路 90 号", "杭州市…"),  # no district: the city
    ("90 Wensan Rd, Xihu, Hangzhou", "…, Xihu, Hangzhou"),
    ("文三路 90 号", "…"),
    ("", ""),
])  # fmt: skip
def test_an_address_is_shown_down_to_its_district(typed, shown):
    assert mask_address(typed) == shown


@pytest.mark.parametrize("role", [*ROLES, None])
def test_only_a_role_with_customers_contact_sees_them_in_full(role):
    full = ("138 0013 8000", "浙江省杭州市西湖区文三路 90 号")
    if allowed(role, "customers.contact"):
        assert shown_contact(role, *full) == full
    else:
        assert shown_contact(role, *full) == ("138****8000", "浙江省杭州市西湖区…")


def test_production_is_the_role_that_sees_them_masked():
    assert [r for r in ROLES if not allowed(r, "customers.contact")] == ["production"]


@pytest.mark.parametrize(("field", "row", "masked"), [
    ("address", ("", "仓库: 王芳, 浙江省 杭州市 西湖区 文三路 90 号 (default)", ""),
     ("", "仓库: 王芳, 浙江省 杭州市 西湖区… (default)", "")),
    ("address", ("", "王芳, 90 Wensan Rd, Xihu, Hangzhou", "from an imported order"),
     ("", "王芳, …, Xihu, Hangzhou", "from an imported order")),
    ("address_region", ("", "East", "from its place: 浙江省 杭州市 西湖区 文三路 90 号"),
     ("", "East", "from its place: 浙江省 杭州市 西湖区…")),
    ("route_seq", ("0", "3", "仓库 杭州市 文三路 90 号"), ("0", "3", "仓库 杭州市…")),
    ("phone", ("13800138000", "13900139000", ""), ("138****8000", "139****9000", "")),
    ("credit_hold", ("no", "yes", "overdue"), ("no", "yes", "overdue")),
])  # fmt: skip
def test_a_change_log_row_is_masked_where_it_holds_an_address_or_a_phone(field, row, masked):
    assert shown_change("production", field, *row) == masked
    assert shown_change("clerk", field, *row) == row
