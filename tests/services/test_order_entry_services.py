"""Services behind order entry: products and availability, the customer card, drafts,
templates and standing orders, live quotes and recent orders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from oms_tui.models import Invoice, Order, OrderDraft, Product, StockLevel, Warehouse
from oms_tui.services.catalog import catalog
from oms_tui.services.parties.customers import NewAddress, add_address
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.sales import drafts, orders, templates
from oms_tui.services.sales.customer_history import customer_card
from oms_tui.services.states.order_states import OrderStatus
from tests.factories import make_customer, make_product


def _stock(db, product_id: int, on_hand: int, reserved: int = 0, reorder: int = 0) -> None:
    with db.write() as s:
        wh = s.exec(select(Warehouse)).first()
        if wh is None:
            wh = Warehouse(code="HZ", name="杭州仓", region="浙江")
            s.add(wh)
            s.flush()
        s.add(StockLevel(product_id=product_id, warehouse_id=wh.id, on_hand=on_hand,
                         reserved=reserved, reorder_point=reorder))  # fmt: skip


def test_find_by_code_any_case_or_barcode_and_search_by_words(db):
    pid = make_product(db, code="XD-40W", barcode="6901234567892", name="吸顶灯",
                       model="XD40", colour="白色", spec="40W 3000K")  # fmt: skip
    make_product(db, code="XD-40B", name="吸顶灯", model="XD40", colour="黑色")
    make_product(db, code="OLD-1", name="吸顶灯 旧款", active=False)
    assert catalog.find_product(db, "xd-40w").id == pid
    assert catalog.find_product(db, "6901234567892").id == pid
    assert catalog.find_product(db, "nope") is None
    assert [h.code for h in catalog.search_products(db, "吸顶灯 白")] == ["XD-40W"]
    assert [h.code for h in catalog.search_products(db, "xd40")] == ["XD-40B", "XD-40W"]
    assert catalog.find_product(db, "6901234567892").description == "吸顶灯 XD40 白色 40W 3000K"


def test_a_code_typed_without_its_separators_finds_the_one_product(db):
    pid = make_product(db, code="W-BRL-189", name="桶装水 18.9L")
    make_product(db, code="DOOR-OAK", name="橡木门")
    make_product(db, code="XD-40", name="吸顶灯")
    make_product(db, code="XD40", name="吸顶灯 新款")  # the same without its hyphen
    assert catalog.find_product(db, "wbrl189").id == pid
    assert catalog.find_product(db, "w brl/189").id == pid
    assert catalog.find_product(db, "dooroak").code == "DOOR-OAK"
    assert catalog.find_product(db, "xd40").code == "XD40"  # the exact code first
    assert catalog.find_product(db, "x-d40") is None  # two codes read XD40: none is guessed
    assert catalog.find_product(db, "brl189") is None  # a fragment is a search, not a code
    assert catalog.compact_code(" w-brl 189") == "WBRL189"


def test_availability_labels(db):
    plenty, low, none = make_product(db), make_product(db), make_product(db)
    door = make_product(db, made_to_order=True)
    _stock(db, plenty, on_hand=100)
    _stock(db, low, on_hand=12, reserved=2, reorder=8)
    hits = catalog.products_by_id(db, [plenty, low, none, door])
    assert hits[plenty].availability(5) == catalog.IN_STOCK
    assert hits[low].available == 10 and hits[low].availability(5) == catalog.LOW
    assert hits[low].availability(11) == catalog.BACKORDER
    assert hits[none].availability(1) == catalog.BACKORDER
    assert hits[door].availability(1) == catalog.MADE_TO_ORDER


def test_customer_card_credit_and_addresses(db):
    c = make_customer(db, name="北京山泉办公室", credit_limit_minor=100_000, payment_terms="NET30")
    today = date(2026, 11, 24)
    with db.write() as s:
        s.add(
            Invoice(
                number="INV-1",
                customer_id=c.id,
                amount_minor=50_000,
                paid_minor=10_000,
                issued_on=today - timedelta(days=45),
                due_on=today - timedelta(days=15),
                created_by="t",
            )
        )
        s.add(
            Invoice(
                number="INV-2",
                customer_id=c.id,
                amount_minor=30_000,
                issued_on=today,
                due_on=today + timedelta(days=30),
                created_by="t",
            )
        )
        s.add(Invoice(number="INV-3", customer_id=c.id, amount_minor=99_000, paid_minor=99_000,
                      status="paid", issued_on=today, due_on=today, created_by="t"))  # fmt: skip
    card = customer_card(db, c.id, today=today)
    assert (card.open_balance_minor, card.overdue_minor) == (70_000, 40_000)
    assert card.credit_status == "overdue" and card.last_order_on is None
    assert card.default_address.text == "浙江 杭州市 西湖区文三路 90 号"
    office = add_address(db, "t", c.id, NewAddress(street="朝阳区建国路 88 号 SOHO 2 号楼",
                                                    city="北京市", province="北京",
                                                    make_default=True))  # fmt: skip
    card = customer_card(db, c.id, today=today)
    assert card.default_address.id == office.id and len(card.addresses) == 2
    with pytest.raises(InvalidInput, match="street"):
        add_address(db, "t", c.id, NewAddress(street=" "))


def test_draft_survives_and_is_deleted_by_the_order_that_replaces_it(db):
    c = make_customer(db)
    pid = make_product(db)
    payload = {"customer_id": c.id, "lines": [{"product_id": pid, "qty": 3}], "notes": "下午送"}
    did = drafts.save_draft(db, "wang", payload, customer_id=c.id, summary="王小明, 1 line")
    assert drafts.latest_draft(db, "li") is None
    again = drafts.save_draft(
        db, "wang", {**payload, "notes": "上午送"}, draft_id=did, summary="王小明, 1 line"
    )
    assert again == did
    d = drafts.latest_draft(db, "wang")
    assert d.payload["notes"] == "上午送" and d.summary == "王小明, 1 line"
    order = orders.create_order(db, "wang", c.id, [orders.NewLine(pid, 3)], submit=True,
                                draft_id=did)  # fmt: skip
    assert order.status == OrderStatus.PENDING_AUDIT
    assert drafts.latest_draft(db, "wang") is None


def test_a_failed_save_keeps_the_draft(db):
    c = make_customer(db)
    pid = make_product(db)
    did = drafts.save_draft(db, "wang", {"x": 1})
    with pytest.raises(InvalidInput):
        orders.create_order(db, "wang", c.id, [orders.NewLine(pid, 0)], draft_id=did)
    with db.read() as s:
        assert s.get(OrderDraft, did) is not None


def test_quote_order_warns_below_cost_and_over_credit(db):
    c = make_customer(db, credit_limit_minor=5_000, payment_terms="NET30")
    pid = make_product(db, price_minor=4_000, cost_minor=3_000)
    ok = orders.quote_order(db, c.id, [orders.NewLine(pid, 1)])
    assert ok.warnings == () and ok.quote.totals.total_minor == 4_000
    q = orders.quote_order(db, c.id, [orders.NewLine(pid, 2, unit_price_minor=2_900,
                                                     override_reason="friend")])  # fmt: skip
    assert q.warnings == ("line 1: " + q_code(db, pid) + " priced below cost",
                          "over credit limit: owes ¥0.00 on invoices + ¥0.00 approved not "
                          "invoiced + this order ¥58.00 > ¥50.00")  # fmt: skip
    with db.read() as s:  # a quote writes nothing
        assert s.exec(select(func.count()).select_from(Order)).one() == 0


def q_code(db, pid: int) -> str:
    with db.read() as s:
        return s.get(Product, pid).code


def test_recent_orders_newest_first_with_lines(db):
    c = make_customer(db)
    pid = make_product(db)
    first = orders.create_order(db, "t", c.id, [orders.NewLine(pid, 1)])
    second = orders.create_order(db, "t", c.id, [orders.NewLine(pid, 5)])
    recent = orders.recent_orders(db, c.id)
    assert [o.number for o in recent] == [second.number, first.number]
    assert recent[0].lines[0].qty == 5


def test_standing_orders_run_once_per_due_date(db):
    c = make_customer(db, name="西湖区某办公室")
    water = make_product(db, price_minor=2_000, name="桶装水 18.9L")
    monday = date(2026, 11, 23)
    t = templates.create_template(db, "t", "office weekly water", [(water, 6)], customer_id=c.id,
                                  weekday=0, every_weeks=2, starting=monday)  # fmt: skip
    assert (t.schedule, t.next_run) == ("every 2 weeks on Mon", monday)
    assert templates.run_standing_orders(db, "cron", monday - timedelta(days=1)).created == ()
    run = templates.run_standing_orders(db, "cron", monday)
    assert len(run.created) == 1 and run.failed == ()
    assert templates.run_standing_orders(db, "cron", monday).created == ()  # same day again
    order = orders.get_order(db, run.created[0])
    assert (order.status, order.channel, order.lines[0].qty) == ("pending_audit", "standing", 6)
    assert templates.get_template(db, t.id).next_run == monday + timedelta(weeks=2)
    # a late run catches up once, not once per missed period
    late = templates.run_standing_orders(db, "cron", monday + timedelta(weeks=5))
    assert len(late.created) == 1
    assert templates.get_template(db, t.id).next_run == monday + timedelta(weeks=6)


def test_standing_order_that_cannot_be_created_stays_due(db):
    c = make_customer(db)
    water = make_product(db)
    t = templates.create_template(db, "t", "weekly", [(water, 2)], customer_id=c.id, weekday=0,
                                  starting=date(2026, 11, 23))  # fmt: skip
    with db.write() as s:
        s.get(Product, water).active = False
    run = templates.run_standing_orders(db, "cron", date(2026, 11, 23))
    assert run.created == () and "no longer sold" in run.failed[0]
    assert templates.get_template(db, t.id).next_run == date(2026, 11, 23)


def test_template_validation(db):
    pid = make_product(db)
    with pytest.raises(InvalidInput, match="needs a customer"):
        templates.create_template(db, "t", "x", [(pid, 1)], weekday=2)
    with pytest.raises(InvalidInput, match="at least one line"):
        templates.create_template(db, "t", "x", [])
    shared = templates.create_template(db, "t", "starter kit", [(pid, 1)])
    c = make_customer(db)
    assert [x.name for x in templates.list_templates(db, customer_id=c.id)] == [shared.name]


def test_standing_orders_arrive_in_the_audit_queue_checked(db):
    from oms_tui.services.sales import audit_checks

    c = make_customer(db)
    water = make_product(db)
    templates.create_template(db, "t", "weekly", [(water, 2)], customer_id=c.id, weekday=0,
                              starting=date(2026, 11, 23))  # fmt: skip
    run = templates.run_standing_orders(db, "cron", date(2026, 11, 23))
    order = orders.get_order(db, run.created[0])
    codes = {check.code for check in audit_checks.stored_checks(db, order.id)}
    assert {"completeness", "product", "price", "stock"} <= codes
