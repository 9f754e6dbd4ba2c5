"""Carriers for order entry: which ones can be chosen (read only).

Shipping fees come from the carrier's rate table through ``pricing.shipping_quote``; this
module only lists the carriers a clerk can pick.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from ...models import Carrier
from ..platform.db import Database
from ..platform.permissions import anyone


@dataclass(frozen=True)
class CarrierView:
    id: int
    code: str
    name: str
    kind: str  # express, freight, own_van


@anyone("the carriers: no customer or money data")  # i18n: no
def list_carriers(db: Database, active_only: bool = True) -> list[CarrierView]:
    """The carriers, by code (active ones only unless ``active_only`` is False)."""
    with db.read() as session:
        stmt = select(Carrier).order_by(col(Carrier.code))
        if active_only:
            stmt = stmt.where(Carrier.active == True)  # noqa: E712
        return [CarrierView(c.id, c.code, c.name, c.kind) for c in session.exec(stmt).all()]
