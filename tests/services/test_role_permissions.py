"""Who may do what, through the services (issue 17 point 2): for each permission the
finance, stock, shipping, production and platform services check, a representative call
as every role. A role the matrix gives it to does it (something is written); any other
is refused with NotPermitted and nothing is written. Then the issue's own examples: a
warehouse user recording a payment, a non-admin raising the discount limit, and the
credit hold a payment releases."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import SQLModel, select

from oms_tui.models import (
    ChangeLog,
    Customer,
    CustomerAddress,
    Payment,
    ProductionOrder,
    Shipment,
    User,
)
from oms_tui.services.catalog import maintenance
from oms_tui.services.finance import dunning, receivables
from oms_tui.services.fulfilment import allocation, stock_operations
from oms_tui.services.inventory import stock
from oms_tui.services.platform import backup, language, settings
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.permissions import ROLES, NotPermitted, allowed
from oms_tui.services.production import routes, stages
from oms_tui.services.shipping import delivery_runs, dispatch
from oms_tui.services.shipping.delivery_runs import StopResult
from tests.audit_factories import invoice
from tests.dispatch_factories import allocated_order, carrier, world
from tests.dispatch_factories import product as make_product
from tests.factories import dun
from tests.production_factories import door_line
from tests.stock_factories import approved, customer, warehouse

TODAY = date(2026, 11, 30)
Call = Callable[[str], object]  # the service called as the given user


def contents(db: Database) -> dict[str, list[str]]:
    """Every row of every table: what "nothing written" compares."""
    with db.engine.connect() as conn:
        return {table.name: sorted(repr(tuple(row)) for row in conn.execute(table.select()))
                for table in SQLModel.metadata.sorted_tables}  # fmt: skip


# -- a representative call per permission (made ready as an admin) ----------------------------


def record_payment(db: Database, tmp_path: Path) -> Call:
    cid = customer(db)
    return lambda actor: receivables.record_payment(db, actor, cid, 10_000, TODAY, today=TODAY)


def apply_credit(db: Database, tmp_path: Path) -> Call:
    cid = customer(db)
    receivables.record_payment(db, "admin", cid, 10_000, TODAY, today=TODAY)  # on account
    invoice(db, cid, 7_000, TODAY + timedelta(days=30))
    return lambda actor: receivables.apply_credit_on_account(db, actor, cid, today=TODAY)


def release_hold(db: Database, tmp_path: Path) -> Call:
    cid = customer(db)
    with db.write() as s:
        held = s.get(Customer, cid)
        held.credit_hold, held.credit_hold_reason = True, "overdue 95 days"
        s.add(held)
    return lambda actor: dunning.release_credit_hold(db, actor, cid, "paid at the counter")


def run_dunning(db: Database, tmp_path: Path) -> Call:
    invoice(db, customer(db), 10_000, TODAY - timedelta(days=20))
    return lambda actor: dun(db, TODAY, TODAY, actor)


def plan_van_route(db: Database, tmp_path: Path) -> Call:
    cid = customer(db)
    with db.read() as s:
        address = s.exec(select(CustomerAddress.id).where(CustomerAddress.customer_id == cid)).one()
    return lambda actor: delivery_runs.set_route_seq(db, actor, address, 3)


def settle_van_run(db: Database, tmp_path: Path) -> Call:
    warehouse(db, "HZ", "East", 1)
    carrier(db, "VAN1", "", {"East": (0, 0, 1, 0)}, kind="own_van")
    water = make_product(db, "W-BRL", "桶装水 18.9L", price=2_000)
    stock_operations.receive(db, "admin", "HZ", [(water, 10)])
    allocation.allocate_order(db, "admin", approved(db, customer(db), [(water, 2)]))
    run = delivery_runs.plan_run(db, "admin", "VAN1", TODAY)
    [stop] = run.stops
    paid = StopResult(True, cash_collected_minor=stop.cash_due_minor)
    return lambda actor: delivery_runs.settle_run(db, actor, run.number, {stop.id: paid},
                                                  today=TODAY)  # fmt: skip


def pick(db: Database, tmp_path: Path) -> Call:
    order_id = allocated_order(db, [(world(db).lamp, 2)])
    return lambda actor: dispatch.create_shipments(db, actor, [order_id], today=TODAY)


def adjust_stock(db: Database, tmp_path: Path) -> Call:
    warehouse(db, "HZ", "East")
    lamp = make_product(db, "LAMP-9", "吸顶灯")
    return lambda actor: stock_operations.adjust(db, actor, lamp, "HZ", 5, "found on the shelf")


def rank_warehouse(db: Database, tmp_path: Path) -> Call:
    warehouse(db, "HZ", "East", 1)
    return lambda actor: stock.set_allocation_rank(db, actor, "HZ", 3)


def start_production(db: Database, tmp_path: Path) -> Call:
    warehouse(db, "HZ", "East")
    door = door_line(db)
    allocation.allocate_order(db, "admin", approved(db, customer(db), [(door, 1)]))
    with db.read() as s:
        po = s.exec(select(ProductionOrder.id)).one()
    return lambda actor: stages.start(db, actor, po, today=TODAY)


def plan_route(db: Database, tmp_path: Path) -> Call:
    return lambda actor: routes.set_route(db, actor, "Door line", "doors", 5,
                                          [("cutting", 1), ("assembly", 2)])  # fmt: skip


def change_price(db: Database, tmp_path: Path) -> Call:
    make_product(db, "LAMP-9", "吸顶灯", price=12_000)
    return lambda actor: maintenance.set_product(db, actor, "LAMP-9", {"price": "99.00"})


def change_setting(db: Database, tmp_path: Path) -> Call:
    return lambda actor: settings.set_setting(db, actor, "discount_limit_pct", "100")


def set_anothers_language(db: Database, tmp_path: Path) -> Call:
    return lambda actor: language.set_user_language(db, actor, "wang", "en")  # not their own


CASES: dict[str, Callable[[Database, Path], Call]] = {
    "payments.record": record_payment,
    "credit.manage": apply_credit,
    "credit.release": release_hold,
    "dunning.run": run_dunning,
    "vans.run": plan_van_route,
    "vans.settle": settle_van_run,
    "dispatch.ship": pick,
    "stock.move": adjust_stock,
    "stock.plan": rank_warehouse,
    "production.advance": start_production,
    "production.plan": plan_route,
    "catalog.edit": change_price,
    "settings.change": change_setting,
    "users.manage": set_anothers_language,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("permission", CASES)
def test_each_role_does_what_the_matrix_gives_it_and_is_refused_the_rest(
    db: Database, tmp_path: Path, permission: str, role: str
) -> None:
    call = CASES[permission](db, tmp_path)
    before = contents(db)
    if allowed(role, permission):
        call(role)
        assert contents(db) != before, f"{role} did {permission}, and nothing was written"
    else:
        with pytest.raises(NotPermitted, match=rf"^{role} \({role}\) may not "):
            call(role)
        assert contents(db) == before


@pytest.mark.parametrize("role", ROLES)
def test_backing_up_by_hand_is_the_admins(db: Database, tmp_path: Path, role: str) -> None:
    if db.dialect == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("no pg_dump here")
    out = tmp_path / "out"
    out.mkdir()
    if allowed(role, "backup.run"):
        made = backup.take(db, role, out)
        assert [p.name for p in out.iterdir()] == [made.path.name]
    else:
        with pytest.raises(NotPermitted, match=rf"^{role} \({role}\) may not back up"):
            backup.take(db, role, out)
        with pytest.raises(NotPermitted, match=rf"^{role} \({role}\) may not back up"):
            backup.restore(db, role, out / "any.db.gz")
        assert list(out.iterdir()) == []


def test_an_unknown_or_disabled_name_is_refused_before_anything_is_written(db, tmp_path):
    call = CASES["payments.record"](db, tmp_path)
    before = contents(db)
    with pytest.raises(NotPermitted, match="mallory is not a user of this database"):
        call("mallory")
    assert contents(db) == before


# -- the examples -------------------------------------------------------------------


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_raising_the_discount_limit_is_refused_to_all_but_admins(db, role):
    with pytest.raises(NotPermitted, match="may not change the company's settings"):
        settings.set_setting(db, role, "discount_limit_pct", "100")
    assert settings.get_settings(db).discount_limit_pct == 10
    assert settings.set_setting(db, "admin", "discount_limit_pct", "100").discount_limit_pct == 100


def _on_dunning_hold(db: Database) -> int:
    """A customer 100 days overdue, put on credit hold by dunning (its rule)."""
    cid = customer(db)
    invoice(db, cid, 50_000, TODAY - timedelta(days=100))
    dun(db, TODAY, TODAY, "finance")
    with db.read() as s:
        held = s.get(Customer, cid)
    assert held.credit_hold and held.credit_hold_reason.startswith("overdue")
    return cid


def test_a_warehouse_user_cannot_record_a_payment_nor_so_release_a_hold(db):
    """The seam of the issue: a warehouse user recorded a payment, which released a credit
    hold around the manager-only release. Now the payment is refused and the hold stays."""
    cid = _on_dunning_hold(db)
    with pytest.raises(NotPermitted, match=r"warehouse \(warehouse\) may not record payments"):
        receivables.record_payment(db, "warehouse", cid, 50_000, TODAY, today=TODAY)
    with db.read() as s:
        assert s.get(Customer, cid).credit_hold
        assert s.exec(select(Payment).where(Payment.customer_id == cid)).all() == []


def test_the_release_after_a_payment_is_the_rules_and_recorded_as_automatic(db):
    """Finance may record payments, not release holds (credit.release): the payment that
    settles what dunning held the customer for releases the hold as the rule's own step,
    and the change log says it was automatic, triggered by finance's payment."""
    assert not allowed("finance", "credit.release")
    cid = _on_dunning_hold(db)
    receivables.record_payment(db, "finance", cid, 50_000, TODAY, today=TODAY)
    with db.read() as s:
        released = s.get(Customer, cid)
        [change] = s.exec(select(ChangeLog).where(ChangeLog.field == "credit_hold",
                                                  ChangeLog.before == "yes")).all()  # fmt: skip
    assert not released.credit_hold
    assert released.credit_hold_reason == f"released automatically on payment (finance, {TODAY})"
    assert (change.actor, change.after) == ("finance", "no")
    assert change.reason.startswith("released automatically")


def test_a_hold_dunning_did_not_put_on_stays_after_a_payment(db):
    cid = _on_dunning_hold(db)
    with db.write() as s:  # held by a manager's decision, not for being overdue
        held = s.get(Customer, cid)
        held.credit_hold_reason = "manager: disputed deliveries"
        s.add(held)
    receivables.record_payment(db, "finance", cid, 50_000, TODAY, today=TODAY)
    with db.read() as s:
        assert s.get(Customer, cid).credit_hold  # it takes credit.release
    dunning.release_credit_hold(db, "manager", cid, "disputes settled")
    with db.read() as s:
        assert not s.get(Customer, cid).credit_hold


def test_settling_a_van_run_ships_without_the_settler_needing_dispatch(db, tmp_path):
    """Finance settles (vans.settle) but may not ship (dispatch.ship): settling ships what
    was delivered as its own step, recorded as finance's."""
    assert not allowed("finance", "dispatch.ship")
    settle = CASES["vans.settle"](db, tmp_path)
    done = settle("finance")
    assert done.status == "returned"
    with db.read() as s:
        shipped = s.exec(select(Shipment)).one()
    assert shipped.status in ("shipped", "delivered")


@pytest.mark.parametrize("role", ROLES)
def test_each_user_sets_their_own_language_and_no_name_is_added_by_it(db, role):
    assert language.set_user_language(db, role, role, "en") == "en"
    assert language.user_language(db, role) == "en"
    with pytest.raises(NotPermitted, match="mallory is not a user"):
        language.set_user_language(db, "mallory", "mallory", "en")
    with db.read() as s:
        assert s.exec(select(User).where(User.name == "mallory")).first() is None


def test_a_restore_with_nobody_to_ask_is_only_where_no_database_is(sqlite_db, tmp_path):
    made = backup.take(sqlite_db, "admin", tmp_path)
    with pytest.raises(NotPermitted, match="the database holds oms data already"):
        backup.restore_new(sqlite_db, made.path)
