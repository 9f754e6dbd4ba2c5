"""Stock reading and the ledger: the stock card, moves, low stock, reorder suggestions and
their CSV, and ``verify`` (which must notice a level that disagrees with its ledger)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from oms_tui.models import OrderLine, ProductionOrder, StockLevel, StockMove, Warehouse
from oms_tui.services.fulfilment import allocation, stock_operations
from oms_tui.services.inventory import stock
from oms_tui.services.platform.errors import InvalidInput, NotFound
from oms_tui.services.production import stages
from oms_tui.services.sales import orders
from oms_tui.services.states.order_states import OrderStatus as S
from tests.audit_factories import set_product
from tests.factories import make_product
from tests.stock_factories import approved, customer, level, receive, warehouse


@pytest.fixture
def whs(db):
    warehouse(db, "HZ", region="East", rank=0)
    warehouse(db, "BJ", region="North", rank=1)
    return db


def _wh_id(db, code: str) -> int:
    with db.read() as s:
        return s.exec(select(Warehouse.id).where(Warehouse.code == code)).one()


def _set_level(db, pid: int, wh: str, **fields) -> None:
    """Straight to the row, as a careless script would (or for planning fields)."""
    with db.write() as s:
        s.execute(
            update(StockLevel)
            .where(StockLevel.product_id == pid, StockLevel.warehouse_id == _wh_id(db, wh))
            .values(**fields)
        )


def _ship(db, pid: int, qty: int, wh: str = "HZ") -> list[int]:
    """An order reserved and issued: the issue moves are the demand. Returns move ids."""
    oid = approved(db, customer(db), [(pid, qty)])
    allocation.allocate_order(db, "auditor", oid)
    with db.read() as s:
        line_id = s.exec(select(OrderLine.id).where(OrderLine.order_id == oid)).one()
    with db.write() as s:
        stock.issue_in(s, "packer", oid, {line_id: qty}, f"SH-{oid}", _wh_id(db, wh))
    with db.read() as s:
        return list(s.exec(select(StockMove.id).where(StockMove.order_id == oid)).all())


def _backdate(db, move_ids: list[int], days: int) -> None:
    with db.write() as s:
        s.execute(
            update(StockMove).where(StockMove.id.in_(move_ids))
            .values(created_at=datetime.now(UTC) - timedelta(days=days))
        )  # fmt: skip


# -- primitives --------------------------------------------------------------------------------


def test_lock_levels_creates_a_row_per_warehouse(whs):
    db = whs
    pid = make_product(db)
    with db.write() as s:
        levels = stock.lock_levels(s, [pid])
    assert sorted(levels) == sorted([(pid, _wh_id(db, "HZ")), (pid, _wh_id(db, "BJ"))])
    assert all((lv.on_hand, lv.reserved) == (0, 0) for lv in levels.values())
    assert stock.verify(db) == []


def test_lock_levels_reads_the_rows_once_when_they_exist(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 5)  # the rows exist now
    seen: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.write() as s:
            levels = stock.lock_levels(s, [pid])
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert levels[(pid, _wh_id(db, "HZ"))].on_hand == 5 and len(levels) == 2
    assert len([q for q in seen if "FROM stock_level" in q]) == 1


def test_add_move_refuses_nothing_unknown_and_reserved_stock(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 5)
    oid = approved(db, customer(db), [(pid, 4)])
    allocation.allocate_order(db, "auditor", oid)
    key = (pid, _wh_id(db, "HZ"))
    for qty, kind, msg in [(0, stock.ADJUSTMENT, "changes nothing"),
                           (1, "gift", "unknown stock move kind"),
                           (-2, stock.ADJUSTMENT, "only 1 free to move")]:  # fmt: skip
        with pytest.raises(InvalidInput, match=msg), db.write() as s:
            stock.add_move(s, stock.lock_levels(s, [pid])[key], qty, kind, "t", reason="x")
    assert level(db, pid, "HZ") == (5, 4)
    with pytest.raises(InvalidInput, match="cannot reserve 2: 1 available"), db.write() as s:
        with db.read() as r:
            line = r.exec(select(OrderLine).where(OrderLine.order_id == oid)).one()
        stock.reserve(s, stock.lock_levels(s, [pid])[key], line, 2, "test")
    assert level(db, pid, "HZ") == (5, 4)


def test_the_database_refuses_more_reserved_than_on_hand(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 3)
    with pytest.raises(IntegrityError):
        _set_level(db, pid, "HZ", reserved=4)
    with pytest.raises(IntegrityError):
        _set_level(db, pid, "HZ", reserved=-1)
    assert level(db, pid, "HZ") == (3, 0)


# -- the stock card and the ledger -------------------------------------------------------------


def test_stock_card_per_warehouse(whs):
    db = whs
    pid = make_product(db, code="LAMP-9", barcode="6901234567892", name="吸顶灯",
                       model="X1", colour="white")  # fmt: skip
    receive(db, "HZ", pid, 10)
    receive(db, "BJ", pid, 2)
    stock_operations.expect_receipt(db, "buyer", "BJ", [(pid, 20)])
    oid = approved(db, customer(db), [(pid, 13)])
    allocation.allocate_order(db, "auditor", oid)  # 10 from HZ, 2 from BJ, 1 backordered
    _set_level(db, pid, "HZ", reorder_point=3, bin="A-01-3")

    card = stock.stock_card(db, pid)

    assert (card.code, card.barcode, card.name, card.description) == (
        "LAMP-9", "6901234567892", "吸顶灯", "X1 white")  # fmt: skip
    rows = [(w.code, w.on_hand, w.reserved, w.available, w.incoming, w.reorder_point, w.low,
             w.bin) for w in card.warehouses]  # fmt: skip
    assert rows == [("HZ", 10, 10, 0, 0, 3, True, "A-01-3"),
                    ("BJ", 2, 2, 0, 20, 0, False, "")]  # no reorder point: never "low"  # fmt: skip
    assert (card.on_hand, card.reserved, card.available, card.incoming) == (12, 12, 0, 20)
    assert card.backordered == 1
    assert stock.find_stock_card(db, "lamp-9").product_id == pid
    assert stock.find_stock_card(db, " 6901234567892 ").product_id == pid
    with pytest.raises(NotFound, match="no product with code or barcode 'LAMP-0'"):
        stock.find_stock_card(db, "LAMP-0")
    with pytest.raises(InvalidInput):
        stock.find_stock_card(db, "  ")
    with pytest.raises(NotFound):
        stock.stock_card(db, 99999)


def test_backordered_counts_more_waiting_lines_than_sqlite_binds(whs):
    """32,766 is SQLite's default limit of bound variables: the count passes no line ids."""
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 5)
    oid = approved(db, customer(db), [(pid, 2), (pid, 10)])
    allocation.allocate_order(db, "auditor", oid)  # 2 + 3 reserved, 7 backordered
    extra = 33_000
    cols = [c.name for c in OrderLine.__table__.columns if c.name not in ("id", "line_no")]
    with db.write() as s:  # as many one-unit lines more, copies of line 1, in one statement
        s.execute(text(
            f"INSERT INTO order_line (line_no, {', '.join(cols)}) "
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :extra) "
            f"SELECT 100 + n.i, {', '.join('ol.' + c for c in cols)} FROM order_line ol, n "
            "WHERE ol.order_id = :oid AND ol.line_no = 1"
        ).bindparams(extra=extra, oid=oid))  # fmt: skip
        s.execute(update(OrderLine).where(OrderLine.order_id == oid, OrderLine.line_no > 100)
                  .values(qty=1))  # fmt: skip
    with db.read() as s:
        if db.dialect == "sqlite":  # as a stock SQLite build (Debian's allows 250,000)
            raw = s.connection().connection.driver_connection
            raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32_766)
        assert stock.backordered_qty(s, pid) == 7 + extra
    assert stock.stock_card(db, pid).backordered == 7 + extra


def test_ledger_newest_first_a_page_at_a_time(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 10)
    stock_operations.transfer(db, "store", pid, "HZ", "BJ", 4, reason="rebalance")
    stock_operations.adjust(db, "manager", pid, "BJ", -1, "broken")
    _ship(db, pid, 2)

    everything = stock.ledger(db, pid)
    assert [(m.warehouse_code, m.kind, m.qty) for m in everything] == [
        ("HZ", "issue", -2), ("BJ", "adjustment", -1), ("BJ", "transfer_in", 4),
        ("HZ", "transfer_out", -4), ("HZ", "receipt", 10),
    ]  # fmt: skip
    assert everything[1].reason == "broken" and everything[1].actor == "manager"
    first = stock.ledger(db, pid, limit=2)
    second = stock.ledger(db, pid, before=first[-1], limit=2)
    third = stock.ledger(db, pid, before=second[-1], limit=2)
    assert [m.id for m in first + second + third] == [m.id for m in everything]
    assert [m.kind for m in stock.ledger(db, pid, warehouse_id=_wh_id(db, "BJ"))] == [
        "adjustment", "transfer_in"]  # fmt: skip


def test_below_reorder_point_lists_the_furthest_below_first(whs):
    db = whs
    a = make_product(db, code="LOW-A")
    b = make_product(db, code="LOW-B")
    c = make_product(db, code="LOW-C")
    mto = make_product(db, code="LOW-M")
    set_product(db, mto, made_to_order=True)
    for pid, qty in ((a, 5), (b, 1), (c, 20), (mto, 1)):
        receive(db, "HZ", pid, qty)
    for pid in (a, b, c, mto):
        _set_level(db, pid, "HZ", reorder_point=6)

    rows = stock.below_reorder_point(db)

    assert [(r.code, r.warehouse_code, r.available, r.reorder_point) for r in rows] == [
        ("LOW-B", "HZ", 1, 6), ("LOW-A", "HZ", 5, 6)]  # fmt: skip


# -- reorder suggestions -----------------------------------------------------------------------


def _reorder_setup(db) -> int:
    """85 in; 30 shipped 40 days ago (outside the window), 45 shipped lately; 10 left,
    2 on their way; lead time 7 days, safety stock 5."""
    pid = make_product(db, code="LAMP-R", name="Ceiling lamp 吸顶灯")
    set_product(db, pid, lead_time_days=7)
    receive(db, "HZ", pid, 85)
    _backdate(db, _ship(db, pid, 30), days=40)
    _ship(db, pid, 45)
    _set_level(db, pid, "HZ", safety_stock=5)
    stock_operations.expect_receipt(db, "buyer", "HZ", [(pid, 2)])
    return pid


def test_reorder_point_is_daily_demand_times_lead_time_plus_safety_stock(whs):
    db = whs
    pid = _reorder_setup(db)

    rows = stock.reorder_suggestions(db, days=30)

    assert len(rows) == 1
    r = rows[0]
    assert (r.product_id, r.warehouse_code, r.on_hand, r.reserved, r.incoming) == (
        pid, "HZ", 10, 0, 2)  # fmt: skip
    # 45 units / 30 days = 1.50 a day; x 7 days = 10.5 -> 11; + 5 safety = 16.
    assert (r.daily_demand, r.lead_time_days, r.safety_stock, r.reorder_point) == (
        "1.50", 7, 5, 16)  # fmt: skip
    # Free 10 + incoming 2 = 12 <= 16: top up to 16 + one lead time's demand (11): 15.
    assert r.suggested_qty == 15 and r.current_reorder_point == 0


def test_reorder_window_comes_from_the_setting_and_includes_older_demand(whs):
    db = whs
    _reorder_setup(db)
    stock.set_stock_setting(db, "admin", "stock_demand_days", 60)

    (r,) = stock.reorder_suggestions(db)

    # 75 units / 60 days = 1.25 a day; x 7 = 8.75 -> 9; + 5 = 14. Position 12 -> 14 + 9 - 12.
    assert (r.daily_demand, r.reorder_point, r.suggested_qty) == ("1.25", 14, 11)


def test_reorder_nothing_needed_when_stock_covers_the_point(whs):
    db = whs
    pid = _reorder_setup(db)
    receive(db, "HZ", pid, 5)  # free 15 + incoming 2 = 17 > 16

    assert stock.reorder_suggestions(db, days=30) == []
    every = stock.reorder_suggestions(db, days=30, only_needed=False)
    assert [(r.warehouse_code, r.reorder_point, r.suggested_qty) for r in every] == [
        ("HZ", 16, 0), ("BJ", 0, 0)]  # fmt: skip
    with pytest.raises(InvalidInput, match="at least 1"):
        stock.reorder_suggestions(db, days=-1)


def test_reorder_csv_for_purchasing(whs):
    db = whs
    _reorder_setup(db)

    text = stock.reorder_csv(stock.reorder_suggestions(db, days=30))

    assert text == (
        "product_code,product_name,warehouse,on_hand,reserved,available,incoming,daily_demand,"
        "lead_time_days,safety_stock,reorder_point,suggested_qty\r\n"
        "LAMP-R,Ceiling lamp 吸顶灯,HZ,10,0,10,2,1.50,7,5,16,15\r\n"
    )


def test_applied_reorder_points_drive_the_low_stock_list(whs):
    db = whs
    pid = _reorder_setup(db)
    rows = stock.reorder_suggestions(db, days=30, only_needed=False)

    assert stock.apply_reorder_points(db, "buyer", rows) == 1
    assert stock.apply_reorder_points(db, "buyer", rows) == 0

    assert level(db, pid, "HZ") == (10, 0)
    assert [(r.code, r.available, r.reorder_point) for r in stock.below_reorder_point(db)] == [
        ("LAMP-R", 10, 16)]  # fmt: skip
    assert stock.verify(db) == []


# -- verify ------------------------------------------------------------------------------------


def test_verify_is_empty_on_consistent_data(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 10)
    stock_operations.transfer(db, "store", pid, "HZ", "BJ", 3)
    _ship(db, pid, 2)
    oid = approved(db, customer(db), [(pid, 4)])
    allocation.allocate_order(db, "auditor", oid)
    assert stock.verify(db) == []


def test_verify_reports_a_level_changed_behind_the_ledger(whs):
    db = whs
    pid = make_product(db, code="TAMPER")
    receive(db, "HZ", pid, 10)

    _set_level(db, pid, "HZ", on_hand=12)

    diffs = stock.verify(db)
    assert diffs == [stock.Difference("TAMPER", "HZ", "on hand", 12, 10)]
    assert str(diffs[0]) == "TAMPER @ HZ: on hand is 12, the ledger says 10"


def test_verify_reports_reserved_without_allocations(whs):
    db = whs
    pid = make_product(db, code="GHOST")
    receive(db, "HZ", pid, 10)

    _set_level(db, pid, "HZ", reserved=3)

    assert stock.verify(db) == [stock.Difference("GHOST", "HZ", "reserved", 3, 0)]


def test_verify_reports_moves_with_no_level_row(whs):
    db = whs
    pid = make_product(db, code="NOROW")
    with db.write() as s:
        s.add(StockMove(product_id=pid, warehouse_id=_wh_id(db, "BJ"), qty=7, kind="receipt",
                        actor="script"))  # fmt: skip

    assert stock.verify(db) == [stock.Difference("NOROW", "BJ", "on hand", 0, 7)]


def test_reorder_window_starts_at_midnight(whs):
    """``today`` moves the window: demand shipped now is outside a window that ended
    before it."""
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 10)
    _ship(db, pid, 6)
    later = date.today() + timedelta(days=40)
    rows = stock.reorder_suggestions(db, days=30, today=later, only_needed=False)
    assert {r.daily_demand for r in rows if r.product_id == pid} == {"0.00"}


# -- reorder: materials used in production -------------------------------------------------------


def _door_shop(db) -> dict[str, int]:
    """The door line's shop (tests/services/test_production.py): 30 oak boards, 3 a door;
    oak bought 30 days ahead, 16 kept as safety stock. A 4-door order started 40 days ago
    and cancelled today (its 12 boards back, today); a 2-door order started (6 used); a
    3-door one started and cancelled (9 used, 9 back); a 1-door one planned (3 reserved)."""
    from tests.services.test_production import _doors, _order_of

    ids = _doors(db)
    set_product(db, ids["oak"], lead_time_days=30)
    _set_level(db, ids["oak"], "HZ", safety_stock=16)

    def started(doors: int) -> tuple[int, str]:
        oid = _order_of(db, [(ids["door"], doors, "")])
        with db.read() as s:
            po = s.exec(select(ProductionOrder).where(ProductionOrder.order_id == oid)).one()
        stages.start(db, "liu", po.id)
        return oid, po.number

    old, old_number = started(4)
    with db.read() as s:
        used = list(s.exec(select(StockMove.id).where(StockMove.reference == old_number)).all())
    _backdate(db, used, days=40)
    started(2)
    ids["cancelled"], _ = started(3)
    ids["planned"] = _order_of(db, [(ids["door"], 1, "")])
    for oid in (ids["cancelled"], old):
        orders.transition(db, "manager", oid, S.CANCELLED, "customer cancelled")
    return ids


def test_reorder_counts_materials_used_in_production_net_of_returns(db):
    ids = _door_shop(db)
    assert level(db, ids["oak"], "HZ") == (24, 3)  # 30 - 6 used; the planned door holds 3

    (oak,) = [r for r in stock.reorder_suggestions(db, days=30) if r.code == "RM-OAK"]

    # Demand in 30 days: the 2 doors' 6 boards. The cancelled 3 doors' 9 came back (net 0);
    # the 12 returned today were used 40 days ago, before the window: they lower nothing.
    # 6 / 30 = 0.20 a day; x 30 days lead time = 6; + 16 safety = 22.
    assert (oak.daily_demand, oak.reorder_point) == ("0.20", 22)
    # Free 24 - 3 reserved for the planned door = 21 <= 22: up to 22 + 6 - 21 = 7.
    assert (oak.on_hand, oak.reserved, oak.available, oak.incoming) == (24, 3, 21, 0)
    assert oak.suggested_qty == 7
    text = stock.reorder_csv(stock.reorder_suggestions(db, days=30))
    assert "RM-OAK,橡木板 Oak board,HZ,24,3,21,0,0.20,30,16,22,7\r\n" in text
    assert stock.verify(db) == []


def test_reorder_demand_of_materials_leaves_the_window_with_their_use(db):
    ids = _door_shop(db)
    later = date.today() + timedelta(days=31)

    rows = stock.reorder_suggestions(db, days=30, today=later, only_needed=False)

    oak = next(r for r in rows if r.product_id == ids["oak"])
    assert (oak.daily_demand, oak.reorder_point) == ("0.00", 16)


def test_a_material_reserved_for_production_is_not_free_for_the_low_stock_list(db):
    from tests.services.test_production import _doors, _order_of

    ids = _doors(db)
    _set_level(db, ids["oak"], "HZ", reorder_point=10)
    assert stock.below_reorder_point(db) == []  # 30 free

    _order_of(db, [(ids["door"], 7, "")])  # plans 7 doors: 21 of the 30 boards reserved

    assert [(r.code, r.on_hand, r.reserved, r.available, r.reorder_point)
            for r in stock.below_reorder_point(db)] == [("RM-OAK", 30, 21, 9, 10)]  # fmt: skip
