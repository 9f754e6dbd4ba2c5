"""A one-line address split into province, city, district and street (issue 16.15)."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms_tui.services.parties.addresses import AddressParts, split_address


@pytest.mark.parametrize(("text", "parts"), [
    # full names, as on a parcel
    ("浙江省杭州市滨江区江南大道88号", ("浙江省", "杭州市", "滨江区", "江南大道88号")),
    ("广东省深圳市南山区科技园南区1栋", ("广东省", "深圳市", "南山区", "科技园南区1栋")),
    # municipalities (直辖市) are their own city
    ("北京市朝阳区建国路1号", ("北京市", "北京市", "朝阳区", "建国路1号")),
    ("上海市浦东新区世纪大道100号", ("上海市", "上海市", "浦东新区", "世纪大道100号")),
    ("重庆巫山县广东中路5号", ("重庆市", "重庆市", "巫山县", "广东中路5号")),
    # autonomous regions (自治区) and prefectures (自治州), by their short names too
    ("内蒙古呼和浩特市新城区", ("内蒙古自治区", "呼和浩特市", "新城区", "")),
    ("广西南宁市青秀区民族大道", ("广西壮族自治区", "南宁市", "青秀区", "民族大道")),
    ("恩施州恩施市舞阳大街", ("湖北省", "恩施土家族苗族自治州", "恩施市", "舞阳大街")),
    # short names, as callers say them
    ("浙江杭州滨江区江南大道88号", ("浙江省", "杭州市", "滨江区", "江南大道88号")),
    ("上海浦东新区张江路1号", ("上海市", "上海市", "浦东新区", "张江路1号")),
    # no province: inferred from the city
    ("杭州市滨江区江南大道88号", ("浙江省", "杭州市", "滨江区", "江南大道88号")),
    ("广州天河区体育西路", ("广东省", "广州市", "天河区", "体育西路")),
    # a city named like its province (吉林市 in 吉林省)
    ("吉林市船营区解放路", ("吉林省", "吉林市", "船营区", "解放路")),
    ("吉林省吉林市船营区", ("吉林省", "吉林市", "船营区", "")),
    # county-level cities under a province, cities without districts
    ("湖北省仙桃市人民路", ("湖北省", "仙桃市", "", "人民路")),
    ("广东省东莞市长安镇", ("广东省", "东莞市", "", "长安镇")),
    # spaces, commas and the country between or before the parts
    ("中国 浙江省 杭州市 西湖区 文三路 100号", ("浙江省", "杭州市", "西湖区", "文三路 100号")),
    ("浙江省，杭州市，西湖区，文三路1号", ("浙江省", "杭州市", "西湖区", "文三路1号")),
    # a district in two cities (朝阳区: 北京, 长春): neither city is guessed
    ("朝阳区建国路", ("", "", "朝阳区", "建国路")),
    # streets named after places are streets
    ("南京路100号", ("", "", "", "南京路100号")),
    ("上海南京路100号", ("上海市", "上海市", "", "南京路100号")),
    ("中山路1号", ("", "", "", "中山路1号")),
    ("杭州西湖路1号", ("浙江省", "杭州市", "", "西湖路1号")),
    ("四川成都武侯祠大街1号", ("四川省", "成都市", "", "武侯祠大街1号")),
    ("江南大道88号", ("", "", "", "江南大道88号")),
    # nothing recognised: all of it is the street
    ("Shenzhen Rd 1", ("", "", "", "Shenzhen Rd 1")),
    ("", ("", "", "", "")),
])  # fmt: skip
def test_examples(text: str, parts: tuple[str, str, str, str]) -> None:
    assert split_address(text) == AddressParts(*parts)


def _divisions() -> list[tuple[str, str, str]]:
    text = resources.files("oms_tui.data").joinpath("divisions.json").read_text("utf-8")
    return [(p, c, d) for p, cities in json.loads(text)["provinces"].items()
            for c, districts in cities.items() for d in districts or [""]]  # fmt: skip


DIVISIONS = _divisions()
CITY_NAMES = Counter(c for c in {(p, c) for p, c, _d in DIVISIONS})
DISTRICTS_IN = Counter((c, d) for _p, c, d in DIVISIONS)
# a street as typed after the district: a numbered road, no place name at its start
STREETS = st.builds("{}{}路{}号".format, st.sampled_from("文解民建人和"),
                    st.sampled_from("三放族设民平"), st.integers(1, 9999))  # fmt: skip


@given(st.sampled_from(DIVISIONS), STREETS)
def test_every_division_in_full_splits_back_into_its_parts(
    place: tuple[str, str, str], street: str
) -> None:
    province, city, district = place
    city_typed = "" if city == province else city  # 北京市朝阳区…: the city is not said again
    assert split_address(province + city_typed + district + street) == AddressParts(
        province, city, district, street)  # fmt: skip


@given(st.sampled_from(DIVISIONS), STREETS)
def test_a_city_without_its_province_is_found_in_it(
    place: tuple[str, str, str], street: str
) -> None:
    province, city, district = place
    if CITY_NAMES[city] > 1 or DISTRICTS_IN[(city, district)] > 1:
        return  # (no such city in the table today; a name in two provinces is not guessed)
    assert split_address(city + district + street) == AddressParts(
        province, city, district, street)  # fmt: skip


@given(st.text(max_size=40))
def test_nothing_typed_is_lost_or_made_up(text: str) -> None:
    """The street is what follows the places named, as typed; the parts are names from
    the table (or empty)."""
    parts = split_address(text)
    assert text.strip().endswith(parts.street)
    if not (parts.province or parts.city or parts.district or "中国" in text):
        assert parts.street == text.strip().lstrip(" \u3000\t,，、").strip()
    known = {(p, c, d) for p, c, d in DIVISIONS}
    if parts.district and parts.city:
        assert (parts.province, parts.city, parts.district) in known
