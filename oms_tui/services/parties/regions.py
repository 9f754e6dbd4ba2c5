"""Sales regions from addresses: which region (East, South, ...) a province or city is in.

The warehouses, the carriers' rates and allocation go by a customer's region; a customer
typed in order entry or read from an import file has a province, a city or just an address
line. The table shipped with the package (``oms_tui/data/regions.json``: China's 34
provincial divisions with their full and short names, prefecture-level cities, pinyin)
says which region each is in; a company moves a province to another region with ``oms
region set PROVINCE REGION`` (the setting ``province_regions``, e.g. ``山东=East``),
shared by all its users. ``oms region fill`` gives the customers and addresses that have
no region one.

An address is read from its start (``浙江省杭州市…``, ``杭州市 西湖区…``, ``上海 浦东新区…``;
a district or street named like a city, ``朝阳区`` or ``中山路``, is not taken for one);
one written in Latin letters by the last place name in it (``... Rd Shenzhen``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import Customer, CustomerAddress, Setting
from ..platform.change_log import record_change
from ..platform.db import Database
from ..platform.errors import InvalidInput
from ..platform.permissions import anyone, requires
from ..platform.settings import store_setting

KEY = "province_regions"  # the company's changes: "山东=East,福建=East"
_NOT_A_PLACE = set("区县路街道镇乡村巷弄里号")  # 朝阳区, 中山路: a district or street, not a city
_COUNTRY = ("中华人民共和国", "中国")
_STREET_WORDS = r"\s*(?:rd|road|st|street|lu|ave|avenue|blvd|lane)\b"


@dataclass(frozen=True)
class Province:
    name: str  # the full name: 浙江省
    names: tuple[str, ...]  # every form: 浙江省, 浙江
    region: str  # as shipped
    cities: tuple[str, ...]
    pinyin: tuple[str, ...]
    cities_pinyin: tuple[str, ...]


@lru_cache(maxsize=1)
def provinces() -> tuple[Province, ...]:
    """The shipped table."""
    text = resources.files("oms_tui.data").joinpath("regions.json").read_text(encoding="utf-8")
    return tuple(
        Province(p["names"][0], tuple(p["names"]), p["region"], tuple(p["cities"]),
                 tuple(p["pinyin"]), tuple(p["cities_pinyin"]))
        for p in json.loads(text)["provinces"]
    )  # fmt: skip


@lru_cache(maxsize=1)
def _lookups() -> tuple[dict[str, Province], re.Pattern[str], dict[str, Province]]:
    """Chinese names (a province's forms before any city's), and the Latin ones."""
    chinese: dict[str, Province] = {}
    for p in provinces():
        for name in p.names:
            chinese[name] = p
    for p in provinces():
        for city in p.cities:
            chinese.setdefault(city, p)
    latin: dict[str, Province] = {}
    for p in provinces():
        for name in (*p.pinyin, *p.cities_pinyin):
            latin.setdefault(name.lower(), p)
    words = sorted(latin, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b(?!" +
                         _STREET_WORDS + ")", re.IGNORECASE)  # fmt: skip
    return chinese, pattern, latin


def province_of(text: str) -> Province | None:
    """The province an address (or a province or city field) is in, or None."""
    t = text.strip()
    for country in _COUNTRY:
        t = t.removeprefix(country).lstrip()
    if not t:
        return None
    chinese, pattern, latin = _lookups()
    longest = max(map(len, chinese))
    for size in range(min(longest, len(t)), 1, -1):
        p = chinese.get(t[:size])
        if p is not None and (t[:size] == p.name or len(t) == size
                              or t[size] not in _NOT_A_PLACE):  # fmt: skip
            return p  # not 朝阳区 nor 吉林路: a district or a street
    hits = pattern.findall(t)
    return latin[hits[-1].lower()] if hits else None


@dataclass(frozen=True)
class RegionTable:
    """The shipped table with the company's changes (province full name -> region)."""

    changes: dict[str, str]

    def region(self, province: Province) -> str:
        return self.changes.get(province.name, province.region)

    def region_of(self, *texts: str) -> str:
        """The region of the first text that names a place (province, city, address)."""
        for text in texts:
            p = province_of(text or "")
            if p is not None:
                return self.region(p)
        return ""

    def rows(self) -> list[tuple[str, str, bool]]:
        """(province, region, changed by the company) for every province."""
        return [(p.name, self.region(p), p.name in self.changes) for p in provinces()]


def _parse(value: str) -> dict[str, str]:
    out = {}
    for part in value.split(","):
        name, sep, region = part.partition("=")
        p = province_of(name) if sep else None
        if p is not None and region.strip():
            out[p.name] = region.strip()
    return out


def table_in(session: Session) -> RegionTable:
    raw = session.exec(select(Setting.value).where(Setting.key == KEY)).first()
    return RegionTable(_parse(raw or ""))


@anyone("a read: the region table")  # i18n: no
def get_table(db: Database) -> RegionTable:
    with db.read() as session:
        return table_in(session)


@requires("settings.change")
def set_region(db: Database, actor: str, province: str, region: str) -> RegionTable:
    """Put a province in another region (the shipped one again: the change is dropped)."""
    p = province_of(province)
    if p is None or province.strip().lower() not in {n.lower() for n in (*p.names, *p.pinyin)}:
        raise InvalidInput(N_("no province '{province}' (e.g. 浙江, 浙江省, Zhejiang)").format(
            province=province.strip()), "province")  # fmt: skip
    region = region.strip()
    if not region or any(c in region for c in ",="):
        raise InvalidInput(N_("name the region as the warehouses do, e.g. East"), "region")
    with db.write() as session:
        changes = dict(table_in(session).changes)
        changes.pop(p.name, None)
        if region != p.region:
            changes[p.name] = region
        store_setting(session, actor, KEY, ",".join(f"{k}={v}" for k, v in changes.items()),
                      N_("{province} put in region {region}").format(province=p.name,
                                                                     region=region))  # fmt: skip
        return RegionTable(changes)


def address_region(table: RegionTable, a: CustomerAddress) -> str:
    return table.region_of(a.province, a.city, a.district, a.street)


@anyone("derives blank regions from addresses; nothing typed changes")  # i18n: no
def fill_regions(db: Database, actor: str) -> tuple[int, int]:
    """Addresses without a region get their place's; customers without one, their default
    address's (else another address's); each in the change log as ``actor``'s. Returns
    (customers, addresses) filled."""
    filled_addresses = filled_customers = 0
    with db.write() as session:
        table = table_in(session)
        for a in session.exec(select(CustomerAddress).where(CustomerAddress.region == "")):
            if region := address_region(table, a):
                code = session.exec(select(Customer.code).where(Customer.id == a.customer_id)
                                    ).one()  # fmt: skip
                place = " ".join(p for p in (a.province, a.city, a.district, a.street) if p)
                record_change(session, actor, "customer", code, "address_region", "", region,
                              N_("from its place: {place}").format(place=place))  # fmt: skip
                a.region = region
                session.add(a)
                filled_addresses += 1
        session.flush()
        for c in session.exec(select(Customer).where(Customer.region == "")).all():
            region = session.exec(
                select(CustomerAddress.region)
                .where(CustomerAddress.customer_id == c.id, CustomerAddress.region != "")
                .order_by(col(CustomerAddress.is_default).desc(), col(CustomerAddress.id))
            ).first()
            if region:
                record_change(session, actor, "customer", c.code, "region", "", region,
                              N_("from its address"))  # fmt: skip
                c.region = region
                session.add(c)
                filled_customers += 1
        session.flush()
    return filled_customers, filled_addresses
