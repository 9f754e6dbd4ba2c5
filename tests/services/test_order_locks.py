"""No silent overwrites: who has an order open, and two editors never overwrite each other."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import select

from oms_tui.models import Order, OrderEvent, OrderLock, Setting
from oms_tui.services.platform.errors import NotFound, StaleData
from oms_tui.services.sales import audit_decisions, order_locks, orders
from oms_tui.services.states.order_states import OrderStatus as S
from tests.audit_factories import customer, order
from tests.factories import make_product


def _pending(db) -> orders.OrderView:
    return order(db, customer(db), [(make_product(db), 1)], submit=True)


def test_second_editor_is_told_who_has_it_open_and_since_when(db):
    view = _pending(db)
    at = datetime(2026, 3, 2, 10, 2, tzinfo=UTC)
    first = order_locks.open_for_edit(db, "wang", view.id, now=at)
    assert first.others == () and first.warning == ""
    second = order_locks.open_for_edit(db, "li", view.id, now=at + timedelta(minutes=3))
    assert [h.user for h in second.others] == ["wang"]
    assert second.others[0].since == at
    assert second.warning == f"open by wang since {at.astimezone():%H:%M}"
    # wang refreshes: his "since" stays, and he now sees li
    again = order_locks.open_for_edit(db, "wang", view.id, now=at + timedelta(minutes=5))
    assert again.since == at and [h.user for h in again.others] == ["li"]
    assert [h.user for h in order_locks.holders(db, view.id, now=at + timedelta(minutes=6))] == [
        "wang", "li"]  # fmt: skip
    assert order_locks.release(db, "wang", view.id) is True
    assert order_locks.release(db, "wang", view.id) is False
    assert order_locks.open_for_edit(db, "zhao", view.id, now=at + timedelta(minutes=7)).warning \
        == f"open by li since {(at + timedelta(minutes=3)).astimezone():%H:%M}"  # fmt: skip


def test_stale_rows_are_ignored_and_cleared(db):
    view = _pending(db)
    at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    order_locks.open_for_edit(db, "wang", view.id, now=at)
    later = at + timedelta(minutes=31)  # default: stale after 30 minutes
    assert order_locks.holders(db, view.id, now=later) == ()
    assert order_locks.open_for_edit(db, "li", view.id, now=later).others == ()
    with db.read() as s:
        assert [r.user for r in s.exec(select(OrderLock)).all()] == ["li"]
    with db.write() as s:
        s.add(Setting(key=order_locks.STALE_MINUTES_KEY, value="60"))
    order_locks.open_for_edit(db, "wang", view.id, now=later)
    assert [h.user for h in order_locks.holders(db, view.id, now=later + timedelta(minutes=45))
            ] == ["li", "wang"]  # fmt: skip


def test_unknown_order(db):
    with pytest.raises(NotFound):
        order_locks.open_for_edit(db, "wang", 404)


def test_two_editors_cannot_overwrite_each_other_through_the_services(db):
    view = _pending(db)
    seen_by_wang = order_locks.open_for_edit(db, "wang", view.id)
    seen_by_li = order_locks.open_for_edit(db, "li", view.id)
    assert seen_by_li.warning.startswith("open by wang since ")
    version = orders.get_order_by_id(db, view.id).version  # both loaded the same version
    assert seen_by_wang.others == ()
    audit_decisions.hold(db, "wang", view.id, "customer will call back", datetime.now().date(),
               expected_version=version)  # fmt: skip
    with pytest.raises(StaleData, match="changed by someone else"):
        audit_decisions.reject(db, "li", view.id, "duplicate order", expected_version=version)
    with pytest.raises(StaleData):
        audit_decisions.approve(db, "li", view.id, expected_version=version)
    after = orders.get_order_by_id(db, view.id)
    assert after.status == S.ON_HOLD and after.version == version + 1
    assert [(e.actor, e.to_status) for e in after.events][-1] == ("wang", "on_hold")
    assert all(e.actor != "li" for e in after.events)


def test_the_version_column_refuses_a_save_over_a_newer_row(db):
    """Below the services: two sessions saved the same loaded row; the second UPDATE finds
    the version changed and is refused (SQLAlchemy version_id_col), nothing of the first lost."""
    view = _pending(db)
    with db.read() as s:
        wang_copy = s.get(Order, view.id)
    with db.read() as s:
        li_copy = s.get(Order, view.id)
    with db.write() as s:
        wang_copy.notes = "送货前电话联系"
        s.add(wang_copy)
    with pytest.raises(StaleDataError), db.write() as s:
        li_copy.notes = "放门卫"
        s.add(li_copy)
    with db.read() as s:
        saved = s.get(Order, view.id)
        assert (saved.notes, saved.version) == ("送货前电话联系", view.version + 1)


def test_concurrent_decisions_on_one_order_one_wins(db):
    """Two reviewers decide at the same moment, from the same version: exactly one wins."""
    view = _pending(db)
    version = orders.get_order_by_id(db, view.id).version
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(user: str, call) -> None:  # noqa: ANN001
        barrier.wait()
        try:
            call()
            outcomes[user] = "saved"
        except StaleData:
            outcomes[user] = "refused"

    threads = [
        threading.Thread(target=decide, args=("wang", lambda: audit_decisions.approve(
            db, "wang", view.id, expected_version=version))),
        threading.Thread(target=decide, args=("li", lambda: audit_decisions.reject(
            db, "li", view.id, "not ours", expected_version=version))),
    ]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes.values()) == ["refused", "saved"]
    winner = next(u for u, o in outcomes.items() if o == "saved")
    with db.read() as s:
        decided = s.exec(
            select(OrderEvent).where(
                OrderEvent.order_id == view.id, OrderEvent.from_status == S.PENDING_AUDIT
            )
        ).all()
    assert [e.actor for e in decided] == [winner]
