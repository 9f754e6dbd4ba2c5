"""Type-ahead bursts, many runs: the bursts of ``tests/screens/test_type_ahead.py`` replayed
``--runs`` times each (default 100) in one burst, 5 ms and 20 ms apart, each run checked
against what slow typing gives.

    python bench/type_ahead_bursts.py                  # 100 runs of each burst and spacing
    python bench/type_ahead_bursts.py --runs 10 --only new-caller

One app per burst and spacing (starting the app and the database is most of a test's
time); between runs the screen is put back as it was (the order on screen dropped, the
dialog closed). Prints one JSON line: per burst and spacing, runs right / runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import func, select  # noqa: E402
from textual.pilot import Pilot  # noqa: E402

from oms_tui.models import Payment, StockMove  # noqa: E402
from oms_tui.screens.order_entry import OrderEntryScreen  # noqa: E402
from oms_tui.services.platform import schema  # noqa: E402
from oms_tui.services.platform.db import Database  # noqa: E402
from tests.databases import seed_users  # noqa: E402
from tests.factories import make_product  # noqa: E402
from tests.screens.test_app import ADMIN, flat, frozen_app, screen_text  # noqa: E402
from tests.screens.test_order_entry import make_shop  # noqa: E402
from tests.screens.test_receivables import receivables_db  # noqa: E402
from tests.screens.test_stock import add_warehouses  # noqa: E402
from tests.screens.test_type_ahead import PHONE, lines_of, send, settled, value  # noqa: E402

SPACINGS = (0, 5, 20)
Check = Callable[[Pilot], Awaitable[bool]]


async def entry(pilot: Pilot) -> OrderEntryScreen:
    screen = pilot.app.get_screen_stack("entry")[0]
    assert isinstance(screen, OrderEntryScreen)
    return screen


async def reset_entry(pilot: Pilot) -> None:
    """The order on screen dropped, home again."""
    app = pilot.app
    while len(app.screen_stack) > 1:
        app.pop_screen()
        await settled(pilot)
    if app.current_mode == "entry":
        screen = await entry(pilot)
        screen.picker.panel.close()
        screen.discard()
        await settled(pilot)
        app.switch_mode("home")
        await settled(pilot)


async def new_caller(pilot: Pilot, ms: float) -> bool:
    # the address as one line, the city corrected
    await send(pilot, ms, "e", "13900001111", "enter", "Zhao Liu", "tab", "tab", "江苏南京",
               "tab", "tab", "苏州市")  # fmt: skip
    screen = await entry(pilot)
    got = [value(screen, f"#new-caller-{n}") for n in ("name", "phone", "province", "city")]
    return got == ["Zhao Liu", "13900001111", "江苏省", "苏州市"]


async def made_to_order(pilot: Pilot, ms: float) -> bool:
    await send(pilot, ms, "e", PHONE, "enter", "DOOR-OAK", "enter", "2100x900", "enter",
               "DOOR-OAK", "enter", "escape", "XD-40W", "enter")  # fmt: skip
    screen = await entry(pilot)
    return pilot.app.screen is screen and lines_of(screen) == [
        ("DOOR-OAK", 1, "2100x900"), ("DOOR-OAK", 1, ""), ("XD-40W", 1, "")]  # fmt: skip


async def ship_to(pilot: Pilot, ms: float) -> bool:
    await send(pilot, ms, "e", PHONE, "enter", "f6", "n", "浙江杭州滨江区江南大道 100 号",
               "tab", "tab", "tab", "tab", "tab", "李娜", "tab", "13700001111",
               "enter")  # fmt: skip
    screen = await entry(pilot)
    ship = screen.model.ship_to
    return pilot.app.screen is screen and ship is not None and (
        ship.text, ship.contact_name, ship.phone) == (
        "浙江省 杭州市 滨江区 江南大道 100 号", "李娜", "13700001111")  # fmt: skip


async def repeat_and_save(pilot: Pilot, ms: float) -> bool:
    db: Database = pilot.app.db  # type: ignore[attr-defined]
    before = count_orders(db)
    await send(pilot, ms, "e", PHONE, "enter", "f8", "1", "f2")
    screen = await entry(pilot)
    return count_orders(db) == before + 1 and screen.model.lines == []


def count_orders(db: Database) -> int:
    from oms_tui.models import Order

    with db.read() as s:
        return s.exec(select(func.count()).select_from(Order)).one()


async def payment(pilot: Pilot, ms: float) -> bool:
    db: Database = pilot.app.db  # type: ignore[attr-defined]
    before = count_payments(db)
    await send(pilot, ms, "r", "f6", "3500.50", "tab", "tab", "w", "tab", "WX-889", "enter",
               "enter")  # fmt: skip
    with db.read() as s:
        pay = s.exec(select(Payment).order_by(Payment.id.desc())).first()  # type: ignore[union-attr]
    return count_payments(db) == before + 1 and pay is not None and (
        pay.amount_minor, pay.method, pay.reference) == (350_050, "wechat", "WX-889") and (
        pilot.app.current_mode == "receivables" and len(pilot.app.screen_stack) == 1)  # fmt: skip


def count_payments(db: Database) -> int:
    with db.read() as s:
        return s.exec(select(func.count()).select_from(Payment)).one()


async def reset_mode(pilot: Pilot) -> None:
    app = pilot.app
    while len(app.screen_stack) > 1:
        app.pop_screen()
        await settled(pilot)
    app.switch_mode("home")
    await settled(pilot)


async def stock_receive(pilot: Pilot, ms: float) -> bool:
    db: Database = pilot.app.db  # type: ignore[attr-defined]
    await send(pilot, ms, "s", "LED-40W", "enter", "f6", "5", "tab", "ACME", "tab", "DN-1",
               "enter")  # fmt: skip
    with db.read() as s:
        move = s.exec(select(StockMove).order_by(StockMove.id.desc())).first()  # type: ignore[union-attr]
    return (
        move is not None
        and (move.qty, move.reason) == (5, "from ACME")
        and (pilot.app.current_mode == "stock" and len(pilot.app.screen_stack) == 1)
    )


def shop_db(db: Database) -> None:
    make_shop(db)


def stock_db(db: Database) -> None:
    add_warehouses(db)
    make_product(db, code="LED-40W", name="LED panel 40W", barcode="6901234567892")


BURSTS: dict[str, tuple[Callable[[Database], Any], Callable[..., Awaitable[bool]], Any]] = {
    "new-caller": (shop_db, new_caller, reset_entry),
    "made-to-order": (shop_db, made_to_order, reset_entry),
    "ship-to": (shop_db, ship_to, reset_entry),
    "repeat-and-save": (shop_db, repeat_and_save, reset_entry),
    "payment": (receivables_db, payment, reset_mode),
    "stock-receive": (stock_db, stock_receive, reset_mode),
}


async def run_burst(name: str, ms: float, runs: int, tmp: Path) -> dict[str, Any]:
    setup, burst, reset = BURSTS[name]
    db = Database(f"sqlite:///{tmp / f'{name}-{ms:g}.db'}")
    schema.upgrade(db)
    seed_users(db)  # the test users; the bursts are typed by an admin, who opens every area
    setup(db)
    app = frozen_app(db, ADMIN)
    right, failures = 0, []
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        for n in range(runs):
            try:
                ok = await burst(pilot, ms)
            except Exception as error:  # noqa: BLE001 (counted, and the next run goes on)
                ok, failures = False, [*failures, f"run {n}: {error!r}"[:200]]
            if not ok:
                seen = flat(screen_text(app))[-400:]
                failures = [*failures, f"run {n}: {type(app.screen).__name__}: {seen}"]
            right += ok
            await reset(pilot)
    db.dispose()
    return {"right": right, "runs": runs, "failures": failures[:3]}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--only", choices=sorted(BURSTS), action="append")
    args = parser.parse_args()
    results: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only or BURSTS:
            for ms in SPACINGS:
                results.setdefault(name, {})[f"{ms}ms"] = await run_burst(
                    name, ms, args.runs, Path(tmp)
                )
                print(name, ms, results[name][f"{ms}ms"], file=sys.stderr, flush=True)  # fmt: skip
    seconds = round(time.perf_counter() - started, 1)
    print(json.dumps({"bench": "type_ahead_bursts", "runs": args.runs, "results": results,
                      "seconds": seconds}, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
