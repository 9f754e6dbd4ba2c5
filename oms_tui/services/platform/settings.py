"""Company settings: typed view over the ``setting`` key/value table."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Connection, String, column, select, table

from ...i18n import N_
from ...i18n import normalise as normalise_language
from .csv_files import csv_encoding_name
from .db import Database
from .errors import InvalidInput
from .money import AMOUNT_LIMIT_CEILING, MAX_AMOUNT_MINOR
from .permissions import anyone, requires

if TYPE_CHECKING:
    from sqlmodel import Session

# Core description of the table: settings are read on the start-up path (no sqlmodel import).
_setting = table("setting", column("key", String), column("value", String))


@dataclass(frozen=True)
class CompanySettings:
    company_name: str = "My Company"  # i18n: no (a name, until the company gives its own)
    currency: str = "CNY"
    prices_include_tax: bool = True
    tax_rounding: str = "line"  # "line": round tax per line; "order": once on the order total
    company_address: str = ""
    company_phone: str = ""
    printer: str = ""  # lp destination for documents; "" = save PDFs and show where
    paper: str = "A4"  # A4 or Letter
    shipment_overdue_days: int = 2  # not delivered this long after the expected date: alert
    discount_limit_pct: int = 10  # the most a line's discount may be, except for managers
    # the largest amount a person or an import may enter, in minor units (money.check_amount)
    max_amount_minor: int = MAX_AMOUNT_MINOR
    # the interface language of users who chose none (zh_CN, en); "": the locale's
    language: str = ""
    # how CSV files are written (csv_files.py): "utf-8" (with a BOM) or "gb18030"
    csv_encoding: str = "utf-8"
    # audit warnings that also stop a bulk approval (check names, comma-separated, or "all");
    # failed checks always do. Default none: a warning is shown and recorded with the approval
    bulk_approve_blocks: str = ""
    # who is acting (identity.py): "os", the operating-system account running oms; or
    # "password", users sign in (a shop PC shared by several people)
    identity: str = "os"
    login_attempts: int = 5  # wrong passwords in a row before a user is locked out 15 min
    idle_lock_minutes: int = 15  # password mode: the app locks after this long idle; 0 never

    @property
    def bulk_blocking_checks(self) -> frozenset[str]:
        """The check names whose warnings stop a bulk approval."""
        names = {n.strip().lower() for n in self.bulk_approve_blocks.split(",") if n.strip()}
        return frozenset(AUDIT_CHECK_NAMES) if "all" in names else frozenset(names)

    @staticmethod
    def _parse(name: str, raw: str, kind: type) -> object:
        if kind is bool:
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if kind is int:
            return int(raw)
        return raw


# The audit checks' names (services/sales/audit_checks.py runs them; a test keeps both equal).
AUDIT_CHECK_NAMES = (
    "completeness",
    "product",
    "price",
    "cost",
    "credit",
    "stock",
    "made_to_order",
    "duplicate",
    "invoicing",  # only for a customer who needs a special VAT invoice (专用发票)
)

_FIELDS = {f.name: f for f in fields(CompanySettings)}
_TYPES = {"company_name": str, "currency": str, "prices_include_tax": bool, "tax_rounding": str,
          "company_address": str, "company_phone": str, "printer": str,
          "paper": str, "shipment_overdue_days": int,
          "discount_limit_pct": int, "max_amount_minor": int, "language": str,
          "csv_encoding": str, "bulk_approve_blocks": str, "identity": str,
          "login_attempts": int, "idle_lock_minutes": int}  # fmt: skip


def _parse_rows(rows: dict[str, str]) -> CompanySettings:
    values = {k: CompanySettings._parse(k, v, _TYPES[k]) for k, v in rows.items() if k in _FIELDS}
    return CompanySettings(**values)


def store_setting(session: Session, actor: str, key: str, value: str, reason: str = "") -> None:
    """Write one ``setting`` row, who and when, and the change (before, after) in the change
    log: the one way a setting is written."""
    from ...models import Setting, utcnow
    from .change_log import record_change

    row = session.get(Setting, key)
    before = row.value if row is not None else "(default)"
    row = row or Setting(key=key)
    record_change(session, actor, "setting", key, "value", before, value, reason)
    row.value, row.updated_at, row.updated_by = value, utcnow(), actor
    session.add(row)


def read_settings(conn: Connection | Session) -> CompanySettings:
    """Settings through a Core connection or a session (same query)."""
    return _parse_rows(dict(conn.execute(select(_setting.c.key, _setting.c.value)).all()))


def load_settings(session: Session) -> CompanySettings:
    return read_settings(session)


@anyone("the company's settings are read by every screen and command")  # i18n: no
def get_settings(db: Database) -> CompanySettings:
    with db.engine.connect() as conn:
        return read_settings(conn)


@requires("settings.change")
def set_setting(db: Database, actor: str, key: str, value: str) -> CompanySettings:
    if key not in _FIELDS:
        raise InvalidInput(
            N_("unknown setting '{key}'; known: {keys}").format(
                key=key, keys=", ".join(sorted(_FIELDS))
            ),
            "key",
        )
    try:
        CompanySettings._parse(key, value, _TYPES[key])
    except ValueError:
        raise InvalidInput(
            N_("'{value}' is not a valid value for {key}").format(value=value, key=key), "value"
        ) from None
    if key == "tax_rounding" and value not in {"line", "order"}:
        raise InvalidInput(N_("tax_rounding must be 'line' or 'order'"), "value")
    if key == "paper" and value.lower() not in {"a4", "letter"}:
        raise InvalidInput(N_("paper must be 'A4' or 'Letter'"), "value")
    if key == "language" and value and normalise_language(value) is None:
        raise InvalidInput(N_("language must be zh_CN or en (or empty: the locale's)"), "value")
    if key == "language":
        value = normalise_language(value) or ""
    if key == "csv_encoding":
        value = csv_encoding_name(value)
    if key == "max_amount_minor" and not 1 <= int(value) <= AMOUNT_LIMIT_CEILING:
        raise InvalidInput(N_("max_amount_minor must be from 1 to {most} (minor units)")
                           .format(most=f"{AMOUNT_LIMIT_CEILING:,}"), "value")  # fmt: skip
    if key == "currency":
        value = value.strip().upper()
        if len(value) != 3 or not value.isascii() or not value.isalpha():
            raise InvalidInput(
                N_("currency '{text}': three letters, e.g. CNY or USD").format(text=value), "value"
            )
    if key == "bulk_approve_blocks":
        names = [n.strip().lower() for n in value.split(",") if n.strip()]
        unknown = [n for n in names if n not in AUDIT_CHECK_NAMES and n != "all"]
        if unknown:
            raise InvalidInput(
                N_(
                    "unknown check '{check}'; bulk_approve_blocks takes check names "
                    "({checks}), comma-separated, or 'all'"
                ).format(check=unknown[0], checks=", ".join(AUDIT_CHECK_NAMES)),
                "value",
            )
        value = ",".join(dict.fromkeys(names))
    if key in ("identity", "login_attempts", "idle_lock_minutes"):
        from .identity import check_identity_setting

        value = check_identity_setting(db, actor, key, value)
    with db.write() as session:
        if key == "currency":
            _check_currency_change(session, load_settings(session).currency.upper(), value)
        store_setting(session, actor, key, value)
        session.flush()
        return load_settings(session)


def _check_currency_change(session: Session, old: str, new: str) -> None:
    """The company currency is what payments, credit on account, the credit limit and the
    totals are counted in: once an order, an invoice or a payment is in it, changing it
    would turn every one of those amounts into another currency's, so it is refused."""
    from ...models import Invoice, Order, Payment

    if new == old:
        return
    for model, what in ((Order, N_("orders")), (Invoice, N_("invoices")),
                        (Payment, N_("payments"))):  # fmt: skip
        found = session.execute(
            select(model.id).where(model.currency == old).limit(1)  # type: ignore[attr-defined]
        ).first()
        if found is not None:
            raise InvalidInput(
                N_(
                    "the company currency stays {old}: {what} are already in it "
                    "(changing it would count them in {new})"
                ).format(old=old, what=what, new=new),
                "value",
            )


# --------------------------------------------------------------------------------------------
# Groups of whole-number settings (audit weights, stock rules): one dataclass of int fields
# each, stored as ``setting`` rows named after the fields.

T = TypeVar("T")


def read_int_settings(session: Session, group: type[T]) -> T:
    """The group's values; a missing or unreadable row keeps the field's default (a bad row
    never stops the screen that reads it)."""
    keys = [f.name for f in fields(group)]  # type: ignore[arg-type]
    rows = session.execute(select(_setting.c.key, _setting.c.value)
                           .where(_setting.c.key.in_(keys))).all()  # fmt: skip
    values: dict[str, int] = {}
    for key, raw in rows:
        try:
            values[key] = int(raw)
        except ValueError:
            continue
    return group(**values)


@requires("settings.change")
def write_int_setting(db: Database, actor: str, group: type[T], key: str, value: int,
                      what: str) -> T:  # fmt: skip
    """Store one whole number (0 or more) of the group; returns the group as stored."""
    keys = [f.name for f in fields(group)]  # type: ignore[arg-type]
    if key not in keys:
        raise InvalidInput(
            N_("unknown {what} setting '{key}'; known: {keys}").format(
                what=what, key=key, keys=", ".join(keys)
            ),
            "key",
        )
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(N_("{key} must be a whole number, 0 or more").format(key=key), "value")
    with db.write() as session:
        store_setting(session, actor, key, str(value))
        session.flush()
        return read_int_settings(session, group)
