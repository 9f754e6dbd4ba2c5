"""What every document's status machine shares: a ``StrEnum`` of its statuses, the table of
the moves allowed from each, and ``Machine.change``, which checks a move and applies it to a
row (the status, the timestamps the model keeps for it, ``updated_at`` where it has one).

Each document type has its module beside this one (``order_states``, ``production_states``,
``shipment_states``, ``invoice_states``, ``return_states``, ``van_run_states``,
``receipt_states``, ``stocktake_states``) with its enum, its table and a
``move(session, doc, to, actor, ...)`` that calls ``change`` and then records the change
the way that document keeps its history. Nothing else assigns a ``status``: a test walks
the services and the demo data to keep it so (``tests/services/test_status_writes.py``).

The version: a model that maps a ``version`` column as its ``version_id_col`` (``Order``,
``Shipment``, ``DeliveryRun``, ``Stocktake``, ``Invoice``; ``ProductionOrder`` raises its
own, see the model) has it bumped by SQLAlchemy on the flush that writes the change, and a
stale copy is refused there (``StaleDataError``); ``change`` does not touch it. A service
acting on what a clerk saw takes the version shown (``expected_version``) and checks it
with ``expect_version`` once the row is locked: a different one is refused (``StaleData``)
naming who changed the document last and when, from the document's own record (each
module's ``last_change``: the order's events, the production order's stage log, the
shipment's tracking events, the invoice's payments, the run's and the stocktake's row).

The enums' values are the strings stored in the ``status`` columns, so a member compares
equal to what a query returns and the database does not change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from ...models import utcnow
from ..platform.errors import IllegalTransition, StaleData

St = TypeVar("St", bound=StrEnum)


class Machine(Generic[St]):
    """The moves allowed between the statuses of one kind of document (``noun``).

    ``labels``: how a status reads in a sentence (default: its value, ``_`` as spaces);
    ``reason_required``: statuses a move into needs a reason; ``reason_required_from_to``:
    single moves that need one; ``stamps``: the timestamp attributes set when a document
    enters a status (``{SHIPPED: ("shipped_at",)}``).
    """

    def __init__(
        self,
        noun: str,
        statuses: type[St],
        transitions: Mapping[St, Iterable[St]],
        *,
        labels: Mapping[St, str] | None = None,
        reason_required: Iterable[St] = (),
        reason_required_from_to: Iterable[tuple[St, St]] = (),
        stamps: Mapping[St, tuple[str, ...]] | None = None,
    ) -> None:
        missing = set(statuses) - set(transitions)
        if missing:
            raise ValueError(f"{noun}: no transitions given for {sorted(missing)}")
        self.noun = noun
        self.statuses = statuses
        self.transitions: dict[St, frozenset[St]] = {s: frozenset(transitions[s]) for s in statuses}
        self.labels = dict(labels or {})
        self.reason_required = frozenset(reason_required)
        self.reason_required_from_to = frozenset(reason_required_from_to)
        self.stamps = dict(stamps or {})

    @property
    def _a_noun(self) -> str:
        return ("an " if self.noun[0] in "aeiou" else "a ") + self.noun

    def label(self, status: str) -> str:
        """How a status reads ("Part backordered"; without a label "in progress")."""
        return self.labels.get(status) or str(status).replace("_", " ")

    def parse(self, status: str) -> St:
        try:
            return self.statuses(status)
        except ValueError as exc:
            raise IllegalTransition(f"unknown {self.noun} status: {exc}") from None

    def allowed_next(self, status: str) -> frozenset[St]:
        return self.transitions[self.parse(status)]

    def check(self, current: str, target: str, reason: str = "") -> tuple[St, St]:
        """Return the parsed pair, or raise ``IllegalTransition`` with a sentence a clerk
        can read (what is possible instead; that a reason is required)."""
        frm, to = self.parse(current), self.parse(target)
        if to not in self.transitions[frm]:
            options = ", ".join(sorted(self.label(s) for s in self.transitions[frm]))
            raise IllegalTransition(
                f"{self._a_noun} that is {self.label(frm).lower()} cannot become "
                f"{self.label(to).lower()}; "
                f"possible: {options or 'none (final)'}"
            )
        if not reason.strip() and (
            to in self.reason_required or (frm, to) in self.reason_required_from_to
        ):
            raise IllegalTransition(
                f"a reason is required to make {self._a_noun} {self.label(to).lower()}"
            )
        return frm, to

    def change(
        self, doc: Any, target: str, reason: str = "", at: datetime | None = None
    ) -> tuple[St, St]:
        """Check the move of ``doc`` to ``target`` and apply it: the status, the timestamps
        of the new status (``at``, default now) and ``updated_at`` (now) where the model has
        it. Returns (from, to). Only the ``move`` of each document's module calls this: it
        records the change as well."""
        frm, to = self.check(doc.status, target, reason)
        doc.status = to
        when = at or utcnow()
        for name in self.stamps.get(to, ()):
            setattr(doc, name, when)
        if hasattr(doc, "updated_at"):
            doc.updated_at = utcnow()
        return frm, to


@dataclass(frozen=True)
class Change:
    """The last change of a document: who, when (UTC) and what, from its own record."""

    who: str
    at: datetime
    what: str = ""

    @property
    def by(self) -> str:
        """``by li at 10:05``: local time, the day too when it was not today."""
        at = (self.at if self.at.tzinfo else self.at.replace(tzinfo=UTC)).astimezone()
        when = f"{at:%H:%M}" if at.date() == datetime.now().astimezone().date() else \
            f"{at:%Y-%m-%d %H:%M}"  # fmt: skip
        return f"by {self.who or 'someone else'} at {when}"

    @property
    def text(self) -> str:
        """``changed by li at 10:05 (quality check done)`` (what, cut to 30 characters)."""
        what = self.what if len(self.what) <= 30 else self.what[:29] + "…"
        return f"changed {self.by}" + (f" ({what})" if what else "")


def stale(name: str, change: Change | None) -> StaleData:
    """The refusal of an action taken on an older view of a document (``name``, e.g.
    ``PO-2026-000003``): who changed it since and when; nothing was saved."""
    since = change.text if change else "changed by someone else"
    short = f"{name} was changed {change.by}; nothing was saved" if change else None
    return StaleData(f"{name} was {since}; nothing was saved", short)


def expect_version(doc: Any, expected: int | None, name: str,
                   last_change: Callable[[], Change | None]) -> None:  # fmt: skip
    """Refuse (``stale``) when the clerk acted on another version of ``doc`` than the one
    it has now (locked by the caller); ``None``: no view to compare (a sweep, a script)."""
    if expected is not None and doc.version != expected:
        raise stale(name, last_change())
