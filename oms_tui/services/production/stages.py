"""Moving a production order through its stages: start (issues the materials), advance,
quality failure, a new expected date, completion (goods into stock, reserved for the
order line)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

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
            raise NotFound(f"no production order with id {production_order_id}")
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
            raise IllegalTransition(f"{po.number} is {po.status.replace('_', ' ')}, not waiting")
        if needs and po.warehouse_id is None:
            raise InvalidInput(f"{po.number} has no factory warehouse to take materials from",
                               "materials")  # fmt: skip
        missing = _shortages_in(session, po, needs, levels, today)
        if missing:
            raise InvalidInput(f"{po.number} cannot start: " + shortage_text(missing),
                               "materials")  # fmt: skip
        # The reservation becomes the issue: released, then the whole bill moved out (the
        # part never reserved comes from free stock: add_move refuses reserved stock).
        for r in held:
            stock.release(session, levels[(r.product_id, r.warehouse_id)], r)
        had: dict[int, int] = defaultdict(int)
        for r in held:
            had[r.product_id] += r.qty
        reserved = sum(min(had[m.id], need) for m, need in needs)
        for material, need in needs:
            stock.add_move(session, levels[(material.id, po.warehouse_id)], -need,
                           stock.PRODUCTION_USE, actor, reference=po.number,
                           order_id=po.order_id, reason=f"materials for {po.number}")  # fmt: skip
        stages = _stages(session, po.route_id)
        po.current_stage_seq = stages[0].seq if stages else 1
        note = ""
        if needs:
            units = sum(n for _, n in needs)
            note = f"{len(needs)} materials issued ({units} units, {reserved} of them reserved)"
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
            raise IllegalTransition(f"{po.number} is {po.status.replace('_', ' ')}: start it "
                                    "first" if po.status == P.PLANNED else
                                    f"{po.number} is {po.status}")  # fmt: skip
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
        raise InvalidInput("say what failed (a reason is required)", "reason")
    today = today or date.today()
    with db.write() as session:
        po, _levels = lock_for_change(session, production_order_id, expected_version)
        if po.status != P.IN_PROGRESS:
            raise IllegalTransition(f"{po.number} is not in progress")
        stages = _stages(session, po.route_id)
        target = next((s for s in stages if s.seq == back_to_seq), None)
        if target is None or target.seq > po.current_stage_seq:
            raise InvalidInput("go back to a stage up to the current one "
                               f"({po.current_stage_seq})", "stage")  # fmt: skip
        current = next((s for s in stages if s.seq == po.current_stage_seq), None)
        log_stage(session, po, current, "qc_fail", actor,
                  f"{reason.strip()} -> back to {target.name}")  # fmt: skip
        po.current_stage_seq = target.seq
        log_stage(session, po, target, "started", actor, "rework")
        session.add(po)
        _replan_route_in(session, {po.route_id}, today)
        session.flush()
        return po


@requires("production.plan")
def set_expected(db: Database, actor: str, production_order_id: int, when: date,
                 reason: str, expected_version: int | None = None) -> ProductionOrder:  # fmt: skip
    """A new expected date (a supplier is late, a machine broke), with the reason."""
    if not reason.strip():
        raise InvalidInput("a reason is required for a new expected date", "reason")
    with db.write() as session:
        po, _levels = lock_for_change(session, production_order_id, expected_version)
        if po.status not in OPEN:
            raise IllegalTransition(f"{po.number} is {po.status}")
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
                   order_id=po.order_id, reason="production done")  # fmt: skip
    po.expected_date = today
    production_states.move(session, po, P.DONE, actor, f"{po.qty} into stock")
    _replan_route_in(session, {po.route_id}, today)  # the queue behind it moves up
    if po.order_line_id is not None:
        line = session.get(OrderLine, po.order_line_id)
        stock.reserve(session, level, line, po.qty, f"made by {po.number}")
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
    order_states.move(session, order, S.READY_TO_SHIP, actor, "production done, goods reserved")
