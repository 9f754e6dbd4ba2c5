"""The audit queue at 80x24, by keys only: every decision, bulk approval, stale data, alerts."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot

from oms_tui.app import OmsApp, make_app
from oms_tui.config import Settings
from oms_tui.models import Order, OrderAudit, OrderEvent
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.settings import set_setting
from oms_tui.services.sales import audit_checks, audit_decisions, orders
from oms_tui.services.sales.dashboard import home_counts
from oms_tui.services.sales.order_search import detail
from oms_tui.services.states.order_states import OrderStatus as S
from oms_tui.widgets.order_list import OrderList
from tests.audit_factories import customer, order, stock
from tests.factories import make_product
from tests.pilot import settle, until

from .app_helpers import flat, screen_text

USER = "auditor"  # the audit desk (approving past a failed check is a manager's)


def queue_app(db: Database, clock: datetime | None = None, user: str = USER,
              language: str | None = None) -> OmsApp:  # fmt: skip
    app = make_app(Settings(database_url=db.url, user=user), db, language=language)
    if clock is not None:
        app.clock = lambda: clock
    return app


def build_queue(db: Database, requested: date | None = None) -> dict[str, int]:
    """Four clean orders and one with a stock warning, all in audit with their checks.

    Returns order ids by name. Every order has a different quantity (no duplicate warning).
    """
    cid = customer(db, name="李伟五金", phone="13800138000")
    lamp = make_product(db, code="LED-40W", name="LED panel 40W", price_minor=2500)
    rare = make_product(db, code="SPOT-7W", name="Spotlight 7W", price_minor=1200)
    stock(db, lamp, 1000)
    stock(db, rare, 1)
    requested = requested or date.today() + timedelta(days=10)
    ids: dict[str, int] = {}
    for name, lines in [("clean1", [(lamp, 1)]), ("clean2", [(lamp, 2)]),
                        ("short", [(rare, 5)]), ("clean3", [(lamp, 3)]),
                        ("clean4", [(lamp, 4)])]:  # fmt: skip
        view = order(db, cid, lines, requested_date=requested)
        audit_checks.submit_for_audit(db, "wang", view.id)
        ids[name] = view.id
    return ids


@pytest.fixture
def queue_db(sqlite_db: Database) -> tuple[Database, dict[str, int]]:
    return sqlite_db, build_queue(sqlite_db)


def the_list(app: OmsApp) -> OrderList:
    return app.screen.query_one("#queue", OrderList)


async def goto(pilot: Pilot, order_id: int) -> None:
    """Down / Up (keys only) until the order is highlighted."""
    queue = the_list(pilot.app)
    target = [r.order_id for r in queue.rows].index(order_id)
    while queue.cursor != target:
        await pilot.press("down" if queue.cursor < target else "k")
    assert queue.highlighted.order_id == order_id


def status(db: Database, order_id: int) -> str:
    return orders.get_order_by_id(db, order_id).status


def last_event(db: Database, order_id: int) -> tuple[str, str, str]:
    e = orders.get_order_by_id(db, order_id).events[-1]
    return e.actor, e.to_status, e.reason


async def open_queue(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    await settle(pilot)


async def test_queue_lists_orders_with_checks_and_approve_by_a(queue_db) -> None:
    db, ids = queue_db
    app = queue_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        text = screen_text(app)
        assert "5 orders waiting" in text
        assert "warn: stock" in text and "all pass" in text
        number = orders.get_order_by_id(db, ids["clean2"]).number
        assert number in text
        await goto(pilot, ids["clean2"])
        await pilot.press("a")
        await settle(pilot)
        assert status(db, ids["clean2"]) == S.ALLOCATED  # approval hands on to allocation
        events = orders.get_order_by_id(db, ids["clean2"]).events
        assert (events[-2].actor, events[-2].to_status) == (USER, "approved")
        assert f"{number} approved: allocated" in screen_text(app)
        assert ids["clean2"] not in {r.order_id for r in the_list(app).rows}


async def test_the_list_shows_before_the_rescore_ends_and_keeps_the_highlight(
    queue_db, monkeypatch
) -> None:
    """Opening shows the stored order at once; the rescore (held here until released) then
    moves the highlighted order to the top, and the highlight goes with it."""
    db, ids = queue_db
    started, release = threading.Event(), threading.Event()
    real = audit_decisions.refresh_priorities

    def slow_rescore(db_: Database, today: date | None = None) -> int:
        started.set()
        assert release.wait(10)
        count = real(db_, today)
        with db_.write() as s:
            record = s.get(OrderAudit, ids["clean3"])
            record.priority_score = 999
            s.add(record)
        return count

    monkeypatch.setattr(audit_decisions, "refresh_priorities", slow_rescore)
    app = queue_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        queue = the_list(app)
        await until(pilot, lambda: queue.rows and started.is_set(),
                    "the first page shown while scoring", then_settle=False)  # fmt: skip
        assert len(queue.rows) == 5 and started.is_set() and not release.is_set()
        text = flat(screen_text(app))
        assert "5 orders waiting" in text and "Scoring the queue" in text
        await goto(pilot, ids["clean3"])
        before = queue.cursor
        assert before != 0
        release.set()
        await settle(pilot)
        assert "Scoring the queue" not in screen_text(app)
        assert queue.highlighted.order_id == ids["clean3"]
        assert queue.cursor == 0
        assert queue.rows[0].priority_score == 999


async def test_reject_with_a_preset_reason(queue_db) -> None:
    db, ids = queue_db
    app = queue_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await goto(pilot, ids["clean1"])
        await pilot.press("x")
        await pilot.press("enter")  # no reason yet: refused, the dialog stays
        assert "A reason is required" in screen_text(app)
        await pilot.press("1", "enter")
        await settle(pilot)
        assert status(db, ids["clean1"]) == S.REJECTED
        assert last_event(db, ids["clean1"]) == (USER, "rejected", "Customer cancelled")


async def test_hold_with_a_follow_up_date(queue_db) -> None:
    db, ids = queue_db
    app = queue_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await goto(pilot, ids["clean3"])
        await pilot.press("h", "2", "enter")  # preset 2, then the date field
        await pilot.press(*"+3", "enter")
        await settle(pilot)
        assert status(db, ids["clean3"]) == S.ON_HOLD
        follow_up = date.today() + timedelta(days=3)
        assert detail(db, orders.get_order_by_id(db, ids["clean3"]).number).follow_up_on == (
            follow_up
        )
        assert last_event(db, ids["clean3"]) == (
            USER,
            "on_hold",
            f"Customer to confirm (follow up {follow_up.isoformat()})",
        )


async def test_hold_typed_in_one_burst_keeps_the_date_in_its_field(queue_db) -> None:
    from .test_order_entry import burst

    db, ids = queue_db
    app = queue_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await goto(pilot, ids["clean3"])
        await pilot.press("h")
        burst(app, "2\r+3\r")  # the reason's Enter moves on before "+3" is typed
        await settle(pilot)
        assert status(db, ids["clean3"]) == S.ON_HOLD
        follow_up = date.today() + timedelta(days=3)
        assert last_event(db, ids["clean3"]) == (
            USER,
            "on_hold",
            f"Customer to confirm (follow up {follow_up.isoformat()})",
        )


async def test_send_back_with_a_typed_reason_and_bump(queue_db) -> None:
    db, ids = queue_db
    app = queue_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await goto(pilot, ids["clean4"])
        await pilot.press("b", *"fix the address", "enter")
        await settle(pilot)
        assert status(db, ids["clean4"]) == S.DRAFT
        assert last_event(db, ids["clean4"]) == (USER, "draft", "fix the address")
        await goto(pilot, ids["clean1"])
        await pilot.press("u", "1", "enter")
        await settle(pilot)
        assert last_event(db, ids["clean1"]) == (
            USER,
            "pending_audit",
            "priority bumped: Customer called",
        )
        # bumped to the top of the queue
        assert the_list(app).rows[0].order_id == ids["clean1"]


async def test_bulk_approve_takes_warnings_and_lists_them(queue_db) -> None:
    """By default only failed checks block a bulk approval: the warning is listed."""
    db, ids = queue_db
    app = queue_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        for name in ("clean1", "short", "clean3"):
            await goto(pilot, ids[name])
            await pilot.press("space")
        assert "3 selected" in screen_text(app)
        await pilot.press("A")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Approved 3" in text and "Approved with warnings 1" in text
        short = orders.get_order_by_id(db, ids["short"]).number
        assert f"{short} stock check warns: line 1" in text
        assert [status(db, ids[n]) for n in ("clean1", "clean3", "clean2")] == [
            S.ALLOCATED, S.ALLOCATED, S.PENDING_AUDIT]  # fmt: skip
        assert status(db, ids["short"]) not in (S.PENDING_AUDIT, S.ON_HOLD)
        await pilot.press("enter")  # closes the result
        await pilot.press("f2")  # nothing selected now
        assert "Select orders with Space first" in screen_text(app)


async def test_bulk_approve_skips_the_warnings_the_setting_names(queue_db) -> None:
    db, ids = queue_db
    set_setting(db, "admin", "bulk_approve_blocks", "stock")
    app = queue_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        for name in ("clean1", "short"):
            await goto(pilot, ids[name])
            await pilot.press("space")
        await pilot.press("f2")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Approved 1" in text and "Skipped 1" in text
        short = orders.get_order_by_id(db, ids["short"]).number
        assert f"{short} stock check warns" in text
        assert [status(db, ids[n]) for n in ("clean1", "short")] == [S.ALLOCATED, S.PENDING_AUDIT]


async def test_held_orders_are_marked_first_and_refuse_what_their_status_does_not_allow(
    queue_db,
) -> None:
    db, ids = queue_db
    today = date.today()
    audit_decisions.hold(db, "li", ids["clean4"], "deposit", today, today=today)  # due today
    audit_decisions.hold(db, "li", ids["clean2"], "deposit", today + timedelta(days=9))
    app = queue_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        queue = the_list(app)
        assert [r.order_id for r in queue.rows][0] == ids["clean4"]  # held and due: first
        assert ids["clean2"] not in {r.order_id for r in queue.rows}  # held for later
        held = orders.get_order_by_id(db, ids["clean4"]).number
        line = next(ln for ln in screen_text(app).splitlines() if held in ln)
        assert line.lstrip().startswith("H")
        text = flat(screen_text(app))
        assert "4 orders waiting (1 held, follow-up due)" in text
        home = home_counts(db)
        assert home.waiting_audit == 4 and home.on_hold == 1  # home says the same
        await goto(pilot, ids["clean4"])
        assert "on hold" in screen_text(app)
        await pilot.press("b")  # send back: not from hold; refused before any reason is asked
        await settle(pilot)
        assert app.screen is not None and app.screen.query("#queue")  # no dialog opened
        refusal = f"{held} on hold cannot be sent back: a approve, x reject, h hold again."
        assert refusal in flat(screen_text(app))
        assert status(db, ids["clean4"]) == S.ON_HOLD
        await pilot.press("h")  # held again, to a later date
        await settle(pilot)
        assert f"Hold {held} again" in screen_text(app)
        await pilot.press("2", "tab", *"+3", "enter")
        await settle(pilot)
        follow_up = (today + timedelta(days=3)).isoformat()
        assert last_event(db, ids["clean4"]) == (
            USER,
            "on_hold",
            f"held again: Customer to confirm (follow up {follow_up})",
        )
        assert ids["clean4"] not in {r.order_id for r in the_list(app).rows}


async def test_an_order_changed_meanwhile_is_refused_and_the_queue_reloads(queue_db) -> None:
    db, ids = queue_db
    app = queue_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        await goto(pilot, ids["clean2"])
        audit_decisions.hold(
            db, "wang", ids["clean2"], "customer phoned", date.today() + timedelta(days=1)
        )
        await pilot.press("a")
        await settle(pilot)
        text = flat(screen_text(app))
        number = orders.get_order_by_id(db, ids["clean2"]).number
        # who and when, whole on one line at 80 columns
        said = next(ln for ln in screen_text(app).splitlines() if "was changed by" in ln)
        assert f"Order {number} was changed by wang at " in said
        assert said.rstrip().endswith("nothing was saved."), said
        assert "was changed by wang at " in text
        assert status(db, ids["clean2"]) == S.ON_HOLD  # nothing overwritten
        assert ids["clean2"] not in {r.order_id for r in the_list(app).rows}


async def test_approving_a_failed_order_asks_why(sqlite_db: Database) -> None:
    cid = customer(sqlite_db, name="on hold co", phone="13900000001", credit_hold=True,
                   credit_hold_reason="unpaid")  # fmt: skip
    pid = make_product(sqlite_db, code="X1", price_minor=100)
    stock(sqlite_db, pid, 10)
    view = order(sqlite_db, cid, [(pid, 1)])
    audit_checks.submit_for_audit(sqlite_db, "wang", view.id)
    app = queue_app(sqlite_db, user="manager")  # past a failed check: a manager's
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        assert "fail: credit" in screen_text(app)
        await pilot.press("a", "1", "enter")
        await settle(pilot)
        assert status(sqlite_db, view.id) == S.ALLOCATED
        approval = orders.get_order_by_id(sqlite_db, view.id).events[-2]
        assert "Manager approved (approved despite: credit)" in approval.reason


async def test_enter_opens_the_detail_and_escape_comes_back(queue_db) -> None:
    db, ids = queue_db
    app = queue_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue(pilot)
        number = the_list(app).highlighted.number
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "OrderDetailScreen"
        assert number in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "AuditQueueScreen"
        assert app.current_mode == "audit"


async def test_home_shows_the_alert_counts(sqlite_db: Database) -> None:
    ids = build_queue(sqlite_db)
    now = datetime.now()
    with sqlite_db.write() as s:  # two orders entered audit 6 hours ago
        for oid in (ids["clean1"], ids["clean2"]):
            for e in s.exec(select(OrderEvent).where(OrderEvent.order_id == oid)):
                e.at = (now - timedelta(hours=6)).astimezone(UTC)
                s.add(e)
        o = s.get(Order, ids["clean3"])  # and one is due tomorrow
        o.requested_date = date.today() + timedelta(days=1)
        s.add(o)
    app = queue_app(sqlite_db, clock=now)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Alerts 2 waiting in audit over 4 h · 1 due within 2 days, not shipped" in text
        await pilot.press("a")  # the same orders are marked in the queue
        await settle(pilot)
        marks = {r.order_id: (r.waiting_too_long, r.due_soon) for r in the_list(app).rows}
        assert marks[ids["clean1"]] == (True, False)
        assert marks[ids["clean3"]] == (False, True)
        assert "WD" not in screen_text(app) and " W " in screen_text(app)


def test_the_queue_fixture_has_one_warning(queue_db) -> None:
    db, ids = queue_db
    with db.read() as s:
        levels = dict(s.exec(select(OrderAudit.order_id, OrderAudit.checks_level)
                             .order_by(col(OrderAudit.order_id))).all())  # fmt: skip
    assert levels[ids["short"]] == "warn"
    assert {levels[ids[n]] for n in ("clean1", "clean2", "clean3", "clean4")} == {"pass"}
