"""What a Chinese clerk reads of the receivables', production's and platform's sentences
(issue #18): the services say them in English (the record, the same for every reader) and
``i18n.shown`` reads each back in Chinese, its values too; only codes, numbers, dates and
names stay as they are."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from oms_tui import i18n
from oms_tui.i18n import N_
from oms_tui.models import Customer, Invoice
from oms_tui.services.finance import aging, dunning, fapiao, follow_ups, receivables
from oms_tui.services.fulfilment import stock_operations
from oms_tui.services.platform import settings
from oms_tui.services.platform.errors import OmsError
from oms_tui.services.platform.money import check_amount, parse_money
from oms_tui.services.production import board, stages
from tests.audit_factories import customer as make_customer
from tests.factories import dun
from tests.services.test_production import STAGES, _doors, _order_of, _po
from tests.test_i18n import chinese  # noqa: F401 (the fixture every test here uses)

pytestmark = pytest.mark.usefixtures("chinese")

TODAY = date(2026, 11, 30)


def english_words(text: str, *kept: str) -> list[str]:
    """The English words left in ``text`` once the codes and names ``kept`` are taken out."""
    for code in sorted(kept, key=len, reverse=True):
        text = text.replace(code, " ")
    return re.findall(r"[A-Za-z]{2,}", text)


def refusal(call: Callable[..., object], *args: object, **kw: object) -> str:
    with pytest.raises(OmsError) as caught:
        call(*args, **kw)
    return str(caught.value)


def read_back(sentences: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """Each sentence's English words left after ``shown`` (its codes kept): all empty."""
    return {s: english_words(i18n.shown(s), *codes) for s, codes in sentences.items()
            if english_words(i18n.shown(s), *codes)}  # fmt: skip


def test_money_errors_read_in_chinese() -> None:
    said = {
        refusal(parse_money, "abc", "CNY"): ("abc",),
        refusal(parse_money, " ", "CNY"): (),
        refusal(parse_money, "1e9", "CNY"): (),
        refusal(parse_money, "1.234", "CNY"): ("CNY",),
        refusal(parse_money, "1.5", "JPY"): ("JPY",),
        refusal(parse_money, "9" * 30, "CNY"): (),
        refusal(check_amount, 10**13, 10**12, N_("the payment"), "amount", "CNY"):
            ("max_amount_minor",),
    }  # fmt: skip
    assert "'abc' is not an amount (e.g. 12.50)" in said  # the record stays English
    assert read_back(said) == {}
    assert i18n.shown("'abc' is not an amount (e.g. 12.50)") == "'abc' 不是金额（例如 12.50）"
    assert i18n.shown("'1.5' is not an amount: JPY has no decimals") == (
        "'1.5' 不是金额：JPY 没有小数"
    )


def test_settings_refusals_read_in_chinese(db) -> None:
    keys = tuple(settings._FIELDS)
    said = {
        refusal(settings.set_setting, db, "admin", "paper", "A5"): ("paper", "A4", "Letter"),
        refusal(settings.set_setting, db, "admin", "tax_rounding", "x"):
            ("tax_rounding", "line", "order"),
        refusal(settings.set_setting, db, "admin", "colour", "red"): ("colour", *keys),
        refusal(settings.set_setting, db, "admin", "currency", "EURO"): ("EURO", "CNY", "USD"),
        refusal(settings.set_setting, db, "admin", "max_amount_minor", "0"):
            ("max_amount_minor",),
        refusal(aging.set_aging_buckets, db, "admin", "60,30"): (),
    }  # fmt: skip
    assert read_back(said) == {}
    assert i18n.shown("paper must be 'A4' or 'Letter'") == "paper 须为 'A4' 或 'Letter'"


def _invoice(db, cid: int, amount: int, due: date, number: str) -> None:
    with db.write() as s:
        s.add(Invoice(number=number, customer_id=cid, amount_minor=amount, issued_on=due,
                      due_on=due, created_by="t"))  # fmt: skip


def test_dunning_payments_and_their_stored_reasons_read_in_chinese(db) -> None:
    cid = make_customer(db, phone="13600000001")
    _invoice(db, cid, 50_000, TODAY - timedelta(days=100), "INV-1")
    [step] = dun(db, TODAY)
    assert i18n.shown(step.title) == "暂停赊销通知"
    with db.read() as s:
        held = s.get(Customer, cid)
    assert held.credit_hold_reason == f"overdue 100 days: credit hold by dunning ({TODAY})"
    assert i18n.shown(held.credit_hold_reason) == f"逾期 100 天：催款停止赊销（{TODAY}）"
    [note] = [f.note for f in follow_ups.customer_log(db, cid)]
    assert note.startswith("Credit hold: 100 days overdue (DR-")
    assert i18n.shown(note) == f"暂停赊销通知：逾期 100 天（{note.split('(')[1][:-1]}）"
    wrong = {
        refusal(receivables.record_payment, db, "finance", cid, 100, TODAY,
                invoice_numbers=["INV-9"], today=TODAY): ("INV-9",),
        refusal(receivables.record_payment, db, "finance", cid, 100, TODAY, method="cheque",
                today=TODAY): ("cheque", *receivables.PAYMENT_METHODS),
        refusal(receivables.record_payment, db, "finance", cid, 100,
                TODAY + timedelta(days=5), today=TODAY): (),
        refusal(receivables.credit_note, db, "finance", "INV-1", 60_000, "return"):
            ("INV-1", "return"),
        refusal(dunning.release_credit_hold, db, "manager", cid, " "): (),
        refusal(fapiao.record_fapiao, db, "finance", "INV-1", "123", TODAY): (),
        refusal(follow_ups.record_follow_up, db, "finance", cid, "promise"): (),
    }  # fmt: skip
    assert read_back(wrong) == {}
    receivables.record_payment(db, "finance", cid, 50_000, TODAY, today=TODAY)
    with db.read() as s:
        released = s.get(Customer, cid).credit_hold_reason
    assert i18n.shown(released) == f"收款后自动解除（finance，{TODAY}）"
    limit = receivables.over_limit_warning(receivables.CreditExposure(90_000, 20_000, 0),
                                           30_000, 100_000, "CNY")  # fmt: skip
    assert i18n.shown(limit) == (
        "超出信用额度：发票欠款 ¥900.00 + 已通过未开票 ¥200.00 + 本单 ¥300.00 > ¥1,000.00"
    )


def test_production_refusals_and_its_log_read_in_chinese(db) -> None:
    ids = _doors(db)
    big = _po(db, _order_of(db, [(ids["door"], 11, "")]))  # 33 oak boards, 30 there
    short = refusal(stages.start, db, "liu", big.id, TODAY)
    assert short.startswith(f"{big.number} cannot start: RM-OAK short 3 (30 of 33)")
    assert i18n.shown(short).startswith(f"{big.number} 无法开工：RM-OAK 缺 3（需 33，有 30）")
    stock_operations.receive(db, "store", "HZ", [(ids["oak"], 10)])  # enough for both now
    small = _po(db, _order_of(db, [(ids["door"], 1, "")], priority=9))
    stages.start(db, "liu", small.id, TODAY)
    stages.quality_failure(db, "liu", small.id, 1, "划痕 scratches", TODAY)
    for _ in range(4):
        stages.advance(db, "liu", small.id, today=TODAY)
    said = {
        refusal(stages.start, db, "liu", small.id, TODAY): (small.number,),
        refusal(stages.advance, db, "liu", small.id, today=TODAY): (small.number,),
        refusal(stages.quality_failure, db, "liu", big.id, 1, "x", TODAY): (big.number,),
        refusal(stages.quality_failure, db, "liu", small.id, 1, " ", TODAY): (),
        refusal(stages.set_expected, db, "liu", small.id, TODAY, "late"): (small.number,),
        refusal(board.stages_of, db, 9999): (),
    }  # fmt: skip
    assert read_back(said) == {}
    kept = (small.number, "SO-", "RM-OAK", "RM-HINGE", "scratches", *(n for n, _d in STAGES))
    notes = {h.note: kept for h in board.history(db, small.id) if h.note}
    assert any("into stock" in n for n in notes) and any("back to" in n for n in notes)
    assert read_back(notes) == {}
