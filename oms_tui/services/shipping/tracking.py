"""Tracking: events entered by key or imported from a carrier's CSV (UTF-8 or GB18030),
delivered closes the shipment and the order, and shipments overdue for delivery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select

from ...i18n import N_
from ...models import (
    Order,
    Shipment,
    TrackingEvent,
    utcnow,
)
from ..platform.db import Database
from ..platform.errors import InvalidInput, NotFound
from ..platform.permissions import anyone, requires
from ..states import order_states, shipment_states
from ..states.shipment_states import ShipmentStatus as H
from ..states.shipment_states import TrackingStatus
from .dispatch import TRACKING_STATUSES, S

READ = "a count of shipments overdue, taking no acting user"  # i18n: no

# --------------------------------------------------------------------------------------------
# Tracking


@requires("dispatch.ship")
def add_tracking_event(db: Database, actor: str, shipment_id: int, status: str,
                       location: str = "", note: str = "", at: datetime | None = None
                       ) -> str:  # fmt: skip
    """A carrier status (picked up, in transit, out for delivery, delivered, exception).
    Delivered closes the shipment, and the order once all its shipments are delivered and
    nothing is left to ship. Returns the shipment's status."""
    if status not in TRACKING_STATUSES:
        raise InvalidInput(
            N_("unknown tracking status '{status}'; one of {statuses}").format(
                status=status, statuses=", ".join(TRACKING_STATUSES)
            ),
            "status",
        )
    with db.write() as session:
        sh = session.get(Shipment, shipment_id)
        if sh is None:
            raise NotFound(N_("no shipment with id {id}").format(id=shipment_id))
        # the lock order (services/inventory/stock.py): the order, then its shipment
        order = session.exec(select(Order).where(Order.id == sh.order_id)
                             .with_for_update()).one()  # fmt: skip
        sh = session.exec(select(Shipment).where(Shipment.id == shipment_id).with_for_update()
                          .execution_options(populate_existing=True)).one()  # fmt: skip
        if sh.status not in shipment_states.LEFT:
            raise InvalidInput(
                N_("shipment {number} has not shipped yet").format(number=sh.number), "status"
            )
        if status != TrackingStatus.DELIVERED or sh.status == H.DELIVERED:
            session.add(TrackingEvent(shipment_id=sh.id, status=status, location=location,
                                      note=note or N_("by {actor}").format(actor=actor),
                                      at=at or utcnow(),
                                      actor=actor))  # fmt: skip
        else:  # the event that closes the shipment
            shipment_states.move(session, sh, H.DELIVERED, actor, note, location, at)
            session.flush()
            open_left = session.exec(
                select(Shipment.id).where(Shipment.order_id == order.id,
                                          Shipment.status != H.DELIVERED,
                                          Shipment.status != H.CANCELLED)
            ).first()  # fmt: skip
            if order.status == S.SHIPPED and open_left is None:
                order_states.move(
                    session,
                    order,
                    S.DELIVERED,
                    actor,
                    N_("delivered ({number})").format(number=sh.number),
                )
        return sh.status


@anyone(READ)
def overdue_shipments(db: Database, days: int = 2, today: date | None = None) -> int:
    """Shipments not confirmed delivered ``days`` after their expected date (home alert)."""
    today = today or date.today()
    with db.read() as session:
        return int(session.exec(
            select(func.count()).select_from(Shipment)
            .where(Shipment.status == H.SHIPPED, col(Shipment.expected_date).is_not(None),
                   col(Shipment.expected_date) < today - timedelta(days=days))
        ).one())  # fmt: skip


# --------------------------------------------------------------------------------------------
# Tracking events from a carrier's CSV export

K = TrackingStatus
STATUS_WORDS = {
    **{str(k): k for k in TrackingStatus},
    "picked up": K.PICKED_UP, "揽收": K.PICKED_UP, "已揽收": K.PICKED_UP,  # i18n: no
    "in transit": K.IN_TRANSIT, "运输中": K.IN_TRANSIT,  # i18n: no
    "out for delivery": K.OUT_FOR_DELIVERY, "派送中": K.OUT_FOR_DELIVERY,  # i18n: no
    "派件中": K.OUT_FOR_DELIVERY,
    "签收": K.DELIVERED, "已签收": K.DELIVERED,
    "异常": K.EXCEPTION, "问题件": K.EXCEPTION,
}  # fmt: skip
COLUMN_WORDS = {
    "tracking_no": ("tracking_no", "tracking", "tracking number", "运单号", "快递单号",  # i18n: no
                    "单号"),
    "status": ("status", "状态"),
    "at": ("at", "time", "date", "时间"),
    "location": ("location", "place", "地点", "网点"),
    "note": ("note", "remark", "备注", "描述"),
}  # fmt: skip


@dataclass(frozen=True)
class TrackingImport:
    applied: int  # events recorded
    duplicates: int  # the same event seen before (re-imported export): skipped
    delivered: tuple[str, ...]  # shipments this import closed
    problems: tuple[tuple[int, str], ...]  # (row number in the file, reason)


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (what Chinese spreadsheet tools write)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise InvalidInput(N_("the file is neither UTF-8 nor GB18030 text"), "file") from None


@requires("dispatch.ship")
def import_tracking_csv(db: Database, actor: str, data: bytes) -> TrackingImport:
    """Carrier status events from CSV (columns by header, English or Chinese: tracking
    number, status, time, location, note). Each good row is recorded (delivered closes
    the shipment); each bad row is reported with its row number and why; rows already
    imported are skipped, so importing the same export twice records nothing new."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(decode_csv(data))))
    if not rows:
        raise InvalidInput(N_("the file is empty"), "file")
    header = [h.strip().lower() for h in rows[0]]
    where: dict[str, int] = {}
    for key, words in COLUMN_WORDS.items():
        for i, h in enumerate(header):
            if h in words:
                where[key] = i
                break
    missing = [k for k in ("tracking_no", "status") if k not in where]
    if len(missing) == 2:
        raise InvalidInput(N_("no tracking_no or status column in the header"), "file")
    if missing:
        raise InvalidInput(N_("no {column} column in the header").format(column=missing[0]),
                           "file")  # fmt: skip
    applied = duplicates = 0
    delivered: list[str] = []
    problems: list[tuple[int, str]] = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(key: str, row: list[str] = row) -> str:
            i = where.get(key)
            return row[i].strip() if i is not None and i < len(row) else ""

        number, word = cell("tracking_no"), cell("status")
        status = STATUS_WORDS.get(word.lower()) or STATUS_WORDS.get(word)
        if not number:
            problems.append((n, N_("no tracking number")))
            continue
        if status is None:
            problems.append((n, N_("unknown status '{status}'").format(status=word)))
            continue
        at = None
        if cell("at"):
            try:
                at = datetime.fromisoformat(cell("at").replace("/", "-"))
            except ValueError:
                problems.append(
                    (
                        n,
                        N_("unreadable time '{time}' (use 2026-11-30 14:05)").format(
                            time=cell("at")
                        ),
                    )
                )
                continue
            if at.tzinfo is None:
                at = at.astimezone()  # local time as typed
        with db.read() as session:
            sh = session.exec(select(Shipment).where(Shipment.tracking_no == number.upper())
                              ).first() or session.exec(
                select(Shipment).where(Shipment.tracking_no == number)).first()  # fmt: skip
            if sh is None:
                problems.append(
                    (n, N_("no shipment with tracking number {number}").format(number=number))
                )
                continue
            same = [TrackingEvent.shipment_id == sh.id, TrackingEvent.status == status,
                    TrackingEvent.location == cell("location")]  # fmt: skip
            if at is not None:
                same.append(TrackingEvent.at == at)
            seen = session.exec(select(TrackingEvent.id).where(*same)).first()
        if seen is not None:
            duplicates += 1
            continue
        try:
            before = sh.status
            after = add_tracking_event(db, actor, sh.id, status, cell("location"),
                                       cell("note") or N_("imported"), at)  # fmt: skip
        except InvalidInput as error:
            problems.append((n, str(error)))
            continue
        applied += 1
        if after == H.DELIVERED and before != H.DELIVERED:
            delivered.append(sh.number)
    return TrackingImport(applied, duplicates, tuple(delivered), tuple(problems))
