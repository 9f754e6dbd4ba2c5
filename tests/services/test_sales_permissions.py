"""Who may do what at the order desk, the audit desk and in customers and imports (issue 17):
for each permission these services use, a representative call as every role. A role the
matrix gives it works; any other is refused with ``NotPermitted`` and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlmodel import func, select

from oms_tui.models import Customer, Order, OrderDraft, ProductAlias, SalesChannel
from oms_tui.services.exchange import order_import
from oms_tui.services.parties import customers
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.permissions import ROLES, NotPermitted, allowed
from oms_tui.services.sales import audit_decisions, channels, drafts, order_locks, orders
from oms_tui.services.states.order_states import OrderStatus as S
from tests import audit_factories as af
from tests.factories import make_product


def _count(db: Database, model: type) -> int:
    with db.read() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _status(db: Database, order_id: int) -> str:
    with db.read() as s:
        return s.get(Order, order_id).status


def _submitted(db: Database, **customer) -> int:
    """An order in the audit queue, entered by a clerk."""
    cid = af.customer(db, **customer)
    return af.order(db, cid, [(make_product(db), 1)], submit=True).id


@dataclass(frozen=True)
class Case:
    needs: tuple[str, ...]  # every one of these
    setup: Callable[[Database], object]
    call: Callable[[Database, str, object], object]
    written: Callable[[Database, object], object]  # what the call changes, read back


def _order_entry(db: Database) -> tuple[int, int]:
    return af.customer(db), make_product(db)


CASES = {
    "enter an order": Case(
        ("orders.enter",), _order_entry,
        lambda db, role, s: orders.create_order(db, role, s[0], [orders.NewLine(s[1], 1)]),
        lambda db, s: _count(db, Order)),
    "change a price on a line": Case(
        ("orders.enter", "prices.override"), _order_entry,
        lambda db, role, s: orders.create_order(db, role, s[0], [orders.NewLine(
            s[1], 1, unit_price_minor=1_000, override_reason="sample price")]),
        lambda db, s: _count(db, Order)),
    "a discount over the limit": Case(
        ("orders.enter", "prices.override"), _order_entry,
        lambda db, role, s: orders.create_order(db, role, s[0], [orders.NewLine(
            s[1], 1, discount_minor=1_000)]),  # half of 1999: over the 10% limit
        lambda db, s: _count(db, Order)),
    "reject in audit": Case(
        ("orders.audit",), _submitted,
        lambda db, role, oid: audit_decisions.reject(db, role, oid, "duplicate"),
        _status),
    "approve past a failed check": Case(
        ("orders.audit", "orders.override"), lambda db: _submitted(db, credit_hold=True),
        lambda db, role, oid: audit_decisions.approve(db, role, oid, reason="paid in cash"),
        _status),
    "cancel a submitted order": Case(
        ("orders.cancel",), _submitted,
        lambda db, role, oid: orders.transition(db, role, oid, S.CANCELLED, "customer called"),
        _status),
    "teach an import a channel's code": Case(
        ("orders.import",), lambda db: make_product(db, code="LAMP-9"),
        lambda db, role, _pid: order_import.remember_alias(db, role, "ecommerce", "TB-9",
                                                           "LAMP-9"),
        lambda db, s: _count(db, ProductAlias)),
    "add a customer": Case(
        ("customers.edit",), lambda db: None,
        lambda db, role, _s: customers.create_customer(db, role, customers.NewCustomer(
            name="李娜", phone="139 1234 5678")),
        lambda db, s: _count(db, Customer)),
    "add a sales channel": Case(
        ("settings.change",), lambda db: None,
        lambda db, role, _s: channels.add_channel(db, role, "tmall2", "ecommerce"),
        lambda db, s: _count(db, SalesChannel)),
    "open an order": Case(
        ("orders.view",), _submitted,
        lambda db, role, oid: order_locks.open_for_edit(db, role, oid),
        lambda db, oid: order_locks.holders(db, oid)),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("what", list(CASES))
def test_each_role_may_do_what_the_matrix_gives_it_and_nothing_else(db, what, role):
    case = CASES[what]
    state = case.setup(db)
    before = case.written(db, state)
    if all(allowed(role, p) for p in case.needs):
        case.call(db, role, state)
        assert case.written(db, state) != before, f"{role} was allowed but nothing changed"
    else:
        with pytest.raises(NotPermitted):
            case.call(db, role, state)
        assert case.written(db, state) == before, f"{role} was refused but something changed"


def test_a_refusal_says_who_may(db):
    oid = _submitted(db)
    with pytest.raises(NotPermitted, match=r"warehouse \(warehouse\) may not cancel an order"
                                           r".*\(auditor, manager, admin\)"):  # fmt: skip
        orders.transition(db, "warehouse", oid, S.CANCELLED, "customer called")


def test_a_clerk_keeps_to_their_own_drafts_and_a_manager_may_touch_any(db):
    from tests.databases import ensure_user

    ensure_user(db, "clerk9", "clerk")
    mine = drafts.save_draft(db, "clerk", {"notes": "下午送"}, summary="王小明")
    with pytest.raises(NotPermitted, match=f"draft {mine} is clerk's: clerk9 may change"):
        drafts.save_draft(db, "clerk9", {"notes": "overwritten"}, draft_id=mine)
    with pytest.raises(NotPermitted, match=f"draft {mine} is clerk's: clerk9 may discard"):
        drafts.discard_draft(db, "clerk9", mine)
    assert drafts.latest_draft(db, "clerk9") is None  # nobody else's is offered to resume
    assert drafts.latest_draft(db, "clerk").payload == {"notes": "下午送"}
    # a manager may correct and discard anyone's; it stays the clerk's draft
    assert drafts.save_draft(db, "manager", {"notes": "上午送"}, draft_id=mine) == mine
    assert drafts.latest_draft(db, "clerk").payload == {"notes": "上午送"}
    drafts.discard_draft(db, "manager", mine)
    assert _count(db, OrderDraft) == 0
    with pytest.raises(NotPermitted):  # no drafts at all without orders.enter
        drafts.save_draft(db, "warehouse", {"notes": "x"})
