"""The order search line: ``status:pending ch:phone from:-7 王`` parsed into an ``OrderQuery``.

One line, fast to type, no field hopping. Words are separated by spaces; a word
``key:value`` sets one field, any other word is guessed:

- ``SO-2026-123`` / ``so-2026`` (starts with the order prefix and a dash): order number
  (a whole number exactly, or the start of one); ``#123`` or ``no:123`` also;
- a word of digits (spaces and dashes allowed inside, 3 digits or more): phone (any part);
- anything else: customer name or code (several such words are one name), any part of it
  or of its pinyin (the customer search's rules).

The search (``order_search``) then takes a word that is exactly a product code or barcode
as that product (no ``p:`` needed), and a whole customer code as that customer alone.

Keys: ``no:`` / ``number:`` / ``#``, ``cust:`` / ``customer:``, ``tel:`` / ``phone:``,
``st:`` / ``status:`` (a status or its start: ``pending``, ``hold``, ``ship``; several
with commas), ``ch:`` / ``channel:`` (a kind of channel, every channel of it: ``phone``,
``walk``, ``ecom``, ``dealer``, ``key``, ``standing``), ``from:`` / ``to:``
(``2026-11-01``, ``today``, ``yesterday``, ``-7`` (7 days ago), ``+1``), ``p:`` /
``product:`` (a product code or barcode).

Pure: no database; ``parse_query`` raises ``InvalidInput`` naming what was wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ...i18n import N_
from ..platform.errors import InvalidInput
from ..states.order_states import LABELS, OrderStatus
from .audit_checks import NOT_SHIPPED
from .channels import KINDS
from .order_search import OrderQuery
from .orders import ORDER_PREFIX

_KEYS = {
    "no": "number", "number": "number", "#": "number",
    "cust": "customer", "customer": "customer", "c": "customer",
    "tel": "phone", "phone": "phone",
    "st": "status", "status": "status", "s": "status",
    "ch": "channel", "channel": "channel",
    "from": "date_from", "since": "date_from", "to": "date_to", "until": "date_to",
    "p": "product", "product": "product", "sku": "product",
}  # fmt: skip
_PHONE = re.compile(r"\+?\d[\d -]{2,}")
_PHONE_PART = re.compile(r"\+?\(?\d[\d()-]*")  # a digit group as typed: +86, (025), 130
_NUMBER = re.compile(rf"{ORDER_PREFIX}-[\d-]*", re.IGNORECASE)
_STATUS_ALIASES = {"pending": OrderStatus.PENDING_AUDIT, "audit": OrderStatus.PENDING_AUDIT,
                   "hold": OrderStatus.ON_HOLD}  # fmt: skip
_CHANNEL_ALIASES = {"walk": "walk_in", "ecom": "ecommerce", "web": "ecommerce",
                    "key": "key_account"}  # fmt: skip

SYNTAX_HELP = N_(
    "number, phone, name or pinyin, product code; st:pending ch:phone from:-7 to:today"
    " (st: several with commas)"
)
# the search line's fields, as a refusal names them ("phone given twice")
FIELD_WORDS = {"number": N_("number"), "customer": N_("customer"), "phone": N_("phone"),
               "status": N_("status"), "channel": N_("channel"), "date_from": N_("date from"),
               "date_to": N_("date to"), "product": N_("product")}  # fmt: skip


def parse_search_date(text: str, today: date, field: str) -> date:
    """``2026-11-01``, ``today``, ``yesterday``, ``-7`` (7 days ago), ``+1`` (tomorrow)."""
    t = text.strip().lower()
    if t == "today":
        return today
    if t == "yesterday":
        return today - timedelta(days=1)
    if re.fullmatch(r"[+-]\d{1,4}", t):
        return today + timedelta(days=int(t))
    try:
        return date.fromisoformat(t)
    except ValueError:
        raise InvalidInput(
            N_("'{text}' is not a date: type 2026-11-01, today, -7 (7 days ago) or +1").format(
                text=text
            ),
            field,
        ) from None


def parse_status(text: str) -> tuple[str, ...]:
    """``pending,hold`` -> ``("pending_audit", "on_hold")``; a status, its label or their start."""
    out: list[str] = []
    for word in (w.strip().lower() for w in text.split(",")):
        if not word:
            continue
        if word in _STATUS_ALIASES:
            out.append(_STATUS_ALIASES[word].value)
            continue
        hits = [
            s.value
            for s in OrderStatus
            if s.value.startswith(word) or LABELS[s].lower().replace(" ", "_").startswith(word)
        ]
        exact = [h for h in hits if h == word]
        if exact or len(hits) == 1:
            out.append((exact or hits)[0])
        elif hits:
            raise InvalidInput(N_("status '{word}' could be {statuses}: type more").format(
                word=word, statuses=", ".join(hits)), "status")  # fmt: skip
        else:
            known = ", ".join(s.value for s in OrderStatus)
            raise InvalidInput(N_("no status '{word}'; known: {known}").format(
                word=word, known=known), "status")  # fmt: skip
    return tuple(dict.fromkeys(out))


def parse_channel(text: str) -> str:
    word = text.strip().lower()
    word = _CHANNEL_ALIASES.get(word, word)
    hits = [c for c in KINDS if c.startswith(word)]
    if word in KINDS:
        return word
    if len(hits) == 1:
        return hits[0]
    raise InvalidInput(N_("no channel '{text}'; known: {known}").format(
        text=text, known=", ".join(KINDS)), "channel")  # fmt: skip


def parse_query(text: str, today: date) -> OrderQuery:
    """The search line as an ``OrderQuery`` (an empty line: every order, newest first)."""
    values: dict[str, object] = {}
    names: list[str] = []

    def put(field: str, value: object) -> None:
        if field in values and field != "status":
            raise InvalidInput(N_("{field} given twice").format(
                field=FIELD_WORDS.get(field, field.replace("_", " "))), field)  # fmt: skip
        values[field] = value

    last_phone = False
    words = text.split()
    for i, word in enumerate(words):
        digits = sum(ch.isdigit() for ch in word)
        # ``(025) 4728 4548``, ``+86 130 9621 8713``: a short prefix counts as part of the
        # phone when a digit group follows it
        prefix = (_PHONE_PART.fullmatch(word) is not None and i + 1 < len(words)
                  and _PHONE_PART.fullmatch(words[i + 1]) is not None
                  and sum(ch.isdigit() for ch in words[i + 1]) >= 3)  # fmt: skip
        if "phone" in values and not last_phone and _PHONE.fullmatch(word) and digits >= 3:
            raise InvalidInput(N_("{field} given twice").format(field=FIELD_WORDS["phone"]),
                               "phone")  # fmt: skip
        key, sep, value = word.partition(":")
        if word.startswith("#") and len(word) > 1:
            key, sep, value = "#", ":", word[1:]
        if sep and key.lower() in _KEYS:
            field = _KEYS[key.lower()]
            if not value:
                raise InvalidInput(N_("nothing after '{key}:'").format(key=key), field)
            if field == "status":
                put(field, tuple(values.get("status", ())) + parse_status(value))  # type: ignore[arg-type]
            elif field == "channel":
                put(field, parse_channel(value))
            elif field in ("date_from", "date_to"):
                put(field, parse_search_date(value, today, field))
            else:
                put(field, value)
        elif _NUMBER.fullmatch(word):
            put("number", word)
        elif _PHONE_PART.fullmatch(word) and (last_phone or digits >= 3 or prefix):
            # ``138 0013 8000``: digit groups typed apart are one number
            values["phone"] = f"{values['phone']}{word}" if last_phone else word
            last_phone = True
            continue
        elif re.fullmatch(r"\d+", word) and last_phone:
            values["phone"] = f"{values['phone']}{word}"
            continue
        else:
            names.append(word)
        last_phone = False
    if names:
        put("customer", " ".join(names))
    date_from, date_to = values.get("date_from"), values.get("date_to")
    if isinstance(date_from, date) and isinstance(date_to, date) and date_from > date_to:
        raise InvalidInput(N_("the date range ends before it starts"), "date_to")
    return OrderQuery(**values)  # type: ignore[arg-type]


# -- alert marks (the same rule as the audit queue's, for rows of any list) --------------------


@dataclass(frozen=True)
class AlertRule:
    """From ``audit.AuditSettings``: when an order is late in audit or due soon."""

    alert_hours: int = 4
    due_soon_days: int = 2


def alert_marks(
    rule: AlertRule, *, status: str, requested_date: date | None, since: datetime,
    now: datetime, today: date,
) -> tuple[bool, bool]:  # fmt: skip
    """(waiting too long, due soon and not shipped) for one order row.

    ``since``: when it entered audit (the queue knows) or, in search results, when it was
    created (an order sent back and submitted again may show late a little early).
    """
    waiting = status == OrderStatus.PENDING_AUDIT and since < now - timedelta(
        hours=rule.alert_hours
    )
    due = (
        status in NOT_SHIPPED
        and requested_date is not None
        and requested_date <= today + timedelta(days=rule.due_soon_days)
    )
    return waiting, due
