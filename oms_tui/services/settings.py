"""Company settings: typed view over the ``setting`` key/value table."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlmodel import Session, select

from ..models import Setting, utcnow
from .db import Database
from .errors import InvalidInput


@dataclass(frozen=True)
class CompanySettings:
    company_name: str = "My Company"
    currency: str = "CNY"
    prices_include_tax: bool = True
    tax_rounding: str = "line"  # "line": round tax per line; "order": once on the order total
    company_address: str = ""
    company_phone: str = ""
    audit_alert_hours: int = 4

    @staticmethod
    def _parse(name: str, raw: str, kind: type) -> object:
        if kind is bool:
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if kind is int:
            return int(raw)
        return raw


_FIELDS = {f.name: f for f in fields(CompanySettings)}
_TYPES = {"company_name": str, "currency": str, "prices_include_tax": bool, "tax_rounding": str,
          "company_address": str, "company_phone": str, "audit_alert_hours": int}  # fmt: skip


def load_settings(session: Session) -> CompanySettings:
    rows = {s.key: s.value for s in session.exec(select(Setting)).all()}
    values = {k: CompanySettings._parse(k, v, _TYPES[k]) for k, v in rows.items() if k in _FIELDS}
    return CompanySettings(**values)


def get_settings(db: Database) -> CompanySettings:
    with db.read() as session:
        return load_settings(session)


def set_setting(db: Database, actor: str, key: str, value: str) -> CompanySettings:
    if key not in _FIELDS:
        raise InvalidInput(f"unknown setting '{key}'; known: {', '.join(sorted(_FIELDS))}", "key")
    try:
        CompanySettings._parse(key, value, _TYPES[key])
    except ValueError:
        raise InvalidInput(f"'{value}' is not a valid value for {key}", "value") from None
    if key == "tax_rounding" and value not in {"line", "order"}:
        raise InvalidInput("tax_rounding must be 'line' or 'order'", "value")
    with db.write() as session:
        row = session.get(Setting, key) or Setting(key=key)
        row.value, row.updated_at, row.updated_by = value, utcnow(), actor
        session.add(row)
        session.flush()
        return load_settings(session)
