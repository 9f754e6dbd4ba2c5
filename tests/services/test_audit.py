"""Audit: each automatic check, the priority score, every decision with its event, the queue
and the alerts."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from oms_tui.models import Order, OrderAudit, OrderCheck, OrderEvent, OrderLine, Promotion
from oms_tui.services.platform import settings
from oms_tui.services.platform.errors import IllegalTransition, InvalidInput, StaleData
from oms_tui.services.sales import audit_checks, audit_decisions, audit_queue, orders
from oms_tui.services.sales.dashboard import home_counts
from oms_tui.services.states.order_states import OrderStatus as S
from tests.audit_factories import (
    customer,
    invoice,
    order,
    set_created,
    set_customer,
    set_product,
    stock,
)
from tests.factories import make_product

TODAY = date.today()


def _levels(results, code: str) -> list[tuple[str, str]]:
    return [(r.level, r.reason) for r in results if r.code == code]


def _events(db, order_id: int) -> list[tuple[str, str | None, str, str]]:
    with db.read() as s:
        return [
            (e.actor, e.from_status, e.to_status, e.reason)
            for e in s.exec(
                select(OrderEvent).where(OrderEvent.order_id == order_id)
                .order_by(col(OrderEvent.id))
            )
        ]  # fmt: skip


def _clean(db, **kw):
    """A customer and an in-stock product: an order of it passes every check."""
    cid = customer(db, **{k: kw.pop(k) for k in ("group", "tier") if k in kw})
    pid = make_product(db, price_minor=kw.pop("price_minor", 2500))
    stock(db, pid, 100)
    return cid, pid


# -- checks ----------------------------------------------------------------------------------


def test_clean_order_passes_every_check_and_the_results_are_stored(db):
    cid, pid = _clean(db)
    view = order(db, cid, [(pid, 4)])
    run = audit_checks.submit_for_audit(db, "wang", view.id)
    assert run.status == S.PENDING_AUDIT and run.level == "pass"
    codes = ["completeness", "product", "price", "cost", "credit", "stock", "made_to_order",
             "duplicate"]  # fmt: skip
    assert [c.code for c in run.checks] == codes
    assert {c.level for c in run.checks} == {"pass"}
    with db.read() as s:
        rows = s.exec(select(OrderCheck).where(OrderCheck.order_id == view.id)
                      .order_by(col(OrderCheck.seq))).all()  # fmt: skip
        record = s.get(OrderAudit, view.id)
    assert [(r.code, r.level, r.reason) for r in rows] == [
        (c.code, c.level, c.reason) for c in run.checks]  # fmt: skip
    assert (record.checks_level, record.checks_summary) == ("pass", "all pass")
    assert _events(db, view.id)[-1] == ("wang", "draft", "pending_audit", "submitted")
    # a second run replaces the rows, it does not add to them
    audit_checks.run_checks(db, view.id)
    assert len(audit_checks.stored_checks(db, view.id)) == len(codes)


def test_completeness_phone_address_and_delivery_date(db):
    pid = make_product(db)
    stock(db, pid, 10)
    bare = customer(db, phone="", street="", city="")
    view = order(db, bare, [(pid, 1)], requested_date=None)
    found = _levels(audit_checks.run_checks(db, view.id), "completeness")
    assert found == [("fail", "no contact phone"), ("fail", "no delivery address"),
                     ("warn", "no requested delivery date")]  # fmt: skip


def test_inactive_product_fails(db):
    cid, pid = _clean(db)
    view = order(db, cid, [(pid, 1)])
    set_product(db, pid, active=False)
    found = _levels(audit_checks.run_checks(db, view.id), "product")
    assert len(found) == 1 and found[0][0] == "fail"
    assert found[0][1].endswith(": no longer sold") and found[0][1].startswith("line 1 ")


def test_price_differs_from_the_engine_fails_and_an_override_warns_with_its_reason(db):
    cid, pid = _clean(db, price_minor=2500)
    other = make_product(db, price_minor=900)
    stock(db, other, 50)
    view = order(
        db,
        cid,
        [
            (pid, 2),
            orders.NewLine(other, 1, unit_price_minor=800, override_reason="matched competitor"),
        ],
    )
    assert _levels(audit_checks.run_checks(db, view.id), "price") == [
        ("warn", f"line 2 {_code(db, other)}: override: matched competitor")]  # fmt: skip
    set_product(db, pid, list_price_minor=2700)  # the price book moved after entry
    assert _levels(audit_checks.run_checks(db, view.id), "price")[0] == (
        "fail",
        f"line 1 {_code(db, pid)}: ¥25.00 but the price book gives ¥27.00 (list price)",
    )


def test_promotion_and_clerk_discount_priced_as_the_engine_does_pass(db):
    cid, pid = _clean(db, price_minor=10_000)
    with db.write() as s:
        s.add(
            Promotion(
                name="灯具节",
                kind="percent_off",
                product_id=pid,
                percent_bp=1000,
                starts_on=TODAY - timedelta(days=1),
                ends_on=TODAY + timedelta(days=1),
            )
        )
    view = order(db, cid, [orders.NewLine(pid, 2, discount_minor=500), (pid, 1)])
    first, second = orders.get_order(db, view.number).lines
    assert first.discount_minor == 2_000 + 500 and "line discount" in first.price_source
    assert second.discount_minor == 1_000 and "line discount" not in second.price_source
    assert _levels(audit_checks.run_checks(db, view.id), "price") == [
        ("pass", "prices match the price book")
    ]
    with db.write() as s:  # somebody edits the promotion's discount behind the engine's back
        ln = s.exec(select(OrderLine).where(OrderLine.order_id == view.id,
                                            OrderLine.line_no == 2)).one()  # fmt: skip
        ln.discount_minor = 3_000
        s.add(ln)
    assert _levels(audit_checks.run_checks(db, view.id), "price") == [("fail", (
        f"line 2 {_code(db, pid)}: discount ¥30.00 but the price book gives ¥10.00 "
        "(list price; promotion 灯具节 -10%)"))]  # fmt: skip


def test_price_below_cost_warns(db):
    cid, pid = _clean(db, price_minor=1130)  # 13 % tax inside: ¥10.00 net
    set_product(db, pid, cost_minor=1200)
    view = order(db, cid, [(pid, 3)])
    assert _levels(audit_checks.run_checks(db, view.id), "cost") == [
        ("warn", f"line 1 {_code(db, pid)}: sold for ¥30.00 net, costs ¥36.00")
    ]


def test_credit_hold_fails_and_credit_terms_warn_over_limit_and_overdue(db):
    cid, pid = _clean(db)
    set_customer(db, cid, credit_hold=True, credit_hold_reason="bounced cheque")
    held = order(db, cid, [(pid, 1)])
    assert _levels(audit_checks.run_checks(db, held.id), "credit") == [
        ("fail", "customer is on credit hold: bounced cheque")
    ]
    set_customer(db, cid, credit_hold=False, payment_terms="NET30", credit_limit_minor=50_000)
    invoice(db, cid, 40_000, due_on=TODAY - timedelta(days=3), paid_minor=10_000)  # 30,000 late
    invoice(db, cid, 15_000, due_on=TODAY + timedelta(days=20))
    credit = order(db, cid, [(pid, 4)])  # ¥100.00: 45,000 owed + 10,000 > 50,000
    assert credit.total_minor == 10_000
    assert _levels(audit_checks.run_checks(db, credit.id, today=TODAY), "credit") == [
        (
            "warn",
            "over credit limit: owes ¥450.00 on invoices + ¥0.00 approved not invoiced "
            "+ this order ¥100.00 > ¥500.00",
        ),
        ("warn", "overdue balance ¥300.00"),
    ]


def test_credit_limit_counts_approved_orders_not_yet_invoiced(db):
    """Several approved, unshipped orders: each alone is within the limit, with the ones
    approved before it is not. Order entry's quote says the same words."""
    cid, pid = _clean(db)
    set_customer(db, cid, payment_terms="NET30", credit_limit_minor=25_000)
    invoice(db, cid, 5_000, due_on=TODAY + timedelta(days=20))

    def credit(view):  # noqa: ANN001, ANN202
        return _levels(audit_checks.run_checks(db, view.id, today=TODAY), "credit")

    first = order(db, cid, [(pid, 4)], submit=True)  # ¥100.00
    assert credit(first) == [("pass", "within credit limit, nothing overdue")]
    orders.transition(db, "auditor", first.id, S.APPROVED, "ok")
    second = order(db, cid, [(pid, 4)], submit=True)
    assert [level for level, _ in credit(second)] == ["pass"]  # 50 + 100 + 100: at the limit
    orders.transition(db, "auditor", second.id, S.APPROVED, "ok")
    third = order(db, cid, [(pid, 4)], submit=True)
    over = (
        "over credit limit: owes ¥50.00 on invoices + ¥200.00 approved not invoiced "
        "+ this order ¥100.00 > ¥250.00"
    )
    assert credit(third) == [("warn", over)]
    # the same sentence while the order is typed
    quoted = orders.quote_order(db, cid, [orders.NewLine(pid, 4)])
    assert quoted.quote.totals.total_minor == third.total_minor and over in quoted.warnings
    # a cancelled approved order no longer counts
    orders.transition(db, "manager", first.id, S.CANCELLED, "customer cancelled")
    assert [level for level, _ in credit(third)] == ["pass"]


def test_cash_order_of_a_customer_with_debts_needs_no_credit(db):
    cid, pid = _clean(db)
    invoice(db, cid, 99_000, due_on=TODAY - timedelta(days=30))
    view = order(db, cid, [(pid, 1)], payment_method="cod")
    assert _levels(audit_checks.run_checks(db, view.id), "credit") == [
        ("pass", "no credit needed (cod)")
    ]


def test_stock_shortage_warns_per_line_across_warehouses(db):
    cid, pid = _clean(db)  # 100 in HZ
    short = make_product(db)
    stock(db, short, 5, reserved=2, wh="HZ")
    stock(db, short, 4, reserved=0, wh="SH")  # 7 available over both
    view = order(db, cid, [(pid, 10), (short, 10)])
    assert _levels(audit_checks.run_checks(db, view.id), "stock") == [
        ("warn", f"line 2 {_code(db, short)}: backorder: 3 short (7 available, 10 ordered)")
    ]


def test_made_to_order_needs_a_requirements_note(db):
    cid, _ = _clean(db)
    door = make_product(db, made_to_order=True, name="实木门")
    without = order(db, cid, [(door, 1)])
    assert _levels(audit_checks.run_checks(db, without.id), "made_to_order") == [(
        "fail", f"line 1 {_code(db, door)}: made to order but no requirements note "
                "(size, colour, finish)")]  # fmt: skip
    noted = order(db, cid, [orders.NewLine(door, 1, requirements_note="2100x900, 胡桃色")])
    results = audit_checks.run_checks(db, noted.id)
    assert _levels(results, "made_to_order") == [
        ("pass", "1 made-to-order lines have requirements")
    ]
    assert _levels(results, "stock") == [("pass", "no stocked lines")]  # produced, not picked


def test_duplicate_suspicion_names_the_other_order(db):
    cid, pid = _clean(db)
    other = make_product(db)
    stock(db, other, 10)
    first = order(db, cid, [(pid, 2), (other, 1)])
    second = order(db, cid, [(other, 1), (pid, 2)])  # same lines, another order
    different = order(db, cid, [(pid, 3), (other, 1)])
    found = _levels(audit_checks.run_checks(db, second.id), "duplicate")
    assert len(found) == 1 and found[0][0] == "warn"
    assert found[0][1].startswith(f"possible duplicate of {first.number} (same lines, ")
    assert _levels(audit_checks.run_checks(db, different.id), "duplicate")[0][0] == "pass"
    # more than 24 hours apart is not suspicious; a cancelled order does not count
    set_created(db, first.id, datetime.now(UTC) - timedelta(hours=30))
    assert _levels(audit_checks.run_checks(db, second.id), "duplicate")[0][0] == "pass"


# -- priority --------------------------------------------------------------------------------


def test_priority_score_reasons_and_weights():
    p = audit_checks.priority_score(requested_date=TODAY + timedelta(days=1), today=TODAY,
                             customer_group="key_account", customer_tier="C",
                             total_minor=1_230_000, currency="CNY")  # fmt: skip
    assert p.text == "due tomorrow, key account, ¥12,300"
    assert p.score == 3 * 80 + 2 * 100 + 1 * 100
    later = audit_checks.priority_score(requested_date=TODAY + timedelta(days=20), today=TODAY,
                                 customer_group="retail", customer_tier="B",
                                 total_minor=250_050, currency="CNY")  # fmt: skip
    assert later.reasons == ("tier B customer", "¥2,500.50")
    assert later.score == 2 * 40 + 25
    w = audit_checks.AuditSettings(audit_weight_due=10, audit_weight_tier=0, audit_weight_value=0)
    late = audit_checks.priority_score(requested_date=TODAY - timedelta(days=2), today=TODAY,
                                customer_group="retail", customer_tier="A", total_minor=0,
                                currency="CNY",
                                order_priority=2, bump_points=100, weights=w)  # fmt: skip
    assert late.score == 10 * 100 + 200 + 100
    assert late.reasons == ("overdue by 2 days", "tier A customer", "¥0", "marked urgent",
                            "bumped +100")  # fmt: skip


def test_priority_is_stored_with_the_checks_and_weights_come_from_settings(db):
    cid, pid = _clean(db, group="key_account")
    view = order(db, cid, [(pid, 2)], requested_date=TODAY + timedelta(days=1))
    run = audit_checks.submit_for_audit(db, "wang", view.id, today=TODAY)
    assert run.priority.score == 3 * 80 + 2 * 100 + 5_000 * 100 // 1_000_000
    audit_checks.set_audit_setting(db, "admin", "audit_weight_due", 5)
    with pytest.raises(InvalidInput, match="unknown audit setting"):
        audit_checks.set_audit_setting(db, "admin", "audit_weight_mood", 1)
    run = audit_checks.check_run(db, view.id, today=TODAY)
    assert run.priority.score == 5 * 80 + 2 * 100
    with db.read() as s:
        record = s.get(OrderAudit, view.id)
    assert (record.priority_score, record.priority_reasons) == (
        run.priority.score,
        "due tomorrow, key account, ¥50",
    )


def test_bump_raises_priority_and_records_an_event_without_a_status_change(db):
    cid, pid = _clean(db)
    low = order(db, cid, [(pid, 1)])
    high = order(db, cid, [(pid, 1), (make_product(db), 1)], requested_date=TODAY)
    for v in (low, high):
        audit_checks.submit_for_audit(db, "wang", v.id, today=TODAY)
    assert [r.number for r in audit_queue.queue(db, today=TODAY).rows] == [high.number, low.number]
    with pytest.raises(InvalidInput, match="reason"):
        audit_decisions.bump(db, "li", low.id, " ")
    audit_checks.set_audit_setting(db, "admin", "audit_bump_points", 250)
    prio = audit_decisions.bump(db, "li", low.id, "customer called twice", today=TODAY)
    prio = audit_decisions.bump(db, "li", low.id, "still waiting", today=TODAY)
    assert prio.reasons[-1] == "bumped +500"
    assert _events(db, low.id)[-2:] == [
        ("li", "pending_audit", "pending_audit", "priority bumped: customer called twice"),
        ("li", "pending_audit", "pending_audit", "priority bumped: still waiting"),
    ]
    assert [r.number for r in audit_queue.queue(db, today=TODAY).rows] == [low.number, high.number]
    # a recheck keeps the bumps
    assert audit_checks.check_run(db, low.id, today=TODAY).priority.score == prio.score


# -- decisions -------------------------------------------------------------------------------


def test_approve_names_warnings_and_needs_a_reason_over_a_failure(db):
    cid, pid = _clean(db)
    short = make_product(db)
    ok = order(db, cid, [(pid, 1)])
    audit_checks.submit_for_audit(db, "wang", ok.id)
    view = audit_decisions.approve(db, "li", ok.id)
    assert view.status == S.ALLOCATED  # approval hands the order on to allocation
    assert _events(db, ok.id)[-2] == ("li", "pending_audit", "approved", "approved")
    assert _events(db, ok.id)[-1][1:3] == ("approved", "allocated")

    warned = order(db, cid, [(short, 2)])
    audit_checks.submit_for_audit(db, "wang", warned.id)
    audit_decisions.approve(db, "li", warned.id)
    assert _events(db, warned.id)[-2][3] == "approved (warnings: stock)"
    assert _events(db, warned.id)[-1][1:] == ("approved", "backordered", "L1 2 backordered")

    set_customer(db, cid, credit_hold=True)
    failed = order(db, cid, [(pid, 5)])
    audit_checks.submit_for_audit(db, "wang", failed.id)
    with pytest.raises(InvalidInput, match="checks failed \\(credit\\); give a reason"):
        audit_decisions.approve(db, "li", failed.id)
    assert orders.get_order_by_id(db, failed.id).status == S.PENDING_AUDIT
    audit_decisions.approve(db, "boss", failed.id, reason="paid in cash at the counter")
    assert _events(db, failed.id)[-2] == (
        "boss", "pending_audit", "approved",
        "paid in cash at the counter (approved despite: credit)")  # fmt: skip


def test_approve_refuses_a_stale_version(db):
    cid, pid = _clean(db)
    view = order(db, cid, [(pid, 1)])
    seen = audit_checks.submit_for_audit(db, "wang", view.id).version
    audit_decisions.bump(db, "li", view.id, "vip")  # not a change of the order itself
    audit_decisions.hold(db, "zhao", view.id, "check address", TODAY + timedelta(days=1))
    with pytest.raises(StaleData):
        audit_decisions.approve(db, "li", view.id, expected_version=seen)
    assert orders.get_order_by_id(db, view.id).status == S.ON_HOLD


def test_reject_hold_and_send_back_need_reasons_and_record_them(db):
    cid, pid = _clean(db)
    a, b, c = (order(db, cid, [(pid, n)]) for n in (1, 2, 3))
    for v in (a, b, c):
        audit_checks.submit_for_audit(db, "wang", v.id)
    with pytest.raises(IllegalTransition, match="reason is required"):
        audit_decisions.reject(db, "li", a.id, "")
    assert audit_decisions.reject(db, "li", a.id, "customer unknown").status == S.REJECTED
    assert _events(db, a.id)[-1] == ("li", "pending_audit", "rejected", "customer unknown")

    with pytest.raises(InvalidInput, match="in the past"):
        audit_decisions.hold(
            db, "li", b.id, "waiting for deposit", TODAY - timedelta(days=1), today=TODAY
        )
    follow = TODAY + timedelta(days=3)
    assert audit_decisions.hold(db, "li", b.id, "waiting for deposit", follow).status == S.ON_HOLD
    assert _events(db, b.id)[-1] == (
        "li",
        "pending_audit",
        "on_hold",
        f"waiting for deposit (follow up {follow.isoformat()})",
    )
    with db.read() as s:
        assert s.get(OrderAudit, b.id).follow_up_on == follow

    with pytest.raises(IllegalTransition, match="reason is required"):
        audit_decisions.send_back(db, "li", c.id, " ")
    assert (
        audit_decisions.send_back(db, "li", c.id, "wrong colour, ask the customer").status
        == S.DRAFT
    )
    assert _events(db, c.id)[-1] == ("li", "pending_audit", "draft",
                                     "wrong colour, ask the customer")  # fmt: skip
    # corrected and submitted again: checks run again
    run = audit_checks.submit_and_check(db, "wang", c.id)
    assert run.status == S.PENDING_AUDIT and len(run.checks) == 8


def test_approve_many_approves_with_warnings_recorded_and_says_why_for_the_rest(db):
    cid, pid = _clean(db)
    short = make_product(db)  # no stock
    good1, good2 = order(db, cid, [(pid, 1)]), order(db, cid, [(pid, 2)])
    warned = order(db, cid, [(short, 3)])
    draft = order(db, cid, [(pid, 4)])
    for v in (good1, good2, warned):
        audit_checks.submit_for_audit(db, "wang", v.id)
    result = audit_decisions.approve_many(db, "li", [good1.id, warned.id, draft.id, good2.id, 9999])
    # a warning does not block by default: approved, the warning named with it
    assert result.approved == (good1.number, warned.number, good2.number)
    why = (
        f"stock check warns: line 1 {_code(db, short)}: backorder: 3 short (0 available, 3 ordered)"
    )
    assert result.warned == ((warned.number, (why,)),)
    assert dict(result.skipped) == {draft.number: ("not in audit (draft)",),
                                    "order #9999": ("no order with id 9999",)}  # fmt: skip
    assert [orders.get_order_by_id(db, v.id).status for v in (good1, good2, warned, draft)] == [
        S.ALLOCATED, S.ALLOCATED, S.BACKORDERED, S.DRAFT]  # fmt: skip
    assert _events(db, good2.id)[-2] == ("li", "pending_audit", "approved",
                                         "approved in bulk: all checks pass")  # fmt: skip
    assert _events(db, warned.id)[-2] == ("li", "pending_audit", "approved",
                                          "approved in bulk (warnings: stock)")  # fmt: skip


def test_approve_many_skips_the_warnings_the_setting_names(db):
    cid, pid = _clean(db)
    short = make_product(db)  # no stock
    good, warned = order(db, cid, [(pid, 1)]), order(db, cid, [(short, 3)])
    for v in (good, warned):
        audit_checks.submit_for_audit(db, "wang", v.id)
    settings.set_setting(db, "admin", "bulk_approve_blocks", "Stock, credit")
    assert settings.get_settings(db).bulk_blocking_checks == {"stock", "credit"}
    result = audit_decisions.approve_many(db, "li", [good.id, warned.id])
    assert result.approved == (good.number,)
    assert dict(result.skipped) == {
        warned.number: (
            f"stock check warns: line 1 {_code(db, short)}: backorder: 3 short (0 available, "
            "3 ordered)",
        )
    }
    assert orders.get_order_by_id(db, warned.id).status == S.PENDING_AUDIT
    settings.set_setting(db, "admin", "bulk_approve_blocks", "all")
    assert settings.get_settings(db).bulk_blocking_checks == set(settings.AUDIT_CHECK_NAMES)
    with pytest.raises(InvalidInput, match="unknown check 'stok'"):
        settings.set_setting(db, "admin", "bulk_approve_blocks", "stok")


def test_the_settings_know_every_audit_check_by_name(db):
    cid, pid = _clean(db)
    view = order(db, cid, [(pid, 1)], submit=True)
    run = audit_checks.submit_and_check(db, "wang", view.id)
    assert {c.code for c in run.checks} <= set(settings.AUDIT_CHECK_NAMES)
    source = Path(audit_checks.__file__).read_text()
    named = re.findall(r'CheckResult\(\s*"([a-z_]+)"', source)
    assert set(named) == set(settings.AUDIT_CHECK_NAMES)


def test_submit_and_check_checks_an_order_created_straight_into_audit(db):
    cid, pid = _clean(db)
    view = order(db, cid, [(pid, 1)], submit=True)
    run = audit_checks.submit_and_check(db, "wang", view.id)
    assert run.status == S.PENDING_AUDIT and run.level == "pass"
    assert [e[2] for e in _events(db, view.id)] == ["draft", "pending_audit"]  # no extra event


# -- queue and alerts ------------------------------------------------------------------------


def test_queue_highest_priority_first_keyset_paged_with_check_summaries(db):
    cid, pid = _clean(db)
    views = [order(db, cid, [(pid, n)], requested_date=TODAY + timedelta(days=d))
             for n, d in ((1, 30), (2, 1), (3, 5), (4, 0), (5, 30))]  # fmt: skip
    for v in views:
        audit_checks.submit_for_audit(db, "wang", v.id, today=TODAY)
    unchecked = order(db, cid, [(pid, 9)], submit=True)  # reached audit around the services
    on_hold = order(db, cid, [(pid, 8)])
    audit_checks.submit_for_audit(db, "wang", on_hold.id, today=TODAY)
    audit_decisions.hold(db, "li", on_hold.id, "deposit", TODAY + timedelta(days=2))

    seen, after, pages = [], None, 0
    while True:
        page = audit_queue.queue(db, limit=2, after=after, today=TODAY)
        seen += page.rows
        pages += 1
        if page.next is None:
            break
        after = page.next
    assert pages == 3
    scores = [r.priority_score for r in seen]
    assert scores == sorted(scores, reverse=True)
    ids = [r.order_id for r in seen]
    assert len(ids) == len(set(ids)) == 6  # the on-hold order is not due yet
    assert ids[:2] == [views[3].id, views[1].id]  # due today, due tomorrow
    # due in 30 days, ordinary customer: value points only (¥125 = 1); the order that reached
    # audit around the services has no score yet (0); ties newest first
    assert ids[-3:] == [views[4].id, unchecked.id, views[0].id]
    last = seen[-2]
    assert (last.checks_level, last.checks_summary) == ("", "")
    row = next(r for r in seen if r.order_id == views[3].id)
    assert row.checks_summary == "all pass" and row.priority_reasons.startswith("due today")
    assert row.due_soon and not row.waiting_too_long
    # the follow-up date arrives: the order is back in the queue
    back = audit_queue.queue(db, today=TODAY + timedelta(days=2))
    assert on_hold.id in [r.order_id for r in back.rows]
    # refresh scores the order that bypassed the services
    assert audit_decisions.refresh_priorities(db, today=TODAY) == 7
    assert next(r for r in audit_queue.queue(db, today=TODAY).rows
                if r.order_id == unchecked.id).priority_reasons == "¥225"  # fmt: skip


def test_held_orders_come_first_by_follow_up_date_across_pages_and_counts_agree(db):
    cid, pid = _clean(db)
    pending = [order(db, cid, [(pid, n)]) for n in (1, 2, 3)]
    held = [order(db, cid, [(pid, n)]) for n in (4, 5, 6, 7)]
    for v in pending + held:
        audit_checks.submit_for_audit(db, "wang", v.id, today=TODAY)
    # follow up in 3, 1 and 2 days, and one not until next month
    for v, days in zip(held, (3, 1, 2, 30), strict=True):
        audit_decisions.hold(db, "li", v.id, "deposit", TODAY + timedelta(days=days), today=TODAY)
    later = TODAY + timedelta(days=5)
    seen, after = [], None
    while True:
        page = audit_queue.queue(db, limit=2, after=after, today=later)
        seen += page.rows
        if page.next is None:
            break
        after = page.next
    ids = [r.order_id for r in seen]
    assert ids[:3] == [held[1].id, held[2].id, held[0].id]  # earliest follow-up first
    assert [r.status for r in seen[:3]] == [S.ON_HOLD] * 3
    assert set(ids[3:]) == {v.id for v in pending} and len(ids) == 6
    count = audit_queue.count(db, later)
    assert (count.pending, count.held_due, count.held_later, count.in_queue) == (3, 3, 1, 6)
    home = home_counts(db, today=later)
    assert (home.waiting_audit, home.on_hold) == (len(ids), 1)  # home says what the queue lists


def test_an_order_on_hold_can_be_held_again_with_a_later_date(db):
    cid, pid = _clean(db)
    v = order(db, cid, [(pid, 1)])
    audit_checks.submit_for_audit(db, "wang", v.id, today=TODAY)
    audit_decisions.hold(db, "li", v.id, "deposit", TODAY + timedelta(days=1), today=TODAY)
    seen = orders.get_order_by_id(db, v.id)
    later = TODAY + timedelta(days=4)
    view = audit_decisions.hold(db, "li", v.id, "no answer", later, seen.version, today=TODAY)
    assert view.status == S.ON_HOLD and view.version > seen.version
    assert _events(db, v.id)[-1] == (
        "li",
        "on_hold",
        "on_hold",
        f"held again: no answer (follow up {later.isoformat()})",
    )
    with db.read() as s:
        assert s.get(OrderAudit, v.id).follow_up_on == later
    with pytest.raises(StaleData):  # acted on the view before the second hold
        audit_decisions.hold(db, "li", v.id, "again", later, seen.version, today=TODAY)


def test_alerts_count_long_waits_and_near_unshipped_delivery_dates(db):
    cid, pid = _clean(db)
    waiting = order(db, cid, [(pid, 1)], requested_date=TODAY + timedelta(days=1))
    later = order(db, cid, [(pid, 2)], requested_date=TODAY + timedelta(days=20))
    draft = order(db, cid, [(pid, 3)], requested_date=TODAY)  # a draft is not counted
    for v in (waiting, later):
        audit_checks.submit_for_audit(db, "wang", v.id)
    now = datetime.now(UTC)
    assert audit_queue.alerts(db, now) == audit_queue.AuditAlerts(0, 1, 4, 2)
    later_now = now + timedelta(hours=5)
    assert audit_queue.alerts(db, later_now).waiting_too_long == 2
    audit_checks.set_audit_setting(db, "admin", "audit_alert_hours", 6)
    audit_checks.set_audit_setting(db, "admin", "audit_due_soon_days", 30)
    assert audit_queue.alerts(db, later_now) == audit_queue.AuditAlerts(0, 2, 6, 30)
    assert draft.status == S.DRAFT
    rows = audit_queue.queue(db, now=later_now).rows
    assert all(not r.waiting_too_long for r in rows)
    audit_decisions.approve(db, "li", waiting.id)  # approved, still not shipped: still due soon
    assert audit_queue.alerts(db, now + timedelta(hours=7)) == audit_queue.AuditAlerts(1, 2, 6, 30)


def _code(db, product_id: int) -> str:
    from oms_tui.models import Product

    with db.read() as s:
        return s.get(Product, product_id).code


def test_order_view_is_untouched_by_checks(db):
    """Running checks writes only check and audit rows: the order's version stays."""
    cid, pid = _clean(db)
    view = order(db, cid, [(pid, 1)], submit=True)
    before = orders.get_order_by_id(db, view.id).version
    audit_checks.run_checks(db, view.id)
    audit_checks.run_checks(db, view.id)
    with db.read() as s:
        assert s.get(Order, view.id).version == before
