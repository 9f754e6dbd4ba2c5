"""`oms import orders | template | alias`, `oms export orders`: exit codes, the error
report, dry run, and the round trip (an export imported into an empty database)."""

from __future__ import annotations

import csv
import io
import json

from sqlmodel import select

from oms_tui.models import Customer, Order, OrderLine, Product
from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database
from oms_tui.services.sales import orders
from tests.factories import make_customer, make_product
from tests.test_cli import oms


def _catalog(db):
    catalog = (("LAMP-1", 8_900, "吸顶灯"), ("BULB-2", 1_200, "灯泡"))
    return {code: make_product(db, code=code, price_minor=price, name=name)
            for code, price, name in catalog}  # fmt: skip


def _snapshot(db):
    with db.read() as s:
        out = []
        for o in s.exec(select(Order).order_by(Order.id)).all():
            lines = s.exec(select(Product.code, OrderLine.qty, OrderLine.unit_price_minor)
                           .join(Product, Product.id == OrderLine.product_id)
                           .where(OrderLine.order_id == o.id)
                           .order_by(OrderLine.line_no)).all()  # fmt: skip
            out.append((s.get(Customer, o.customer_id).name, o.ship_to_address,
                        o.payment_method, [tuple(x) for x in lines]))  # fmt: skip
        return out


def test_import_reports_bad_rows_and_exits_1(sqlite_db, tmp_path):
    _catalog(sqlite_db)
    template = oms("import", "template").stdout
    header = template.splitlines()[0]
    f = tmp_path / "orders.csv"
    body = (
        "\nA1,,李娜,13912345678,上海市 浦东新区,LAMP-1,2,,,cod\n"
        "A2,,李娜,13912345678,上海市 浦东新区,NOPE,1,,,cod\n"
    )
    f.write_text(header + body, encoding="gb18030")
    dry = oms("--db", sqlite_db.url, "import", "orders", str(f), "--channel", "dealer",
              "--dry-run")  # fmt: skip
    assert dry.returncode == 1
    assert dry.stdout == "row 3: product 'NOPE': unknown product code (map it to ours)\n"
    assert dry.stderr.strip().startswith("dry run: 1 orders to create")
    with sqlite_db.read() as s:
        assert s.exec(select(Order)).all() == []
    errors = tmp_path / "errors.csv"
    done = oms("--db", sqlite_db.url, "import", "orders", str(f), "--channel", "dealer",
               "--errors", str(errors))  # fmt: skip
    assert done.returncode == 1 and done.stderr.strip().startswith("1 orders created")
    rows = list(csv.reader(io.StringIO(errors.read_text(encoding="utf-8-sig"))))
    assert rows == [["row", "column", "value", "reason"],
                    ["3", "product", "NOPE", "unknown product code (map it to ours)"]]  # fmt: skip
    assert oms("--db", sqlite_db.url, "import", "alias", "dealer", "NOPE", "bulb-2").returncode == 0
    again = oms("--db", sqlite_db.url, "import", "orders", str(f), "--channel", "dealer")
    assert again.returncode == 0, again.stdout
    assert again.stderr.strip() == ("1 orders created, 0 updated, 1 unchanged, 0 refused, "
                                    "0 bad rows")  # fmt: skip
    missing = oms("--db", sqlite_db.url, "import", "orders", str(tmp_path / "nope.csv"))
    assert missing.returncode == 1 and missing.stderr.startswith("oms: no file ")


def test_export_then_import_into_an_empty_database_gives_the_same_orders(sqlite_db, tmp_path):
    ids = _catalog(sqlite_db)
    a = make_customer(sqlite_db, name="王小明", phone="138 0013 8000")
    b = make_customer(sqlite_db, name="Li Na 李娜", phone="139 1234 5678")
    orders.create_order(sqlite_db, "clerk", a.id, [orders.NewLine(ids["LAMP-1"], 2),
                                                   orders.NewLine(ids["BULB-2"], 10)],
                        submit=True, notes="下午送")  # fmt: skip
    orders.create_order(sqlite_db, "clerk", b.id, [orders.NewLine(
        ids["LAMP-1"], 1, unit_price_minor=7_500, override_reason="老客户")], submit=True,
        payment_method="prepaid")  # fmt: skip
    for fmt in ("csv", "json", "xlsx"):
        out = tmp_path / f"orders.{fmt}"
        done = oms("--db", sqlite_db.url, "export", "orders", "--status", "pending_audit",
                   "--format", fmt, "--out", str(out))  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stderr.strip() == f"3 order lines written to {out}"
    rows = json.loads((tmp_path / "orders.json").read_text())
    assert [r["product"] for r in rows] == ["LAMP-1", "BULB-2", "LAMP-1"]

    for fmt in ("csv", "xlsx"):
        empty = Database(f"sqlite:///{tmp_path}/empty-{fmt}.db")
        schema.upgrade(empty)
        _catalog(empty)
        done = oms("--db", empty.url, "import", "orders", str(tmp_path / f"orders.{fmt}"),
                   "--channel", "phone")  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert _snapshot(empty) == _snapshot(sqlite_db), fmt
