"""Customers: create and search (any fragment of a name, code, pinyin, phone or address).

What is kept of a customer's text goes through ``text.clean_text`` here, whoever calls
(a screen, the CLI, an import): no control character, nothing longer than its column."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Connection, Integer, insert
from sqlalchemy import text as sql_text
from sqlmodel import Session, col, or_, select

from ...i18n import N_
from ...models import Customer, CustomerAddress, CustomerNameGram, CustomerPhone, utcnow
from ..platform.change_log import CREATED, record_change, record_changes
from ..platform.db import Database
from ..platform.errors import InvalidInput
from ..platform.money import check_amount, format_money
from ..platform.permissions import anyone, requires
from ..platform.search_text import (
    MIN_TRIGRAM,
    fts_phrase,
    is_short_chinese,
    like_contains,
    name_keys_row,
    name_order,
    short_grams,
)
from ..platform.settings import load_settings
from ..platform.text import clean_text
from .invoicing import Invoicing
from .regions import table_in

GROUPS = ("retail", "wholesale", "dealer", "key_account")
FULL_NUMBER_DIGITS = 11  # a whole mobile number: its prefix match is the answer, no scan
_NON_DIGITS = re.compile(r"\D+", re.ASCII)
_PHONE_LIKE = re.compile(r"[\d\s()+\-]+")


def normalise_phone(text: str) -> str:
    """ASCII digits only (full-width ones as typed with a Chinese input method count; other
    scripts' do not); a leading +86/0086 country code is dropped (as clerks type the rest)."""
    text = unicodedata.normalize("NFKC", text)
    digits = _NON_DIGITS.sub("", text)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif text.strip().startswith("+86") and digits.startswith("86"):
        digits = digits[2:]
    return digits


def _prefix_range(column, prefix: str):  # noqa: ANN001, ANN202
    """``column`` starts with ``prefix``, as an index range both engines can use."""
    return (column >= prefix) & (column < prefix + "\U0010ffff")


@dataclass(frozen=True)
class CustomerHit:
    id: int
    code: str
    name: str
    phone: str
    group: str
    region: str


_CUSTOMER = Customer.__table__  # type: ignore[attr-defined]
_PHONE = CustomerPhone.__table__  # type: ignore[attr-defined]
_GRAM = CustomerNameGram.__table__  # type: ignore[attr-defined]


def _hits(conn: Connection, ids: Sequence[int]) -> list[CustomerHit]:
    """The customers of ``ids`` in that order, each with its primary (else newest) phone:
    one Core query (a search runs on every keystroke of a lookup: no ORM objects)."""
    if not ids:
        return []
    c, p = _CUSTOMER.c, _PHONE.c
    phone = (select(p.number).where(p.customer_id == c.id)
             .order_by(p.is_primary.desc(), p.id.desc()).limit(1).scalar_subquery())  # fmt: skip
    stmt = select(c.id, c.code, c.name, phone, c["group"], c.region).where(c.id.in_(ids))
    rows = {r[0]: r for r in conn.execute(stmt)}
    return [CustomerHit(r[0], r[1], r[2], r[3] or "", r[4], r[5])
            for i in ids if (r := rows.get(i)) is not None]  # fmt: skip


@anyone("a read: customers are seen by everyone (contacts masked on screen)")  # i18n: no
def search_customers(db: Database, query: str, limit: int = 20) -> list[CustomerHit]:
    """Customers matching any fragment of a name, code, pinyin (full or initials: ``yongan``,
    ``szya``), phone number (the last four digits too) or address; the one way every
    screen and the order search find a customer.

    A whole customer code gives that customer alone. Otherwise best first: what starts with
    the query (name, code, pinyin, initials, phone; from their indexes), then what contains
    it (from the substring index: FTS5 trigram / pg_trgm; 1-2 Chinese characters from
    ``customer_name_gram``); within each, in name order as people read a list
    (``search_text.name_order``: by pinyin, 阿里 安徽 北京 张三 Zhao), except digits that
    start a phone number, which list by number. A ``%`` or ``_`` typed is that character.
    At most ``limit``.
    """
    q = " ".join(query.split())
    if not q:
        return []
    with db.read() as session:
        conn = session.connection()
        return _hits(conn, _matching_ids(conn, q, limit))


@anyone("a read: customer search")  # i18n: no
def matching_customer_ids(db: Database, query: str, limit: int = 500) -> list[int]:
    """The ids ``search_customers`` would give, best first, without reading the customers:
    what a screen finding a customer among its own rows asks (receivables' find)."""
    q = " ".join(query.split())
    if not q:
        return []
    with db.read() as session:
        return _matching_ids(session.connection(), q, limit)


# the most customers of one tier (what contains the fragment) put in name order: a tier
# that finds more (a common character, 有限公司) orders the first this many its index gives.
# Measured on 50,000 customers (SQLite and PostgreSQL 15): at 100 a search costs ~1 ms of
# CPU more than in index order; at 1,000 PostgreSQL hashed the whole customer table (90 ms)
TIER_ORDERED = 100


def _matching_ids(conn: Connection, q: str, limit: int) -> list[int]:
    found: dict[int, None] = {}

    def take(stmt, by_name: bool = True) -> bool:  # noqa: ANN001  (True: enough found)
        """The customers ``stmt`` selects (ids), in name order (pinyin, then name) unless
        ``by_name`` is False (then as ``stmt`` orders them)."""
        if by_name:
            # the first TIER_ORDERED the index gives, joined to their customers by primary
            # key (a nested loop on both engines: EXPLAIN in bench/RESULTS.md) and sorted
            ids = stmt.limit(TIER_ORDERED).subquery("found")
            cids = list(conn.execute(
                select(c.id).select_from(ids.join(_CUSTOMER, c.id == ids.c[0]))
                .order_by(*name_order(c.pinyin, c.name, c.id)).limit(limit + len(found))
            ).scalars())  # fmt: skip
            if limit > TIER_ORDERED:  # a caller wanting more (receivables' find): the rest
                cids += conn.execute(stmt.limit(limit)).scalars()  # in the index's order
        else:
            cids = list(conn.execute(stmt.limit(limit)).scalars())
        for cid in cids:
            found.setdefault(cid, None)
            if len(found) >= limit:
                return True
        return False

    c, p = _CUSTOMER.c, _PHONE.c
    digits = normalise_phone(q)
    if _PHONE_LIKE.fullmatch(q) and len(digits) >= 3:
        stmt = select(p.customer_id).where(_prefix_range(p.digits, digits)).order_by(p.digits)
        if take(stmt, by_name=False) or (found and len(digits) >= FULL_NUMBER_DIGITS):
            return list(found)[:limit]
        if take(_contains(conn, "phone", digits)):
            return list(found)[:limit]
        # then as any other text: digits are also in codes (C000123) and addresses
    low, code = q.casefold(), q.upper()
    starts = [_prefix_range(c.name, q), _prefix_range(c.code, code)]
    if low.isascii():
        starts += [_prefix_range(c.pinyin, low.replace(" ", "")),
                   _prefix_range(c.initials, low)]  # fmt: skip
    exact = (c.code == code).label("exact")
    first = list(conn.execute(select(c.id, exact).where(or_(*starts))
                              .order_by(exact.desc(), *name_order(c.pinyin, c.name, c.id))
                              .limit(limit)))  # fmt: skip
    if first and first[0][1]:  # a whole code is that customer, and no other
        return [first[0][0]]
    found.update(dict.fromkeys(r[0] for r in first))
    if len(found) >= limit:
        return list(found)[:limit]
    if is_short_chinese(q):
        take(select(_GRAM.c.customer_id).where(_GRAM.c.gram == q))
    elif len(q) >= MIN_TRIGRAM:
        if not take(_contains(conn, "customer", q)):
            take(_contains(conn, "address", q))
    return list(found)[:limit]


# What the substring index covers (migration 0021): per source, SQLite's FTS5 table over the
# source table, and the expression PostgreSQL's pg_trgm index holds (written exactly as
# indexed, or PostgreSQL does not use the index).
_SOURCES = {
    "customer": ("customer_fts", "customer", "id",
                 "(name || ' ' || code || ' ' || pinyin || ' ' || initials)"),  # i18n: no
    "phone": ("customer_phone_fts", "customer_phone", "customer_id", "digits"),
    "address": ("customer_address_fts", "customer_address", "customer_id",
                "(province || ' ' || city || ' ' || district || ' ' || street)"),  # i18n: no
}  # fmt: skip


def _contains(conn: Connection, source: str, fragment: str):  # noqa: ANN202
    """Customer ids whose ``source`` contains ``fragment`` (3 characters or more), from the
    engine's substring index."""
    fts, table, customer_col, expression = _SOURCES[source]
    if conn.dialect.name == "sqlite":
        sql = (f"SELECT {table}.{customer_col} AS cid FROM {fts} JOIN {table} "  # i18n: no
               f"ON {table}.id = {fts}.rowid WHERE {fts} MATCH :q")  # fmt: skip
        t = sql_text(sql)
        return t.bindparams(q=fts_phrase(fragment)).columns(cid=Integer).subquery().select()
    sql = f"SELECT {customer_col} AS cid FROM {table} WHERE {expression} ILIKE :q"  # i18n: no
    t = sql_text(sql)
    return t.bindparams(q=like_contains(fragment)).columns(cid=Integer).subquery().select()


def name_gram_rows(names: Sequence[tuple[int, str]]) -> list[dict[str, object]]:
    """``customer_name_gram`` rows for (customer id, name) pairs."""
    return [{"gram": g, "customer_id": cid} for cid, name in names
            for g in sorted(short_grams(name))]  # fmt: skip


def _add_grams(session: Session, names: Sequence[tuple[int, str]]) -> None:
    rows = name_gram_rows(names)
    for start in range(0, len(rows), 5000):
        session.execute(insert(CustomerNameGram.__table__),  # type: ignore[attr-defined]
                        rows[start:start + 5000])  # fmt: skip


@dataclass(frozen=True)
class NewCustomer:
    name: str
    phone: str = ""
    group: str = "retail"
    region: str = ""  # sales region (East, South, ...); "": from the province, city or street
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    code: str | None = None
    tier: str = "C"
    credit_limit_minor: int = 0
    payment_terms: str = "COD"
    invoicing: Invoicing = Invoicing()  # 发票抬头, 纳税人识别号 ... (all optional)


# what each text field of a customer or an address holds (its column's length)
# ... and how a sentence names it ("the street holds a control character ...")
FIELD_NAMES = {"name": N_("the name"), "phone": N_("the phone"), "region": N_("the region"),
               "province": N_("the province"), "city": N_("the city"),
               "district": N_("the district"), "street": N_("the street"),
               "contact_name": N_("the contact name"), "label": N_("the label"),
               "postcode": N_("the postcode")}  # fmt: skip
LIMITS = {"name": 200, "phone": 40, "region": 64, "province": 64, "city": 100,
          "district": 100, "street": 300, "contact_name": 200, "label": 64,
          "postcode": 16}  # fmt: skip


def cleaned(value: str, field: str) -> str:
    """A customer's or address's text field as it is kept (``clean_text``; a street may
    have several lines)."""
    return clean_text(value, LIMITS[field], FIELD_NAMES[field], field,
                      multiline=field == "street")  # fmt: skip


def _clean(new: NewCustomer) -> NewCustomer:
    return replace(new, **{f: cleaned(getattr(new, f), f) for f in
                           ("name", "phone", "region", "province", "city", "district",
                            "street")})  # fmt: skip


def hold_customer_creation(session: Session) -> None:
    """Hold the customer-code counter's row until the caller's transaction ends.

    Every transaction that creates customers takes a number from this counter, so on
    PostgreSQL they run one after another from here on (SQLite: ``BEGIN IMMEDIATE``
    already does), and a phone looked up after this sees every customer created before:
    the check that a phone is nobody's yet stays true until this transaction commits."""
    from ..platform.numbering import take_numbers

    take_numbers(session, "C", 0, 0)


def customers_by_phone(session: Session, all_digits: Iterable[str]) -> dict[str, int | None]:
    """Normalised phone -> the customer who has it (None: nobody), 500 to a query."""
    wanted = sorted(set(all_digits) - {""})
    out: dict[str, int | None] = dict.fromkeys(wanted)
    for start in range(0, len(wanted), 500):
        rows = session.exec(
            select(CustomerPhone.digits, CustomerPhone.customer_id)
            .where(col(CustomerPhone.digits).in_(wanted[start:start + 500]))
            .order_by(CustomerPhone.customer_id)
        ).all()  # fmt: skip
        for digits, cid in rows:
            if out.get(digits) is None:
                out[digits] = cid
    return out


_NEEDS_A_NAME = N_("a customer needs a name")


def _bad_group() -> InvalidInput:
    return InvalidInput(N_("group must be one of {groups}").format(groups=", ".join(GROUPS)),
                        "group")  # fmt: skip


def _not_a_phone(phone: str) -> InvalidInput:
    return InvalidInput(N_("'{phone}' does not look like a phone number").format(phone=phone),
                        "phone")  # fmt: skip


def _refuse_a_taken_phone(session: Session, phone: str, digits: str) -> None:
    """A phone is one customer's: typing it for a new one names the customer who has it."""
    owner = session.exec(
        select(Customer.code, Customer.name).join(CustomerPhone,
                                                  col(CustomerPhone.customer_id) == Customer.id)
        .where(CustomerPhone.digits == digits)
    ).first()  # fmt: skip
    if owner is not None:
        raise InvalidInput(N_("{phone} is already the phone of {code} {name}: find them by it, "
                              "or type another number").format(
            phone=phone.strip(), code=owner[0], name=owner[1]), "phone")  # fmt: skip


@requires("customers.edit")
def create_customer(db: Database, actor: str, new: NewCustomer) -> CustomerHit:
    """A customer with its first phone and default ship-to address. A phone that is
    another customer's already is refused, naming that customer."""
    new = _clean(new)
    name = new.name.strip()
    if not name:
        raise InvalidInput(_NEEDS_A_NAME, "name")
    if new.group not in GROUPS:
        raise _bad_group()
    digits = normalise_phone(new.phone)
    if new.phone.strip() and len(digits) < 5:
        raise _not_a_phone(new.phone)
    invoicing = new.invoicing.checked()
    with db.write() as session:
        _check_credit_limits(session, [new])
        hold_customer_creation(session)
        if digits:
            _refuse_a_taken_phone(session, new.phone, digits)
        region = new.region.strip() or table_in(session).region_of(new.province, new.city,
                                                                   new.street)  # fmt: skip
        code = new.code or _next_customer_code(session)
        if session.exec(select(Customer.id).where(Customer.code == code)).first() is not None:
            raise InvalidInput(N_("customer code {code} is taken").format(code=code), "code")
        customer = Customer(
            code=code,
            name=name,
            **name_keys_row(name),
            group=new.group,
            tier=new.tier,
            region=region,
            credit_limit_minor=new.credit_limit_minor,
            payment_terms=new.payment_terms,
            notes=N_("created by {actor}").format(actor=actor),
            **invoicing.columns(),
        )
        session.add(customer)
        session.flush()
        _add_grams(session, [(customer.id, name)])
        if digits:
            session.add(CustomerPhone(customer_id=customer.id, number=new.phone.strip(),
                                      digits=digits, is_primary=True))  # fmt: skip
        if new.street or new.city:
            session.add(CustomerAddress(customer_id=customer.id, contact_name=name,
                                        phone=new.phone.strip(), region=region,
                                        province=new.province, city=new.city,
                                        district=new.district, street=new.street,
                                        is_default=True))  # fmt: skip
        session.flush()
        record_changes(session, actor, "customer", _created(session, [(code, new)]))
        return CustomerHit(customer.id, customer.code, customer.name, new.phone.strip(),
                           customer.group, customer.region)  # fmt: skip


def _created(session: Session, made: Sequence[tuple[str, NewCustomer]]
             ) -> list[tuple[str, str, object, object]]:  # fmt: skip
    """The change-log rows of new customers (code, customer as typed): that each was
    created, under which name, and the credit limit given (when one is)."""
    currency = load_settings(session).currency
    rows: list[tuple[str, str, object, object]] = []
    for code, new in made:
        rows.append((code, CREATED, "", new.name.strip()))
        if new.credit_limit_minor:
            rows.append((code, "credit_limit", "",
                         format_money(new.credit_limit_minor, currency)))  # fmt: skip
    return rows


def _check_credit_limits(session: Session, news: Sequence[NewCustomer]) -> None:
    settings = load_settings(session)
    for new in news:
        check_amount(new.credit_limit_minor, settings.max_amount_minor, N_("the credit limit"),
                     "credit_limit_minor", settings.currency)  # fmt: skip


def customers_for_phones_in(session: Session, actor: str, news: Sequence[NewCustomer]
                            ) -> list[int]:  # fmt: skip
    """The customer of each new caller's phone: the one who has it, else one created for it
    (from the first caller with that phone; with its default address), in the caller's
    transaction with multi-row INSERTs: what imports use. Returns the ids in order.

    Creation is held first (``hold_customer_creation``), so a phone another import or a
    clerk gave a customer a moment ago is matched, never created twice."""
    if not news:
        return []
    hold_customer_creation(session)
    digits = [normalise_phone(new.phone) for new in news]
    known = customers_by_phone(session, digits)
    fresh: dict[str, NewCustomer] = {}
    for d, new in zip(digits, news, strict=True):
        if d and known.get(d) is None:
            fresh.setdefault(d, new)
    no_phone = [new for d, new in zip(digits, news, strict=True) if not d]
    ids = iter(_create_customers_in(session, actor, [*fresh.values(), *no_phone]))
    known.update((d, next(ids)) for d in fresh)
    return [known[d] if d else next(ids) for d in digits]


def _create_customers_in(session: Session, actor: str, news: Sequence[NewCustomer]
                         ) -> list[int]:  # fmt: skip
    """New customers (with their phone and default address), their phones nobody's."""
    from ..platform.numbering import take_numbers

    if not news:
        return []
    news = [_clean(new) for new in news]
    for new in news:
        if not new.name.strip():
            raise InvalidInput(_NEEDS_A_NAME, "name")
        if new.group not in GROUPS:
            raise _bad_group()
    invoicing = [new.invoicing.checked().columns() for new in news]
    _check_credit_limits(session, news)
    places = table_in(session)
    regions = [new.region.strip() or places.region_of(new.province, new.city, new.street)
               for new in news]  # fmt: skip
    codes = ["C" + n.rsplit("-", 1)[1] for n in take_numbers(session, "C", 0, len(news))]
    now = utcnow()
    table = Customer.__table__  # type: ignore[attr-defined]
    returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids = list(session.execute(returning, [{
        "code": code, "name": new.name.strip(), **name_keys_row(new.name.strip()),
        "group": new.group, "tier": new.tier,
        "region": region, "credit_limit_minor": new.credit_limit_minor,
        "payment_terms": new.payment_terms, "shipping_policy": "partial", "credit_hold": False,
        "credit_hold_reason": "", "dunning_level": 0, "email": "",
        "notes": N_("created by {actor}").format(actor=actor), "active": True,
        "created_at": now, **invoice,
    } for code, new, region, invoice in zip(codes, news, regions, invoicing,
                                            strict=True)]).scalars())  # fmt: skip
    _add_grams(session, [(cid, new.name.strip()) for cid, new in zip(ids, news, strict=True)])
    record_changes(session, actor, "customer",
                   _created(session, list(zip(codes, news, strict=True))))  # fmt: skip
    phones = [{"customer_id": cid, "number": new.phone.strip(),
               "digits": normalise_phone(new.phone), "label": "mobile", "is_primary": True}
              for cid, new in zip(ids, news, strict=True)
              if normalise_phone(new.phone)]  # fmt: skip
    addresses = [{
        "customer_id": cid, "label": "", "contact_name": new.name.strip(),
        "phone": new.phone.strip(), "province": new.province, "region": region,
        "city": new.city, "district": new.district, "street": new.street, "postcode": "",
        "route_seq": 0, "is_default": True,
    } for cid, new, region in zip(ids, news, regions, strict=True)
        if new.street or new.city]  # fmt: skip
    if phones:
        session.execute(insert(CustomerPhone.__table__), phones)  # type: ignore[attr-defined]
    if addresses:
        address_table = CustomerAddress.__table__  # type: ignore[attr-defined]
        session.execute(insert(address_table), addresses)
    return ids


def _next_customer_code(session: Session) -> str:
    from ..platform.numbering import take_number

    # C-2026-000001 style codes would be long for phone work: use C + 6 digits.
    number = take_number(session, "C", 0)
    return "C" + number.rsplit("-", 1)[1]


@dataclass(frozen=True)
class AddressView:
    id: int
    label: str
    contact_name: str
    phone: str
    text: str
    region: str
    is_default: bool


def address_text(a: CustomerAddress) -> str:
    """The address on one line; a municipality's city, which is its province, once
    (北京市 朝阳区 …, not 北京市 北京市 朝阳区 …)."""
    parts = [p for p in (a.province, a.city, a.district, a.street) if p]
    return " ".join(p for n, p in enumerate(parts) if n == 0 or p != parts[n - 1])


def _squashed(text: str) -> str:
    return "".join(text.split()).casefold()


def ship_to_addresses_in(session: Session, actor: str,
                         wanted: Sequence[tuple[int, str, str, str]]) -> list[int]:  # fmt: skip
    """For each (customer id, contact name, phone, address as one line): the customer's saved
    address of that name and text (spaces and case aside), else one added for it (not the
    default; its region from the address; in the change log as ``actor``'s). In the
    caller's transaction; what imports use. Returns the addresses' ids in order."""

    def key(cid: int, name: str, text: str) -> tuple[int, str, str]:
        return cid, _squashed(name), _squashed(text)

    found: dict[tuple[int, str, str], int] = {}
    ids = sorted({cid for cid, *_ in wanted})
    a = CustomerAddress
    for start in range(0, len(ids), 500):
        for aid, cid, name, *parts in session.exec(
            select(a.id, a.customer_id, a.contact_name, a.province, a.city, a.district, a.street)
            .where(col(a.customer_id).in_(ids[start:start + 500])).order_by(col(a.id))
        ).all():  # fmt: skip
            found.setdefault(key(cid, name, " ".join(p for p in parts if p)), aid)
    table = table_in(session)
    new: dict[tuple[int, str, str], dict] = {}
    wanted = [(cid, cleaned(name, "contact_name"), cleaned(phone, "phone"),
               cleaned(text, "street")) for cid, name, phone, text in wanted]  # fmt: skip
    for cid, name, phone, text in wanted:
        k = key(cid, name, text)
        if k not in found and k not in new:
            new[k] = {"customer_id": cid, "label": "", "contact_name": name.strip(),
                      "phone": phone.strip(), "province": "", "region": table.region_of(text),
                      "city": "", "district": "", "street": text.strip(), "postcode": "",
                      "route_seq": 0, "is_default": False}  # fmt: skip
    if new:
        address_table = CustomerAddress.__table__  # type: ignore[attr-defined]
        returning = insert(address_table).returning(address_table.c.id,
                                                    sort_by_parameter_order=True)  # fmt: skip
        found.update(zip(new, session.execute(returning, list(new.values())).scalars(),
                         strict=True))  # fmt: skip
        codes = _codes(session, {row["customer_id"] for row in new.values()})
        record_changes(session, actor, "customer", [
            (codes[row["customer_id"]], "address", "", _address_line(row["contact_name"],
                                                                     row["street"]))
            for row in new.values()], N_("from an imported order"))  # fmt: skip
    return [found[key(cid, name, text)] for cid, name, _, text in wanted]


def _codes(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(ids)
    out: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        out.update(
            session.exec(
                select(Customer.id, Customer.code).where(
                    col(Customer.id).in_(wanted[start : start + 500])
                )
            ).all()
        )
    return out  # fmt: skip


def _address_line(contact: str, text: str, label: str = "", default: bool = False) -> str:
    """An address as the change log keeps it: ``label: contact, text (default)``."""
    line = (f"{label}: " if label else "") + ", ".join(p for p in (contact, text) if p)
    return N_("{address} (default)").format(address=line) if default else line


@dataclass(frozen=True)
class NewAddress:
    street: str
    city: str = ""
    district: str = ""
    province: str = ""
    region: str = ""  # sales region; default: the province's or city's, else the customer's
    contact_name: str = ""
    phone: str = ""
    label: str = ""
    postcode: str = ""
    make_default: bool = False


@requires("customers.edit")
def add_address(db: Database, actor: str, customer_id: int, new: NewAddress) -> AddressView:
    """Another ship-to for a customer (optionally the new default)."""
    from ..platform.errors import NotFound

    new = replace(new, **{f: cleaned(getattr(new, f), f) for f in
                          ("street", "city", "district", "province", "region", "contact_name",
                           "phone", "label", "postcode")})  # fmt: skip
    if not new.street.strip():
        raise InvalidInput(N_("an address needs a street (road, number, building)"), "street")
    if new.phone.strip() and len(normalise_phone(new.phone)) < 5:
        raise _not_a_phone(new.phone)
    with db.write() as session:
        c = session.get(Customer, customer_id)
        if c is None:
            raise NotFound(N_("no customer with id {id}").format(id=customer_id))
        has_any = session.exec(
            select(CustomerAddress.id).where(CustomerAddress.customer_id == customer_id)
        ).first()
        make_default = new.make_default or has_any is None
        if make_default:
            for a in session.exec(
                select(CustomerAddress).where(CustomerAddress.customer_id == customer_id)
            ):
                a.is_default = False
                session.add(a)
        a = CustomerAddress(customer_id=customer_id, label=new.label.strip(),
                            contact_name=new.contact_name.strip() or c.name,
                            phone=new.phone.strip(), province=new.province.strip(),
                            region=new.region.strip() or table_in(session).region_of(
                                new.province, new.city, new.street) or c.region,
                            city=new.city.strip(), district=new.district.strip(),
                            street=new.street.strip(), postcode=new.postcode.strip(),
                            is_default=make_default)  # fmt: skip
        session.add(a)
        session.flush()
        record_change(
            session,
            actor,
            "customer",
            c.code,
            "address",
            "",
            _address_line(a.contact_name, address_text(a), a.label, make_default),
        )
        return AddressView(a.id, a.label, a.contact_name, a.phone, address_text(a), a.region,
                           a.is_default)  # fmt: skip


def set_credit_hold_in(session: Session, actor: str, customer: Customer, hold: bool,
                       reason: str) -> None:  # fmt: skip
    """Put a customer on credit hold or release them, the reason kept on the customer and
    the change (who, before, after, why) in the change log: the one way a hold changes."""
    record_change(session, actor, "customer", customer.code, "credit_hold",
                  customer.credit_hold, hold, reason)  # fmt: skip
    customer.credit_hold, customer.credit_hold_reason = hold, reason
    session.add(customer)
