"""Chinese invoicing data (issue #18): customers carry invoice title, taxpayer id, bank and
account and invoice type; an import takes them; the audit warns when a customer needing a
special VAT invoice (专用发票) has no taxpayer id; invoices record the official fapiao."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from oms_tui.models import Customer, Invoice
from oms_tui.services.exchange import order_import
from oms_tui.services.finance import fapiao
from oms_tui.services.parties import customers, invoicing
from oms_tui.services.parties.invoicing import Invoicing
from oms_tui.services.platform.errors import InvalidInput, NotFound
from oms_tui.services.sales import audit_checks
from tests.audit_factories import customer, invoice, order, stock
from tests.factories import make_product

TAX_ID = "91350100M000100Y43"  # a real unified social credit code (check character right)


def test_taxpayer_id_is_checked() -> None:
    assert invoicing.check_taxpayer_id(" 91350100m000100y43 ") == TAX_ID
    assert invoicing.check_taxpayer_id("") == ""
    assert invoicing.check_taxpayer_id("110108700002947") == "110108700002947"  # 15: older
    with pytest.raises(InvalidInput, match="check character"):
        invoicing.check_taxpayer_id("91350100M000100Y44")  # one slip
    with pytest.raises(InvalidInput, match="18 letters and digits"):
        invoicing.check_taxpayer_id("12345")


def test_invoice_type_words() -> None:
    assert invoicing.invoice_type_of("专票") == invoicing.invoice_type_of("Special") == "special"
    assert invoicing.invoice_type_of("普通") == invoicing.invoice_type_of("") == "normal"
    with pytest.raises(InvalidInput, match="normal"):
        invoicing.invoice_type_of("red")


def test_customer_keeps_its_invoicing_data(db) -> None:  # noqa: ANN001
    data = Invoicing("杭州明光照明有限公司", TAX_ID.lower(), "工商银行西湖支行",
                     "1202 0210 0910 0123 456", "专用")  # fmt: skip
    hit = customers.create_customer(db, "wang", customers.NewCustomer("明光照明", invoicing=data))
    stored = invoicing.get_invoicing(db, hit.code)
    assert stored == Invoicing("杭州明光照明有限公司", TAX_ID, "工商银行西湖支行",
                               "1202 0210 0910 0123 456", "special")  # fmt: skip
    changed = invoicing.set_invoicing(db, "wang", hit.code, Invoicing(invoice_type="normal"))
    assert invoicing.get_invoicing(db, hit.code) == changed == Invoicing()
    with pytest.raises(InvalidInput):
        invoicing.set_invoicing(db, "wang", hit.code, Invoicing(taxpayer_id="9135"))
    with pytest.raises(NotFound):
        invoicing.get_invoicing(db, "C-NOBODY")


def test_import_takes_the_invoicing_columns(db) -> None:  # noqa: ANN001
    make_product(db, code="LAMP-1")
    header = ",".join(order_import.FIELDS)
    rows = [
        f"A1,,李娜,13912345678,上海市 浦东新区,LAMP-1,2,,,cod,上海李娜商贸有限公司,{TAX_ID},"
        "建设银行,6227 0000,专票",
        "A2,,张三,13912340000,上海市 浦东新区,LAMP-1,1,,,cod,,9135,,,",  # a bad taxpayer id
    ]
    data = "\n".join([header, *rows]).encode()
    result = order_import.run_import(db, "wang", data, "dealer", "oms")
    assert [(p.row, p.column) for p in result.problems] == [(3, "taxpayer_id")]
    with db.read() as s:
        c = s.exec(select(Customer).where(Customer.name == "李娜")).one()
        assert (c.invoice_title, c.taxpayer_id, c.bank_name, c.bank_account, c.invoice_type) == (
            "上海李娜商贸有限公司",
            TAX_ID,
            "建设银行",
            "6227 0000",
            "special",
        )


def _checks(db, **invoice_data) -> dict[str, audit_checks.CheckResult]:  # noqa: ANN001
    cid = customer(db, invoicing=Invoicing(**invoice_data))
    pid = make_product(db, price_minor=2500)
    stock(db, pid, 100)
    run = audit_checks.submit_for_audit(db, "wang", order(db, cid, [(pid, 1)]).id)
    return {c.code: c for c in run.checks}


def test_audit_warns_when_a_special_invoice_lacks_the_taxpayer_id(db) -> None:  # noqa: ANN001
    found = _checks(db, invoice_title="某公司", bank_account="6227", invoice_type="special")
    assert found["invoicing"].level == "warn"
    assert "纳税人识别号" in found["invoicing"].reason


def test_audit_passes_complete_special_invoice_data_and_ignores_normal(db) -> None:  # noqa: ANN001
    found = _checks(db, invoice_title="某公司", taxpayer_id=TAX_ID, bank_account="6227",
                    invoice_type="special")  # fmt: skip
    assert found["invoicing"].level == "pass"
    assert "invoicing" not in _checks(db)  # a normal invoice: no such check


def test_order_entry_is_told_what_the_check_would_warn(db) -> None:  # noqa: ANN001
    """``invoicing_warning``: the check's warning for a customer before any order (order
    entry shows it with its key), None once the data is complete or for a normal one."""
    cid = customer(db, invoicing=Invoicing(invoice_title="某公司", bank_account="6227",
                                           invoice_type="special"))  # fmt: skip
    warning = audit_checks.invoicing_warning(db, cid)
    assert warning is not None and "纳税人识别号" in warning
    with db.read() as s:
        code = s.get(Customer, cid).code  # type: ignore[union-attr]
    invoicing.set_invoicing(db, "wang", code, Invoicing("某公司", TAX_ID, "", "6227", "special"))
    assert audit_checks.invoicing_warning(db, cid) is None
    assert audit_checks.invoicing_warning(db, customer(db)) is None  # a normal invoice


def test_fapiao_is_recorded_once_per_number(db) -> None:  # noqa: ANN001
    cid = customer(db)
    today = date(2026, 12, 7)
    invoice(db, cid, 10_000, today + timedelta(days=30))  # issued today - 0 (due - 30)
    invoice(db, cid, 20_000, today + timedelta(days=30))
    with db.read() as s:
        first, second = s.exec(select(Invoice.number).order_by(Invoice.id)).all()
    done = fapiao.record_fapiao(db, "lin", first, "1234 5678", today, today=today)
    assert done == fapiao.FapiaoRecord(first, "12345678", today, "lin")
    assert fapiao.fapiao_of(db, first) == done and fapiao.fapiao_of(db, second) is None
    with pytest.raises(InvalidInput, match="recorded on"):
        fapiao.record_fapiao(db, "lin", second, "12345678", today, today=today)
    with pytest.raises(InvalidInput, match="8 digits"):
        fapiao.record_fapiao(db, "lin", second, "1234", today, today=today)
    with pytest.raises(InvalidInput, match="before the invoice"):
        fapiao.record_fapiao(db, "lin", second, "87654321", today - timedelta(days=1),
                             today=today)  # fmt: skip
    with pytest.raises(InvalidInput, match="future"):
        fapiao.record_fapiao(db, "lin", second, "87654321", today + timedelta(days=1),
                             today=today)  # fmt: skip
    digital = "2" * 20
    again = fapiao.record_fapiao(db, "lin", first, digital, today, today=today)  # corrected
    assert again.fapiao_number == digital
