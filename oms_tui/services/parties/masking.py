"""Customers' phone numbers and addresses as a role may see them (issue 17 point 7).

A role without ``customers.contact`` (production) sees ``138****0000`` and the address
down to its district (``浙江省杭州市西湖区…``): enough to know where an order goes, not
enough to call or visit. One function per kind of view, each given the acting user's role:

- ``shown_contact``: a phone and an address (order detail, dispatch, a van run's stops,
  ``oms run``);
- ``shown_change``: a row of the change log (the Changes screen, ``oms audit log``), whose
  address changes hold a whole address.

Nothing here reads the database.
"""

from __future__ import annotations

import re

from ..platform.permissions import allowed

HIDDEN = "…"  # what stands for the part of an address left out
# The end of a district-level name: 区, 县, 旗 (not the 区 of a province's 自治区), or a
# county-level 市 after a city (杭州市萧山区, 苏州市昆山市).
_DISTRICT = re.compile(r"(?<!自治)[区县旗]|(?<=市)[^市\s]{1,6}市")
_DIGITS = re.compile(r"\d")


def mask_phone(phone: str) -> str:
    """``138****0000``: the first three and last four digits of a number of eight or more
    (a mobile, a landline with its area code; a +86 left out); a shorter one keeps nothing
    but its stars."""
    digits = "".join(_DIGITS.findall(phone))
    if digits.startswith("0086"):  # the country code, as clerks do not type it
        digits = digits[4:]
    elif phone.strip().startswith("+86"):
        digits = digits[2:]
    if not digits:
        return ""
    if len(digits) < 8:
        return "****"
    return f"{digits[:3]}****{digits[-4:]}"


def mask_address(address: str) -> str:
    """The address down to its district: ``浙江省杭州市西湖区文三路 90 号`` ->
    ``浙江省杭州市西湖区…``. Without a district, the part up to the last 市; an address in
    Latin letters keeps its parts after the first comma (the street goes)."""
    text = address.strip()
    if not text:
        return ""
    if match := _DISTRICT.search(text):
        return text[: match.end()] + HIDDEN
    if "市" in text:
        return text[: text.rindex("市") + 1] + HIDDEN
    if "," in text:
        return HIDDEN + "," + text.split(",", 1)[1]
    return HIDDEN


def shown_contact(role: str | None, phone: str, address: str) -> tuple[str, str]:
    """(phone, address) as ``role`` may see them: in full with ``customers.contact``, else
    masked."""
    if allowed(role, "customers.contact"):
        return phone, address
    return mask_phone(phone), mask_address(address)


# The change log's fields that hold contact data: in before and after (an address added,
# as "label: contact, address"; a phone), or in the reason (where an address is, said when
# its region or its place on the van's route changed).
_CHANGED_ADDRESS = frozenset({"address"})
_CHANGED_PHONE = frozenset({"phone"})
_ADDRESS_IN_REASON = frozenset({"address_region", "route_seq"})


def shown_change(role: str | None, field: str, before: str, after: str, reason: str
                 ) -> tuple[str, str, str]:  # fmt: skip
    """A change-log row's (before, after, reason) as ``role`` may see them: whole with
    ``customers.contact``, else with the addresses and phones in it masked."""
    if allowed(role, "customers.contact"):
        return before, after, reason
    name = field.partition(" ")[0]
    if name in _CHANGED_ADDRESS:
        return _masked_address_line(before), _masked_address_line(after), reason
    if name in _CHANGED_PHONE:
        return mask_phone(before), mask_phone(after), reason
    if name in _ADDRESS_IN_REASON:
        return before, after, mask_address(reason)
    return before, after, reason


_DEFAULT = " (default)"


def _masked_address_line(line: str) -> str:
    """An address as the change log keeps it (``label: contact, address (default)``) with
    the address masked: who it is for stays, where is cut to the district."""
    if not line:
        return ""
    default = line.endswith(_DEFAULT)
    body = line.removesuffix(_DEFAULT)
    who, comma, where = body.partition(", ")
    if not comma:
        who, where = "", body
    return who + comma + mask_address(where) + (_DEFAULT if default else "")
