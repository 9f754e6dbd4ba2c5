"""The demo company and the bulk generator produce records that agree with each other."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func, select

from oms_tui.demo.generate import generate_orders
from oms_tui.demo.reference import DemoSummary
from oms_tui.demo.seed import seed_demo
from oms_tui.models import (
    Allocation,
    Carrier,
    Customer,
    CustomerPhone,
    Invoice,
    NumberSequence,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    PaymentAllocation,
    Product,
    ProductionOrder,
    Shipment,
    StockLevel,
    StockMove,
    User,
)  # fmt: skip
from oms_tui.services.catalog.pricing import LineInput, order_totals, unit_price
from oms_tui.services.parties.customers import normalise_phone
from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.errors import OmsError
from oms_tui.services.platform.settings import load_settings
from oms_tui.services.states.order_states import TRANSITIONS, OrderStatus, check_transition
from tests.databases import ENGINES, Databases

TODAY = date(2026, 11, 24)
SHIPPED_OR_LATER = {"partially_shipped", "shipped", "delivered", "closed", "returned"}
NUMBER = re.compile(r"^([A-Z]+)-(\d{4})-(\d{6,})$")


def _seed(db: Database, seed: int = 7) -> DemoSummary:
    return seed_demo(db, "tester", seed=seed, today=TODAY, customers=80, orders=500)


@pytest.fixture(params=ENGINES)
def demo(request: pytest.FixtureRequest, databases: Databases, tmp_path) -> Iterator[Database]:  # noqa: ANN001
    """The demo company (seed 7): seeded once per test process, copied for each test."""
    database = databases.get(request.param, tmp_path, "demo", _seed)
    yield database
    database.dispose()


def _events_by_order(session) -> dict[int, list[OrderEvent]]:  # noqa: ANN001
    events: dict[int, list[OrderEvent]] = defaultdict(list)
    for e in session.execute(select(OrderEvent).order_by(OrderEvent.at, OrderEvent.id)).scalars():
        events[e.order_id].append(e)
    return events


def test_every_status_is_present(demo: Database) -> None:
    with demo.read() as s:
        statuses = set(s.execute(select(Order.status).distinct()).scalars())
    assert statuses == {str(x) for x in OrderStatus}


def test_events_walk_the_state_machine_from_draft(demo: Database) -> None:
    with demo.read() as s:
        orders = {o.id: o for o in s.execute(select(Order)).scalars()}
        events = _events_by_order(s)
    assert set(events) == set(orders)
    for oid, evs in events.items():
        assert evs[0].from_status is None and evs[0].to_status == "draft"
        assert evs[0].at == orders[oid].created_at
        for prev, ev in zip(evs, evs[1:], strict=False):
            assert ev.from_status == prev.to_status, orders[oid].number
            assert OrderStatus(ev.to_status) in TRANSITIONS[OrderStatus(prev.to_status)]
            check_transition(prev.to_status, ev.to_status, ev.reason)  # reasons where required
            assert ev.at > prev.at
            assert ev.actor
        assert evs[-1].to_status == orders[oid].status
        assert evs[-1].at <= orders[oid].updated_at
        assert orders[oid].updated_at.date() <= TODAY


def _check_sequence(session, prefix: str, numbers: list[str]) -> None:  # noqa: ANN001
    by_year: dict[int, list[int]] = defaultdict(list)
    for n in numbers:
        m = NUMBER.match(n)
        assert m and m.group(1) == prefix, n
        by_year[int(m.group(2))].append(int(m.group(3)))
    counters = {
        r.year: r.last_value
        for r in session.execute(select(NumberSequence).where(NumberSequence.name == prefix))
        .scalars()
    }  # fmt: skip
    assert set(counters) == set(by_year), prefix
    for year, values in by_year.items():
        assert sorted(values) == list(range(1, len(values) + 1)), (prefix, year)
        assert counters[year] == len(values), (prefix, year)


def test_numbers_are_unique_gap_free_per_year_and_match_the_counters(demo: Database) -> None:
    with demo.read() as s:
        orders = list(s.execute(select(Order.number, Order.created_at)))
        assert len({n for n, _ in orders}) == len(orders)
        assert {int(n.split("-")[1]) for n, _ in orders} == {2025, 2026}
        for number, created in orders:
            assert int(number.split("-")[1]) == created.year
        _check_sequence(s, "SO", [n for n, _ in orders])
        for prefix, model in (("SH", Shipment), ("INV", Invoice), ("PAY", Payment),
                              ("PO", ProductionOrder)):  # fmt: skip
            _check_sequence(s, prefix, list(s.execute(select(model.number)).scalars()))


def test_stock_levels_agree_with_the_ledger_and_open_allocations(demo: Database) -> None:
    with demo.read() as s:
        moves = {(p, w): q for p, w, q in s.execute(
            select(StockMove.product_id, StockMove.warehouse_id, func.sum(StockMove.qty))
            .group_by(StockMove.product_id, StockMove.warehouse_id))}  # fmt: skip
        open_allocs = {(p, w): q for p, w, q in s.execute(
            select(OrderLine.product_id, Allocation.warehouse_id, func.sum(Allocation.qty))
            .join(OrderLine, OrderLine.id == Allocation.order_line_id)
            .where(Allocation.released_at.is_(None))
            .group_by(OrderLine.product_id, Allocation.warehouse_id))}  # fmt: skip
        levels = list(s.execute(select(StockLevel)).scalars())
        kinds = set(s.execute(select(StockMove.kind).distinct()).scalars())
    assert levels and sum(open_allocs.values()) > 0
    assert {"receipt", "issue", "production_in", "production_use", "return_in"} <= kinds
    assert {(lv.product_id, lv.warehouse_id) for lv in levels} >= set(moves)
    for lv in levels:
        key = (lv.product_id, lv.warehouse_id)
        assert lv.on_hand == moves.get(key, 0), key
        assert lv.reserved == open_allocs.get(key, 0), key
        assert 0 <= lv.reserved <= lv.on_hand, key


def test_open_allocations_belong_to_orders_that_hold_stock(demo: Database) -> None:
    holding = {"allocated", "partially_backordered", "in_production", "ready_to_ship",
               "partially_shipped"}  # fmt: skip
    with demo.read() as s:
        statuses = set(s.execute(
            select(Order.status).join(OrderLine, OrderLine.order_id == Order.id)
            .join(Allocation, Allocation.order_line_id == OrderLine.id)
            .where(Allocation.released_at.is_(None))).scalars())  # fmt: skip
        in_production = s.execute(select(func.count()).select_from(ProductionOrder).where(
            ProductionOrder.status == "in_progress")).scalar()  # fmt: skip
    assert statuses and statuses <= holding
    assert in_production > 0


def test_shipments_invoices_and_payments_agree(demo: Database) -> None:
    with demo.read() as s:
        status = dict(s.execute(select(Order.id, Order.status)).all())
        invoices = list(s.execute(select(Invoice)).scalars())
        applied = dict(s.execute(select(PaymentAllocation.invoice_id,
                                        func.sum(PaymentAllocation.amount_minor))
                                 .group_by(PaymentAllocation.invoice_id)).all())  # fmt: skip
        payments = list(s.execute(select(Payment)).scalars())
        per_payment = dict(s.execute(select(PaymentAllocation.payment_id,
                                            func.sum(PaymentAllocation.amount_minor))
                                     .group_by(PaymentAllocation.payment_id)).all())  # fmt: skip
        shipped_orders = set(s.execute(select(Shipment.order_id)).scalars())
        patterns = dict(s.execute(select(Carrier.id, Carrier.tracking_pattern)).all())
        shipments = list(s.execute(select(Shipment)).scalars())
        totals = dict(s.execute(select(Order.id, Order.total_minor)).all())
    assert invoices and payments
    for inv in invoices:
        assert status[inv.order_id] in SHIPPED_OR_LATER, inv.number
        assert inv.paid_minor == applied.get(inv.id, 0), inv.number
        assert inv.status == ("paid" if inv.paid_minor == inv.amount_minor else "open")
        assert inv.due_on >= inv.issued_on
    for p in payments:
        assert p.amount_minor == per_payment.get(p.id, 0) + p.unapplied_minor, p.number
    assert shipped_orders == {o for o, st in status.items() if st in SHIPPED_OR_LATER}
    for sh in shipments:
        assert re.fullmatch(patterns[sh.carrier_id], sh.tracking_no), sh.tracking_no
    billed: dict[int, int] = defaultdict(int)
    for inv in invoices:
        if inv.kind == "invoice":
            billed[inv.order_id] += inv.amount_minor
    for oid, st in status.items():
        if st in SHIPPED_OR_LATER - {"partially_shipped"}:
            assert billed[oid] == totals[oid], oid  # fully shipped: invoiced in full
        if st == "closed":
            assert all(i.paid_minor == i.amount_minor for i in invoices if i.order_id == oid)
    assert any(i.status == "open" and i.due_on < TODAY for i in invoices)  # some overdue
    assert any(0 < i.paid_minor < i.amount_minor for i in invoices)  # some part paid


def test_lines_are_priced_by_the_pricing_engine(demo: Database) -> None:
    with demo.read() as s:
        settings = load_settings(s)
        groups = dict(s.execute(select(Customer.id, Customer.group)).all())
        lines: dict[int, list[OrderLine]] = defaultdict(list)
        for ln in s.execute(select(OrderLine)).scalars():
            lines[ln.order_id].append(ln)
        orders = list(s.execute(select(Order)).scalars())
        for o in orders:
            t = order_totals([LineInput(x.qty, x.unit_price_minor, x.tax_rate_bp,
                                        x.discount_minor) for x in lines[o.id]],
                             settings.prices_include_tax, settings.tax_rounding,
                             o.shipping_minor)  # fmt: skip
            assert (o.subtotal_minor, o.discount_minor, o.tax_minor, o.total_minor) == (
                t.subtotal_minor,
                t.discount_minor,
                t.tax_minor,
                t.total_minor,
            ), o.number
        for o in orders[:150]:
            for ln in lines[o.id]:
                product = s.get(Product, ln.product_id)
                assert unit_price(s, product, groups[o.customer_id], ln.qty).unit_price_minor \
                    == ln.unit_price_minor  # fmt: skip
    assert settings.company_name.startswith("明光水木") and settings.prices_include_tax


def test_customers_read_like_chinese_customers(demo: Database) -> None:
    with demo.read() as s:
        names = list(s.execute(select(Customer.name)).scalars())
        phones = list(s.execute(select(CustomerPhone)).scalars())
        groups = set(s.execute(select(Customer.group)).scalars())
        holds = s.execute(select(func.count()).where(Customer.credit_hold)).scalar()
        users = set(s.execute(select(User.name)).scalars())
    assert len(names) == 80
    assert sum(bool(re.search(r"[\u4e00-\u9fff]", n)) for n in names) > 40
    assert any(re.search(r"[A-Za-z]{3}", n) for n in names)
    assert groups == {"retail", "wholesale", "dealer", "key_account"}
    assert holds >= 1 and "tester" in users
    for p in phones:
        assert p.digits == normalise_phone(p.number)
        if p.label == "mobile":
            assert re.fullmatch(r"1[358]\d{9}", p.digits), p.number


def _fingerprint(db: Database) -> list[tuple]:
    with db.read() as s:
        stmt = (
            select(Order.number, Order.status, Order.total_minor, Customer.name)
            .join(Customer, Customer.id == Order.customer_id)
            .order_by(Order.number)
        )
        return list(s.execute(stmt).all())


def test_same_seed_same_company(demo: Database, tmp_path) -> None:  # noqa: ANN001
    other = Database(f"sqlite:///{tmp_path / 'again.db'}")
    schema.upgrade(other)
    _seed(other)
    assert _fingerprint(other) == _fingerprint(demo)
    third = Database(f"sqlite:///{tmp_path / 'different.db'}")
    schema.upgrade(third)
    _seed(third, seed=8)
    assert _fingerprint(third) != _fingerprint(demo)
    for d in (other, third):
        d.dispose()


def test_demo_refuses_a_database_with_orders(demo: Database) -> None:
    with pytest.raises(OmsError):
        _seed(demo)


def test_generate_orders_builds_consistent_orders(db: Database) -> None:
    seen: list[tuple[int, int]] = []
    summary = generate_orders(db, "t", 2000, progress=lambda d, n: seen.append((d, n)))
    assert summary.orders == 2000 and seen[-1] == (2000, 2000)
    assert summary.customers_created == 300
    with db.read() as s:
        settings = load_settings(s)
        orders = list(s.execute(select(Order)).scalars())
        lines: dict[int, list[OrderLine]] = defaultdict(list)
        for ln in s.execute(select(OrderLine)).scalars():
            lines[ln.order_id].append(ln)
        events = _events_by_order(s)
        invoiced = dict(s.execute(select(Invoice.order_id, Invoice.amount_minor)).all())
        applied = dict(s.execute(select(PaymentAllocation.invoice_id,
                                        func.sum(PaymentAllocation.amount_minor))
                                 .group_by(PaymentAllocation.invoice_id)).all())  # fmt: skip
        paid = dict(s.execute(select(Invoice.id, Invoice.paid_minor)).all())
        _check_sequence(s, "SO", [o.number for o in orders])
    assert len(orders) == 2000
    assert len({o.status for o in orders}) >= 14
    for o in orders:
        assert 1 <= len(lines[o.id]) <= 5  # up to 4 picked, + a made-to-order one when needed
        t = order_totals([LineInput(x.qty, x.unit_price_minor, x.tax_rate_bp, x.discount_minor)
                          for x in lines[o.id]], settings.prices_include_tax,
                         settings.tax_rounding, o.shipping_minor)  # fmt: skip
        assert o.total_minor == t.total_minor and o.tax_minor == t.tax_minor, o.number
        evs = events[o.id]
        assert evs[0].to_status == "draft" and evs[-1].to_status == o.status
        for ev in evs[1:]:
            assert OrderStatus(ev.to_status) in TRANSITIONS[OrderStatus(ev.from_status)]
        if o.status in SHIPPED_OR_LATER - {"partially_shipped"}:
            assert invoiced[o.id] == o.total_minor
        else:
            assert o.id not in invoiced
    assert all(paid[i] == applied.get(i, 0) for i in paid)
    # a second run appends, continuing the numbers
    generate_orders(db, "t", 300, seed=2)
    with db.read() as s:
        numbers = list(s.execute(select(Order.number)).scalars())
        _check_sequence(s, "SO", numbers)
    assert len(numbers) == 2300


def test_services_carry_on_after_the_demo(demo: Database) -> None:
    """Ids and counters left by the bulk insert suit the ordinary services (and PG sequences)."""
    from datetime import datetime

    from oms_tui.services.sales.audit_checks import submit_for_audit
    from oms_tui.services.sales.orders import NewLine, create_order, get_order

    with demo.read() as s:
        customer = s.execute(select(Customer).order_by(Customer.id)).scalars().first()
        product = s.execute(select(Product).where(Product.product_line == "lighting")
                            .order_by(Product.id)).scalars().first()  # fmt: skip
        year = datetime.now().year
        last = s.execute(select(NumberSequence.last_value).where(
            NumberSequence.name == "SO", NumberSequence.year == year)).scalar() or 0  # fmt: skip
    view = create_order(demo, "tester", customer.id, [NewLine(product.id, 2)])
    assert view.number == f"SO-{year}-{last + 1:06d}"
    submit_for_audit(demo, "tester", view.id)
    again = get_order(demo, view.number)
    assert again.status == "pending_audit" and len(again.lines) == 1


def test_the_demo_company_keeps_every_invariant(demo: Database) -> None:
    """What `oms verify` checks (services/checks/invariants.py) holds for the demo data."""
    from oms_tui.services.checks import invariants

    assert invariants.verify(demo) == []


def test_chinese_only_keeps_a_texts_chinese_and_leaves_others_alone() -> None:
    from oms_tui.demo.rows import chinese_only

    assert chinese_only("明光水木实业有限公司 Mingguang Light, Water & Wood Co.") == \
        "明光水木实业有限公司"  # fmt: skip
    assert chinese_only("浙江省杭州市余杭区良渚街道明光路88号 (88 Mingguang Rd)") == \
        "浙江省杭州市余杭区良渚街道明光路88号"  # fmt: skip
    assert chinese_only("明光山泉水 18.9L 桶装 Spring water barrel") == "明光山泉水 18.9L 桶装"
    assert chinese_only("LED吸顶灯 Ceiling light") == "LED吸顶灯"
    assert chinese_only("王芳 Emily Wang") == "王芳"
    for kept in (
        "Emily Wang",
        "SO-2026-000001",
        "c0001@example.cn",
        "浙江 杭州市 3幢1201室",
        "左开 left 右开",
    ):  # English, codes, no English tail
        assert chinese_only(kept) == kept


def test_a_chinese_demo_is_in_chinese(sqlite_db: Database) -> None:
    """For a Chinese-speaking user the demo speaks Chinese: company, warehouses, products,
    carriers, customers, staff, notes, with no English tail and pinyin that follows."""
    from oms_tui.models import Warehouse

    seed_demo(sqlite_db, "tester", seed=3, today=TODAY, customers=40, orders=120,
              language="zh_CN")  # fmt: skip
    english = re.compile(r"[\u4e00-\u9fff][^A-Za-z]*\s[A-Za-z]{3,}")
    with sqlite_db.read() as session:
        company = load_settings(session).company_name
        texts = [
            company,
            *session.execute(select(Warehouse.name)).scalars(),
            *session.execute(select(Product.name)).scalars(),
            *session.execute(select(Product.colour)).scalars(),
            *session.execute(select(Carrier.name)).scalars(),
            *session.execute(select(Customer.name)).scalars(),
            *session.execute(select(User.display_name)).scalars(),
            *session.execute(select(Order.notes)).scalars(),
        ]
        lamp = session.execute(select(Product.name, Product.pinyin)
                               .where(Product.code.like("L-C300-%"))).first()  # fmt: skip
    assert company == "明光水木实业有限公司"
    assert not [t for t in texts if english.search(t)]
    assert lamp == ("LED吸顶灯", "ledxidingdeng")


def test_the_demo_team_has_a_chinese_name_in_every_role(demo: Database) -> None:
    from oms_tui.services.platform.permissions import ROLES
    from oms_tui.services.platform.users import list_users

    people = list_users(demo)
    for role in ROLES:
        named = [u for u in people if u.role == role and u.active
                 and any("\u4e00" <= ch <= "\u9fff" for ch in u.display_name)]  # fmt: skip
        assert named or role == "admin", f"nobody with a Chinese name is {role}"
    assert any(u.role == "admin" and u.active for u in people)
