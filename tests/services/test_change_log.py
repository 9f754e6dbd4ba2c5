"""The change log: settings, credit holds and reorder points record who changed what from
what to what and why, in the transaction of the change; `oms audit log` reads it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from oms_tui.models import Customer
from oms_tui.services.finance import aging, dunning, overdue
from oms_tui.services.parties.customers import set_credit_hold_in
from oms_tui.services.platform import settings
from oms_tui.services.platform.change_log import change_log, parse_entity
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.platform.users import ensure_user
from tests.cli.runner import oms
from tests.factories import make_customer


def test_settings_changes_say_who_before_after(db):
    settings.set_setting(db, "li", "discount_limit_pct", "15")
    settings.set_setting(db, "wang", "discount_limit_pct", "20")
    settings.set_setting(db, "wang", "discount_limit_pct", "20")  # no change: nothing logged
    aging.set_aging_buckets(db, "zhao", "30,60")
    overdue.set_dunning_days(db, "zhao", "5,20,40,60")
    rows = change_log(db, "setting", "discount_limit_pct")
    assert [(c.actor, c.before, c.after) for c in rows] == [
        ("wang", "15", "20"), ("li", "(default)", "15")]  # fmt: skip
    assert {c.entity_key for c in change_log(db, user="zhao")} == {"aging_buckets",
                                                                  "dunning_days"}  # fmt: skip
    assert change_log(db, since=date.today() + timedelta(days=1)) == []


def test_a_credit_hold_and_its_release_are_logged_with_why(db):
    cid = make_customer(db).id
    ensure_user(db, "boss", role="manager")
    with db.write() as s:
        customer = s.get(Customer, cid)
        code = customer.code
        set_credit_hold_in(s, "dunning", customer, True, "overdue 95 days")
    dunning.release_credit_hold(db, "boss", cid, "paid in cash at the counter")
    rows = change_log(db, "customer", code)
    assert [(c.actor, c.field, c.before, c.after) for c in rows] == [
        ("boss", "credit_hold", "yes", "no"),
        ("dunning", "credit_hold", "no", "yes"),
    ]
    assert rows[0].reason == "released by boss: paid in cash at the counter"


def test_entities_are_named_as_the_log_knows_them():
    assert parse_entity("Customer:C000123") == ("customer", "C000123")
    assert parse_entity("setting") == ("setting", None)
    with pytest.raises(InvalidInput, match="no entity 'shop'"):
        parse_entity("shop:1")


def test_oms_audit_log_lists_filters_and_refuses_in_one_line(sqlite_db):
    url = sqlite_db.url
    settings.set_setting(sqlite_db, "li", "discount_limit_pct", "15")
    settings.set_setting(sqlite_db, "wang", "paper", "Letter")
    out = oms("audit", "log", "--entity", "setting", "--db", url)
    assert out.exit_code == 0
    lines = out.stdout.splitlines()
    assert "wang  setting:paper value: (default) -> Letter" in lines[0]
    assert "li  setting:discount_limit_pct value: (default) -> 15" in lines[1]
    only = oms("audit", "log", "--user", "li", "--db", url).stdout
    assert "discount_limit_pct" in only and "paper" not in only
    bad = oms("audit", "log", "--entity", "shop", "--db", url)
    assert bad.exit_code == 1 and bad.stderr.splitlines() == [
        "oms: no entity 'shop': one of setting, customer, product, user, e.g. customer:C000123"
    ]
