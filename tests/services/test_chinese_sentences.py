"""Issue #18: what imports, customers, invoicing data, the invariant checks, backups, files
and printing say, as a Chinese clerk reads it. The services speak English (the record);
``i18n.shown`` reads each sentence back in Chinese, its values (codes, names, numbers,
paths) as they are: no English word is left but the values'."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import select

from oms_tui import i18n
from oms_tui.models import Invoice, Order, OrderLine, Payment, StockLevel
from oms_tui.services.checks import invariants
from oms_tui.services.exchange import import_files, order_export, order_import
from oms_tui.services.parties import customers, invoicing, language, regions
from oms_tui.services.platform import backup, csv_files, files, pg_backup, printing
from oms_tui.services.platform.errors import OmsError
from oms_tui.services.sales import orders
from oms_tui.services.states.order_states import OrderStatus as S
from tests.factories import make_customer, make_product
from tests.test_i18n import chinese  # noqa: F401 (a fixture)

from .test_invariants import _day
from .test_order_import import _csv, _row

pytestmark = pytest.mark.usefixtures("chinese")  # the clerk reads Chinese

ENGLISH = re.compile(r"[A-Za-z]{2,}")
PAYMENT_CODES = ("installments", "prepaid", "credit", "cod")  # what a file may say


def english_in(text: str, *values: object) -> list[str]:
    """The English words of ``text`` once the values it names (codes, paths, numbers) are
    taken out."""
    for value in sorted((str(v) for v in values), key=len, reverse=True):
        text = text.replace(value, " ")
    return ENGLISH.findall(text)


def refusal(call, *args, **kwargs) -> str:  # noqa: ANN001
    with pytest.raises(OmsError) as caught:
        call(*args, **kwargs)
    return str(caught.value)


def test_import_problems_in_chinese(sqlite_db) -> None:
    make_product(sqlite_db, code="LAMP-1", price_minor=8_900)
    make_product(sqlite_db, code="OLD-1", price_minor=100, active=False)
    data = _csv([
        _row("X1", "NOPE-9"),                               # unknown product
        _row("X2", "LAMP-1", qty="zero"),                   # not a quantity
        _row("X3", "LAMP-1", phone="12-34"),                # not a phone
        _row("X4", "LAMP-1", address=""),                   # missing address
        _row("X5", "LAMP-1", name="\ufffd\ufffd"),          # unreadable
        _row("X6", "OLD-1"),                                # no longer sold
        _row("X7", "LAMP-1", when="1999-01-01"),            # a date out of range
        _row("X8", "LAMP-1", when="tomorrow"),              # not a date
        _row("X9", "LAMP-1", pay="bitcoin"),                # no such payment method
        _row("X10", "LAMP-1", price="+5"),                  # a sign
        _row("X11", "LAMP-1"),                              # fine, but ...
        _row("X11", "LAMP-1", phone="139 0000 0000"),       # ... another phone
        _row("", "LAMP-1"),                                 # no order id
    ])  # fmt: skip
    plan = order_import.plan_import(sqlite_db, data, "ecommerce")
    said = {p.row: i18n.shown(p.reason) for p in plan.problems}
    assert said[2] == "未知商品编码（请对应到我们的商品编码）"
    assert said[3] == "数量必须是 1 到 100,000 的整数"
    assert said[4] == "不是电话号码（应为 7 到 15 位数字）"
    assert said[5] == "缺少地址"
    assert said[7] == "OLD-1 已停售"
    assert said[8] == "日期须在 2000 到 2100 年之间"
    assert said[13] == "订单 X11 在前面的行里是另一个电话"
    assert said[14] == "缺少外部单号"
    for p in plan.problems:
        assert english_in(i18n.shown(p.reason), p.value, *PAYMENT_CODES) == [], p.reason
    refused = {o.external_id: i18n.shown(o.why) for o in plan.orders if o.action == "refused"}
    assert refused == {"X11": "该订单的另一行有错误"}

    # the error report: its heads and reasons in the clerk's language
    report = order_import.problems_csv(plan.problems, [("X11", plan.orders[-1].why)])
    head, *rows = report.splitlines()
    assert head == "行,列,值,原因"
    assert "2,product,NOPE-9,未知商品编码（请对应到我们的商品编码）" in rows
    assert rows[-1] == ",external_id,X11,该订单的另一行有错误"


def test_an_approved_order_is_not_changed_in_chinese(sqlite_db) -> None:
    make_product(sqlite_db, code="LAMP-1", price_minor=8_900)
    order_import.run_import(sqlite_db, "importer", _csv([_row("A1", "LAMP-1")]), "ecommerce")
    with sqlite_db.read() as s:
        a1 = s.exec(select(Order).where(Order.external_ref == "A1")).one()
    orders.transition(sqlite_db, "auditor", a1.id, S.APPROVED, "ok")
    again = order_import.run_import(
        sqlite_db, "importer", _csv([_row("A1", "LAMP-1", qty="3")]), "ecommerce"
    )
    [(ext, why)] = again.refused
    assert why == f"{a1.number} is approved: changes are not applied"  # the record: English
    assert i18n.shown(why) == f"{a1.number} 的状态是“通过”：修改不会应用"


def test_file_refusals_in_chinese(tmp_path: Path, monkeypatch) -> None:
    def read(data: bytes) -> str:
        return refusal(lambda: list(import_files.iter_rows(data)))

    assert i18n.shown(read(b",".join([b"x"] * 201))) == "第 1 行有 201 列；最多 200 列"
    assert i18n.shown(read(b"\xff\xfe\xfa\xfb")) == "文件既不是 UTF-8 也不是 GB18030/GBK 文本"
    monkeypatch.setattr(import_files, "MAX_ROWS", 3)
    assert i18n.shown(read(b"h\n1\n2\n3\n4\n")) == "文件超过 3 行：请拆分"
    assert i18n.shown(refusal(import_files.read_file, tmp_path / "x.csv")) == (
        f"没有文件 {tmp_path / 'x.csv'}"
    )
    out = tmp_path / "out.pdf"
    out.write_bytes(b"x")
    assert i18n.shown(refusal(files.check_target, out)) == f"{out} 已存在：加 --force 可替换它"
    assert (
        i18n.shown(refusal(files.check_target, tmp_path)) == f"{tmp_path} 是文件夹：请指定一个文件"
    )
    assert i18n.shown(refusal(files.check_target, out, overwrite=True, protect=[out])) == (
        f"{out} 是正在使用的数据库：请写到别处"
    )
    assert i18n.shown(refusal(csv_files.csv_encoding_name, "latin1")) == (
        "CSV 编码“latin1”：请用 utf-8 或 gb18030"
    )
    assert i18n.shown(refusal(order_export.render, [], "pdf")) == (
        "格式必须是以下之一：csv, json, xlsx"
    )


def test_customer_and_invoicing_refusals_in_chinese(sqlite_db) -> None:
    make_customer(sqlite_db, name="王小明", phone="138 0013 8000")
    new = customers.NewCustomer
    said = [
        refusal(customers.create_customer, sqlite_db, "tester", new(name="  ")),
        refusal(customers.create_customer, sqlite_db, "tester", new(name="李", phone="12")),
        refusal(customers.create_customer, sqlite_db, "tester", new(name="李", group="vip")),
        refusal(
            customers.create_customer, sqlite_db, "tester", new(name="李", phone="13800138000")
        ),  # fmt: skip
        refusal(invoicing.check_taxpayer_id, "91350100M000100Y44"),
        refusal(invoicing.check_taxpayer_id, "123"),
        refusal(invoicing.invoice_type_of, "fancy"),
        refusal(language.set_customer_language, sqlite_db, "clerk", "C999", "klingon"),
        refusal(regions.set_region, sqlite_db, "boss", "Atlantis", "East"),
    ]
    shown = [i18n.shown(text) for text in said]
    assert shown[0] == "客户必须有名称"
    assert shown[1] == "“12”不像电话号码"
    assert shown[3].startswith("13800138000 已是 C") and "王小明 的电话" in shown[3]
    assert shown[4] == "纳税人识别号 91350100M000100Y44：校验位不符（输错了？）"
    assert shown[6] == "发票类型“fancy”：请用 normal（普通）或 special（专用）"
    values = ("13800138000", "91350100M000100Y44", "123", "fancy", "normal", "special",
              "klingon", "zh_CN", "en", "default", "Atlantis", "Zhejiang", "vip", "retail",
              "wholesale", "dealer", "key_account")  # fmt: skip
    for text in shown:
        code = re.findall(r"C\d{6}", text)
        assert english_in(text, *values, *code) == [], text


def test_the_invariant_checks_in_chinese(sqlite_db) -> None:
    order_id, _customer = _day(sqlite_db)
    with sqlite_db.write() as s:
        order = s.get(Order, order_id)
        order.subtotal_minor += 1
        order.total_minor += 1
        line = s.exec(select(OrderLine).where(OrderLine.order_id == order_id)).first()
        line.line_total_minor += 7
        invoice = s.exec(select(Invoice).where(Invoice.kind == "invoice")).first()
        invoice.paid_minor += 3
        payment = s.exec(select(Payment).where(Payment.method == "bank")).first()
        payment.unapplied_minor += 5
        level = s.exec(select(StockLevel).where(StockLevel.on_hand > 0)).first()
        level.on_hand += 2
        s.add_all([order, line, invoice, payment, level])
        number, paid = order.number, invoice.paid_minor
        invoice_number = invoice.number
    broken = invariants.verify(sqlite_db)
    lines = [b.shown() for b in broken]
    assert [b.check for b in broken] == ["order totals", "order totals", "invoice paid",
                                         "payment", "stock"]  # fmt: skip
    assert lines[0].startswith(f"订单合计: {number}: 第 1 行金额为 ")
    assert lines[2] == f"发票已收款: {invoice_number}: 已收 {paid}，核销的收款合计为 {paid - 3}"
    assert lines[4].startswith("库存: ") and "现存为" in lines[4] and "台账为" in lines[4]
    for b, text in zip(broken, lines, strict=True):
        assert english_in(text, b.subject) == [], text


def test_backup_sentences_in_chinese(tmp_path: Path, monkeypatch) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    assert i18n.shown(refusal(backup.kind_of, junk)) == (
        f"{junk} 不是 oms 备份（既不是压缩的 SQLite 文件，也不是 pg_dump 归档）"
    )
    assert i18n.shown(refusal(backup.kind_of, tmp_path / "gone.db.gz")) == (
        f"没有文件 {tmp_path / 'gone.db.gz'}"
    )
    monkeypatch.setattr(pg_backup.shutil, "which", lambda _tool: None)
    missing = i18n.shown(refusal(pg_backup.require, "pg_dump", "pg_restore"))
    assert missing.startswith("找不到 pg_dump 和 pg_restore：PostgreSQL 备份需要它们；请安装")
    assert (
        english_in(
            missing,
            "pg_dump",
            "pg_restore",
            "PostgreSQL",
            "Debian/Ubuntu",
            "apt install postgresql-client",
            "macOS",
            "brew install libpq",
        )
        == []
    )


def test_where_documents_went_in_chinese() -> None:
    folder = Path("/srv/docs")
    two = [printing.Delivered(str(folder / "pick-SH-1.pdf"), "warehouse1"),
           printing.Delivered(str(folder / "pack-SH-1.pdf"), "warehouse1")]  # fmt: skip
    assert str(printing.summary(two)) == (
        "sent to printer warehouse1; saved in /srv/docs as pick-SH-1.pdf, pack-SH-1.pdf"
    )
    assert i18n.shown(printing.summary(two)) == (
        "已发送到打印机 warehouse1；已保存到 /srv/docs：pick-SH-1.pdf, pack-SH-1.pdf"
    )
    one = printing.Delivered("/srv/docs/label-SH-1.pdf")
    assert i18n.shown(str(one)) == "已保存为 /srv/docs/label-SH-1.pdf"
    failed = printing.PrintFailed("hp", "lp did not answer in 60 s (1 of 2 printed)", two[:1])
    assert i18n.shown(str(failed)) == (
        "打印机“hp”打印失败：lp 在 60 秒内没有响应（已打印 2 份中的 1 份）；已发送到打印机 "
        "warehouse1；已保存为 /srv/docs/pick-SH-1.pdf"
    )


def test_english_readers_read_the_record_as_it_is() -> None:
    before = i18n.current_language()
    i18n.set_language(i18n.ENGLISH)
    try:
        text = refusal(invoicing.check_taxpayer_id, "123")
        assert text == "taxpayer id 123: 18 letters and digits (15, 17 or 20 for older ids)"
        assert i18n.shown(text) == text
    finally:
        i18n.set_language(before)
