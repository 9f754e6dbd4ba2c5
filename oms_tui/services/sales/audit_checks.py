"""The automatic checks of an order in audit, the priority score and its reasons, and the audit
settings; a run is stored in order_check and order_audit so the queue shows it without
running anything again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col

from ...i18n import N_
from ...models import (
    Customer,
    CustomerAddress,
    CustomerPhone,
    Order,
    OrderAudit,
    OrderCheck,
    OrderLine,
    Product,
    StockLevel,
    utcnow,
)
from ..catalog.pricing import LINE_DISCOUNT, QuoteLine, load_price_book, product_info, quote
from ..finance.receivables import credit_exposure, over_limit_warning
from ..parties.invoicing import SPECIAL as SPECIAL_INVOICE
from ..platform.db import Database
from ..platform.errors import NotFound, OmsError
from ..platform.money import format_money
from ..platform.permissions import anyone, requires
from ..platform.settings import load_settings, read_int_settings, write_int_setting
from ..states.order_states import OrderStatus
from . import orders

S = OrderStatus
PASS, WARN, FAIL = "pass", "warn", "fail"
_RANK = {PASS: 0, WARN: 1, FAIL: 2}
DUPLICATE_WINDOW = timedelta(hours=24)
# Shipped (or further) means the customer has it or it is on its way: not "due and unshipped".
NOT_SHIPPED = frozenset({
    S.PENDING_AUDIT, S.ON_HOLD, S.APPROVED, S.ALLOCATED, S.PARTIALLY_BACKORDERED,
    S.BACKORDERED, S.IN_PRODUCTION, S.READY_TO_SHIP, S.PARTIALLY_SHIPPED,
})  # fmt: skip


# --------------------------------------------------------------------------------------------
# Settings (rows in the ``setting`` table; typed here, defaults when a row is missing)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditSettings:
    """Priority weights and alert thresholds. Stored as ``setting`` rows under these names."""

    audit_weight_due: int = 3  # x urgency points (0-100)
    audit_weight_tier: int = 2  # x customer points (0-100)
    audit_weight_value: int = 1  # x order value points (0-100)
    audit_value_full_minor: int = 1_000_000  # an order this big earns all 100 value points
    audit_bump_points: int = 100  # added to the score by each reviewer's bump
    audit_alert_hours: int = 4  # waiting in audit longer than this is an alert
    audit_due_soon_days: int = 2  # requested date this close and not shipped is an alert


def audit_settings(session: Session) -> AuditSettings:
    return read_int_settings(session, AuditSettings)


@anyone("a read: the audit weights")  # i18n: no
def get_audit_settings(db: Database) -> AuditSettings:
    with db.read() as session:
        return audit_settings(session)


@requires("settings.change")
def set_audit_setting(db: Database, actor: str, key: str, value: int) -> AuditSettings:
    """Change one weight or threshold (whole numbers, not negative)."""
    return write_int_setting(db, actor, AuditSettings, key, value, "audit")


# --------------------------------------------------------------------------------------------
# Priority
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Priority:
    score: int
    reasons: tuple[str, ...]

    @property
    def text(self) -> str:
        """The reasons as stored (``order_audit.priority_reasons``): each a sentence of its
        own, shown one by one (``reasons_of``)."""
        return REASONS_SEPARATOR.join(self.reasons)


REASONS_SEPARATOR = ", "  # i18n: no (no reason holds it: amounts are "¥2,500")


def reasons_of(text: str) -> list[str]:
    """The stored reasons (``Priority.text``) one by one, each to be shown (``i18n.shown``)."""
    return [r for r in text.split(REASONS_SEPARATOR) if r] if text else []


_TIER_POINTS = {"A": 75, "B": 40}

# the longer check reasons (``line 2 LED-9W: ...``), each one sentence
PRICE_DIFFERS = N_("line {line} {product}: {price} but the price book gives {book} ({source})")
DISCOUNT_DIFFERS = N_(
    "line {line} {product}: discount {discount} but the price book gives {book} ({source})"
)
BACKORDER = N_(
    "line {line} {product}: backorder: {short} short ({available} available, {qty} ordered)"
)


def priority_score(
    *,
    requested_date: date | None,
    today: date,
    customer_group: str,
    customer_tier: str,
    total_minor: int,
    currency: str,
    order_priority: int = 0,
    bump_points: int = 0,
    weights: AuditSettings | None = None,
) -> Priority:
    """Score = due-date urgency x weight + customer x weight + order value x weight
    (each 0-100 points) + 100 per entry priority step (1 high, 2 urgent) + reviewers' bumps.

    Urgency: overdue or due today 100, tomorrow 80, in 2-3 days 50, in 4-7 days 20.
    Customer: key account 100, tier A 75, tier B 40. Value: linear up to
    ``audit_value_full_minor``. Pure: the same inputs always give the same score.
    """
    w = weights or AuditSettings()
    reasons: list[str] = []
    urgency = 0
    if requested_date is not None:
        days = (requested_date - today).days
        if days < 0:
            urgency = 100
            reasons.append(
                (N_("overdue by {n} day") if days == -1 else N_("overdue by {n} days")).format(
                    n=-days
                )
            )
        elif days == 0:
            urgency = 100
            reasons.append(N_("due today"))
        elif days == 1:
            urgency = 80
            reasons.append(N_("due tomorrow"))
        elif days <= 7:
            urgency = 50 if days <= 3 else 20
            reasons.append(N_("due in {n} days").format(n=days))
    if customer_group == "key_account":
        customer = 100
        reasons.append(N_("key account"))
    else:
        customer = _TIER_POINTS.get(customer_tier.strip().upper(), 0)
        if customer:
            reasons.append(N_("tier {tier} customer").format(tier=customer_tier.strip().upper()))
    full = max(1, w.audit_value_full_minor)
    value = min(100, max(0, total_minor) * 100 // full)
    reasons.append(format_money(total_minor, currency).removesuffix(".00"))
    score = (
        w.audit_weight_due * urgency
        + w.audit_weight_tier * customer
        + w.audit_weight_value * value
        + 100 * max(0, order_priority)
        + bump_points
    )
    if order_priority > 0:
        reasons.append(N_("marked urgent") if order_priority >= 2 else N_("marked high"))
    if bump_points:
        reasons.append(N_("bumped +{points}").format(points=bump_points))
    return Priority(score, tuple(reasons))


def _priority_of(
    order: Order, customer: Customer, bump_points: int, today: date, w: AuditSettings
) -> Priority:
    return priority_score(
        requested_date=order.requested_date, today=today, customer_group=customer.group,
        customer_tier=customer.tier, total_minor=order.total_minor, currency=order.currency,
        order_priority=order.priority, bump_points=bump_points, weights=w,
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    code: str  # completeness, product, price, cost, credit, stock, made_to_order, duplicate,
    # invoicing (only for a customer who needs a special VAT invoice)
    level: str  # pass | warn | fail
    reason: str


def worst_level(results: Sequence[CheckResult]) -> str:
    return max((r.level for r in results), key=_RANK.__getitem__, default=PASS)


def summarise(results: Sequence[CheckResult]) -> str:
    """``fail: credit; warn: stock, duplicate`` (or ``all pass``), codes in check order."""
    parts = []
    for level in (FAIL, WARN):
        codes = list(dict.fromkeys(r.code for r in results if r.level == level))
        if codes:
            parts.append(f"{level}: {', '.join(codes)}")  # i18n: no (codes: audit_rows)
    return "; ".join(parts) or N_("all pass")


def _lock_order(session: Session, order_id: int) -> Order:
    order = session.scalars(select(Order).where(Order.id == order_id).with_for_update()).first()
    if order is None:
        raise NotFound(N_("no order with id {id}").format(id=order_id))
    return order


def _local_date(at: datetime) -> date:
    return at.astimezone().date()


def _known_name(session: Session, customer: Customer, name: str) -> bool:
    """The ship-to name is the customer's, or its default address's contact (an office's
    receptionist), or none."""
    wanted = "".join(name.split()).casefold()
    if not wanted or wanted == "".join(customer.name.split()).casefold():
        return True
    contact = session.execute(
        select(CustomerAddress.contact_name)
        .where(CustomerAddress.customer_id == customer.id, col(CustomerAddress.is_default))
        .limit(1)
    ).scalar()
    return wanted == "".join((contact or "").split()).casefold()


def _evaluate(session: Session, order: Order, today: date) -> list[CheckResult]:
    """Every check of one order, in display order."""
    settings = load_settings(session)
    money = order.currency
    customer = session.get(Customer, order.customer_id)
    rows = session.execute(
        select(OrderLine, Product)
        .outerjoin(Product, col(Product.id) == OrderLine.product_id)
        .where(OrderLine.order_id == order.id)
        .order_by(col(OrderLine.line_no))
    ).all()
    lines: list[tuple[OrderLine, Product | None]] = [(ln, p) for ln, p in rows]
    out: list[CheckResult] = []

    def at(ln: OrderLine, p: Product, template: str, **values: object) -> str:
        """A line's sentence: ``line 2 LED-9W: no longer sold``."""
        return template.format(line=ln.line_no, product=p.code, **values)

    # completeness ---------------------------------------------------------------------------
    found: list[CheckResult] = []
    phone = (
        order.ship_to_phone.strip()
        or session.execute(
            select(CustomerPhone.number)
            .where(CustomerPhone.customer_id == order.customer_id)
            .limit(1)
        ).scalar()
    )
    if not phone:
        found.append(CheckResult("completeness", FAIL, N_("no contact phone")))
    if not order.ship_to_address.strip():
        found.append(CheckResult("completeness", FAIL, N_("no delivery address")))
    if customer is not None and not _known_name(session, customer, order.ship_to_name):
        found.append(CheckResult("completeness", WARN,  # an import matched by phone
            N_("ship-to name {name} is not the customer's ({customer})").format(
                name=order.ship_to_name.strip(), customer=customer.name)))  # fmt: skip
    if order.requested_date is None:
        found.append(CheckResult("completeness", WARN, N_("no requested delivery date")))
    if not lines:
        found.append(CheckResult("completeness", FAIL, N_("no lines")))
    out += found or [CheckResult("completeness", PASS,
                                 N_("phone, address and delivery date given"))]  # fmt: skip

    # products exist and are sold ------------------------------------------------------------
    found = []
    for ln, p in lines:
        if p is None:
            found.append(
                CheckResult(
                    "product",
                    FAIL,
                    N_("line {line} product #{id}: no such product").format(
                        line=ln.line_no, id=ln.product_id
                    ),
                )
            )
        elif not p.active:
            found.append(
                CheckResult("product", FAIL, at(ln, p, N_("line {line} {product}: no longer sold")))
            )
    out += found or [
        CheckResult("product", PASS, N_("all {n} products are sold").format(n=len(lines)))
    ]
    priced = [(ln, p) for ln, p in lines if p is not None]

    # prices equal the pricing engine's --------------------------------------------------------
    found = []
    if customer is not None and priced:
        book = load_price_book(session, customer.group, [p.id for _, p in priced],
                               _local_date(order.created_at))  # fmt: skip

        def requote(manual: list[int]):  # noqa: ANN202
            qls = []
            for (ln, p), m in zip(priced, manual, strict=True):
                override = ln.price_source.startswith("override:")
                qls.append(QuoteLine(
                    product_info(p), ln.qty, m, ln.unit_price_minor if override else None,
                    ln.price_source.removeprefix("override:").split(";")[0].strip(),
                ))  # fmt: skip
            return quote(book, customer.group, qls, prices_include_tax=settings.prices_include_tax,
                         tax_rounding=settings.tax_rounding)  # fmt: skip

        # A clerk's line discount is not stored apart from the promotion's: take it as
        # whatever the stored discount exceeds the engine's without one, then quote again.
        first = requote([0] * len(priced))
        manual = [
            max(0, ln.discount_minor - q.discount_minor) if LINE_DISCOUNT in ln.price_source
            else 0
            for (ln, _), q in zip(priced, first.lines, strict=True)
        ]  # fmt: skip
        engine = requote(manual) if any(manual) else first
        for (ln, p), q in zip(priced, engine.lines, strict=True):
            if ln.price_source.startswith("override:"):
                found.append(
                    CheckResult(
                        "price",
                        WARN,
                        at(ln, p, N_("line {line} {product}: {source}"), source=ln.price_source),
                    )
                )
            elif ln.unit_price_minor != q.unit_price_minor:
                price, book = (format_money(m, money) for m in (ln.unit_price_minor,
                                                                q.unit_price_minor))  # fmt: skip
                said = at(ln, p, PRICE_DIFFERS, price=price, book=book, source=q.price_source)
                found.append(CheckResult("price", FAIL, said))
            elif ln.discount_minor != q.discount_minor:
                discount, book = (format_money(m, money) for m in (ln.discount_minor,
                                                                   q.discount_minor))  # fmt: skip
                said = at(ln, p, DISCOUNT_DIFFERS, discount=discount, book=book,
                          source=q.price_source)  # fmt: skip
                found.append(CheckResult("price", FAIL, said))
    out += found or [CheckResult("price", PASS, N_("prices match the price book"))]

    # price below cost -------------------------------------------------------------------------
    found = []
    for ln, p in priced:
        net = ln.line_total_minor - (ln.tax_minor if settings.prices_include_tax else 0)
        cost = p.cost_minor * ln.qty
        if net < cost:
            found.append(
                CheckResult(
                    "cost",
                    WARN,
                    at(
                        ln,
                        p,
                        N_("line {line} {product}: sold for {net} net, costs {cost}"),
                        net=format_money(net, money),
                        cost=format_money(cost, money),
                    ),
                )
            )
    out += found or [CheckResult("cost", PASS, N_("no line below cost"))]

    # credit -------------------------------------------------------------------------------------
    found = []
    if customer is not None:
        if customer.credit_hold:
            found.append(
                CheckResult(
                    "credit",
                    FAIL,
                    N_("customer is on credit hold: {reason}").format(
                        reason=customer.credit_hold_reason
                    )
                    if customer.credit_hold_reason
                    else N_("customer is on credit hold"),
                )
            )
        terms = order.payment_terms.upper()
        on_credit = order.payment_method == "credit" or terms.startswith(("NET", "EOM"))
        if on_credit:
            exposure = credit_exposure(session, customer.id, today, exclude_order_id=order.id)
            over = over_limit_warning(exposure, order.total_minor, customer.credit_limit_minor,
                                      money)  # fmt: skip
            if over:
                found.append(CheckResult("credit", WARN, over))
            if exposure.overdue_minor > 0:
                found.append(
                    CheckResult(
                        "credit",
                        WARN,
                        N_("overdue balance {amount}").format(
                            amount=format_money(exposure.overdue_minor, money)
                        ),
                    )
                )
        if not found:
            found.append(CheckResult("credit", PASS, (
                N_("within credit limit, nothing overdue") if on_credit
                else N_("no credit needed ({method})").format(method=order.payment_method)
            )))  # fmt: skip
    else:
        found.append(
            CheckResult("credit", FAIL, N_("no customer with id {id}").format(id=order.customer_id))
        )
    out += found

    # stock availability per line (made-to-order lines are produced, not picked) ---------------
    found = []
    stocked = [(ln, p) for ln, p in priced if not p.made_to_order]
    ids = sorted({p.id for _, p in stocked})
    available: dict[int, int] = dict.fromkeys(ids, 0)
    if ids:
        for pid, avail in session.execute(
            select(StockLevel.product_id, func.sum(StockLevel.on_hand - StockLevel.reserved))
            .where(col(StockLevel.product_id).in_(ids))
            .group_by(StockLevel.product_id)
        ):
            available[pid] = int(avail or 0)
    left = dict(available)  # two lines of one product share its stock, in line order
    for ln, p in stocked:
        have = max(0, left[p.id])
        if have < ln.qty:
            said = at(ln, p, BACKORDER, short=ln.qty - have, available=have, qty=ln.qty)
            found.append(CheckResult("stock", WARN, said))
        left[p.id] = have - ln.qty
    if not found:
        found.append(
            CheckResult(
                "stock",
                PASS,
                (
                    N_("all {n} stocked lines available").format(n=len(stocked))
                    if stocked
                    else N_("no stocked lines")
                ),
            )
        )
    out += found

    # made-to-order feasibility ------------------------------------------------------------------
    found = []
    mto = [(ln, p) for ln, p in priced if p.made_to_order]
    for ln, p in mto:
        if not ln.requirements_note.strip():
            found.append(
                CheckResult(
                    "made_to_order",
                    FAIL,
                    at(
                        ln,
                        p,
                        N_(
                            "line {line} {product}: made to order but no requirements note "
                            "(size, colour, finish)"
                        ),
                    ),
                )
            )
    out += found or [
        CheckResult(
            "made_to_order",
            PASS,
            (
                N_("{n} made-to-order lines have requirements").format(n=len(mto))
                if mto
                else N_("no made-to-order lines")
            ),
        )
    ]

    # duplicate suspicion: same customer, same (product, qty) lines within 24 hours ------------
    found = []
    mine = Counter((ln.product_id, ln.qty) for ln, _ in lines)
    others = session.execute(
        select(Order.id, Order.number, Order.created_at)
        .where(
            Order.customer_id == order.customer_id,
            Order.id != order.id,
            col(Order.created_at) >= order.created_at - DUPLICATE_WINDOW,
            col(Order.created_at) <= order.created_at + DUPLICATE_WINDOW,
            col(Order.status).not_in([S.CANCELLED, S.REJECTED]),
        )
        .order_by(col(Order.created_at), col(Order.id))
    ).all()
    if others and mine:
        their: dict[int, Counter] = {oid: Counter() for oid, _, _ in others}
        for oid, pid, qty in session.execute(
            select(OrderLine.order_id, OrderLine.product_id, OrderLine.qty).where(
                col(OrderLine.order_id).in_(list(their))
            )
        ):
            their[oid][(pid, qty)] += 1
        for oid, number, at in others:
            if their[oid] == mine:
                minutes = abs(int((order.created_at - at).total_seconds())) // 60
                why = (N_("possible duplicate of {number} (same lines, {hours} h apart)").format(
                    number=number, hours=minutes // 60) if minutes >= 60 else N_(
                    "possible duplicate of {number} (same lines, {minutes} min apart)").format(
                    number=number, minutes=minutes))  # fmt: skip
                found.append(CheckResult("duplicate", WARN, why))
    out += found or [CheckResult("duplicate", PASS,
                                 N_("no order with the same lines in 24 hours"))]  # fmt: skip
    if customer is not None and customer.invoice_type == SPECIAL_INVOICE:
        out.append(_invoicing_check(customer))
    return out


def _invoicing_check(customer: Customer) -> CheckResult:
    """A customer who needs a special VAT invoice (专用发票): the fapiao cannot be issued
    without their taxpayer id (纳税人识别号), nor well without the title and bank."""
    if not customer.taxpayer_id:
        return CheckResult("invoicing", WARN, N_("needs a special VAT invoice (专用发票) but "
                                                 "has no taxpayer id (纳税人识别号)"))  # fmt: skip
    if not customer.invoice_title and not customer.bank_account:
        return CheckResult(
            "invoicing",
            WARN,
            N_("special VAT invoice (专用发票): no invoice title and no bank account"),
        )
    if not customer.invoice_title:
        return CheckResult("invoicing", WARN,
                           N_("special VAT invoice (专用发票): no invoice title"))  # fmt: skip
    if not customer.bank_account:
        return CheckResult("invoicing", WARN, N_("special VAT invoice (专用发票): no bank account"))
    return CheckResult("invoicing", PASS, N_("special VAT invoice data complete"))


@anyone("a read: what the invoicing check would say of a customer")  # i18n: no
def invoicing_warning(db: Database, customer_id: int) -> str | None:
    """What the ``invoicing`` check would warn about an order of this customer now (a
    special VAT invoice without taxpayer id, title or bank account), or None: order entry
    tells it when the caller is picked, with the key that completes the data."""
    with db.read() as session:
        customer = session.get(Customer, customer_id)
        if customer is None or customer.invoice_type != SPECIAL_INVOICE:
            return None
        result = _invoicing_check(customer)
    return result.reason if result.level == WARN else None


@dataclass(frozen=True)
class CheckRun:
    order_id: int
    number: str
    status: str
    version: int
    checks: tuple[CheckResult, ...]
    priority: Priority

    @property
    def level(self) -> str:
        return worst_level(self.checks)


def _run_in(session: Session, order_id: int, today: date) -> CheckRun:
    order = _lock_order(session, order_id)
    results = _evaluate(session, order, today)
    session.execute(delete(OrderCheck).where(col(OrderCheck.order_id) == order.id))
    now = utcnow()
    session.add_all(
        OrderCheck(order_id=order.id, seq=i, code=r.code, level=r.level, reason=r.reason,
                   checked_at=now)
        for i, r in enumerate(results)
    )  # fmt: skip
    record = session.get(OrderAudit, order.id) or OrderAudit(order_id=order.id)
    customer = session.get(Customer, order.customer_id)
    prio = _priority_of(order, customer, record.bump_points, today, audit_settings(session))
    record.priority_score, record.priority_reasons = prio.score, prio.text
    record.checks_level, record.checks_summary = worst_level(results), summarise(results)
    record.checked_at = now
    if order.status != S.ON_HOLD:
        record.follow_up_on = None
    session.add(record)
    session.flush()
    return CheckRun(order.id, order.number, order.status, order.version, tuple(results), prio)


@anyone("runs and stores an order's checks, for whoever looks at it")  # i18n: no
def run_checks(db: Database, order_id: int, today: date | None = None) -> list[CheckResult]:
    """Run every check on an order and store the results (replacing the previous run)
    with the order's priority score. ``today``: the date for overdue and urgency."""
    with db.write() as session:
        return list(_run_in(session, order_id, today or date.today()).checks)


@anyone("runs and stores an order's checks, for whoever looks at it")  # i18n: no
def check_run(db: Database, order_id: int, today: date | None = None) -> CheckRun:
    """``run_checks`` returning the order's number, status, version and priority too."""
    with db.write() as session:
        return _run_in(session, order_id, today or date.today())


@anyone("a read: an order's last checks")  # i18n: no
def stored_checks(db: Database, order_id: int) -> list[CheckResult]:
    """The last run's results (empty if the order was never checked)."""
    with db.read() as session:
        return checks_in(session, order_id)


def checks_in(session: Session, order_id: int) -> list[CheckResult]:
    rows = session.execute(
        select(OrderCheck.code, OrderCheck.level, OrderCheck.reason)
        .where(OrderCheck.order_id == order_id)
        .order_by(col(OrderCheck.seq), col(OrderCheck.id))
    ).all()
    return [CheckResult(*r) for r in rows]


@requires("orders.enter")
def submit_for_audit(
    db: Database, actor: str, order_id: int, expected_version: int | None = None,
    today: date | None = None,
) -> CheckRun:  # fmt: skip
    """Send an order to audit (draft or on hold -> pending audit, event "submitted") and run
    its checks: the one way to submit an existing order, so every order in the queue has
    its checks."""
    orders.transition(db, actor, order_id, S.PENDING_AUDIT, N_("submitted"), expected_version)
    return check_run(db, order_id, today)


@requires("orders.enter")
def submit_new_order(db: Database, actor: str, customer_id: int, lines: Sequence[orders.NewLine],
                     *, today: date | None = None, **options: Any) -> orders.OrderView:  # fmt: skip
    """Save a new order straight into the audit queue (``orders.create_order`` with
    ``submit``: its number, lines and the events "created" and "submitted"; ``options`` are
    ``create_order``'s) and run its checks: how order entry saves. The checks run once the
    order is committed, in their own transaction, so the order stands if they fail (the
    audit queue checks an order without stored checks itself)."""
    view = orders.create_order(db, actor, customer_id, lines, submit=True, **options)
    try:
        check_run(db, view.id, today)
    except (OmsError, SQLAlchemyError):
        pass  # saved all the same; the queue runs the checks when it shows the order
    return view


@requires("orders.enter")
def submit_and_check(db: Database, actor: str, order_id: int, today: date | None = None
                     ) -> CheckRun:  # fmt: skip
    """Make sure an order is in audit with its checks: an order already pending audit (e.g.
    created with ``submit=True``) is only checked; any other is submitted first."""
    with db.read() as session:
        order = session.get(Order, order_id)
        if order is None:
            raise NotFound(N_("no order with id {id}").format(id=order_id))
        pending = order.status == S.PENDING_AUDIT
    if pending:
        return check_run(db, order_id, today)
    return submit_for_audit(db, actor, order_id, today=today)
