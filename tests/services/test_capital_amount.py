"""The amount in Chinese capital numerals (大写金额): the regulation's own examples, and
for any 64-bit amount, reading the words back gives the amount (exact), written as the
rules say (one 零 for a run of zeros, 整 only where due)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms_tui.services.platform.money import capital_amount

DIGITS = {c: n for n, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
PLACES = {"拾": 10, "佰": 100, "仟": 1000}
GROUPS = {"亿亿": 10**16, "万亿": 10**12, "亿": 10**8, "万": 10**4, "": 1}


@pytest.mark.parametrize(("minor", "words"), [
    (123_450, "壹仟贰佰叁拾肆元伍角整"),  # the example
    (0, "零元整"),
    (1_500, "壹拾伍元整"),  # a ten keeps its 壹
    (168_032, "壹仟陆佰捌拾元叁角贰分"),  # ¥1680.32 (the rules' example)
    (32_504, "叁佰贰拾伍元零肆分"),  # ¥325.04: 零 between 元 and 分
    (1_640_902, "壹万陆仟肆佰零玖元零贰分"),  # ¥16409.02
    (10_000_100, "壹拾万零壹元整"),
    (10_001_000_000, "壹亿零壹万元整"),
    (100_000_000_000, "壹拾亿元整"),
    (5, "伍分"),
    (50, "伍角整"),
    (-123_456, "负壹仟贰佰叁拾肆元伍角陆分"),
    (10**14, "壹万亿元整"),
])  # fmt: skip
def test_examples(minor: int, words: str) -> None:
    assert capital_amount(minor) == words


def test_only_for_yuan() -> None:
    with pytest.raises(ValueError, match="JPY"):
        capital_amount(100, "JPY")


def _integer(text: str) -> int:
    total = 0
    for chunk, group in re.findall(r"(.*?)(亿亿|万亿|亿|万|$)", text):
        if not chunk and not group:
            continue
        value, digit = 0, 0
        for ch in chunk:
            if ch in DIGITS:
                digit = DIGITS[ch]
            else:
                value, digit = value + digit * PLACES[ch], 0
        total += (value + digit) * GROUPS[group]
    return total


def read_back(words: str) -> int:
    """The amount the words say (a reader independent of how they were written)."""
    sign = -1 if words.startswith("负") else 1
    words = words.removeprefix("负")
    whole, _, rest = words.rpartition("元") if "元" in words else ("", "", words)
    rest = rest.removesuffix("整").removeprefix("零")
    jiao = fen = 0
    if "角" in rest:
        digit, rest = rest.split("角")
        jiao = DIGITS[digit]
    if "分" in rest:
        digit, rest = rest.split("分")
        fen = DIGITS[digit]
    assert rest == ""
    return sign * (_integer(whole) * 100 + jiao * 10 + fen)


@given(st.integers(min_value=-(2**63 - 1), max_value=2**63 - 1))
def test_exact_for_every_64_bit_amount(minor: int) -> None:
    words = capital_amount(minor)
    assert read_back(words) == minor
    assert "零零" not in words and "零元" not in words.replace("零元整", "")
    assert not words.removeprefix("负").startswith("零") or words == "零元整"
    assert words.endswith(("整", "分"))
    assert words.endswith("整") != (minor % 10 != 0)  # 整 exactly when there is no 分
    assert set(words) <= set("负零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")


@given(st.integers(min_value=1, max_value=10**15).map(lambda n: n * 100))
def test_whole_yuan_end_in_yuan_zheng(minor: int) -> None:
    words = capital_amount(minor)
    assert words.endswith("元整") and not words.endswith("零元整")
