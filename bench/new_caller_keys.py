"""Keys for one new caller with 3 lines and a ship-to (issue 16.15), counted by driving the
real order entry screen (``make_app`` + Pilot, 80x24) on the demo company.

    python bench/new_caller_keys.py            # the flows of this version
    python bench/new_caller_keys.py --before   # the flows of the version before the
                                               # address line (run on that code: 6f71d36)

The same caller every time: 李娜, a new number 13700001111, ships to
浙江省杭州市滨江区江南大道88号 (contact and phone: hers), three lines typed by code
(``W-BRL-189*3``, ``W-JUG-45``, ``W-CASE-550``, each with Enter; or without the hyphens,
``wbrl189*3``, with ``--compact``), F2 saves. Every key
pressed is counted (a Chinese character as one key: what an input method commits). Each
flow is checked in the database: the order saved for a new customer, shipping to an
address whose province, city, district, street, contact and phone are the caller's.

Prints one JSON line: keys per flow (the caller and ship-to part, the lines, the total).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from oms_tui.app import make_app  # noqa: E402
from oms_tui.config import Settings  # noqa: E402
from oms_tui.services.platform import schema  # noqa: E402
from oms_tui.services.platform.db import Database  # noqa: E402

USER = "bench"
PHONE, NAME = "13700001111", "李娜"
ADDRESS = "浙江省杭州市滨江区江南大道88号"
WANTED = ("浙江省", "杭州市", "滨江区", "江南大道88号", NAME, PHONE)
LINES = ["W-BRL-189*3", "enter", "W-JUG-45", "enter", "W-CASE-550", "enter"]
# the same codes as clerks type them, without the hyphens (``find_product``)
LINES_COMPACT = ["wbrl189*3", "enter", "wjug45", "enter", "wcase550", "enter"]
KEY_NAMES = {"tab", "enter", "f2", "f6"}

# (the caller and ship-to keys, what the address ends up as) per flow
FLOWS: dict[str, tuple[list[str], tuple[str, ...]]] = {
    # one line, as the caller says it; the parts shown, contact and phone hers
    "new caller's fields, address as one line": (
        [PHONE, "enter", NAME, "tab", "tab", ADDRESS, "enter"], WANTED),
    "new caller's fields, address as said (no province)": (
        [PHONE, "enter", NAME, "tab", "tab", ADDRESS.removeprefix("浙江省"), "enter"], WANTED),
    "ship-to dialog (F6, n), address as one line": (
        [PHONE, "enter", NAME, "enter", "f6", "n", ADDRESS, "enter"], WANTED),
}  # fmt: skip
BEFORE: dict[str, tuple[list[str], tuple[str, ...]]] = {
    # province, city, street fields: no district field (it goes into the street)
    "new caller's fields, province Tab city Tab street": (
        [PHONE, "enter", NAME, "tab", "tab", "浙江省", "tab", "杭州市", "tab",
         "滨江区江南大道88号", "enter"],
        ("浙江省", "杭州市", "", "滨江区江南大道88号", NAME, PHONE)),
    # the whole address in its parts: street, city, district, province, contact, phone
    "ship-to dialog (F6, n), six fields": (
        [PHONE, "enter", NAME, "enter", "f6", "n", "江南大道88号", "tab", "杭州市", "tab",
         "滨江区", "tab", "浙江省", "tab", NAME, "tab", PHONE, "enter"], WANTED),
}  # fmt: skip


def keys(parts: list[str]) -> list[str]:
    return [k for part in parts for k in ([part] if part in KEY_NAMES else list(part))]


def prepare(folder: Path) -> str:
    from oms_tui.demo.seed import seed_demo

    url = f"sqlite:///{folder / 'demo.db'}"
    db = Database(url)
    schema.upgrade(db)
    seed_demo(db, USER)
    return url


async def settle(app, pilot) -> None:  # noqa: ANN001
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def run_flow(url: str, caller: list[str], lines: list[str]
                   ) -> tuple[int, int, tuple[str, ...]]:  # fmt: skip
    """(keys for the caller and ship-to, keys for the lines and F2, the order's address)"""
    app = make_app(Settings(database_url=url, user=USER))
    db = Database(url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        counted = [keys(caller), keys([*lines, "f2"])]
        for part in counted:
            for key in part:
                await pilot.press(key)
                await settle(app, pilot)
    with db.read() as s:
        row = s.execute(text(
            "SELECT a.province, a.city, a.district, a.street, a.contact_name, a.phone, "
            "(SELECT count(*) FROM order_line l WHERE l.order_id = o.id) "
            "FROM sales_order o JOIN customer_address a ON a.id = o.ship_to_address_id "
            "JOIN customer c ON c.id = o.customer_id WHERE c.name = :name "
            "ORDER BY o.id DESC LIMIT 1"), {"name": NAME}).one()  # fmt: skip
    assert row[6] == 3, f"{row[6]} lines saved"
    return len(counted[0]), len(counted[1]), tuple(row[:6])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", action="store_true",
                        help="the flows of the version before the address line")  # fmt: skip
    parser.add_argument("--compact", action="store_true",
                        help="the codes typed without their hyphens (wbrl189*3)")  # fmt: skip
    args = parser.parse_args()
    out: dict[str, dict[str, object]] = {}
    for name, (caller, wanted) in (BEFORE if args.before else FLOWS).items():
        with tempfile.TemporaryDirectory() as tmp:
            url = prepare(Path(tmp))
            lines = LINES_COMPACT if args.compact else LINES
            caller_keys, line_keys, address = asyncio.run(run_flow(url, caller, lines))
        assert address == wanted, (name, address)
        out[name] = {"caller_and_ship_to": caller_keys, "lines_and_save": line_keys,
                     "total": caller_keys + line_keys, "address": " ".join(address)}  # fmt: skip
    print(json.dumps({"flows": out, "lines": " ".join(LINES_COMPACT if args.compact else LINES),
                      "goal_total": 60}, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
