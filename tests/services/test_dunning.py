"""Dunning progression, credit hold and its release (on payment, by a manager), follow-ups
and today's list, dunning letters and statements read back from the PDF."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import select

from oms_tui.models import Customer, DunningLetter, Invoice
from oms_tui.reports.account_letter import account_pdf
from oms_tui.reports.common import Company
from oms_tui.services.finance import dunning, follow_ups, overdue, receivables
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.platform.permissions import NotPermitted
from oms_tui.services.sales import audit_checks
from tests.audit_factories import customer as make_customer
from tests.audit_factories import order
from tests.factories import dun, make_product

TODAY = date(2026, 11, 30)


def _invoice(db, cid: int, amount: int, due: date, number: str) -> None:
    with db.write() as s:
        s.add(Invoice(number=number, customer_id=cid, amount_minor=amount, issued_on=due,
                      due_on=due, created_by="t"))  # fmt: skip


def _customer(db, cid):
    with db.read() as s:
        return s.get(Customer, cid)


def test_dunning_steps_up_with_days_overdue_and_holds_credit_at_the_last(db):
    cid = make_customer(db, phone="13600000001")
    clean = make_customer(db, phone="13600000002")
    _invoice(db, cid, 50_000, TODAY - timedelta(days=8), "INV-1")
    _invoice(db, clean, 9_000, TODAY + timedelta(days=3), "INV-2")  # not due yet
    steps = dun(db, TODAY)
    assert [(s.customer_id, s.level, s.days_overdue, s.overdue_minor) for s in steps] == [
        (cid, 1, 8, 50_000)
    ]
    assert steps[0].title.startswith("Reminder")
    assert dun(db, TODAY) == []  # the same step is not repeated
    # 45 days on: the second notice; 100 days: straight to credit hold, one letter
    later = dun(db, TODAY + timedelta(days=30))
    assert [(s.level, s.days_overdue) for s in later if s.customer_id == cid] == [(2, 38)]
    held = dun(db, TODAY + timedelta(days=90))
    assert [(s.level, s.days_overdue) for s in held if s.customer_id == cid] == [(4, 98)]
    c = _customer(db, cid)
    assert c.credit_hold and c.credit_hold_reason.startswith("overdue 98 days: credit hold")
    assert c.dunning_level == 4
    with db.read() as s:
        letters = s.exec(select(DunningLetter.level).where(DunningLetter.customer_id == cid)
                         .order_by(DunningLetter.id)).all()  # fmt: skip
    assert letters == [1, 2, 4]
    # the audit's credit check now fails this customer's orders
    view = order(db, cid, [(make_product(db), 1)], submit=True)
    credit = [c for c in audit_checks.run_checks(db, view.id) if c.code == "credit"]
    assert [c.level for c in credit] == ["fail"] and "credit hold" in credit[0].reason
    # paying what is overdue releases the hold; the next run starts again from 0
    receivables.record_payment(db, "finance", cid, 50_000, TODAY)
    c = _customer(db, cid)
    assert not c.credit_hold
    assert c.credit_hold_reason.startswith("released automatically on payment")
    dun(db, TODAY + timedelta(days=91))
    assert _customer(db, cid).dunning_level == 0


def test_configurable_thresholds():
    assert overdue.level_for(6, (7, 30, 60, 90)) == 0
    assert overdue.level_for(7, (7, 30, 60, 90)) == 1
    assert overdue.level_for(90, (7, 30, 60, 90)) == 4
    assert overdue.parse_days("10, 20, 40, 80") == (10, 20, 40, 80)
    with pytest.raises(InvalidInput, match="four increasing numbers"):
        overdue.parse_days("30,7,60,90")
    with pytest.raises(InvalidInput, match="four whole numbers"):
        overdue.parse_days("7,thirty,60,90")


def test_thresholds_from_the_setting(db):
    cid = make_customer(db, phone="13600000003")
    _invoice(db, cid, 1_000, TODAY - timedelta(days=15), "INV-3")
    overdue.set_dunning_days(db, "admin", "3,10,14,20")
    [step] = dun(db, TODAY)
    assert step.level == 3  # 15 days: final notice with these thresholds


def test_only_a_manager_releases_a_hold_and_says_why(db):
    cid = make_customer(db, phone="13600000004")
    with db.write() as s:
        c = s.get(Customer, cid)
        c.credit_hold, c.credit_hold_reason = True, "overdue 95 days"
        s.add(c)
    with pytest.raises(NotPermitted, match=r"finance \(finance\) may not release a customer's "
                                           r"credit hold"):  # fmt: skip
        dunning.release_credit_hold(db, "finance", cid, "promised")
    assert _customer(db, cid).credit_hold
    with pytest.raises(InvalidInput, match="reason is required"):
        dunning.release_credit_hold(db, "manager", cid, " ")
    dunning.release_credit_hold(db, "manager", cid, "paid half, rest by 12-15 (phone)")
    c = _customer(db, cid)
    assert not c.credit_hold
    assert c.credit_hold_reason == "released by manager: paid half, rest by 12-15 (phone)"
    [log] = follow_ups.customer_log(db, cid)
    assert (log.kind, log.actor) == ("release", "manager")
    assert log.note == "paid half, rest by 12-15 (phone)"


def test_follow_ups_and_todays_list(db):
    cid = make_customer(db, phone="13600000005")
    _invoice(db, cid, 8_800, TODAY - timedelta(days=20), "INV-4")
    follow_ups.record_follow_up(db, "finance", cid, "call", "no answer",
                                next_action_on=TODAY, today=TODAY)  # fmt: skip
    [item] = follow_ups.todays_follow_ups(db, TODAY)
    assert (item.kind, item.note, item.open_minor) == ("call", "no answer", 8_800)
    promise = follow_ups.record_follow_up(
        db, "finance", cid, "promise", "will pay Friday", promise_on=TODAY + timedelta(days=4),
        promise_minor=8_800, today=TODAY)  # fmt: skip
    assert promise.next_action_on == TODAY + timedelta(days=4)
    assert follow_ups.todays_follow_ups(db, TODAY) == []  # the call is done; promise is Friday
    assert [f.id for f in follow_ups.todays_follow_ups(db, TODAY + timedelta(days=4))] == [
        promise.id
    ]
    assert [f.kind for f in follow_ups.customer_log(db, cid)] == ["promise", "call"]
    with pytest.raises(InvalidInput, match="needs its date"):
        follow_ups.record_follow_up(db, "f", cid, "promise", today=TODAY)
    with pytest.raises(InvalidInput, match="in the past"):
        follow_ups.record_follow_up(db, "f", cid, "note", "x", today=TODAY,
                                    next_action_on=TODAY - timedelta(days=1))  # fmt: skip


def test_letters_and_statements_print_chinese_and_the_figures(db):
    cid = make_customer(db, phone="13600000006")
    with db.write() as s:
        c = s.get(Customer, cid)
        name = c.name
    _invoice(db, cid, 12_345, TODAY - timedelta(days=40), "INV-5")
    _invoice(db, cid, 1_000, TODAY + timedelta(days=10), "INV-6")
    receivables.record_payment(db, "finance", cid, 2_345, TODAY - timedelta(days=5))
    [step] = dun(db, TODAY)
    letter = dunning.letter(db, step.letter_id)
    statement = dunning.statement(db, "finance", cid, TODAY)
    assert (letter.balance_minor, letter.overdue_minor) == (11_000, 10_000)
    pdf = account_pdf([letter, statement], Company("明光水木实业", currency="CNY"))
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == 2
    assert "Second notice 二次催款通知" in pages[0] and "Statement of account 对账单" in pages[1]
    for page in pages:
        assert name in page and "INV-5" in page and "¥100.00" in page  # open of INV-5
        assert "¥110.00" in page  # the balance
    assert "40" in pages[0] and "¥23.45" in pages[1]  # days over; the payment listed


def test_dunning_is_not_run_ahead_of_the_callers_today(db):
    cid = make_customer(db, phone="13600000009")
    _invoice(db, cid, 5_000, TODAY - timedelta(days=8), "INV-9")
    with pytest.raises(InvalidInput, match="dunning runs as of 2026-11-30 or an earlier day"):
        dunning.run_dunning(
            db, "finance", TODAY + timedelta(days=1), today=TODAY, render=lambda papers: b""
        )
    assert _customer(db, cid).dunning_level == 0  # nothing recorded
    # as of an earlier day: 3 days overdue then, below the reminder's 7
    assert dun(db, TODAY - timedelta(days=5), TODAY) == []
    [step] = dun(db, today=TODAY)  # as of today by default
    assert (step.customer_id, step.level, step.days_overdue) == (cid, 1, 8)


# -- credit on account: what is dunned is the overdue net of it ----------------------------------


def _over_pay(db, cid: int, amount: int, number: str) -> None:
    """A payment naming a not-yet-due invoice of 1,000: the rest is kept on account."""
    _invoice(db, cid, 1_000, TODAY + timedelta(days=20), number)
    result = receivables.record_payment(db, "finance", cid, amount, TODAY,
                                        invoice_numbers=[number], today=TODAY)  # fmt: skip
    assert result.unapplied_minor == amount - 1_000


def _exposure(db, cid: int):
    with db.read() as s:
        return receivables.credit_exposure(s, cid, TODAY)


def test_a_customer_whose_credit_covers_the_overdue_is_not_dunned_nor_held(db):
    cid = make_customer(db, phone="13600000010")
    _invoice(db, cid, 50_000, TODAY - timedelta(days=100), "INV-10")
    with db.write() as s:  # dunned before, on credit hold by dunning
        c = s.get(Customer, cid)
        c.dunning_level, c.credit_hold = 3, False
        s.add(c)
    _over_pay(db, cid, 51_000, "INV-11")  # 50,000 on account: exactly what is overdue
    assert _exposure(db, cid).overdue_minor == 0
    assert dun(db, TODAY, TODAY) == []
    c = _customer(db, cid)
    assert (c.dunning_level, c.credit_hold) == (0, False)  # clean again, not held
    with db.read() as s:
        assert s.exec(select(DunningLetter).where(DunningLetter.customer_id == cid)).all() == []
        assert overdue.overdue_after_credit(s, TODAY) == {}
    # the statement shows the credit as a line and nets it: nothing owed, nothing overdue
    paper = dunning.statement(db, "finance", cid, TODAY)
    assert [i.number for i in paper.items] == ["INV-10"]
    assert (paper.on_account_minor, paper.balance_minor, paper.overdue_minor) == (50_000, 0, 0)


def test_a_credit_hold_by_dunning_is_released_when_credit_covers_the_overdue(db):
    cid = make_customer(db, phone="13600000011")
    _invoice(db, cid, 50_000, TODAY - timedelta(days=100), "INV-12")
    [step] = dun(db, TODAY, TODAY)
    assert step.level == 4 and _customer(db, cid).credit_hold
    _over_pay(db, cid, 51_000, "INV-13")  # named another invoice: the rest on account
    c = _customer(db, cid)
    assert not c.credit_hold
    assert c.credit_hold_reason.startswith("released automatically on payment")


def test_partly_covered_the_level_follows_the_net_overdue_oldest_first(db):
    cid = make_customer(db, phone="13600000012")
    _invoice(db, cid, 30_000, TODAY - timedelta(days=100), "INV-14")  # hold level alone
    _invoice(db, cid, 20_000, TODAY - timedelta(days=40), "INV-15")  # second notice
    _over_pay(db, cid, 36_000, "INV-16")  # 35,000: all of INV-14, 5,000 of INV-15
    [step] = dun(db, TODAY, TODAY)
    assert (step.level, step.days_overdue, step.overdue_minor) == (2, 40, 15_000)
    assert step.overdue_minor == _exposure(db, cid).overdue_minor
    c = _customer(db, cid)
    assert (c.dunning_level, c.credit_hold) == (2, False)
    with db.read() as s:
        row = s.get(DunningLetter, step.letter_id)
        assert (row.level, row.days_overdue, row.overdue_minor) == (2, 40, 15_000)
    # covering INV-14 and exactly all of INV-15 but one: still 40 days, 1 overdue
    _over_pay(db, cid, 15_000 - 1 + 1_000, "INV-17")
    assert dun(db, TODAY, TODAY) == []  # level 2 already had
    with db.read() as s:
        assert overdue.overdue_after_credit(s, TODAY) == {cid: overdue.Overdue(40, 1)}


def test_statement_and_letter_print_the_credit_on_account_and_the_net_balance(db):
    cid = make_customer(db, phone="13600000013")
    _invoice(db, cid, 12_345, TODAY - timedelta(days=40), "INV-18")
    _over_pay(db, cid, 3_000, "INV-19")  # INV-19 paid, 2,000 on account
    [step] = dun(db, TODAY, TODAY)
    assert (step.level, step.overdue_minor) == (2, 10_345)
    letter = dunning.letter(db, step.letter_id)
    statement = dunning.statement(db, "finance", cid, TODAY)
    for paper in (letter, statement):
        assert (paper.on_account_minor, paper.balance_minor, paper.overdue_minor) == (
            2_000, 10_345, 10_345)  # fmt: skip
    assert statement.balance_minor == _exposure(db, cid).open_invoices_minor
    pdf = account_pdf([letter, statement], Company("明光水木实业", currency="CNY"))
    for page in (p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages):
        assert "INV-18" in page and "¥123.45" in page  # open on the invoice
        assert "Credit on account 账户贷项" in page and "-¥20.00" in page
        assert "Balance 余额" in page and "¥103.45" in page  # net: 123.45 - 20.00
    # a customer in credit: a negative balance, nothing overdue
    _over_pay(db, cid, 20_000, "INV-20")
    statement = dunning.statement(db, "finance", cid, TODAY)
    assert (statement.balance_minor, statement.overdue_minor) == (-8_655, 0)
    text = (
        PdfReader(io.BytesIO(account_pdf([statement], Company("明光", currency="CNY"))))
        .pages[0]
        .extract_text()
    )
    assert "-¥210.00" in text and "-¥86.55" in text  # credit 2,000 + 19,000; the balance


def test_todays_list_shows_the_balance_net_of_credit_on_account(db):
    cid = make_customer(db, phone="13600000014")
    _invoice(db, cid, 8_800, TODAY - timedelta(days=20), "INV-21")
    _over_pay(db, cid, 5_000, "INV-22")  # 4,000 on account
    follow_ups.record_follow_up(db, "finance", cid, "call", "asked for the rest",
                                next_action_on=TODAY, today=TODAY)  # fmt: skip
    [item] = follow_ups.todays_follow_ups(db, TODAY)
    assert item.open_minor == 4_800 == _exposure(db, cid).open_invoices_minor
    _over_pay(db, cid, 10_000, "INV-23")  # 9,000 more: in credit
    [item] = follow_ups.todays_follow_ups(db, TODAY)
    assert item.open_minor == -4_200


def test_a_statement_of_account_is_finances_to_see(db) -> None:
    """A customer's account (invoices, balance, payments) is finance's: the warehouse and a
    clerk, who see the customer's address, may not print it (issue 17: statements)."""
    cid = make_customer(db)
    _invoice(db, cid, 5_000, TODAY - timedelta(days=10), "INV-S1")
    assert dunning.statement(db, "finance", cid, TODAY).balance_minor == 5_000
    assert dunning.statement(db, "manager", cid, TODAY).balance_minor == 5_000
    for role in ("warehouse", "clerk"):
        with pytest.raises(NotPermitted, match=rf"^{role} \({role}\) may not see receivables"):
            dunning.statement(db, role, cid, TODAY)
