"""Order entry at typing speed: keystrokes per order and UI time per keystroke.

    python bench/entry_keystrokes.py                          # bench/big.db (1,000,000 orders)
    python bench/entry_keystrokes.py --db sqlite:////tmp/small.db --runs 3
    python bench/entry_keystrokes.py --profile "new: Enter opens"  # cProfile those keys

An empty database is first given the schema and the demo company (``seed_demo``). The real
order entry screen runs headless (``make_app`` + ``run_test``, 80x24) and two orders are
entered by keys only, ``--runs`` times each:

(a) a known caller repeating a past order: the phone digits, then Enter (pick), F8 (recent
    orders), Enter (the newest), F2 (save). Counted: keys after the phone digits.
(b) a new caller with 3 lines: phone, Enter, name, Tab Tab, the address as one line
    (split into its parts as it is typed), Enter; two codes, one ``CODE*3``, each with
    Enter; F2. Counted: every key.

Both are checked in the database (a new order with the expected lines).

What "UI time per keystroke" is here: wall time from posting one ``events.Key`` to the app
until every message queue (app, screens, widgets) is empty and no callbacks are pending,
seen on two consecutive turns of the event loop: the key's handling, bubbling, bindings,
what it starts on the UI thread, and any repaint that falls in that window. Between keys
the bench waits for the thread workers (searches, quotes, draft saves) to finish, as a clerk's
pace would; worker time is not UI time and is reported separately as service latency
(customer search by phone prefix, live quote of 3 lines: p50/p95 over ``--samples`` calls).
The UI-thread handling of the workers' result messages (``QuoteReady``, ``CustomersFound``,
...) is timed per message (``MessagePump._dispatch_message``) and reported too.

Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import platform
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from textual import events  # noqa: E402
from textual.app import _character_to_key  # noqa: E402
from textual.message_pump import MessagePump  # noqa: E402
from textual.worker import WorkerCancelled  # noqa: E402

from oms_tui.app import make_app  # noqa: E402
from oms_tui.config import Settings, normalise_url  # noqa: E402
from oms_tui.services.platform import schema  # noqa: E402
from oms_tui.services.platform.db import Database  # noqa: E402

USER = "bench"
RESULT_MESSAGES = {
    "CustomersFound", "CardLoaded", "ProductResolved", "QuoteReady", "Listed", "LinesLoaded",
    "OrderSaved", "Restored", "CarriersLoaded", "DraftFound",
}  # fmt: skip


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[k], 3)


def summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50_ms": pct(values, 50), "p95_ms": pct(values, 95),
            "p99_ms": pct(values, 99), "max_ms": round(max(values, default=0.0), 3)}  # fmt: skip


# -- timing the UI thread -------------------------------------------------------------------

DISPATCH: list[tuple[str, float]] = []
_original_dispatch = MessagePump._dispatch_message


async def _timed_dispatch(self, message):  # noqa: ANN001, ANN202
    started = time.perf_counter()
    try:
        return await _original_dispatch(self, message)
    finally:
        name = type(message).__name__
        if name in RESULT_MESSAGES:
            DISPATCH.append((name, (time.perf_counter() - started) * 1000))


MessagePump._dispatch_message = _timed_dispatch  # type: ignore[method-assign]


# Cyclic garbage collection on the UI thread, timed apart: a full (generation 2) collection
# over the app's heap took 30-120 ms here and lands on whichever key happens to trigger it.
GC_MS = [0.0]
_gc_started = [0.0]
MAIN_THREAD = threading.get_ident()


def _gc_timer(phase: str, info: dict) -> None:
    if threading.get_ident() != MAIN_THREAD:
        return
    if phase == "start":
        _gc_started[0] = time.perf_counter()
    else:
        GC_MS[0] += (time.perf_counter() - _gc_started[0]) * 1000


gc.callbacks.append(_gc_timer)


def _pumps(app) -> list[MessagePump]:  # noqa: ANN001
    pumps: list[MessagePump] = [app]
    for screen in app.screen_stack:
        pumps.append(screen)
        pumps.extend(screen.walk_children(with_self=False))
    return pumps


def _quiet(app) -> bool:  # noqa: ANN001
    return all(p._message_queue.empty() and not p._next_callbacks for p in _pumps(app))


def _painted(app) -> bool:  # noqa: ANN001
    s = app.screen
    return not (s._layout_required or s._scroll_required or s._repaint_required
                or s._dirty_widgets or s._recompose_required)  # fmt: skip


class Typist:
    """Posts keys one at a time, timing each until the app is quiet and painted again."""

    def __init__(self, app, pilot) -> None:  # noqa: ANN001
        self.app, self.pilot = app, pilot
        self.cpu_ms: dict[str, list[float]] = {"typing": [], "screen": []}
        self.cpu_no_gc_ms: list[float] = []
        self.steps: dict[str, list[float]] = {}
        self.wall_ms: dict[str, list[float]] = {"typing": [], "screen": []}
        self.slowest: list[tuple[float, str, str]] = []  # (cpu ms, key, screen#focused)
        self.count = 0
        self.profile_step = ""  # --profile: keys of steps starting so are profiled
        self.profiler: Any = None

    def _where(self) -> tuple[Any, Any]:
        return self.app.screen, self.app.focused

    async def key(self, key: str, character: str | None = None, step: str = "") -> None:
        """One key; ``step`` names a key of the flow whose time is also reported alone."""
        event = events.Key(key, character)
        event.set_sender(self.app)
        before = self._where()
        where = f"{type(before[0]).__name__}#{getattr(before[1], 'id', None)}"
        overhead = 0.0
        profiling = bool(self.profile_step) and step.startswith(self.profile_step)
        if profiling:
            import cProfile

            self.profiler = self.profiler or cProfile.Profile()
            self.profiler.enable()
        started, cpu_started, gc_started = time.perf_counter(), time.thread_time(), GC_MS[0]
        self.app.post_message(event)
        quiet_turns = 0
        while quiet_turns < 2:
            await asyncio.sleep(0)
            checking = time.thread_time()
            quiet = _quiet(self.app)
            painted = quiet and _painted(self.app)
            overhead += time.thread_time() - checking
            quiet_turns = quiet_turns + 1 if painted else 0
            if quiet and not painted:
                await asyncio.sleep(0.002)  # the repaint timer (<= 60 Hz) is due
        cpu = (time.thread_time() - cpu_started - overhead) * 1000
        wall = (time.perf_counter() - started) * 1000
        if profiling:
            self.profiler.disable()
        self.cpu_no_gc_ms.append(cpu - (GC_MS[0] - gc_started))
        await self.settle()
        # typing: the key stays where it was typed; screen: it opened, closed or left a
        # screen or moved focus (pick a caller, a dialog's answer, save)
        kind = "typing" if self._where() == before or key == "tab" else "screen"
        self.cpu_ms[kind].append(cpu)
        self.wall_ms[kind].append(wall)
        if step:
            self.steps.setdefault(step, []).append(cpu)
        self.slowest.append((round(cpu, 2), key, where))
        self.slowest = sorted(self.slowest, reverse=True)[:8]
        self.count += 1

    async def type(self, text_: str) -> None:
        for ch in text_:
            if ch == "\r":
                await self.key("enter", "\r")
            else:
                await self.key(ch if ch.isalnum() else _character_to_key(ch), ch)

    async def settle(self) -> None:
        for _ in range(6):
            try:
                await self.app.workers.wait_for_complete()
            except WorkerCancelled:  # an exclusive worker replaced by a newer one
                continue
            await asyncio.sleep(0)
            if _quiet(self.app) and not self.app.workers._workers:
                break
        await self.pilot.pause()


# -- the data ------------------------------------------------------------------------------


def prepare(url: str) -> Database:
    db = Database(url)
    revision = schema.current_revision(db)
    if revision is None:
        from oms_tui.demo.seed import seed_demo

        print("empty database: schema and demo company", file=sys.stderr)
        schema.upgrade(db)
        seed_demo(db, USER)
    elif schema.needs_upgrade(db):
        sys.exit(f"{url} is at schema {revision}: run `oms db upgrade --db {url}` first")
    return db


def known_callers(db: Database, n: int, rng: random.Random) -> list[tuple[int, str]]:
    """Customers with an order and a full phone number: (id, phone digits)."""
    with db.read() as s:
        rows = s.execute(text(
            "SELECT p.customer_id, p.digits FROM customer_phone p WHERE length(p.digits) = 11 "
            "AND (SELECT count(*) FROM customer_phone q WHERE q.digits = p.digits) = 1 "
            "AND EXISTS (SELECT 1 FROM sales_order o WHERE o.customer_id = p.customer_id) "
            "ORDER BY p.id DESC LIMIT 2000"
        )).all()  # fmt: skip
    picked = rng.sample(list(rows), min(n, len(rows)))
    return [(cid, phone) for cid, phone in picked]


def codes(db: Database, n: int) -> list[str]:
    """Active stocked products that are not made to order (no requirements prompt)."""
    with db.read() as s:
        return [r[0] for r in s.execute(text(
            "SELECT code FROM product WHERE active AND NOT made_to_order "
            "AND code NOT LIKE '%*%' ORDER BY id LIMIT :n"), {"n": n}).all()]  # fmt: skip


def order_count(db: Database, customer_id: int | None = None) -> int:
    with db.read() as s:
        if customer_id is None:
            return s.execute(text("SELECT max(id) FROM sales_order")).scalar() or 0
        return s.execute(text("SELECT count(*) FROM sales_order WHERE customer_id = :c"),
                         {"c": customer_id}).scalar()  # fmt: skip


def new_phone(db: Database, rng: random.Random) -> str:
    """A mobile number nobody in the database has (earlier bench runs add callers)."""
    from oms_tui.services.parties.customers import search_customers

    while True:
        phone = f"199{rng.randrange(10**8):08d}"
        if not search_customers(db, phone, limit=1):
            return phone


# -- the two orders ------------------------------------------------------------------------


async def run_entry(
    db: Database, url: str, runs: int, rng: random.Random, profile: str = ""
) -> dict:
    from oms_tui.screens.order_entry import OrderEntryScreen

    callers = known_callers(db, runs, rng)
    product_codes = codes(db, 3)
    settings = Settings(database_url=url, user=USER)
    app = make_app(settings, db)
    known_counts: list[int] = []
    new_counts: list[int] = []
    async with app.run_test(size=(80, 24)) as pilot:
        typist = Typist(app, pilot)
        typist.profile_step = profile
        await typist.settle()
        await pilot.press("e")
        await typist.settle()
        if not isinstance(app.screen, OrderEntryScreen):
            await pilot.press("d")  # an old draft of the bench user: discard it
            await typist.settle()
        screen = app.screen
        assert isinstance(screen, OrderEntryScreen), app.screen

        for customer_id, phone in callers:
            before = order_count(db, customer_id)
            await typist.type(phone)
            start = typist.count
            await typist.key("enter", "\r", "known: Enter picks the caller")
            assert screen.model.customer_id == customer_id, (screen.model.customer_id, customer_id)
            await typist.key("f8", step="known: F8 recent orders")
            await typist.key("enter", "\r", "known: Enter copies the newest")
            assert screen.model.lines, "the past order's lines were not copied"
            await typist.key("f2", step="known: F2 saves")
            assert order_count(db, customer_id) == before + 1, "not saved"
            known_counts.append(typist.count - start)

        for n in range(runs):
            before = order_count(db)
            start = typist.count
            phone = new_phone(db, rng)
            await typist.type(phone)
            await typist.key("enter", "\r", "new: Enter opens the new-customer form")
            await typist.type(f"Bench Caller {n}")
            await typist.key("tab")
            await typist.key("tab")  # the phone is filled in from what was typed
            for ch in "浙江省杭州市西湖区文三路1号":  # the address as one line, split per key
                await typist.key(ch, ch, "new: a key of the address line")
            await typist.key("enter", "\r", "new: Enter creates the customer")
            assert screen.model.customer_id is not None, "new customer not created"
            a, b, c = product_codes
            for line in (a, f"{b}*3", c):
                await typist.type(line)
                await typist.key("enter", "\r", "new: Enter adds a line")
            assert len(screen.model.lines) == 3, [ln.text for ln in screen.model.lines]
            await typist.key("f2", step="new: F2 saves")
            assert order_count(db) > before, "not saved"
            new_counts.append(typist.count - start)

    if typist.profiler is not None:
        import pstats

        stats = pstats.Stats(typist.profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(80)
        stats.sort_stats("tottime").print_stats(25)
    results: dict[str, list[float]] = {}
    for name, ms in DISPATCH:
        results.setdefault(name, []).append(ms)
    return {
        "known_caller_keys_after_phone": max(known_counts),
        "new_caller_3_lines_keys": max(new_counts),
        "ui_cpu_ms_per_key": {
            "all": summary(typist.cpu_ms["typing"] + typist.cpu_ms["screen"]),
            **{k: summary(v) for k, v in typist.cpu_ms.items()},
        },
        "ui_cpu_ms_per_key_without_gc": summary(typist.cpu_no_gc_ms),
        "ui_cpu_ms_by_step": {k: summary(v) for k, v in typist.steps.items()},
        "wall_ms_per_key": {
            "all": summary(typist.wall_ms["typing"] + typist.wall_ms["screen"]),
            **{k: summary(v) for k, v in typist.wall_ms.items()},
        },
        "slowest_keys": typist.slowest,
        "ui_ms_per_worker_result": {k: summary(v) for k, v in sorted(results.items())},
    }


def service_latency(db: Database, samples: int, rng: random.Random) -> dict:
    from oms_tui.services.parties.customers import search_customers
    from oms_tui.services.sales.orders import NewLine, quote_order

    callers = known_callers(db, samples, rng)
    search_ms, quote_ms = [], []
    with db.read() as s:
        ids = [r[0] for r in s.execute(text(
            "SELECT id FROM product WHERE active ORDER BY id LIMIT 50")).all()]  # fmt: skip
    for customer_id, phone in callers:
        prefix = phone[: rng.randint(4, 11)]
        started = time.perf_counter()
        search_customers(db, prefix, limit=8)
        search_ms.append((time.perf_counter() - started) * 1000)
        lines = [NewLine(pid, rng.randint(1, 5)) for pid in rng.sample(ids, 3)]
        started = time.perf_counter()
        quote_order(db, customer_id, lines)
        quote_ms.append((time.perf_counter() - started) * 1000)
    return {"customer_search": summary(search_ms), "quote_3_lines": summary(quote_ms)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite:///bench/big.db")
    parser.add_argument("--runs", type=int, default=5, help="orders of each kind")
    parser.add_argument("--samples", type=int, default=300, help="service latency calls")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--profile",
        default="",
        metavar="STEP",
        help="cProfile the keys of the steps whose name starts so "
        "(e.g. 'new: Enter opens'); stats go to stderr",
    )
    args = parser.parse_args()
    url = normalise_url(args.db)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        url = f"sqlite:///{(ROOT / url[len('sqlite:///') :]).resolve()}"
    rng = random.Random(args.seed)
    db = prepare(url)
    with db.read() as s:
        orders = s.execute(text("SELECT count(*) FROM sales_order")).scalar()
    entry = asyncio.run(run_entry(db, url, args.runs, rng, args.profile))
    services = service_latency(db, args.samples, rng)
    print(json.dumps({
        "db": url.split("///")[-1] if url.startswith("sqlite") else url.split("@")[-1],
        "orders": orders, "runs": args.runs, **entry, "service_ms": services,
        "python": platform.python_version(),
        "goals": {"known_caller_keys_after_phone": 8, "ui_p99_ms": 16},
    }, ensure_ascii=False))  # fmt: skip
    db.dispose()


if __name__ == "__main__":
    main()
