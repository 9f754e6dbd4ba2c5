"""The change log: settings, credit holds and reorder points record who changed what from
what to what and why, in the transaction of the change; `oms audit log` reads it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from oms_tui.models import Customer
from oms_tui.services.finance import aging, dunning, overdue
from oms_tui.services.inventory import stock
from oms_tui.services.parties import customers, invoicing
from oms_tui.services.parties.customers import set_credit_hold_in
from oms_tui.services.parties.invoicing import Invoicing
from oms_tui.services.platform import settings
from oms_tui.services.platform.change_log import change_log, parse_entity, record_change
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.sales import orders
from oms_tui.services.sales.change_history import HistoryRow, history_page
from oms_tui.services.states.order_states import OrderStatus
from tests.cli.runner import oms
from tests.databases import ensure_user
from tests.factories import make_customer, make_order
from tests.services.test_invoicing import TAX_ID
from tests.stock_factories import warehouse


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
        ("tester", "created", "", "王小明"),
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
        "oms: no entity 'shop': one of setting, customer, product, warehouse, user, e.g. "
        "customer:C000123"
    ]


# -- every write of a customer, a product or a warehouse says who, what, before, after ------


def _log(db, entity: str, key: str) -> list[tuple[str, str, str, str, str]]:  # noqa: ANN001
    return [(c.actor, c.field, c.before, c.after, c.reason)
            for c in reversed(change_log(db, entity, key))]  # fmt: skip


def test_a_new_customer_is_logged_with_its_credit_limit(db):
    hit = customers.create_customer(db, "wang", customers.NewCustomer(
        "明光照明", phone="138 0013 8000", credit_limit_minor=500000))  # fmt: skip
    assert _log(db, "customer", hit.code) == [
        ("wang", "created", "", "明光照明", ""),
        ("wang", "credit_limit", "", "¥5,000.00", ""),
    ]


def test_customers_and_addresses_an_import_creates_are_logged(db):
    known = make_customer(db, "李娜", phone="139 1234 5678")
    with db.write() as s:
        ids = customers.customers_for_phones_in(s, "importer", [
            customers.NewCustomer("周杰", phone="137 0000 0001"),
            customers.NewCustomer("李娜", phone="139 1234 5678")])  # fmt: skip
        customers.ship_to_addresses_in(s, "importer", [
            (ids[1], "李娜", "139 1234 5678", "上海市 浦东新区 世纪大道 1 号"),
            (ids[1], "李娜", "", "西湖区文三路 90 号 杭州市")])  # fmt: skip
    assert ids[1] == known.id
    new_code = next(c.entity_key for c in change_log(db, "customer", user="importer")
                    if c.field == "created")  # fmt: skip
    assert _log(db, "customer", new_code) == [("importer", "created", "", "周杰", "")]
    assert [r for r in _log(db, "customer", known.code) if r[0] == "importer"] == [
        ("importer", "address", "", "李娜, 上海市 浦东新区 世纪大道 1 号",
         "from an imported order"),
        ("importer", "address", "", "李娜, 西湖区文三路 90 号 杭州市", "from an imported order"),
    ]  # fmt: skip


def test_an_address_added_is_logged(db):
    hit = make_customer(db)
    customers.add_address(db, "li", hit.id, customers.NewAddress(
        "滨江区江南大道 3 号", city="杭州市", label="仓库", contact_name="王工",
        make_default=True))  # fmt: skip
    assert _log(db, "customer", hit.code)[-1] == (
        "li",
        "address",
        "",
        "仓库: 王工, 杭州市 滨江区江南大道 3 号 (default)",
        "",
    )


def test_invoicing_fields_changed_are_logged_one_by_one(db):
    hit = make_customer(db)
    invoicing.set_invoicing(db, "zhao", hit.code, Invoicing("杭州明光照明有限公司", TAX_ID))
    invoicing.set_invoicing(db, "li", hit.code, Invoicing("杭州明光照明有限公司", TAX_ID,
                                                            invoice_type="专票"))  # fmt: skip
    assert _log(db, "customer", hit.code)[1:] == [
        ("zhao", "invoice_title", "", "杭州明光照明有限公司", ""),
        ("zhao", "taxpayer_id", "", TAX_ID, ""),
        ("li", "invoice_type", "normal", "special", ""),
    ]


def test_a_warehouse_rank_is_logged(db):
    warehouse(db, "HZ", rank=0)
    stock.set_allocation_rank(db, "boss", "hz", 3)
    stock.set_allocation_rank(db, "boss", "HZ", 3)  # the same: nothing more
    assert _log(db, "warehouse", "HZ") == [("boss", "allocation_rank", "0", "3", "")]
    assert parse_entity("warehouse:HZ") == ("warehouse", "HZ")


# -- the history a screen pages through --------------------------------------------------------


def _all_pages(db, entity: str, key: str, size: int) -> list[HistoryRow]:  # noqa: ANN001
    rows: list[HistoryRow] = []
    while True:
        page = history_page(db, entity, key, before=rows[-1] if rows else None, limit=size)
        rows += page
        if len(page) < size:
            return rows


def test_an_orders_history_merges_its_events_and_its_changes_by_time(db):
    order = make_order(db)
    orders.transition(db, "li", order.id, OrderStatus.PENDING_AUDIT, reason="submitted")
    with db.write() as s:  # a change logged against the order (none of today's services)
        record_change(s, "wang", "order", order.number, "notes", "", "call first")
    orders.transition(db, "boss", order.id, OrderStatus.CANCELLED, reason="customer called")
    whole = history_page(db, "order", order.number)
    assert [(r.actor, r.field, r.before, r.after) for r in whole] == [
        ("boss", "status", "pending_audit", "cancelled"),
        ("wang", "notes", "", "call first"),
        ("li", "status", "draft", "pending_audit"),
        ("tester", "status", "", "draft"),
    ]
    assert whole[0].reason == "customer called"
    for size in (1, 2, 3):  # pages of any size give the same rows, none twice
        assert _all_pages(db, "order", order.number, size) == whole


def test_a_customers_history_pages_newest_first(db):
    hit = make_customer(db)
    with db.write() as s:
        c = s.get(Customer, hit.id)
        for n in range(5):
            set_credit_hold_in(s, f"u{n}", c, n % 2 == 0, f"step {n}")
    whole = history_page(db, "customer", hit.code)
    assert [r.actor for r in whole] == ["u4", "u3", "u2", "u1", "u0", "tester"]
    assert _all_pages(db, "customer", hit.code, 2) == whole
    assert history_page(db, "customer", "C-NOBODY") == []


def test_a_route_position_and_regions_filled_in_are_logged(db):
    from oms_tui.models import CustomerAddress
    from oms_tui.services.parties import regions
    from oms_tui.services.shipping import delivery_runs

    hit = make_customer(db)
    with db.write() as s:
        address = s.exec(select(CustomerAddress).where(CustomerAddress.customer_id == hit.id)
                         ).one()  # fmt: skip
        address.region = ""
        s.add(address)
        s.get(Customer, hit.id).region = ""
    delivery_runs.set_route_seq(db, "driver", address.id, 4)
    assert regions.fill_regions(db, "boss") == (1, 1)
    assert _log(db, "customer", hit.code)[1:] == [
        ("driver", "route_seq", "0", "4", "杭州市 西湖区文三路 90 号"),
        ("boss", "address_region", "", "East", "from its place: 浙江 杭州市 西湖区文三路 90 号"),
        ("boss", "region", "", "East", "from its address"),
    ]


def test_settings_and_credit_holds_are_written_in_one_place_each():
    """A setting row is made or changed only by ``store_setting``, a credit hold only by
    ``set_credit_hold_in``: both log the change, so nothing else may write them."""
    import ast
    import re
    from pathlib import Path

    import oms_tui

    services = Path(oms_tui.__file__).parent / "services"
    setting_writes, hold_writes = [], []
    for path in services.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        name = str(path.relative_to(services))
        if name != "platform/settings.py" and re.search(
            r"\bSetting\(|(update|insert)\(\s*(_setting|Setting)\b", source
        ):
            setting_writes.append(name)
        for node in ast.walk(ast.parse(source)):
            targets = node.targets if isinstance(node, ast.Assign) else []
            flat = [
                t for top in targets for t in (top.elts if isinstance(top, ast.Tuple) else [top])
            ]
            if any(isinstance(t, ast.Attribute) and t.attr == "credit_hold" for t in flat):
                hold_writes.append(f"{name}:{node.lineno}")
    assert setting_writes == []
    assert [w.split(":")[0] for w in hold_writes] == ["parties/customers.py"]
