"""Products as a shop keeps them: add one, change what it is called, what it costs and sells
for, its unit, barcode and the rest, discontinue it and bring it back (``catalog.edit``:
managers and admins). Every change is in the change log (entity ``product``, key the
product's code: field, before, after, who, why) in the transaction of the change, so the
stock card's Changes (F11 / Ctrl+E) and ``oms audit log --entity product:CODE`` show it.

Values come as typed (the CLI, later a screen) and are read strictly here, whoever calls:
money exactly in the currency's minor units (``parse_money``: no exponent, no ``_``, the
currency's decimals), never negative and within ``max_amount_minor``; whole numbers in
ASCII or full-width digits within a range; a code and a barcode unique among all products'
codes and barcodes (``find_product`` takes either); text through ``clean_text`` (control
characters refused). A new name gets its pinyin search keys (``search_text.name_keys``).
A price changed here is the list price the next order line is priced from (``pricing``);
lines already on orders keep theirs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, or_, select

from ...i18n import N_
from ...models import Product
from ..platform.change_log import CREATED, record_change
from ..platform.db import Database
from ..platform.errors import InvalidInput, NotFound
from ..platform.money import check_amount, format_money, parse_money
from ..platform.permissions import anyone, requires
from ..platform.search_text import name_keys_row
from ..platform.settings import load_settings
from ..platform.text import clean_text

TEXT, MONEY, RATE, COUNT, FLAG, BARCODE = "text", "money", "rate", "count", "flag", "barcode"


@dataclass(frozen=True)
class Editable:
    """One field of a product a shop edits: its column, how its value is read, and what
    a person calls it (in sentences: ``the product's {what}``)."""

    column: str
    kind: str
    what: str
    most: int  # the longest text, or the largest number
    required: bool = False  # text that cannot be empty


# The fields, by the name `oms product set CODE FIELD VALUE` takes and the change log keeps.
FIELDS: dict[str, Editable] = {
    "name": Editable("name", TEXT, N_("name"), 200, required=True),
    "barcode": Editable("barcode", BARCODE, N_("barcode"), 40),
    "unit": Editable("unit", TEXT, N_("unit"), 16, required=True),
    "price": Editable("list_price_minor", MONEY, N_("list price"), 0),
    "cost": Editable("cost_minor", MONEY, N_("cost"), 0),
    "deposit": Editable("deposit_minor", MONEY, N_("deposit"), 0),
    "tax": Editable("tax_rate_bp", RATE, N_("tax rate"), 10_000),
    "line": Editable("product_line", TEXT, N_("product line"), 32),
    "model": Editable("model", TEXT, N_("model"), 100),
    "colour": Editable("colour", TEXT, N_("colour"), 64),
    "spec": Editable("spec", TEXT, N_("spec"), 200),
    "lead_time": Editable("lead_time_days", COUNT, N_("lead time in days"), 365),
    "weight": Editable("weight_g", COUNT, N_("weight in grams"), 1_000_000),
    "per_package": Editable("units_per_package", COUNT, N_("units per package"), 100_000),
    "made_to_order": Editable("made_to_order", FLAG, N_("made to order"), 1),
}  # fmt: skip
ACTIVE = "active"  # the change log's field of discontinue (no) and resume (yes)

_CODE = re.compile(r"[A-Z0-9][A-Z0-9._/-]{0,39}", re.ASCII)
_BARCODE = re.compile(r"[A-Za-z0-9-]{1,40}", re.ASCII)
_WHOLE = re.compile(r"[0-9]{1,9}", re.ASCII)
_PERCENT = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,2})?", re.ASCII)
_YES, _NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0")


@dataclass(frozen=True)
class ProductCard:
    """A product as `oms product show` prints it: code, active, and each field's value as
    text (money with its currency, the tax rate in percent)."""

    code: str
    active: bool
    values: dict[str, str]  # FIELDS' names -> value as text


def normal_code(text: str) -> str:
    """A product code as kept: upper case ASCII letters and digits, with ``.``, ``_``,
    ``/`` or ``-`` after the first, at most 40; anything else is refused."""
    code = unicodedata.normalize("NFKC", clean_text(text, 40, N_("the product code"),
                                                    "code")).upper()  # fmt: skip
    if not code:
        raise InvalidInput(N_("a product needs a code, e.g. L-C300-18W-WH"), "code")
    if not _CODE.fullmatch(code):
        raise InvalidInput(N_("product code '{code}': letters and digits, with . _ / or - "
                              "between them, at most 40").format(code=code), "code")  # fmt: skip
    return code


def _parse(session: Session, field: str, text: str) -> object:
    """``text`` as typed for ``field``, as the column keeps it, or ``InvalidInput``."""
    if field not in FIELDS:
        raise InvalidInput(N_("no product field '{field}': one of {fields}").format(
            field=field, fields=", ".join(FIELDS)), "field")  # fmt: skip
    spec = FIELDS[field]
    what = N_("the product's {what}").format(what=spec.what)
    if spec.kind in (TEXT, BARCODE):
        value = clean_text(text, spec.most if spec.kind == TEXT else 40, what, field)
        if spec.kind == BARCODE:
            if value and not _BARCODE.fullmatch(value):
                raise InvalidInput(N_("barcode '{barcode}': letters, digits and -, at most "
                                      "40").format(barcode=value), field)  # fmt: skip
            return value or None
        if spec.required and not value:
            raise InvalidInput(N_("{what} cannot be empty").format(what=what), field)
        return value
    plain = unicodedata.normalize("NFKC", text).strip()
    if spec.kind == MONEY:
        settings = load_settings(session)
        minor = parse_money(text, settings.currency)
        if minor < 0:
            raise InvalidInput(N_("{what} cannot be negative: {amount}").format(
                what=what, amount=text.strip()), field)  # fmt: skip
        return check_amount(minor, settings.max_amount_minor, what, field, settings.currency)
    if spec.kind == RATE:
        number = plain.removesuffix("%").strip()
        if not _PERCENT.fullmatch(number) or Decimal(number) * 100 > spec.most:
            raise InvalidInput(N_("{what} '{text}': a percentage from 0 to 100, e.g. 13 or "
                                  "9.5").format(what=what, text=text.strip()), field)  # fmt: skip
        return int(Decimal(number) * 100)
    if spec.kind == COUNT:
        if not _WHOLE.fullmatch(plain) or int(plain) > spec.most:
            raise InvalidInput(N_("{what} '{text}': a whole number from 0 to {most}").format(
                what=what, text=text.strip(), most=f"{spec.most:,}"), field)  # fmt: skip
        return int(plain)
    word = plain.casefold()
    if word not in _YES + _NO:
        raise InvalidInput(N_("{what} '{text}': yes or no").format(what=what, text=text.strip()),
                           field)  # fmt: skip
    return word in _YES


def _shown(session: Session, field: str, value: Any) -> str:
    """A column's value as the change log and `oms product show` write it."""
    kind = FIELDS[field].kind if field in FIELDS else TEXT
    if value is None:
        return ""
    if kind == MONEY:
        return format_money(int(value), load_settings(session).currency)
    if kind == RATE:  # 1300 -> 13%, 950 -> 9.5%, 1000 -> 10%
        return f"{(Decimal(int(value)) / 100).normalize():f}%"
    if kind == FLAG:
        return "yes" if value else "no"
    return str(value)


def _product(session: Session, code_or_barcode: str, changing: bool = False) -> Product:
    """The product with this code (any case) or barcode; ``changing``: its row locked
    until the transaction ends (PostgreSQL; SQLite's write transaction holds the file), so
    two edits at once do not both read the same "before"."""
    text = code_or_barcode.strip()
    stmt = select(Product).where(
        or_(Product.code == text.upper(), Product.code == text, Product.barcode == text)
    )
    product = session.exec(stmt.with_for_update() if changing else stmt).first() if text else None
    if product is None:
        raise NotFound(N_("no product '{code}'").format(code=text))
    return product


def _refuse_taken(session: Session, value: str, field: str, product_id: int | None) -> None:
    """A code or barcode is one product's: as another's code or barcode it is refused."""
    clash = session.exec(
        select(Product.code, Product.barcode).where(
            or_(func.upper(Product.code) == value.upper(), Product.barcode == value),
            Product.id != (product_id or 0))
    ).first()  # fmt: skip
    if clash is not None:
        whose = N_("the code") if clash[0].upper() == value.upper() else N_("the barcode")
        raise InvalidInput(N_("{value} is already {whose} of product {code}").format(
            value=value, whose=whose, code=clash[0]), field)  # fmt: skip


def _card(session: Session, product: Product) -> ProductCard:
    return ProductCard(product.code, product.active,
                       {f: _shown(session, f, getattr(product, s.column))
                        for f, s in FIELDS.items()})  # fmt: skip


@anyone("a read: products are seen by everyone")  # i18n: no (for the code's readers)
def product_card(db: Database, code_or_barcode: str) -> ProductCard:
    """One product's fields as text (``NotFound`` when no product has the code/barcode)."""
    with db.read() as session:
        return _card(session, _product(session, code_or_barcode))


@requires("catalog.edit")
def add_product(
    db: Database,
    actor: str,
    code: str,
    name: str,
    price: str,
    fields: Mapping[str, str] | None = None,
    reason: str = "",
) -> ProductCard:
    """A new product: its code, name and list price as typed, and any other ``FIELDS`` by
    name; logged as created (its name) with each field given."""
    code = normal_code(code)
    given = {"name": name, "price": price, **(fields or {})}
    reason = clean_text(reason, 500, N_("the reason"), "reason")
    with db.write() as session:
        values = {f: _parse(session, f, t) for f, t in given.items()}
        _refuse_taken(session, code, "code", None)
        if values.get("barcode"):
            _refuse_taken(session, str(values["barcode"]), "barcode", None)
        product = Product(code=code, **{FIELDS[f].column: v for f, v in values.items()},
                          **name_keys_row(str(values["name"])))  # fmt: skip
        session.add(product)
        _flush(session, code)
        record_change(session, actor, "product", code, CREATED, "", product.name, reason)
        for field, value in values.items():
            if field != "name":
                record_change(session, actor, "product", code, field, "",
                              _shown(session, field, value), reason)  # fmt: skip
        return _card(session, product)


@requires("catalog.edit")
def set_product(db: Database, actor: str, code_or_barcode: str, changes: Mapping[str, str],
                reason: str = "") -> tuple[ProductCard, list[str]]:  # fmt: skip
    """Change the ``FIELDS`` given (name -> value as typed) of one product, all or none;
    each that changed is logged with its before and after. The card after, and the fields
    that changed (a value equal to the one kept is no change)."""
    if not changes:
        raise InvalidInput(N_("nothing to change: give a field and its value, e.g. price "
                              "12.50"), "field")  # fmt: skip
    reason = clean_text(reason, 500, N_("the reason"), "reason")
    with db.write() as session:
        product = _product(session, code_or_barcode, changing=True)
        values = {f: _parse(session, f, t) for f, t in changes.items()}
        if values.get("barcode"):
            _refuse_taken(session, str(values["barcode"]), "barcode", product.id)
        changed = []
        for field, value in values.items():
            column = FIELDS[field].column
            before = getattr(product, column)
            if before == value:
                continue
            record_change(session, actor, "product", product.code, field,
                          _shown(session, field, before), _shown(session, field, value),
                          reason)  # fmt: skip
            setattr(product, column, value)
            if field == "name":
                for key, keyed in name_keys_row(str(value)).items():
                    setattr(product, key, keyed)
            changed.append(field)
        session.add(product)
        _flush(session, product.code)
        return _card(session, product), changed


@requires("catalog.edit")
def set_active(db: Database, actor: str, code_or_barcode: str, active: bool,
               reason: str = "") -> ProductCard:  # fmt: skip
    """Discontinue a product (``active`` False: no longer offered on new orders, search
    leaves it out) or resume it; a discontinued product needs a reason. Doing what is
    already so is refused, saying so."""
    reason = clean_text(reason, 500, N_("the reason"), "reason")
    if not active and not reason:
        raise InvalidInput(N_("say why the product is discontinued (--reason)"), "reason")
    with db.write() as session:
        product = _product(session, code_or_barcode, changing=True)
        if product.active == active:
            raise InvalidInput((N_("{code} is already active") if active
                                else N_("{code} is already discontinued")).format(
                                    code=product.code), "code")  # fmt: skip
        record_change(session, actor, "product", product.code, ACTIVE, product.active, active,
                      reason)  # fmt: skip
        product.active = active
        session.add(product)
        return _card(session, product)


def _flush(session: Session, code: str) -> None:
    """Write now: a code or barcode another transaction took meanwhile is refused in a
    sentence (the unique constraints), not a database error."""
    try:
        session.flush()
    except IntegrityError as error:
        raise InvalidInput(
            N_("product {code}: its code or barcode was taken meanwhile; try again").format(
                code=code
            ),
            "code",
        ) from error
