"""Customers: create and search (by phone digits, name or code)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from ...models import Customer, CustomerAddress, CustomerPhone, utcnow
from ..platform.db import Database
from ..platform.errors import InvalidInput
from ..platform.money import check_amount
from ..platform.settings import load_settings
from .regions import table_in

GROUPS = ("retail", "wholesale", "dealer", "key_account")
FULL_NUMBER_DIGITS = 11  # a whole mobile number: its prefix match is the answer, no scan
_NON_DIGITS = re.compile(r"\D+")
_PHONE_LIKE = re.compile(r"[\d\s()+\-]+")


def normalise_phone(text: str) -> str:
    """Digits only; a leading +86/0086 country code is dropped (as clerks type the rest)."""
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


def _hits(session: Session, ids: Sequence[int]) -> list[CustomerHit]:
    if not ids:
        return []
    customers = {c.id: c for c in session.exec(select(Customer).where(col(Customer.id).in_(ids)))}
    phones: dict[int, str] = {}
    for p in session.exec(
        select(CustomerPhone)
        .where(col(CustomerPhone.customer_id).in_(ids))
        .order_by(col(CustomerPhone.is_primary).desc(), col(CustomerPhone.id).desc())
    ):
        phones[p.customer_id] = p.number
    return [
        CustomerHit(c.id, c.code, c.name, phones.get(c.id, ""), c.group, c.region)
        for i in ids
        if (c := customers.get(i)) is not None
    ]


def search_customers(db: Database, query: str, limit: int = 20) -> list[CustomerHit]:
    """Customers matching a phone (any part of it), a name or a code.

    Prefix matches come from indexes; a phone fragment from the middle of a
    number is searched only when the prefix found fewer than ``limit``.
    """
    q = query.strip()
    if not q:
        return []
    with db.read() as session:
        ids: list[int] = []
        digits = normalise_phone(q)
        if _PHONE_LIKE.fullmatch(q) and len(digits) >= 3:
            stmt = (
                select(CustomerPhone.customer_id)
                .where(_prefix_range(CustomerPhone.digits, digits))
                .order_by(CustomerPhone.digits)
                .limit(limit)
            )
            ids = list(dict.fromkeys(session.exec(stmt).all()))
            if len(ids) < limit and not (ids and len(digits) >= FULL_NUMBER_DIGITS):
                more = session.exec(
                    select(CustomerPhone.customer_id)
                    .where(col(CustomerPhone.digits).contains(digits))
                    .limit(limit)
                ).all()
                ids = list(dict.fromkeys([*ids, *more]))[:limit]
        else:
            stmt = (
                select(Customer.id)
                .where(
                    or_(_prefix_range(Customer.name, q), _prefix_range(Customer.code, q.upper()))
                )
                .order_by(Customer.name)
                .limit(limit)
            )
            ids = list(session.exec(stmt).all())
        return _hits(session, ids)


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


def _refuse_a_taken_phone(session: Session, phone: str, digits: str) -> None:
    """A phone is one customer's: typing it for a new one names the customer who has it."""
    owner = session.exec(
        select(Customer.code, Customer.name).join(CustomerPhone,
                                                  col(CustomerPhone.customer_id) == Customer.id)
        .where(CustomerPhone.digits == digits)
    ).first()  # fmt: skip
    if owner is not None:
        raise InvalidInput(f"{phone.strip()} is already the phone of {owner[0]} {owner[1]}: "
                           "find them by it, or type another number", "phone")  # fmt: skip


def create_customer(db: Database, actor: str, new: NewCustomer) -> CustomerHit:
    """A customer with its first phone and default ship-to address. A phone that is
    another customer's already is refused, naming that customer."""
    name = new.name.strip()
    if not name:
        raise InvalidInput("a customer needs a name", "name")
    if new.group not in GROUPS:
        raise InvalidInput(f"group must be one of {', '.join(GROUPS)}", "group")
    digits = normalise_phone(new.phone)
    if new.phone.strip() and len(digits) < 5:
        raise InvalidInput(f"'{new.phone}' does not look like a phone number", "phone")
    with db.write() as session:
        _check_credit_limits(session, [new])
        hold_customer_creation(session)
        if digits:
            _refuse_a_taken_phone(session, new.phone, digits)
        region = new.region.strip() or table_in(session).region_of(new.province, new.city,
                                                                   new.street)  # fmt: skip
        code = new.code or _next_customer_code(session)
        if session.exec(select(Customer.id).where(Customer.code == code)).first() is not None:
            raise InvalidInput(f"customer code {code} is taken", "code")
        customer = Customer(
            code=code,
            name=name,
            group=new.group,
            tier=new.tier,
            region=region,
            credit_limit_minor=new.credit_limit_minor,
            payment_terms=new.payment_terms,
            notes=f"created by {actor}",
        )
        session.add(customer)
        session.flush()
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
        return CustomerHit(customer.id, customer.code, customer.name, new.phone.strip(),
                           customer.group, customer.region)  # fmt: skip


def _check_credit_limits(session: Session, news: Sequence[NewCustomer]) -> None:
    settings = load_settings(session)
    for new in news:
        check_amount(new.credit_limit_minor, settings.max_amount_minor, "the credit limit",
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
    from sqlalchemy import insert

    from ..platform.numbering import take_numbers

    if not news:
        return []
    for new in news:
        if not new.name.strip():
            raise InvalidInput("a customer needs a name", "name")
        if new.group not in GROUPS:
            raise InvalidInput(f"group must be one of {', '.join(GROUPS)}", "group")
    _check_credit_limits(session, news)
    places = table_in(session)
    regions = [new.region.strip() or places.region_of(new.province, new.city, new.street)
               for new in news]  # fmt: skip
    codes = ["C" + n.rsplit("-", 1)[1] for n in take_numbers(session, "C", 0, len(news))]
    now = utcnow()
    table = Customer.__table__  # type: ignore[attr-defined]
    returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids = list(session.execute(returning, [{
        "code": code, "name": new.name.strip(), "group": new.group, "tier": new.tier,
        "region": region, "credit_limit_minor": new.credit_limit_minor,
        "payment_terms": new.payment_terms, "shipping_policy": "partial", "credit_hold": False,
        "credit_hold_reason": "", "dunning_level": 0, "email": "",
        "notes": f"created by {actor}", "active": True, "created_at": now,
    } for code, new, region in zip(codes, news, regions, strict=True)]).scalars())  # fmt: skip
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
    return " ".join(p for p in (a.province, a.city, a.district, a.street) if p)


def _squashed(text: str) -> str:
    return "".join(text.split()).casefold()


def ship_to_addresses_in(session: Session, wanted: Sequence[tuple[int, str, str, str]]
                         ) -> list[int]:  # fmt: skip
    """For each (customer id, contact name, phone, address as one line): the customer's saved
    address of that name and text (spaces and case aside), else one added for it (not the
    default; its region from the address). In the caller's transaction; what imports use.
    Returns the addresses' ids in order."""
    from sqlalchemy import insert

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
    return [found[key(cid, name, text)] for cid, name, _, text in wanted]


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


def add_address(db: Database, actor: str, customer_id: int, new: NewAddress) -> AddressView:
    """Another ship-to for a customer (optionally the new default)."""
    from ..platform.errors import NotFound

    if not new.street.strip():
        raise InvalidInput("an address needs a street (road, number, building)", "street")
    if new.phone.strip() and len(normalise_phone(new.phone)) < 5:
        raise InvalidInput(f"'{new.phone}' does not look like a phone number", "phone")
    with db.write() as session:
        c = session.get(Customer, customer_id)
        if c is None:
            raise NotFound(f"no customer with id {customer_id}")
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
        return AddressView(a.id, a.label, a.contact_name, a.phone, address_text(a), a.region,
                           a.is_default)  # fmt: skip
