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

from ...i18n import N_
from ...models import utcnow
from ..platform.errors import IllegalTransition, StaleData

St = TypeVar("St", bound=StrEnum)  # i18n: no

# The refusal of a move, one template for each number of moves possible instead (a list
# built from pieces could not be read back in the clerk's language, i18n.shown).
_CANNOT = (
    N_("{thing} that is {status} cannot become {target}; possible: none (final)"),
    N_("{thing} that is {status} cannot become {target}; possible: {a}"),
    N_("{thing} that is {status} cannot become {target}; possible: {a}, {b}"),
    N_("{thing} that is {status} cannot become {target}; possible: {a}, {b}, {c}"),
    N_("{thing} that is {status} cannot become {target}; possible: {a}, {b}, {c}, {d}"),
    N_("{thing} that is {status} cannot become {target}; possible: {a}, {b}, {c}, {d}, {e}"),
)
_OPTION_NAMES = ("a", "b", "c", "d", "e")


class Machine(Generic[St]):
    """The moves allowed between the statuses of one kind of document (``noun``).

    ``a_noun``: the noun with its article as a sentence says it (``N_("an order")``,
    default built from ``noun``); ``labels``: how a status reads (default: its value,
    ``_`` as spaces), lower case in a refusal, so each label's lower case is a message
    too (the state modules mark them: ``N_("part backordered")``);
    ``reason_required``: statuses a move into needs a reason; ``reason_required_from_to``:
    single moves that need one; ``no_reason``: the refusal of such a move without one, a
    template naming the noun with ``{target}`` after it (``N_("a reason is required to make
    an order {target}")``: two values side by side could not be told apart when read back);
    ``stamps``: the timestamp attributes set when a document
    enters a status (``{SHIPPED: ("shipped_at",)}``).
    """

    def __init__(
        self,
        noun: str,
        statuses: type[St],
        transitions: Mapping[St, Iterable[St]],
        *,
        a_noun: str = "",
        labels: Mapping[St, str] | None = None,
        reason_required: Iterable[St] = (),
        reason_required_from_to: Iterable[tuple[St, St]] = (),
        no_reason: str = "",
        stamps: Mapping[St, tuple[str, ...]] | None = None,
    ) -> None:
        missing = set(statuses) - set(transitions)
        if missing:
            raise ValueError(f"{noun}: no transitions given for {sorted(missing)}")  # i18n: no
        self.noun = noun
        self.a_noun = a_noun or ("an " if noun[0] in "aeiou" else "a ") + noun
        self.statuses = statuses
        self.transitions: dict[St, frozenset[St]] = {s: frozenset(transitions[s]) for s in statuses}
        self.labels = dict(labels or {})
        self.reason_required = frozenset(reason_required)
        self.reason_required_from_to = frozenset(reason_required_from_to)
        self.no_reason = no_reason
        self.stamps = dict(stamps or {})

    def label(self, status: str) -> str:
        """How a status reads ("Part backordered"; without a label "in progress")."""
        return self.labels.get(status) or str(status).replace("_", " ")

    def parse(self, status: str) -> St:
        try:
            return self.statuses(status)
        except ValueError:
            raise IllegalTransition(
                N_("unknown {noun} status: {status}").format(noun=self.noun, status=status)
            ) from None

    def allowed_next(self, status: str) -> frozenset[St]:
        return self.transitions[self.parse(status)]

    def check(self, current: str, target: str, reason: str = "") -> tuple[St, St]:
        """Return the parsed pair, or raise ``IllegalTransition`` with a sentence a clerk
        can read (what is possible instead; that a reason is required)."""
        frm, to = self.parse(current), self.parse(target)
        if to not in self.transitions[frm]:
            options = sorted(self.label(s) for s in self.transitions[frm])
            if len(options) >= len(_CANNOT):  # the last value takes the rest
                options[len(_CANNOT) - 2 :] = [", ".join(options[len(_CANNOT) - 2 :])]
            raise IllegalTransition(
                _CANNOT[len(options)].format(
                    thing=self.a_noun,
                    status=self.label(frm).lower(),
                    target=self.label(to).lower(),
                    **dict(zip(_OPTION_NAMES, options, strict=False)),
                )
            )
        if not reason.strip() and (
            to in self.reason_required or (frm, to) in self.reason_required_from_to
        ):
            target = self.label(to).lower()
            if self.no_reason:
                raise IllegalTransition(self.no_reason.format(target=target))
            raise IllegalTransition(
                N_("a reason is required to make {thing} {target}").format(
                    thing=self.a_noun, target=target
                )
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
        return N_("by {who} at {time}").format(who=self.who or N_("someone else"), time=when)

    @property
    def _what(self) -> str:
        return self.what if len(self.what) <= 30 else self.what[:29] + "…"

    @property
    def text(self) -> str:
        """``changed by li at 10:05 (quality check done)`` (what, cut to 30 characters)."""
        if self.what:
            return N_("changed {by} ({what})").format(by=self.by, what=self._what)
        return N_("changed {by}").format(by=self.by)


def stale(name: str, change: Change | None) -> StaleData:
    """The refusal of an action taken on an older view of a document (``name``, e.g.
    ``PO-2026-000003``): who changed it since and when; nothing was saved."""
    if change is None:
        return StaleData(
            N_("{name} was changed by someone else; nothing was saved").format(name=name)
        )
    short = N_("{name} was changed {by}; nothing was saved").format(name=name, by=change.by)
    if not change.what:
        return StaleData(short)
    return StaleData(
        N_("{name} was changed {by} ({what}); nothing was saved").format(
            name=name, by=change.by, what=change._what
        ),
        short,
    )


def expect_version(doc: Any, expected: int | None, name: str,
                   last_change: Callable[[], Change | None]) -> None:  # fmt: skip
    """Refuse (``stale``) when the clerk acted on another version of ``doc`` than the one
    it has now (locked by the caller); ``None``: no view to compare (a sweep, a script)."""
    if expected is not None and doc.version != expected:
        raise stale(name, last_change())
