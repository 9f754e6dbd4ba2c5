"""Pure helpers behind order entry: what a clerk typed on the scan line, dates typed
the short way, and the draft payload. No database, no Textual.

Scan-line grammar (one line, Enter ends it; a keyboard-wedge scanner types the same):

| typed          | means                                                   |
|----------------|---------------------------------------------------------|
| ``CODE``       | a product by code (any case) or barcode, quantity 1     |
| ``CODE*3``     | the same, quantity 3 (``3*CODE`` too)                   |
| ``*3``         | the selected line's quantity becomes 3                  |
| ``-5.50``      | the selected line's discount becomes 5.50 (``-0`` none) |
| ``=12.50``     | override the selected line's unit price (a reason is    |
|                | asked for); ``=`` alone goes back to the engine's price |
| ``-``          | delete the selected line                                |
| ``+``          | duplicate the selected line                             |
| ``"text``      | the selected line's requirements note                   |
| other words    | a product search for those words                        |
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ...i18n import N_
from ..platform.errors import InvalidInput
from ..platform.money import parse_money

# kinds of scan-line entry
PRODUCT, QTY, DISCOUNT, DELETE, DUPLICATE, NOTE, PRICE = (
    "product", "qty", "discount", "delete", "duplicate", "note", "price",
)  # fmt: skip

_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._/\-]*")
_INT = re.compile(r"\d+")


@dataclass(frozen=True)
class ScanEntry:
    """One scan-line entry: ``kind`` says what it does; ``text`` is the product code,
    barcode or search words (``PRODUCT``) or the note (``NOTE``)."""

    kind: str
    text: str = ""
    qty: int | None = None  # None: one more (scanned again) / one (new line)
    amount_minor: int = 0  # DISCOUNT
    price_minor: int | None = None  # PRICE: the override; None: back to the engine's price

    @property
    def looks_like_code(self) -> bool:
        """A single token a code or barcode could be (else it can only be search words)."""
        return bool(_CODE.fullmatch(self.text))


def _qty(text: str) -> int:
    if not _INT.fullmatch(text):
        raise InvalidInput(N_("'{text}' is not a quantity (a whole number)").format(text=text),
                           "qty")  # fmt: skip
    qty = int(text)
    if qty < 1:
        raise InvalidInput(N_("quantity must be at least 1"), "qty")
    return qty


def parse_scan(text: str, currency: str) -> ScanEntry | None:
    """What one scan-line entry means (see the module docstring); ``None`` for nothing typed.

    Raises ``InvalidInput`` (field ``qty`` / ``discount`` / ``price``) for a malformed
    quantity or amount.
    """
    t = text.strip()
    if not t:
        return None
    if t == "-":
        return ScanEntry(DELETE)
    if t == "+":
        return ScanEntry(DUPLICATE)
    if t.startswith('"'):
        return ScanEntry(NOTE, t[1:].strip().rstrip('"').strip())
    if t.startswith("*"):
        return ScanEntry(QTY, qty=_qty(t[1:].strip()))
    if t.startswith("="):
        if not t[1:].strip():
            return ScanEntry(PRICE)
        try:
            price = parse_money(t[1:], currency)
        except InvalidInput as error:
            raise InvalidInput(str(error), "price") from None
        if price < 0:
            raise InvalidInput(N_("a price cannot be negative"), "price")
        return ScanEntry(PRICE, price_minor=price)
    if t.startswith("-"):
        try:
            amount = parse_money(t[1:], currency)
        except InvalidInput as error:
            raise InvalidInput(str(error), "discount") from None
        if amount < 0:
            raise InvalidInput(N_("a discount cannot be negative"), "discount")
        return ScanEntry(DISCOUNT, amount_minor=amount)
    if "*" in t:
        left, _, right = (p.strip() for p in t.partition("*"))
        if _INT.fullmatch(left) and right and not _INT.fullmatch(right):
            return ScanEntry(PRODUCT, right, qty=_qty(left))
        if not left:
            raise InvalidInput(N_("type the code before the *"), "qty")
        return ScanEntry(PRODUCT, left, qty=_qty(right))
    return ScanEntry(PRODUCT, t)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_requested_date(text: str, today: date) -> date | None:
    """A delivery date typed the short way: ``2026-12-01``, ``+1`` (tomorrow), ``+7``,
    ``mon``..``sun`` (the next one after today), ``today``, ``tomorrow``; blank: none."""
    t = text.strip().lower()
    if not t:
        return None
    if t == "today":
        return today
    if t == "tomorrow":
        return today + timedelta(days=1)
    if t.startswith("+") and _INT.fullmatch(t[1:]):
        return today + timedelta(days=int(t[1:]))
    for n, day in enumerate(WEEKDAYS):
        if len(t) >= 3 and day.startswith(t[:3]) and _weekday_name(n).startswith(t):
            ahead = (n - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead)
    try:
        wanted = date.fromisoformat(t)
    except ValueError:
        raise InvalidInput(
            N_("'{text}' is not a date: type 2026-12-01, +1 (tomorrow) or mon").format(
                text=text.strip()
            ),
            "requested_date",
        ) from None
    if wanted < today:
        raise InvalidInput(N_("{date} is in the past").format(date=wanted), "requested_date")
    return wanted


def _weekday_name(n: int) -> str:
    return ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")[n]


# -- the draft payload --------------------------------------------------------------------


@dataclass(frozen=True)
class DraftLine:
    product_id: int
    qty: int
    discount_minor: int = 0
    requirements_note: str = ""
    price_minor: int | None = None  # a clerk's price override, with its reason
    override_reason: str = ""


@dataclass(frozen=True)
class DraftOptions:
    channel: str = "phone"
    payment_method: str | None = None  # None: from the customer's terms
    requested_date: date | None = None
    priority: int = 0
    notes: str = ""
    carrier_id: int | None = None  # None: no carrier chosen, no shipping estimate
    shipping_policy: str | None = None  # None: the customer's; "partial" / "complete"


@dataclass(frozen=True)
class EntryDraft:
    """What ``save_draft`` keeps of an order being typed, and reads back to resume it."""

    customer_id: int | None = None
    ship_to_id: int | None = None
    lines: tuple[DraftLine, ...] = ()
    options: DraftOptions = field(default_factory=DraftOptions)
    # an unknown caller's details typed so far (name, phone, address, group), not yet a
    # customer: (field, value) pairs
    new_caller: tuple[tuple[str, str], ...] = ()

    @property
    def empty(self) -> bool:
        return self.customer_id is None and not self.lines and not self.new_caller

    def payload(self) -> dict[str, Any]:
        o = self.options
        return {
            "customer_id": self.customer_id,
            "ship_to_id": self.ship_to_id,
            "lines": [
                {"product_id": ln.product_id, "qty": ln.qty, "discount_minor": ln.discount_minor,
                 "requirements_note": ln.requirements_note, "price_minor": ln.price_minor,
                 "override_reason": ln.override_reason}
                for ln in self.lines
            ],
            "options": {"channel": o.channel, "payment_method": o.payment_method,
                        "requested_date": o.requested_date.isoformat() if o.requested_date
                        else None, "priority": o.priority, "notes": o.notes,
                        "carrier_id": o.carrier_id, "shipping_policy": o.shipping_policy},
            "new_caller": dict(self.new_caller),
        }  # fmt: skip

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> EntryDraft:
        """Tolerant: a draft written by an older version still resumes what it can."""
        o = payload.get("options") or {}
        when = o.get("requested_date")
        return cls(
            customer_id=payload.get("customer_id"),
            ship_to_id=payload.get("ship_to_id"),
            lines=tuple(
                DraftLine(int(ln["product_id"]), int(ln.get("qty", 1)),
                          int(ln.get("discount_minor", 0)), ln.get("requirements_note", ""),
                          None if ln.get("price_minor") is None else int(ln["price_minor"]),
                          ln.get("override_reason") or "")
                for ln in payload.get("lines") or []
                if ln.get("product_id") is not None
            ),
            options=DraftOptions(
                channel=o.get("channel") or "phone",
                payment_method=o.get("payment_method"),
                requested_date=date.fromisoformat(when) if when else None,
                priority=int(o.get("priority") or 0),
                notes=o.get("notes") or "",
                carrier_id=None if o.get("carrier_id") is None else int(o["carrier_id"]),
                shipping_policy=o.get("shipping_policy") or None,
            ),
            new_caller=tuple((str(k), str(v)) for k, v in
                             (payload.get("new_caller") or {}).items()),
        )  # fmt: skip
