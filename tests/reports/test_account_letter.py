"""Dunning letters and statements in one file: each letter numbers its own pages, payment
methods print as words."""

from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfReader

from oms_tui.reports.account_letter import account_pdf
from oms_tui.reports.common import Company
from oms_tui.services.finance.dunning import AccountPaper, OpenItem, PaymentItem

AS_OF = date(2026, 11, 30)
COMPANY = Company("明光水木实业", "杭州市西湖区文三路 90 号", currency="CNY")


def _paper(code: str, invoices: int, payments: tuple[PaymentItem, ...] = ()) -> AccountPaper:
    items = tuple(
        OpenItem(
            f"INV-{code}-{n:03d}",
            f"SO-{n:03d}",
            AS_OF - timedelta(days=60),
            AS_OF - timedelta(days=30),
            10_000,
            10_000,
            30,
        )  # fmt: skip
        for n in range(1, invoices + 1)
    )
    return AccountPaper("Reminder 付款提醒", AS_OF, code, f"客户 {code}", "杭州市 文三路 1 号",
                        "13600000000", items, payments, level=1)  # fmt: skip


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_each_letter_numbers_its_own_pages():
    """A run of letters printed as one file said "Page 2 of 61": each letter counts its own."""
    pages = _pages(account_pdf([_paper("A", 90), _paper("B", 2), _paper("C", 90)], COMPANY))
    by_letter: dict[str, list[str]] = {}
    for page in pages:
        code = next(c for c in "ABC" if f"INV-{c}-" in page)
        by_letter.setdefault(code, []).append(page)
    assert len(by_letter["A"]) >= 2 and len(by_letter["B"]) == 1
    for letter in by_letter.values():
        n = len(letter)
        assert [f"Page {i} of {n}" in page for i, page in enumerate(letter, 1)] == [True] * n
    assert sum(len(v) for v in by_letter.values()) == len(pages)


def test_payment_methods_print_as_words():
    paid = (PaymentItem("PAY-1", AS_OF, "cod_remittance", 5_000),
            PaymentItem("PAY-2", AS_OF, "wechat", 1_000),
            PaymentItem("PAY-3", AS_OF, "on_account", 500))  # fmt: skip
    text = "\n".join(_pages(account_pdf([_paper("A", 1, paid)], COMPANY)))
    assert "COD remittance 代收货款" in text and "WeChat Pay 微信支付" in text
    assert "Credit on account 账户贷项" in text
    assert "cod_remittance" not in text and "wechat" not in text and "on_account" not in text


def test_statement_shows_the_balance_in_capital_numerals():
    """Chinese finance documents give the amount in 大写 beside the figures; the text is in
    the PDF (the embedded font's characters), not only drawn."""
    items = (OpenItem("INV-A-001", "SO-001", AS_OF - timedelta(days=10), AS_OF + timedelta(days=20),
                      123_450, 123_450, 0),)  # fmt: skip
    paper = AccountPaper("Statement 对账单", AS_OF, "A", "客户 A", "杭州市", "136", items, (),
                         level=0)  # fmt: skip
    text = "\n".join(_pages(account_pdf([paper], COMPANY)))
    assert "¥1,234.50" in text
    assert "人民币壹仟贰佰叁拾肆元伍角整" in text
    dollars = Company("Bright Lamps", "", currency="USD")
    assert "大写" not in "\n".join(_pages(account_pdf([paper], dollars)))  # 人民币 only


def test_a_letter_in_chinese_only_for_a_chinese_customer():
    from dataclasses import replace

    text = "\n".join(_pages(account_pdf([replace(_paper("A", 1), language="zh_CN")], COMPANY)))
    assert "付款提醒" in text and "逾期天数" in text and "余额（大写）: 人民币壹佰元整" in text
    assert "Reminder" not in text and "Balance" not in text and "Days over" not in text
    english = "\n".join(_pages(account_pdf([replace(_paper("B", 1), language="en")], COMPANY)))
    assert "Reminder" in english and "付款提醒" not in english and "逾期" not in english


def test_pages_are_counted_in_the_letters_language():
    from dataclasses import replace

    pages = _pages(account_pdf([replace(_paper("A", 1), language="zh_CN"),
                                replace(_paper("B", 1), language="en")], COMPANY))  # fmt: skip
    assert "第 1 页 / 共 1 页" in pages[0] and "Page 1 of 1" not in pages[0]
    assert "Page 1 of 1" in pages[1] and "第 1 页" not in pages[1]
