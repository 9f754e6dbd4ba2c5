"""Named order templates ("office weekly water") and standing orders on a schedule.

Due standing orders are created each morning (``oms standing run``, from cron or a
systemd timer) straight into the audit queue. Running twice on the same day creates nothing
more: each template's ``next_run`` moves on in the same transaction as its order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import col, select

from ...i18n import N_
from ...models import OrderTemplate, OrderTemplateLine, Product
from ..platform.db import Database
from ..platform.errors import InvalidInput, NotFound, OmsError
from ..platform.permissions import anyone, requires
from .audit_checks import run_checks
from .orders import NewLine, create_order_in

WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


@dataclass(frozen=True)
class TemplateLineView:
    product_id: int
    product_code: str
    qty: int
    requirements_note: str = ""


@dataclass(frozen=True)
class TemplateView:
    id: int
    name: str
    customer_id: int | None
    channel: str
    standing: bool
    schedule: str  # "every Mon", "every 2 weeks on Thu", "" when not standing
    next_run: date | None
    lines: tuple[TemplateLineView, ...]


def _schedule_text(t: OrderTemplate) -> str:
    if not t.standing or t.weekday is None:
        return ""
    day = WEEKDAYS[t.weekday]
    if t.every_weeks == 1:
        return N_("every {day}").format(day=day)
    return N_("every {n} weeks on {day}").format(n=t.every_weeks, day=day)


def first_run_on_or_after(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


@requires("orders.enter")
def create_template(
    db: Database,
    actor: str,
    name: str,
    lines: Sequence[tuple[int, int]],
    *,
    customer_id: int | None = None,
    channel: str = "phone",
    weekday: int | None = None,
    every_weeks: int = 1,
    starting: date | None = None,
) -> TemplateView:
    """A template of (product id, qty) lines; with ``weekday`` it is a standing order."""
    if not name.strip():
        raise InvalidInput(N_("a template needs a name"), "name")
    if not lines:
        raise InvalidInput(N_("a template needs at least one line"), "lines")
    if weekday is not None and not 0 <= weekday <= 6:
        raise InvalidInput(N_("weekday is 0 (Monday) to 6 (Sunday)"), "weekday")
    if every_weeks < 1:
        raise InvalidInput(N_("every_weeks must be at least 1"), "every_weeks")
    if weekday is not None and customer_id is None:
        raise InvalidInput(N_("a standing order needs a customer"), "customer")
    with db.write() as session:
        t = OrderTemplate(
            name=name.strip(), customer_id=customer_id, channel=channel,
            standing=weekday is not None, weekday=weekday, every_weeks=every_weeks,
            next_run=first_run_on_or_after(starting or date.today(), weekday)
            if weekday is not None else None,
            created_by=actor,
        )  # fmt: skip
        session.add(t)
        session.flush()
        for no, (product_id, qty) in enumerate(lines, start=1):
            if qty <= 0:
                raise InvalidInput(N_("line {no}: quantity must be at least 1").format(no=no),
                                   f"lines.{no}.qty")  # fmt: skip
            if session.get(Product, product_id) is None:
                raise NotFound(N_("line {no}: no product with id {id}").format(
                    no=no, id=product_id))  # fmt: skip
            session.add(OrderTemplateLine(template_id=t.id, line_no=no, product_id=product_id,
                                          qty=qty))  # fmt: skip
        session.flush()
    return get_template(db, t.id)


@anyone("a read: a template")  # i18n: no
def get_template(db: Database, template_id: int) -> TemplateView:
    return _views(db, [template_id])[0]


def _views(db: Database, ids: Sequence[int] | None = None, customer_id: int | None = None
           ) -> list[TemplateView]:  # fmt: skip
    with db.read() as session:
        stmt = select(OrderTemplate).where(OrderTemplate.active == True)  # noqa: E712
        if ids is not None:
            stmt = stmt.where(col(OrderTemplate.id).in_(list(ids)))
        if customer_id is not None:
            stmt = stmt.where(
                (OrderTemplate.customer_id == customer_id)
                | (col(OrderTemplate.customer_id).is_(None))
            )
        templates = session.exec(stmt.order_by(OrderTemplate.name)).all()
        if ids is not None and len(templates) != len(set(ids)):
            raise NotFound(N_("no such template"))
        lines = session.exec(
            select(OrderTemplateLine, Product.code)
            .join(Product, col(Product.id) == OrderTemplateLine.product_id)
            .where(col(OrderTemplateLine.template_id).in_([t.id for t in templates]))
            .order_by(OrderTemplateLine.line_no)
        ).all()
        by_template: dict[int, list[TemplateLineView]] = {}
        for ln, code in lines:
            by_template.setdefault(ln.template_id, []).append(
                TemplateLineView(ln.product_id, code, ln.qty, ln.requirements_note)
            )
        return [
            TemplateView(
                t.id,
                t.name,
                t.customer_id,
                t.channel,
                t.standing,
                _schedule_text(t),
                t.next_run,
                tuple(by_template.get(t.id, [])),
            )  # fmt: skip
            for t in templates
        ]


@anyone("a read: the templates")  # i18n: no
def list_templates(db: Database, customer_id: int | None = None) -> list[TemplateView]:
    """Active templates: the customer's own and the shared ones."""
    return _views(db, customer_id=customer_id)


@anyone("a read: the standing orders due")  # i18n: no
def due_standing_orders(db: Database, today: date) -> list[TemplateView]:
    with db.read() as session:
        ids = session.exec(
            select(OrderTemplate.id).where(
                OrderTemplate.standing == True,  # noqa: E712
                OrderTemplate.active == True,  # noqa: E712
                col(OrderTemplate.next_run) <= today,
            )
        ).all()
    return _views(db, ids) if ids else []


@dataclass(frozen=True)
class StandingRun:
    created: tuple[str, ...]  # order numbers
    failed: tuple[str, ...]  # "office weekly water: line 1: W-19L is no longer sold"


@requires("orders.enter")
def run_standing_orders(db: Database, actor: str, today: date | None = None) -> StandingRun:
    """Create today's due standing orders into the audit queue.

    Each template is claimed (``next_run`` moved on) in the same transaction that creates its
    order, so a second run, at once or later the same day, never duplicates an order, and a
    template whose order cannot be created stays due (and is reported) instead of being lost.
    """
    today = today or date.today()
    created: list[str] = []
    failed: list[str] = []
    for t in due_standing_orders(db, today):
        try:
            with db.write() as session:
                row = session.exec(
                    select(OrderTemplate).where(OrderTemplate.id == t.id).with_for_update()
                ).one()
                if row.next_run is None or row.next_run > today:
                    continue  # another run took it meanwhile
                nxt = row.next_run
                while nxt <= today:
                    nxt += timedelta(weeks=row.every_weeks)
                row.next_run, row.last_run = nxt, today
                session.add(row)
                order = create_order_in(
                    session, actor, t.customer_id,
                    [NewLine(ln.product_id, ln.qty, requirements_note=ln.requirements_note)
                     for ln in t.lines],
                    channel="standing", notes=N_("standing order: {name} ({schedule})").format(
                        name=t.name, schedule=t.schedule),
                    requested_date=today, submit=True,
                )  # fmt: skip
                created.append(order.number)
        except OmsError as exc:
            failed.append(N_("standing order {name}: {error}").format(name=t.name, error=exc))
            continue
        run_checks(db, order.id, today)  # into the audit queue with its checks, like any order
    return StandingRun(tuple(created), tuple(failed))
