"""`oms import orders | template | alias | profile`: exit codes, the error report, the
dry run, a channel's column mapping saved."""

from __future__ import annotations

import csv
import io

from sqlmodel import select

from oms_tui.models import Customer, ImportProfile, Order, OrderLine, Product
from tests.cli.runner import oms
from tests.factories import make_product


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
    header = template.splitlines()[0].removeprefix("\ufeff")  # a CSV file: with a BOM
    f = tmp_path / "orders.csv"
    body = (
        "\nA1,,李娜,13912345678,上海市 浦东新区,LAMP-1,2,,,cod\n"
        "A2,,李娜,13912345678,上海市 浦东新区,NOPE,1,,,cod\n"
    )
    f.write_text(header + body, encoding="gb18030")
    dry = oms("--db", sqlite_db.url, "import", "orders", str(f), "--channel", "dealer",
              "--dry-run")  # fmt: skip
    assert dry.exit_code == 1
    assert dry.stdout == "row 3: product 'NOPE': unknown product code (map it to ours)\n"
    assert dry.stderr.strip().startswith("dry run: 1 orders to create")
    with sqlite_db.read() as s:
        assert s.exec(select(Order)).all() == []
    errors = tmp_path / "errors.csv"
    done = oms("--db", sqlite_db.url, "import", "orders", str(f), "--channel", "dealer",
               "--errors", str(errors))  # fmt: skip
    assert done.exit_code == 1 and done.stderr.strip().startswith("1 orders created")
    rows = list(csv.reader(io.StringIO(errors.read_text(encoding="utf-8-sig"))))
    assert rows == [["row", "column", "value", "reason"],
                    ["3", "product", "NOPE", "unknown product code (map it to ours)"]]  # fmt: skip
    assert oms("--db", sqlite_db.url, "import", "alias", "dealer", "NOPE", "bulb-2").exit_code == 0
    again = oms("--db", sqlite_db.url, "import", "orders", str(f), "--channel", "dealer")
    assert again.exit_code == 0, again.stdout
    assert again.stderr.strip() == ("1 orders created, 0 updated, 1 unchanged, 0 refused, "
                                    "0 bad rows")  # fmt: skip
    missing = oms("--db", sqlite_db.url, "import", "orders", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and missing.stderr.startswith("oms: no file ")


def test_an_import_profile_saved_by_cli(sqlite_db):
    done = oms("--db", sqlite_db.url, "import", "profile", "京东", "--channel", "ecommerce",
               "--map", "external_id=订单号", "--map", "customer_name=客户姓名",
               "--map", "phone=客户电话", "--map", "address=客户地址",
               "--map", "product=商品编号", "--map", "qty=数量")  # fmt: skip
    assert done.exit_code == 0, done.stderr
    with sqlite_db.read() as s:
        assert s.exec(select(ImportProfile.name)).all() == ["京东"]
    short = oms("--db", sqlite_db.url, "import", "profile", "x", "--map", "phone=电话")
    assert short.exit_code == 1 and short.stderr.startswith("oms: map a column to external_id")
