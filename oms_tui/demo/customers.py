"""Demo customers: retail, wholesale, dealers and key accounts across the regions, with phones
and addresses."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlmodel import Session

from ..models import (
    Customer,
    CustomerAddress,
    CustomerNameGram,
    CustomerPhone,
)  # fmt: skip
from ..services.parties.customers import address_text, name_gram_rows, normalise_phone
from ..services.platform.numbering import take_numbers
from ..services.platform.search_text import name_keys_row
from .reference import (
    BRANDS,
    COMPANY_KINDS,
    REGION_WEIGHTS,
    REGIONS,
    STREETS,
    TERMS_BY_GROUP,
    CustomerInfo,
)
from .rows import IdAllocator, _landline, _mobile, _person_name, _weighted, bulk_insert

# --------------------------------------------------------------------------- customers

_PROFILES = {  # group -> [(profile, weight)]
    "retail": (("home_water", 30), ("retail", 60), ("builder", 10)),
    "wholesale": (("office_water", 35), ("retail", 35), ("builder", 30)),
    "dealer": (("dealer", 80), ("office_water", 20)),
    "key_account": (("builder", 50), ("hotel", 50)),
}


def build_customers(
    session: Session, rng: random.Random, ids: IdAllocator, count: int, start: date
) -> list[CustomerInfo]:
    """``count`` customers with a phone or two and a default ship-to address each."""
    codes = take_numbers(session, "C", 0, count)
    customer_ids = ids.take_many(Customer, count)
    created = datetime.combine(start, time(2, 0), UTC)
    customers, phones, addresses, infos = [], [], [], []
    used_digits: set[str] = set()
    regions = list(REGION_WEIGHTS)
    region_w = list(REGION_WEIGHTS.values())
    for i in range(count):
        cid = customer_ids[i]
        code = "C" + codes[i].rsplit("-", 1)[1]
        group = _weighted(rng, (("retail", 60), ("wholesale", 15), ("dealer", 15),
                                ("key_account", 10)))  # fmt: skip
        profile = _weighted(rng, _PROFILES[group])
        region = rng.choices(regions, weights=region_w)[0]
        province, city, districts, postcode, area = rng.choice(REGIONS[region])
        district = rng.choice(districts)
        person = _person_name(rng)
        if group == "retail" or (profile == "home_water"):
            name, label = person, "home"
        else:
            kind = "office" if profile == "office_water" else group
            brand, brand_en = rng.choice(BRANDS)
            cn, en = rng.choice(COMPANY_KINDS[kind])
            name = f"{city[:-1] if city.endswith('市') else city}{brand}{cn}"
            if rng.random() < 0.35:
                name += f" {brand_en} {en}"
            label = "office"
        if name in {c["name"] for c in customers[-50:]}:
            name = f"{name} ({district})"
        terms = _weighted(rng, TERMS_BY_GROUP[group])
        tier = _weighted(rng, (("A", 10), ("B", 25), ("C", 45), ("D", 20)))
        limit = {"retail": 0, "wholesale": rng.randrange(5, 21) * 1_000_000,
                 "dealer": rng.randrange(10, 51) * 1_000_000,
                 "key_account": rng.randrange(50, 201) * 1_000_000}[group]  # fmt: skip
        if terms in ("COD", "PREPAID") and group != "retail":
            limit //= 2
        hold = group != "retail" and rng.random() < 0.06
        customers.append({
            "id": cid, "code": code, "name": name, **name_keys_row(name), "group": group,
            "tier": tier,
            "region": region, "credit_limit_minor": limit, "payment_terms": terms,
            "shipping_policy": "complete" if profile == "builder" and rng.random() < 0.5
            else "partial",
            "credit_hold": hold,
            "credit_hold_reason": "逾期账款超过60天 invoices overdue > 60 days" if hold else "",
            "email": f"{code.lower()}@example.cn" if label == "office" else "",
            "notes": "", "active": True, "created_at": created,
        })  # fmt: skip
        numbers = [(_mobile(rng), "mobile")]
        if label == "office":
            numbers.insert(0, (_landline(rng, area), "office"))
        elif rng.random() < 0.15:
            numbers.append((_mobile(rng), "mobile"))
        primary = ""
        for n, (number, plabel) in enumerate(numbers):
            digits = normalise_phone(number)
            if digits in used_digits:
                continue
            used_digits.add(digits)
            phones.append({"id": ids.take(CustomerPhone), "customer_id": cid, "number": number,
                           "digits": digits, "label": plabel, "is_primary": n == 0})  # fmt: skip
            primary = primary or number
        street = f"{rng.choice(STREETS)}{rng.randrange(1, 999)}号"
        if rng.random() < 0.6:
            street += f"{rng.randrange(1, 30)}幢{rng.randrange(1, 30)}0{rng.randrange(1, 9)}室"
        contact = person if label == "office" else name
        aid = ids.take(CustomerAddress)
        addresses.append({
            "id": aid, "customer_id": cid, "label": label, "contact_name": contact,
            "phone": numbers[-1][0], "province": province, "region": region, "city": city,
            "district": district,
            "street": street, "postcode": postcode, "is_default": True,
        })  # fmt: skip
        infos.append(CustomerInfo(
            cid, code, name, group, region, terms, customers[-1]["shipping_policy"], hold,
            profile, numbers[-1][0], aid, contact, " ".join((province, city, district, street)),
        ))  # fmt: skip
    bulk_insert(session, Customer, customers)
    grams = name_gram_rows([(c["id"], c["name"]) for c in customers])
    bulk_insert(session, CustomerNameGram, grams)
    bulk_insert(session, CustomerPhone, phones)
    bulk_insert(session, CustomerAddress, addresses)
    return infos


_PROFILE_BY_GROUP = {"retail": "retail", "wholesale": "retail", "dealer": "dealer",
                     "key_account": "builder"}  # fmt: skip


def load_customers(session: Session) -> list[CustomerInfo]:
    """Customers already in the database, with their default address and a phone."""
    addr: dict[int, CustomerAddress] = {}
    for a in session.execute(
        select(CustomerAddress).order_by(CustomerAddress.is_default, CustomerAddress.id)
    ).scalars():
        addr[a.customer_id] = a  # the default (or the newest) wins
    phone: dict[int, str] = {}
    for p in session.execute(select(CustomerPhone).order_by(CustomerPhone.is_primary)).scalars():
        phone[p.customer_id] = p.number
    infos = []
    for c in session.execute(
        select(Customer).where(Customer.active).order_by(Customer.id)
    ).scalars():
        a = addr.get(c.id)
        text_ = address_text(a) if a else ""
        profile = _PROFILE_BY_GROUP.get(c.group, "retail")
        if c.email == "" and c.group == "retail" and c.id % 3 == 0:
            profile = "home_water"
        infos.append(CustomerInfo(
            c.id, c.code, c.name, c.group, c.region, c.payment_terms, c.shipping_policy,
            c.credit_hold, profile, phone.get(c.id, ""), a.id if a else None,
            (a.contact_name if a else "") or c.name, text_,
        ))  # fmt: skip
    return infos
