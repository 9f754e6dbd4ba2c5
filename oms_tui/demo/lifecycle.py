"""Where a demo order ends up and how it gets there: a final status that fits its age, the path
through the state machine to it, with reasons, and when each step happened."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from ..services.states.order_states import OrderStatus as S
from .rows import _weighted

# --------------------------------------------------------------------------- order simulation

# Final status weights by order age in days: (max age, weights).


AGE_WEIGHTS: tuple[tuple[float, dict[S, float]], ...] = (
    (2, {S.DRAFT: 8, S.PENDING_AUDIT: 22, S.ON_HOLD: 5, S.APPROVED: 10, S.ALLOCATED: 10,
         S.PARTIALLY_BACKORDERED: 4, S.BACKORDERED: 4, S.IN_PRODUCTION: 4, S.READY_TO_SHIP: 10,
         S.PARTIALLY_SHIPPED: 3, S.SHIPPED: 10, S.CANCELLED: 3, S.REJECTED: 2}),
    (14, {S.DRAFT: 1, S.PENDING_AUDIT: 2, S.ON_HOLD: 2, S.APPROVED: 2, S.ALLOCATED: 4,
          S.PARTIALLY_BACKORDERED: 3, S.BACKORDERED: 4, S.IN_PRODUCTION: 10, S.READY_TO_SHIP: 6,
          S.PARTIALLY_SHIPPED: 4, S.SHIPPED: 18, S.DELIVERED: 28, S.CLOSED: 8, S.CANCELLED: 4,
          S.REJECTED: 2, S.RETURNED: 1}),
    (45, {S.BACKORDERED: 1, S.IN_PRODUCTION: 3, S.SHIPPED: 2, S.DELIVERED: 25, S.CLOSED: 57,
          S.RETURNED: 2, S.CANCELLED: 5, S.REJECTED: 2, S.DRAFT: 0.5}),
    (10_000, {S.DELIVERED: 4, S.CLOSED: 82, S.RETURNED: 3, S.CANCELLED: 6, S.REJECTED: 3}),
)  # fmt: skip
_AGE_TABLES = [(limit, list(w), list(w.values())) for limit, w in AGE_WEIGHTS]
SHIPPED_OR_LATER = frozenset({S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED, S.CLOSED, S.RETURNED})
_NEEDS_MTO = frozenset({S.IN_PRODUCTION})
_NO_MTO = frozenset({S.ALLOCATED, S.PARTIALLY_BACKORDERED, S.BACKORDERED})

HOLD_REASONS = ("客户信用冻结 customer on credit hold", "超出信用额度 over credit limit",
                "地址待确认 address to confirm",
                "价格待审批 price override to approve")  # fmt: skip
REJECT_REASONS = ("重复订单 duplicate order", "客户取消意向 customer withdrew",
                  "价格不符 price not agreed")  # fmt: skip
CANCEL_REASONS = ("客户取消 customer cancelled", "缺货太久 backorder too long",
                  "改下新单 replaced by a new order")  # fmt: skip
RETURN_REASONS = ("运输破损 damaged in transit", "尺寸不符 wrong size",
                  "颜色不符 wrong colour", "质量问题 quality issue")  # fmt: skip
SENDBACK_REASONS = ("地址不全 address incomplete", "数量有误 quantity to check")


def pick_status(rng: random.Random, age_days: float) -> S:
    for limit, statuses, weights in _AGE_TABLES:
        if age_days < limit:
            return rng.choices(statuses, weights=weights)[0]
    raise AssertionError("unreachable")


def status_path(rng: random.Random, final: S, has_mto: bool) -> list[tuple[S, str]]:
    """A legal walk of the state machine from draft to ``final``: [(status, reason)]."""
    p: list[tuple[S, str]] = [(S.DRAFT, "created")]
    if final is S.DRAFT:
        if rng.random() < 0.3:
            p += [(S.PENDING_AUDIT, "submitted"), (S.DRAFT, rng.choice(SENDBACK_REASONS))]
        return p
    if final is S.CANCELLED:
        before = _weighted(rng, ((S.DRAFT, 3), (S.PENDING_AUDIT, 3), (S.ON_HOLD, 2),
                                 (S.APPROVED, 2), (S.BACKORDERED, 1)))  # fmt: skip
        if has_mto and before is S.BACKORDERED:
            before = S.APPROVED
        p = status_path(rng, before, has_mto) if before is not S.DRAFT else p
        return p + [(S.CANCELLED, rng.choice(CANCEL_REASONS))]
    p.append((S.PENDING_AUDIT, "submitted"))
    if rng.random() < 0.05:
        p += [(S.DRAFT, rng.choice(SENDBACK_REASONS)), (S.PENDING_AUDIT, "resubmitted")]
    if final is S.PENDING_AUDIT:
        return p
    if final is S.REJECTED:
        return p + [(S.REJECTED, rng.choice(REJECT_REASONS))]
    if final is S.ON_HOLD:
        return p + [(S.ON_HOLD, rng.choice(HOLD_REASONS))]
    if rng.random() < 0.08:
        p.append((S.ON_HOLD, rng.choice(HOLD_REASONS)))
    p.append((S.APPROVED, "approved"))
    if final is S.APPROVED:
        return p
    if final is S.ALLOCATED:
        if rng.random() < 0.2:
            p.append((S.BACKORDERED, "no stock"))
        return p + [(S.ALLOCATED, "stock reserved")]
    if final is S.PARTIALLY_BACKORDERED:
        return p + [(S.PARTIALLY_BACKORDERED, "part of the stock reserved")]
    if final is S.BACKORDERED:
        return p + [(S.BACKORDERED, "no stock")]
    if has_mto:
        p.append((S.IN_PRODUCTION, "production ordered"))
        if final is S.IN_PRODUCTION:
            return p
        p.append((S.READY_TO_SHIP, "production done, stock reserved"))
    else:
        r = rng.random()
        if r < 0.1:
            p += [(S.BACKORDERED, "no stock"), (S.ALLOCATED, "stock received and reserved")]
        elif r < 0.18:
            p += [(S.PARTIALLY_BACKORDERED, "part of the stock reserved"),
                  (S.ALLOCATED, "rest of the stock reserved")]  # fmt: skip
        else:
            p.append((S.ALLOCATED, "stock reserved"))
        p.append((S.READY_TO_SHIP, "picked and packed"))
    if final is S.READY_TO_SHIP:
        return p
    if final is S.PARTIALLY_SHIPPED:
        return p + [(S.PARTIALLY_SHIPPED, "first part shipped")]
    if rng.random() < 0.1:
        p.append((S.PARTIALLY_SHIPPED, "first part shipped"))
    p.append((S.SHIPPED, "shipped"))
    if final is S.SHIPPED:
        return p
    p.append((S.DELIVERED, "delivered"))
    if final is S.DELIVERED:
        return p
    if final is S.CLOSED:
        return p + [(S.CLOSED, "paid in full")]
    if rng.random() < 0.3:
        p.append((S.CLOSED, "paid in full"))
    return p + [(S.RETURNED, rng.choice(RETURN_REASONS))]


_STEP_HOURS: dict[S, tuple[float, float]] = {
    S.DRAFT: (0.1, 4), S.PENDING_AUDIT: (0.05, 1), S.ON_HOLD: (1, 30), S.APPROVED: (0.3, 8),
    S.REJECTED: (0.3, 8), S.ALLOCATED: (0.5, 20), S.PARTIALLY_BACKORDERED: (0.5, 12),
    S.BACKORDERED: (0.5, 12), S.IN_PRODUCTION: (1, 24), S.READY_TO_SHIP: (4, 30),
    S.PARTIALLY_SHIPPED: (2, 24), S.SHIPPED: (2, 36), S.DELIVERED: (20, 90),
    S.CLOSED: (48, 900), S.RETURNED: (48, 400), S.CANCELLED: (1, 72),
}  # fmt: skip
_ACTOR_ROLE = {S.PENDING_AUDIT: "clerk", S.DRAFT: "auditor", S.APPROVED: "auditor",
               S.REJECTED: "auditor", S.ON_HOLD: "auditor", S.CLOSED: "chen.jing",
               S.CANCELLED: "clerk", S.RETURNED: "clerk", S.DELIVERED: "zhang.wei"}  # fmt: skip


def _timeline(rng: random.Random, path: Sequence[tuple[S, str]], created: datetime,
              now: datetime, production_days: int) -> list[datetime]:  # fmt: skip
    """Strictly increasing times for the path, the first at ``created``, all before ``now``."""
    gaps = []
    for status, _ in path[1:]:
        lo, hi = _STEP_HOURS[status]
        hours = rng.uniform(lo, hi)
        if status is S.READY_TO_SHIP and production_days:
            hours += production_days * 24
        gaps.append(hours * 3600)
    avail = (now - created).total_seconds() - 60
    total = sum(gaps)
    if total > avail:
        factor = avail / total
        gaps = [g * factor for g in gaps]
    times = [created]
    for g in gaps:
        times.append(times[-1] + timedelta(seconds=max(1, int(g))))
    return times
