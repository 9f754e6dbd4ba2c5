"""How the screens write times, counts and quantities, and read a day typed the short way:
one definition each, shared by every area (the PDFs have their own in ``reports``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from ..i18n import LOWER_CASE_LABELS, N_, _, shown
from ..services.sales.entry import parse_requested_date

# The services speak English (their words are not ours to mark): what the screens show of
# them as it is, marked here for the catalog and translated where shown (``said``). The
# order statuses (``OrderStatus.label``), a customer card's credit status
# (``CustomerCard.credit_status``), a product's availability (``ProductHit.availability``),
# the customer groups (``customers.GROUPS``).
STATUS_WORDS = (
    N_("Draft"), N_("Pending audit"), N_("Approved"), N_("Rejected"), N_("On hold"),
    N_("Allocated"), N_("Part backordered"), N_("Backordered"), N_("In production"),
    N_("Ready to ship"), N_("Part shipped"), N_("Shipped"), N_("Delivered"), N_("Closed"),
    N_("Cancelled"), N_("Returned"),
)  # fmt: skip
LOWER_CASE_LABELS.update(word.lower() for word in STATUS_WORDS)  # "not in audit (draft)"
STOCK_WORDS = (N_("in stock"), N_("low"), N_("backorder"), N_("made to order"))
CREDIT_WORDS = (N_("on credit hold"), N_("overdue"), N_("over credit limit"), N_("ok"))
GROUP_WORDS = {"retail": N_("retail"), "wholesale": N_("wholesale"), "dealer": N_("dealer"),
               "key_account": N_("key account")}  # fmt: skip


def said(text: str) -> str:
    """A service's word or phrase (a status label, a credit status: ``on credit hold:
    reason``) in the current language; a reason after ``: `` stays as typed."""
    head, sep, rest = text.partition(": ")
    if sep and head in CREDIT_WORDS:
        return _("{status}: {reason}").format(status=_(head), reason=rest)
    return _(text) if text else text


def said_each(sentences: Iterable[str], sep: str = "; ") -> str:
    """A service's sentences said together (who has an order open, a quote's warnings, a
    bulk approval's why), each in the current language (``i18n.shown``)."""
    return sep.join(shown(s) for s in sentences)


def priority_reasons(text: str) -> str:
    """An order's stored priority reasons (``overdue by 2 days, key account, ¥5,000``), each
    in the current language."""
    from ..services.sales.audit_checks import reasons_of  # only the audit screens need it

    return said_each(reasons_of(text), ", ")


def group_name(group: str) -> str:
    """A customer group (``key_account``) as people say it (``key account``, 大客户)."""
    return _(GROUP_WORDS.get(group, group.replace("_", " ")))


def local_time(at: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) time in local time; naive values are UTC; no time: ``—``."""
    if not isinstance(at, datetime):
        return "—"
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone().strftime(fmt)


def plural(n: int, noun: str) -> str:
    """English only: a screen in both languages uses ``ngettext``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def signed(n: int) -> str:
    """A quantity with its sign: ``+5``, ``-3``, ``0``."""
    return f"+{n}" if n > 0 else str(n)


def parse_day(text: str, today: date) -> date:
    """A day typed the short way: blank is today; ``-1`` yesterday; ``2026-12-01``;
    ``+1``, ``mon``... (``InvalidInput`` when it is none of these)."""
    t = text.strip().lower()
    if not t:
        return today
    if t.startswith("-") and t[1:].isdigit():
        return today - timedelta(days=int(t[1:]))
    try:
        return date.fromisoformat(t)
    except ValueError:
        pass
    return parse_requested_date(t, today) or today
