"""The seam between the stock paths and allocation: whenever stock becomes free (a receipt,
a transfer, an adjustment either way, a stocktake either way, a cancelled order, the
materials of a cancelled production order), the backordered orders are offered it in
priority order in the same transaction (``allocation.offer_freed_stock_in``), then the
planned production orders short of it. No backorder waits for ``oms stock allocate``.

(Production completion frees nothing: the goods made are reserved for the line they were
made for, in the same transaction. There is no service that restocks a return yet.)"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from oms_tui.models import Product
from oms_tui.services.fulfilment import allocation, stock_operations
from oms_tui.services.inventory import stock
from oms_tui.services.platform.db import Database
from oms_tui.services.sales import orders
from oms_tui.services.states.order_states import OrderStatus as S
from tests.factories import make_product
from tests.services.test_production import _doors, _held, _order_of, _po
from tests.stock_factories import (
    approved,
    customer,
    held,
    level,
    receive,
    status,
    warehouse,
)


def _waiting(db: Database, pid: int, qty: int = 3, score: int = 50) -> int:
    """An order for ``qty`` of ``pid`` left backordered (nothing free), priority ``score``."""
    oid = approved(db, customer(db), [(pid, qty)], priority_score=score)
    allocation.allocate_order(db, "auditor", oid)
    assert status(db, oid) == S.BACKORDERED
    return oid


def _count(db: Database, wh: str, pid: int, counted: int) -> stock_operations.Outcome:
    """A stocktake of ``wh`` that counts ``counted`` of the product, posted."""
    with db.read() as s:
        code = s.get(Product, pid).code
    st = stock_operations.start_stocktake(db, "counter", wh)
    stock_operations.record_count(db, "counter", st.id, code, counted, replace=True)
    return stock_operations.post_stocktake(db, "manager", st.id, "cycle count")


# Each path: (what stands before, the path that frees stock of the product). A transfer
# goes through the same function: test_allocation's
# test_transfer_fills_a_backorder_the_target_warehouse_can_now_cover.
def _by_receipt(db: Database, pid: int) -> stock_operations.Outcome:
    return receive(db, "HZ", pid, 5)


def _by_adjustment_up(db: Database, pid: int) -> stock_operations.Outcome:
    return stock_operations.adjust(db, "manager", pid, "HZ", 5, "found behind a shelf")


def _by_stocktake_gain(db: Database, pid: int) -> stock_operations.Outcome:
    return _count(db, "HZ", pid, 5)


def _ship_complete_holding_6(db: Database, pid: int) -> int:
    """6 in HZ all reserved by a low-priority ship-complete order."""
    receive(db, "HZ", pid, 6)
    holder = approved(db, customer(db, policy="complete"), [(pid, 6)], priority_score=0)
    allocation.allocate_order(db, "auditor", holder)
    assert held(db, holder) == {"HZ": 6}
    return holder


def _by_adjustment_down(db: Database, pid: int) -> stock_operations.Outcome:
    # One unit lost: the lowest-priority reservation (all 6 of a ship-complete order) is
    # released; that order cannot leave complete with 5, so the 5 are free.
    return stock_operations.adjust(db, "manager", pid, "HZ", -1, "dropped by forklift")


def _by_stocktake_loss(db: Database, pid: int) -> stock_operations.Outcome:
    return _count(db, "HZ", pid, 5)


PATHS: dict[str, tuple[Callable | None, Callable]] = {
    "receipt": (None, _by_receipt),
    "adjustment up": (None, _by_adjustment_up),
    "stocktake gain": (None, _by_stocktake_gain),
    "adjustment down": (_ship_complete_holding_6, _by_adjustment_down),
    "stocktake loss": (_ship_complete_holding_6, _by_stocktake_loss),
}


@pytest.mark.parametrize("path", list(PATHS))
def test_stock_freed_by_each_stock_operation_reaches_the_backorders_at_once(db, path):
    warehouse(db, "HZ", region="East", rank=1)
    warehouse(db, "BJ", region="North", rank=2)
    pid = make_product(db)
    before, free_it = PATHS[path]
    holder = before(db, pid) if before else None
    first = _waiting(db, pid, 3, score=90)
    second = _waiting(db, pid, 3, score=10)

    out = free_it(db, pid)

    # the higher priority first, in the operation's own transaction (its outcome says so)
    assert out.filled_orders[:1] == (_number(db, first),)
    assert status(db, first) == S.ALLOCATED and held(db, first) == {"HZ": 3}
    assert status(db, second) == S.PARTIALLY_BACKORDERED and held(db, second) == {"HZ": 2}
    on_hand, reserved = level(db, pid, "HZ")
    assert on_hand == reserved == 5  # nothing left free while an order waits
    if holder is not None:
        assert status(db, holder) == S.BACKORDERED and held(db, holder) == {}
    assert stock.verify(db) == []


def test_stock_freed_by_a_cancellation_is_offered_in_the_same_transaction(db, monkeypatch):
    warehouse(db, "HZ", region="East")
    pid = make_product(db)
    receive(db, "HZ", pid, 5)
    cancelled = approved(db, customer(db), [(pid, 5)])
    allocation.allocate_order(db, "auditor", cancelled)
    waiting = _waiting(db, pid, 3)

    def broken(*args, **kwargs):
        raise RuntimeError("allocation failed")

    monkeypatch.setattr(allocation, "fill_backorders_in", broken)
    with pytest.raises(RuntimeError, match="allocation failed"):
        orders.transition(db, "manager", cancelled, S.CANCELLED, "customer changed their mind")
    # one transaction: the cancellation did not happen without its stock being offered
    assert status(db, cancelled) == S.ALLOCATED and held(db, cancelled) == {"HZ": 5}
    assert status(db, waiting) == S.BACKORDERED

    monkeypatch.undo()
    orders.transition(db, "manager", cancelled, S.CANCELLED, "customer changed their mind")
    assert status(db, cancelled) == S.CANCELLED and held(db, cancelled) == {}
    assert status(db, waiting) == S.ALLOCATED and level(db, pid, "HZ") == (5, 3)
    assert stock.verify(db) == []


def test_materials_freed_by_a_cancelled_production_order_reach_a_backorder_first(db):
    ids = _doors(db)  # 30 oak boards in HZ; a door takes 3
    door_order = _order_of(db, [(ids["door"], 10, "")])  # its production holds all 30
    po = _po(db, door_order)
    assert _held(db, po.id)["RM-OAK"] == 30
    later_door = _po(db, _order_of(db, [(ids["door"], 2, "")]))  # short of 6 boards
    assert _held(db, later_door.id).get("RM-OAK", 0) == 0
    boards = _waiting(db, ids["oak"], 5)  # oak boards sold as such: backordered

    orders.transition(db, "manager", door_order, S.CANCELLED, "customer cancelled")

    # the waiting customer order first, then the planned door short of boards
    assert status(db, boards) == S.ALLOCATED and held(db, boards) == {"HZ": 5}
    assert _held(db, later_door.id)["RM-OAK"] == 6
    assert level(db, ids["oak"], "HZ") == (30, 11)
    assert stock.verify(db) == []


def _number(db: Database, order_id: int) -> str:
    return orders.get_order_by_id(db, order_id).number
