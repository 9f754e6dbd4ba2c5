"""Stock operations: receipts (ad hoc and expected), transfers, adjustments and stocktakes,
each checked against the ledger, the levels and ``verify``."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from oms_tui.models import PurchaseReceipt, PurchaseReceiptLine, StocktakeCount, Warehouse
from oms_tui.services.fulfilment import allocation, stock_operations
from oms_tui.services.inventory import stock
from oms_tui.services.platform.errors import InvalidInput, NotFound
from oms_tui.services.states.order_states import OrderStatus as S
from tests.factories import make_product
from tests.stock_factories import (
    approved,
    customer,
    held,
    level,
    moves,
    receive,
    status,
    warehouse,
)

YEAR = date.today().year


@pytest.fixture
def whs(db):
    warehouse(db, "HZ", region="East", rank=0)
    warehouse(db, "BJ", region="North", rank=1)
    return db


def _receipt(db, number: str) -> tuple[str, list[tuple[int, int, int]]]:
    with db.read() as s:
        r = s.exec(select(PurchaseReceipt).where(PurchaseReceipt.number == number)).one()
        lines = s.exec(
            select(PurchaseReceiptLine).where(PurchaseReceiptLine.receipt_id == r.id)
        ).all()
        return r.status, sorted((ln.product_id, ln.qty_expected, ln.qty_received) for ln in lines)


def _incoming(db, pid: int) -> dict[str, int]:
    return {w.code: w.incoming for w in stock.stock_card(db, pid).warehouses}


# -- receipts ----------------------------------------------------------------------------------


def test_ad_hoc_receipt_writes_a_received_receipt_and_a_move_per_product(whs):
    db = whs
    a, b = make_product(db), make_product(db)

    out = stock_operations.receive(db, "store", "hz", [(a, 4), (b, 2), (a, 6)],
                                   supplier="Acme 照明", reference="DN-77")  # fmt: skip

    assert out.number == f"PR-{YEAR}-000001" and out.moves == 2 and out.filled == ()
    assert _receipt(db, out.number) == ("received", sorted([(a, 10, 10), (b, 2, 2)]))
    assert moves(db, a) == [("HZ", "receipt", 10, out.number, "from Acme 照明")]
    assert level(db, a, "HZ") == (10, 0) and level(db, b, "HZ") == (2, 0)
    assert stock.verify(db) == []


def test_expected_goods_are_incoming_until_received(whs):
    db = whs
    pid = make_product(db)
    number = stock_operations.expect_receipt(db, "buyer", "HZ", [(pid, 10)], supplier="Acme",
                                             expected_on=date(2026, 12, 1))  # fmt: skip
    assert _incoming(db, pid) == {"HZ": 10, "BJ": 0}
    assert stock.stock_card(db, pid).on_hand == 0
    assert moves(db, pid) == []

    part = stock_operations.receive(db, "store", "HZ", [(pid, 6)], receipt_number=number.lower())
    assert part.number == number
    assert _receipt(db, number) == ("open", [(pid, 10, 6)])
    assert _incoming(db, pid) == {"HZ": 4, "BJ": 0} and level(db, pid, "HZ") == (6, 0)

    stock_operations.receive(db, "store", "HZ", [(pid, 4)], receipt_number=number)
    assert _receipt(db, number) == ("received", [(pid, 10, 10)])
    assert _incoming(db, pid) == {"HZ": 0, "BJ": 0} and level(db, pid, "HZ") == (10, 0)
    assert [m[1:4] for m in moves(db, pid)] == [("receipt", 6, number), ("receipt", 4, number)]

    with pytest.raises(NotFound, match=f"no open receipt {number}"):
        stock_operations.receive(db, "store", "HZ", [(pid, 1)], receipt_number=number)
    assert stock.verify(db) == []


def test_receipt_for_another_warehouse_is_refused_and_nothing_is_written(whs):
    db = whs
    pid = make_product(db)
    number = stock_operations.expect_receipt(db, "buyer", "HZ", [(pid, 10)])

    with pytest.raises(InvalidInput, match=f"receipt {number} is for another warehouse"):
        stock_operations.receive(db, "store", "BJ", [(pid, 10)], receipt_number=number)

    assert moves(db, pid) == [] and level(db, pid, "BJ") == (0, 0)
    assert _receipt(db, number) == ("open", [(pid, 10, 0)])


@pytest.mark.parametrize("qty", [0, -3, True])
def test_receipt_quantity_must_be_a_whole_number_above_zero(whs, qty):
    db = whs
    pid = make_product(db)
    with pytest.raises(InvalidInput, match="whole number above 0"):
        stock_operations.receive(db, "store", "HZ", [(pid, qty)])
    assert moves(db, pid) == []


def test_receipt_into_an_unknown_or_closed_warehouse_is_refused(whs):
    db = whs
    pid = make_product(db)
    with db.write() as s:
        s.add(Warehouse(code="OLD", name="closed", active=False))
    for code in ("XX", "OLD"):
        with pytest.raises(NotFound, match=f"no active warehouse '{code}'"):
            stock_operations.receive(db, "store", code, [(pid, 1)])
    with pytest.raises(NotFound, match="no product with id 99999"):
        stock_operations.receive(db, "store", "HZ", [(99999, 1)])
    assert moves(db, pid) == []


# -- transfers ---------------------------------------------------------------------------------


def test_transfer_moves_free_stock_as_two_moves(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 10)

    out = stock_operations.transfer(db, "store", pid, "HZ", "BJ", 4, reason="North is short")

    assert out.number == "HZ->BJ" and out.moves == 2
    assert level(db, pid, "HZ") == (6, 0) and level(db, pid, "BJ") == (4, 0)
    assert moves(db, pid)[1:] == [("HZ", "transfer_out", -4, "HZ->BJ", "North is short"),
                                  ("BJ", "transfer_in", 4, "HZ->BJ", "North is short")]  # fmt: skip
    assert stock.verify(db) == []


def test_reserved_stock_cannot_be_transferred(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 10)
    oid = approved(db, customer(db), [(pid, 8)])
    allocation.allocate_order(db, "auditor", oid)

    with pytest.raises(InvalidInput) as err:
        stock_operations.transfer(db, "store", pid, "HZ", "BJ", 3)

    assert str(err.value) == "only 2 free to move (10 on hand, 8 reserved)"
    assert err.value.field == "qty"
    assert level(db, pid, "HZ") == (10, 8) and level(db, pid, "BJ") == (0, 0)
    assert len(moves(db, pid)) == 1  # the receipt only: nothing half-written
    stock_operations.transfer(db, "store", pid, "HZ", "BJ", 2)
    assert level(db, pid, "HZ") == (8, 8) and level(db, pid, "BJ") == (2, 0)
    assert held(db, oid) == {"HZ": 8}
    assert stock.verify(db) == []


def test_transfer_to_the_same_warehouse_is_refused(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 10)
    with pytest.raises(InvalidInput, match="two different warehouses"):
        stock_operations.transfer(db, "store", pid, "HZ", "hz", 1)
    assert level(db, pid, "HZ") == (10, 0)


# -- adjustments -------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_adjustment_needs_a_reason(whs, reason):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 10)
    with pytest.raises(InvalidInput, match="a reason is required") as err:
        stock_operations.adjust(db, "manager", pid, "HZ", -1, reason)
    assert err.value.field == "reason"
    assert level(db, pid, "HZ") == (10, 0) and len(moves(db, pid)) == 1


def test_adjustment_writes_a_move_with_its_reason(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 10)

    stock_operations.adjust(db, "manager", pid, "HZ", -3, "  dropped by forklift ")
    stock_operations.adjust(db, "manager", pid, "BJ", 2, "found behind a shelf")

    assert moves(db, pid)[1:] == [("HZ", "adjustment", -3, "", "dropped by forklift"),
                                  ("BJ", "adjustment", 2, "", "found behind a shelf")]  # fmt: skip
    assert level(db, pid, "HZ") == (7, 0) and level(db, pid, "BJ") == (2, 0)
    with pytest.raises(InvalidInput, match="only 7 on hand: cannot take away 8"):
        stock_operations.adjust(db, "manager", pid, "HZ", -8, "lost")
    with pytest.raises(InvalidInput, match="not 0"):
        stock_operations.adjust(db, "manager", pid, "HZ", 0, "nothing")
    assert stock.verify(db) == []


def test_adjustment_up_fills_waiting_orders(whs):
    db = whs
    pid = make_product(db)
    oid = approved(db, customer(db), [(pid, 2)])
    allocation.allocate_order(db, "auditor", oid)
    assert status(db, oid) == S.BACKORDERED

    out = stock_operations.adjust(db, "manager", pid, "HZ", 2, "found in returns cage")

    assert [r.order_id for r in out.filled] == [oid]
    assert status(db, oid) == S.ALLOCATED and held(db, oid) == {"HZ": 2}


# -- stocktakes --------------------------------------------------------------------------------


def _product(db, code: str, barcode: str) -> int:
    return make_product(db, code=code, barcode=barcode, name=f"灯 {code}")


def test_stocktake_counts_scans_and_posts_differences_as_adjustments(whs):
    db = whs
    a, b, c = (_product(db, "ST-A", "6900000000011"), _product(db, "ST-B", "6900000000028"),
               _product(db, "ST-C", "6900000000035"))  # fmt: skip
    receive(db, "HZ", a, 3)
    receive(db, "HZ", b, 2)
    receive(db, "HZ", c, 5)

    st = stock_operations.start_stocktake(db, "counter", "HZ")
    assert st.number == f"ST-{YEAR}-000001" and st.status == "open" and st.counts == ()
    assert stock_operations.start_stocktake(db, "other", "HZ").id == st.id  # the open one

    for scan in ("6900000000011", "st-a", "ST-A", "ST-A", "6900000000028", "6900000000028"):
        stock_operations.record_count(db, "counter", st.id, scan)
    view = stock_operations.record_count(db, "counter", st.id, "ST-A")
    assert (view.code, view.counted, view.book, view.difference) == ("ST-A", 5, 3, 2)

    view = stock_operations.get_stocktake(db, st.id)
    assert [(x.code, x.counted, x.book) for x in view.counts] == [("ST-A", 5, 3), ("ST-B", 2, 2)]
    assert [x.code for x in view.differences] == ["ST-A"]

    # A recount replaces; a count of 0 is allowed with replace.
    stock_operations.record_count(db, "counter", st.id, "ST-B", 1, replace=True)

    out = stock_operations.post_stocktake(db, "manager", st.id, "year-end count")

    assert out.number == st.number and out.moves == 2
    assert moves(db, a)[-1] == (
        "HZ",
        "adjustment",
        2,
        st.number,
        f"stocktake {st.number}: counted 5, book 3; year-end count",
    )
    assert moves(db, b)[-1] == (
        "HZ",
        "adjustment",
        -1,
        st.number,
        f"stocktake {st.number}: counted 1, book 2; year-end count",
    )
    assert len(moves(db, c)) == 1  # not counted: left alone
    assert level(db, a, "HZ") == (5, 0) and level(db, b, "HZ") == (1, 0)
    assert level(db, c, "HZ") == (5, 0)
    posted = stock_operations.get_stocktake(db, st.id)
    assert posted.status == "posted"
    assert [(x.code, x.counted, x.book) for x in posted.counts] == [("ST-A", 5, 3), ("ST-B", 1, 2)]
    with db.read() as s:
        books = sorted(s.exec(select(StocktakeCount.book_qty)).all())
    assert books == [2, 3]
    assert stock.verify(db) == []

    with pytest.raises(InvalidInput, match="is posted; start a new one"):
        stock_operations.post_stocktake(db, "manager", st.id, "again")
    with pytest.raises(InvalidInput, match="is posted"):
        stock_operations.record_count(db, "counter", st.id, "ST-A")
    assert stock_operations.start_stocktake(db, "counter", "HZ").id != st.id


def test_stocktake_refusals(whs):
    db = whs
    _product(db, "ST-X", "6900000000042")
    st = stock_operations.start_stocktake(db, "counter", "HZ")
    with pytest.raises(InvalidInput, match="a reason is required"):
        stock_operations.post_stocktake(db, "manager", st.id, " ")
    with pytest.raises(InvalidInput, match="has no counts yet"):
        stock_operations.post_stocktake(db, "manager", st.id, "count")
    with pytest.raises(NotFound, match="no product with code or barcode 'NOPE'"):
        stock_operations.record_count(db, "counter", st.id, "NOPE")
    with pytest.raises(InvalidInput, match="above 0"):
        stock_operations.record_count(db, "counter", st.id, "ST-X", 0)
    with pytest.raises(NotFound, match="no stocktake with id 999"):
        stock_operations.record_count(db, "counter", 999, "ST-X")

    stock_operations.cancel_stocktake(db, "manager", st.id)
    assert stock_operations.get_stocktake(db, st.id).status == "cancelled"
    with pytest.raises(InvalidInput, match="is cancelled"):
        stock_operations.record_count(db, "counter", st.id, "ST-X")


def test_stocktake_gain_fills_waiting_orders(whs):
    db = whs
    pid = _product(db, "ST-G", "6900000000059")
    oid = approved(db, customer(db), [(pid, 3)])
    allocation.allocate_order(db, "auditor", oid)
    st = stock_operations.start_stocktake(db, "counter", "HZ")
    stock_operations.record_count(db, "counter", st.id, "ST-G", 3)

    out = stock_operations.post_stocktake(db, "manager", st.id, "found on a pallet")

    assert [r.order_id for r in out.filled] == [oid]
    assert status(db, oid) == S.ALLOCATED and level(db, pid, "HZ") == (3, 3)
    assert stock.verify(db) == []
