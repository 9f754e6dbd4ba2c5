"""Moving a production order through its stages: start (issues the materials), advance,
quality failure, a new expected date, completion (goods into stock, reserved for the
order line)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import (
    Order,
    OrderLine,
    ProductionOrder,
)
from ..inventory import stock
from ..platform.db import Database
from ..platform.errors import IllegalTransition, InvalidInput, NotFound
from ..platform.permissions import requires
from ..states import order_states, production_states
from ..states.order_states import OrderStatus as S
from ..states.production_states import OPEN, log_stage
from ..states.production_states import ProductionStatus as P
from .common import _days_left, _stages, lock_for_change
from .materials import _needs, _shortages_in, shortage_text
from .planning import _replan_route_in

# --------------------------------------------------------------------------------------------
# Stage flow


# A production order's status as a sentence says it (English, read back by i18n.shown).
STATUS_WORDS = {P.PLANNED: N_("planned"), P.IN_PROGRESS: N_("in progress"), P.DONE: N_("done"),
                P.CANCELLED: N_("cancelled")}  # fmt: skip


def _is(po: ProductionOrder) -> str:
    """``PO-2026-000001 is done``: why a change is refused, one whole sentence per status."""
    said = {
        P.PLANNED: N_("{number} is planned"),
        P.IN_PROGRESS: N_("{number} is in progress"),
        P.DONE: N_("{number} is done"),
        P.CANCELLED: N_("{number} is cancelled"),
    }
    return said[po.status].format(number=po.number)


@requires("production.advance")
def start(db: Database, actor: str, production_order_id: int, today: date | None = None,
          expected_version: int | None = None) -> ProductionOrder:  # fmt: skip
    """Start the first stage: the bill of materials is issued from the factory warehouse.
    A shortage refuses it, naming the material, how much is missing and since when.
    ``expected_version``: the version the board showed (``StaleData`` when it moved on)."""
    today = today or date.today()
    with db.write() as session:
        po = session.get(ProductionOrder, production_order_id)
        if po is None:
            raise NotFound(N_("no production order with id {id}").format(id=production_order_id))
        needs = _needs(session, po)
        held = stock.open_material_reservations(session, [po.id])
        po, levels = lock_for_change(
            session,
            production_order_id,
            expected_version,
            {m.id for m, _ in needs} | {r.product_id for r in held},
        )
        held = stock.open_material_reservations(session, [po.id])  # read again, locked
        late = {r.product_id for r in held} - {p for p, _w in levels}
        if late:  # reserved meanwhile by a bill changed meanwhile: lock those too
            levels.update(stock.lock_levels(session, late))
        if po.status != P.PLANNED:
            raise IllegalTransition(
                N_("{number} is {status}, not waiting").format(
                    number=po.number, status=STATUS_WORDS.get(po.status, po.status)
                )
            )
        if needs and po.warehouse_id is None:
            raise InvalidInput(N_("{number} has no factory warehouse to take materials from")
                               .format(number=po.number), "materials")  # fmt: skip
        missing = _shortages_in(session, po, needs, levels, today)
        if missing:
            raise InvalidInput(
                N_("{number} cannot start: {shortages}").format(
                    number=po.number, shortages=shortage_text(missing)
                ),
                "materials",
            )
        # The reservation becomes the issue: released, then the whole bill moved out (the
        # part never reserved comes from free stock: add_move refuses reserved stock).
        for r in held:
            stock.release(session, levels[(r.product_id, r.warehouse_id)], r)
        had: dict[int, int] = defaultdict(int)
        for r in held:
            had[r.product_id] += r.qty
        reserved = sum(min(had[m.id], need) for m, need in needs)
        for material, need in needs:
            stock.add_move(
                session,
                levels[(material.id, po.warehouse_id)],
                -need,
                stock.PRODUCTION_USE,
                actor,
                reference=po.number,
                order_id=po.order_id,
                reason=N_("materials for {number}").format(number=po.number),
            )
        stages = _stages(session, po.route_id)
        po.current_stage_seq = stages[0].seq if stages else 1
        note = ""
        if needs:
            units = sum(n for _, n in needs)
            note = N_("{n} materials issued ({units} units, {reserved} of them reserved)").format(
                n=len(needs), units=units, reserved=reserved
            )
        production_states.move(session, po, P.IN_PROGRESS, actor, note,
                               stages[0] if stages else None)  # fmt: skip
        _replan_route_in(session, {po.route_id}, today)
        session.flush()
        return po


@requires("production.advance")
def advance(db: Database, actor: str, production_order_id: int, note: str = "",
            today: date | None = None, expected_version: int | None = None
            ) -> ProductionOrder:  # fmt: skip
    """The current stage is done: the next one starts; after the last, completion.
    ``expected_version``: the version the board showed: the stage it said is done is
    refused (``StaleData``, who moved it and when) once somebody else moved the order."""
    today = today or date.today()
    with db.write() as session:
        po, _levels = lock_for_change(session, production_order_id, expected_version)
        if po.status != P.IN_PROGRESS:
            if po.status == P.PLANNED:
                raise IllegalTransition(
                    N_("{number} is planned: start it first").format(number=po.number)
                )
            raise IllegalTransition(_is(po))
        stages = _stages(session, po.route_id)
        current = next((s for s in stages if s.seq == po.current_stage_seq), None)
        log_stage(session, po, current, "done", actor, note.strip())
        later = [s for s in stages if s.seq > po.current_stage_seq]
        if later:
            po.current_stage_seq = later[0].seq
            log_stage(session, po, later[0], "started", actor)
            # the work waiting behind it does not change: only this order's date moves
            po.expected_date = today + timedelta(days=_days_left(stages, po.current_stage_seq))
            session.add(po)
            session.flush()
            return po
        _complete_in(session, actor, po, today)
        return po


@requires("production.advance")
def quality_failure(db: Database, actor: str, production_order_id: int, back_to_seq: int,
                    reason: str, today: date | None = None,
                    expected_version: int | None = None) -> ProductionOrder:  # fmt: skip
    """A quality check failed: back to a chosen stage (this one or earlier), with why."""
    if not reason.strip():
        raise InvalidInput(N_("say what failed (a reason is required)"), "reason")
    today = today or date.today()
    with db.write() as session:
        po, _levels = lock_for_change(session, production_order_id, expected_version)
        if po.status != P.IN_PROGRESS:
            raise IllegalTransition(N_("{number} is not in progress").format(number=po.number))
        stages = _stages(session, po.route_id)
        target = next((s for s in stages if s.seq == back_to_seq), None)
        if target is None or target.seq > po.current_stage_seq:
            raise InvalidInput(
                N_("go back to a stage up to the current one ({seq})").format(
                    seq=po.current_stage_seq
                ),
                "stage",
            )
        current = next((s for s in stages if s.seq == po.current_stage_seq), None)
        log_stage(session, po, current, "qc_fail", actor,
                  N_("{reason} -> back to {stage}").format(reason=reason.strip(),
                                                           stage=target.name))  # fmt: skip
        po.current_stage_seq = target.seq
        log_stage(session, po, target, "started", actor, N_("rework"))
        session.add(po)
        _replan_route_in(session, {po.route_id}, today)
        session.flush()
        return po


@requires("production.plan")
def set_expected(db: Database, actor: str, production_order_id: int, when: date,
                 reason: str, expected_version: int | None = None) -> ProductionOrder:  # fmt: skip
    """A new expected date (a supplier is late, a machine broke), with the reason."""
    if not reason.strip():
        raise InvalidInput(N_("a reason is required for a new expected date"), "reason")
    with db.write() as session:
        po, _levels = lock_for_change(session, production_order_id, expected_version)
        if po.status not in OPEN:
            raise IllegalTransition(_is(po))
        old = po.expected_date
        po.expected_date = when
        session.add(po)
        log_stage(session, po, None, "replanned", actor,
                  f"{old or '—'} -> {when}: {reason.strip()}")  # fmt: skip
        session.flush()
        return po


def _complete_in(session: Session, actor: str, po: ProductionOrder, today: date) -> None:
    """Goods into stock, reserved for the order line; the order ready to ship when nothing
    of it waits any more."""
    levels = stock.lock_levels(session, [po.product_id])  # locked already (lock_for_change)
    level = levels[(po.product_id, po.warehouse_id)]
    stock.add_move(session, level, po.qty, stock.PRODUCTION_IN, actor, reference=po.number,
                   order_id=po.order_id, reason=N_("production done"))  # fmt: skip
    po.expected_date = today
    production_states.move(session, po, P.DONE, actor,
                           N_("{qty} into stock").format(qty=po.qty))  # fmt: skip
    _replan_route_in(session, {po.route_id}, today)  # the queue behind it moves up
    if po.order_line_id is not None:
        line = session.get(OrderLine, po.order_line_id)
        stock.reserve(session, level, line, po.qty, N_("made by {number}").format(number=po.number))
    session.flush()
    if po.order_id is None:
        return
    order = session.exec(select(Order).where(Order.id == po.order_id).with_for_update()
                         .execution_options(populate_existing=True)).one()  # fmt: skip
    waiting = session.exec(select(func.count()).select_from(ProductionOrder).where(
        ProductionOrder.order_id == order.id,
        col(ProductionOrder.status).in_(OPEN))).one()  # fmt: skip
    if waiting or order.status != S.IN_PRODUCTION:
        return
    order_states.move(session, order, S.READY_TO_SHIP, actor,
                      N_("production done, goods reserved"))  # fmt: skip
