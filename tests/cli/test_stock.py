"""`oms stock ...`: verify, show, receive (filling a backorder), reorder CSV, allocate."""

from __future__ import annotations

import csv
import io

from sqlmodel import select

from oms_tui.models import OrderLine, StockLevel, Warehouse
from oms_tui.services.inventory import stock
from oms_tui.services.platform.users import ensure_user
from oms_tui.services.sales import orders
from oms_tui.services.states.order_states import OrderStatus as S
from tests.cli.runner import oms
from tests.factories import make_customer, make_product


def _warehouse(db, code: str = "HZ", region: str = "East") -> int:
    with db.write() as s:
        wh = Warehouse(code=code, name=f"{code} 仓", region=region)
        s.add(wh)
        s.flush()
        return wh.id


def test_receive_fills_a_backorder_and_verify_agrees(sqlite_db):
    _warehouse(sqlite_db)
    pid = make_product(sqlite_db, code="LAMP-1", barcode="6900000000011")
    customer = make_customer(sqlite_db)
    view = orders.create_order(sqlite_db, "t", customer.id, [orders.NewLine(pid, 3)], submit=True)
    orders.transition(sqlite_db, "t", view.id, S.APPROVED, "ok")
    allocated = oms("--db", sqlite_db.url, "stock", "allocate")
    assert allocated.exit_code == 0, allocated.stderr
    assert f"{view.number}\tbackordered\tL1 3 backordered" in allocated.stdout

    ensure_user(sqlite_db, "仓管", "warehouse")  # a login name in Chinese, acted for
    received = oms("--db", sqlite_db.url, "--user", "仓管", "stock", "receive", "hz",
                   "6900000000011", "5", "--supplier", "宁波灯具厂")  # fmt: skip
    assert received.exit_code == 0, received.stderr
    assert "PR-2026-000001: 5 x LAMP-1 received into HZ" in received.stderr
    assert received.stdout.startswith(f"{view.number}\tallocated\tL1 3 from HZ")
    assert orders.get_order_by_id(sqlite_db, view.id).status == S.ALLOCATED

    shown = oms("--db", sqlite_db.url, "stock", "show", "lamp-1")
    assert shown.exit_code == 0, shown.stderr
    assert "HZ                 5         3         2" in shown.stdout

    ok = oms("--db", sqlite_db.url, "stock", "verify")
    assert ok.exit_code == 0 and "agree" in ok.stderr
    with sqlite_db.write() as s:  # tamper behind the ledger's back
        level = s.exec(select(StockLevel).where(StockLevel.product_id == pid)).one()
        level.on_hand = 7
        s.add(level)
    bad = oms("--db", sqlite_db.url, "stock", "verify")
    assert bad.exit_code == 1
    assert "LAMP-1 @ HZ: on hand is 7, the ledger says 5" in bad.stdout
    assert bad.stderr.strip() == "oms: 1 differences between stock levels and the ledger"


def test_bad_input_is_one_line(sqlite_db):
    _warehouse(sqlite_db)
    make_product(sqlite_db, code="LAMP-2")
    nowhere = oms("--db", sqlite_db.url, "stock", "receive", "XX", "LAMP-2", "5")
    assert nowhere.exit_code == 1 and nowhere.stderr.strip() == "oms: no active warehouse 'XX'"
    zero = oms("--db", sqlite_db.url, "stock", "receive", "HZ", "LAMP-2", "0")
    assert zero.exit_code == 1
    assert zero.stderr.strip() == "oms: the quantity must be a whole number above 0"
    unknown = oms("--db", sqlite_db.url, "stock", "show", "NOPE")
    assert unknown.stderr.strip() == "oms: no product with code or barcode 'NOPE'"
    split = oms("--db", sqlite_db.url, "settings", "stock_split_lines", "2")
    assert split.exit_code == 1 and "stock_split_lines must be 0" in split.stderr
    fine = oms("--db", sqlite_db.url, "settings", "stock_split_lines", "0")
    assert "stock_split_lines        0" in fine.stdout


def test_reorder_csv_lists_what_to_buy(sqlite_db, tmp_path):
    wid = _warehouse(sqlite_db)
    pid = make_product(sqlite_db, code="LAMP-3", name="吸顶灯", lead_time_days=10)
    from oms_tui.services.fulfilment import stock_operations

    stock_operations.receive(sqlite_db, "t", "HZ", [(pid, 40)])
    customer = make_customer(sqlite_db)
    view = orders.create_order(sqlite_db, "t", customer.id, [orders.NewLine(pid, 30)], submit=True)
    orders.transition(sqlite_db, "t", view.id, S.APPROVED, "ok")
    oms("--db", sqlite_db.url, "stock", "allocate")
    with sqlite_db.write() as s:
        line_id = s.exec(select(OrderLine.id)).one()
        stock.issue_in(s, "t", view.id, {line_id: 30}, "SH-TEST")
    out = tmp_path / "reorder.csv"
    result = oms("--db", sqlite_db.url, "stock", "reorder", "--days", "30", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    # 30 issued in 30 days: 1.00 a day x 10 days lead = reorder at 10; 10 free
    assert rows == [{
        "product_code": "LAMP-3", "product_name": "吸顶灯", "warehouse": "HZ", "on_hand": "10",
        "reserved": "0", "available": "10", "incoming": "0", "daily_demand": "1.00",
        "lead_time_days": "10", "safety_stock": "0", "reorder_point": "10",
        "suggested_qty": "10",
    }]  # fmt: skip
    applied = oms("--db", sqlite_db.url, "stock", "reorder", "--apply")
    assert "1 reorder points updated" in applied.stderr
    with sqlite_db.read() as s:
        level = s.exec(select(StockLevel).where(StockLevel.warehouse_id == wid)).one()
    assert level.reorder_point == 10


def test_warehouse_order_and_expected_goods(sqlite_db):
    _warehouse(sqlite_db, "HZ", "East")
    _warehouse(sqlite_db, "GZ", "South")
    make_product(sqlite_db, code="LAMP-4")
    ranked = oms("--db", sqlite_db.url, "stock", "rank", "gz", "0")
    assert ranked.exit_code == 0 and ranked.stderr.strip() == (
        "GZ is now rank 0 in the allocation order"
    )
    oms("--db", sqlite_db.url, "stock", "rank", "HZ", "5")
    listed = oms("--db", sqlite_db.url, "stock", "warehouses").stdout.splitlines()
    assert [line.split()[:3] for line in listed] == [["GZ", "rank", "0"], ["HZ", "rank", "5"]]
    bad = oms("--db", sqlite_db.url, "stock", "rank", "HZ", "-1")
    assert bad.exit_code != 0

    expected = oms("--db", sqlite_db.url, "stock", "expect", "HZ", "LAMP-4", "20",
                   "--supplier", "宁波灯具厂", "--date", "2026-12-05")  # fmt: skip
    assert expected.exit_code == 0, expected.stderr
    number = expected.stdout.strip()
    assert number == "PR-2026-000001"
    shown = oms("--db", sqlite_db.url, "stock", "show", "LAMP-4").stdout
    assert "HZ                 0         0         0        20" in shown
    got = oms("--db", sqlite_db.url, "stock", "receive", "HZ", "LAMP-4", "20", "--receipt",
              number.lower())  # fmt: skip
    assert got.exit_code == 0, got.stderr
    shown = oms("--db", sqlite_db.url, "stock", "show", "LAMP-4").stdout
    assert "HZ                20         0        20         0" in shown


def test_a_chinese_clerk_reads_allocations_differences_and_refusals_in_chinese(sqlite_db):
    """`LANG=zh_CN.UTF-8 oms stock ...`: what allocating did, a ledger difference and a
    refusal, each in Chinese, codes and numbers as they are."""
    from oms_tui import i18n

    _warehouse(sqlite_db)
    pid = make_product(sqlite_db, code="LAMP-3")
    customer = make_customer(sqlite_db)
    view = orders.create_order(sqlite_db, "t", customer.id, [orders.NewLine(pid, 3)], submit=True)
    orders.transition(sqlite_db, "t", view.id, S.APPROVED, "ok")
    before = i18n.current_language()
    i18n.set_language("zh_CN")  # what the locale's LANG=zh_CN.UTF-8 gives the command line
    try:
        allocated = oms("--db", sqlite_db.url, "stock", "allocate")
        received = oms("--db", sqlite_db.url, "stock", "receive", "hz", "LAMP-3", "2")
        with sqlite_db.write() as s:  # tamper behind the ledger's back
            level = s.exec(select(StockLevel).where(StockLevel.product_id == pid)).one()
            level.on_hand = 7
            s.add(level)
        bad = oms("--db", sqlite_db.url, "stock", "verify")
        nowhere = oms("--db", sqlite_db.url, "stock", "receive", "XX", "LAMP-3", "5")
    finally:
        i18n.set_language(before)
    assert f"{view.number}\tbackordered\t第 1 行缺货待发 3" in allocated.stdout
    assert received.stdout.startswith(
        f"{view.number}\tpartially_backordered\t第 1 行从 HZ 分配 2（客户所在地区 East）；"
        "第 1 行缺货待发 1")  # fmt: skip
    assert "LAMP-3 @ HZ：现存为 7，库存流水为 2" in bad.stdout
    assert nowhere.stderr.strip() == "oms: 没有启用的仓库“XX”"
