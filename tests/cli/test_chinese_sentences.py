"""Issue #18: with LANG=zh_CN.UTF-8 the command line says the services' sentences in
Chinese: an import's bad rows and its error report, a missing file, `oms verify`'s broken
invariants. (The command line takes the locale's language once, at its start: here
``i18n.set_language``, as `oms` itself does on the first text it says.)"""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import select

from oms_tui.models import OrderLine
from tests.cli.runner import oms
from tests.factories import make_order, make_product
from tests.test_i18n import chinese  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("chinese")  # the clerk reads Chinese


def test_an_import_says_its_bad_rows_in_chinese(sqlite_db, tmp_path) -> None:
    make_product(sqlite_db, code="LAMP-1", price_minor=8_900)
    template = oms("import", "template").stdout
    header = template.splitlines()[0].removeprefix("\ufeff")
    f = tmp_path / "orders.csv"
    f.write_text(
        header + "\nA1,,李娜,13912345678,上海市 浦东新区,LAMP-1,2,,,cod\n"
        "A2,,李娜,13912345678,上海市 浦东新区,NOPE,1,,,cod\n"
        "A3,,张伟,12-34,上海市 浦东新区,LAMP-1,1,,,cod\n",
        encoding="utf-8",
    )
    errors = tmp_path / "errors.csv"
    done = oms("--db", sqlite_db.url, "import", "orders", str(f), "--channel", "dealer",
               "--dry-run", "--errors", str(errors))  # fmt: skip
    assert done.exit_code == 1
    assert done.stdout.splitlines() == [
        "第 3 行：product 'NOPE'：未知商品编码（请对应到我们的商品编码）",
        "第 4 行：phone '12-34'：不是电话号码（应为 7 到 15 位数字）",
    ]
    rows = list(csv.reader(io.StringIO(errors.read_text(encoding="utf-8-sig"))))
    assert rows == [["行", "列", "值", "原因"],
                    ["3", "product", "NOPE", "未知商品编码（请对应到我们的商品编码）"],
                    ["4", "phone", "12-34", "不是电话号码（应为 7 到 15 位数字）"]]  # fmt: skip
    missing = oms("--db", sqlite_db.url, "import", "orders", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1
    assert missing.stderr.strip() == f"oms: 没有文件 {tmp_path / 'nope.csv'}"


def test_verify_says_a_broken_invariant_in_chinese(sqlite_db) -> None:
    order = make_order(sqlite_db)
    with sqlite_db.write() as s:
        line = s.exec(select(OrderLine).where(OrderLine.order_id == order.id)).one()
        line.line_total_minor += 7
        s.add(line)
        total = line.line_total_minor
    done = oms("--db", sqlite_db.url, "verify")
    assert done.exit_code == 1
    assert done.stdout.splitlines() == [
        f"订单合计: {order.number}: 第 1 行金额为 {total}，数量 × 单价 - 折扣为 {total - 7}"
    ]
