"""What a clerk feels on a big database: the real screens, headless, at 80x24.

    .venv/bin/python bench/screens.py                      # copies bench/big.db to /tmp first
    .venv/bin/python bench/screens.py --db sqlite:///bench/big.db --no-copy --reps 20

The app is built by ``make_app`` and driven with ``run_test(size=(80, 24))`` (keys through
the Pilot, thread workers as in real use). A "paint" is timed by wrapping
``OrderList.render_line``: the moment the list renders (in the compositor's paint) a line
holding a row of the awaited rows. Waiting polls every 2 ms; the stamps come from the hook,
so the polling does not add to the figures. Measured, p50/p95/max ms over ``--reps``:

- ``audit_open``: on home (settled, workers done), press ``a`` -> the first row of the queue
  rendered. The first open in the process also imports the screen module and, on a file
  whose queue was never checked, runs the checks of the first page (stored): reported alone
  as ``audit_open_first``. Between repetitions the rescore the screen starts after the
  first page, and its reload, are waited for; then back home and the audit mode is removed,
  so every ``a`` builds the screen anew.
- ``search_phone``: in order search, a stored phone number of a random customer with orders
  typed into the query line (not timed) -> ``enter`` -> the first row of the results
  rendered (or the "No order matches" line).
- ``scroll_page``: ``pagedown`` in a freshly loaded list (order search, every order newest
  first, 1,000,000 rows; then the audit queue) -> the row under the new highlight rendered
  and, when that key started a page fetch (the highlight came within ``LOOKAHEAD`` rows of
  the end of what was loaded), that page arrived and its rows were rendered too. Ten
  PageDowns per fresh list; ``scroll_page_fetching`` is the subset that fetched;
  ``scroll_page_highlight``: every PageDown to the row under the new highlight rendered
  only (what the clerk sees move; a page fetch it started is read in the background).

``*_ui_cpu``: CPU time of the UI thread (``time.thread_time``) over the same windows (a
PageDown's to its settle, the page it fetched included): what the app itself spends, less
sensitive than wall time to other processes on the machine. ``loadavg_1min``: the 1-minute
load average at the start and at the end of the run.

Opening the queue writes to the database as it does for a clerk (first-page checks stored,
priorities rescored), hence the copy. Prints one JSON line. Targets (issue 4): audit queue
and search by phone p95 < 200 ms, a page of scrolling < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from oms_tui.config import Settings, normalise_url, sqlite_path  # noqa: E402

DEFAULT_DB = f"sqlite:///{ROOT / 'bench' / 'big.db'}"
DEFAULT_COPY = "/tmp/oms_bench_screens.db"
TIMEOUT = 30.0


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    if len(ordered) == 1:
        return {"n": 1, "p50_ms": round(ordered[0], 1), "p95_ms": round(ordered[0], 1),
                "max_ms": round(ordered[0], 1)}  # fmt: skip
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"n": len(ordered), "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1),
            "max_ms": round(ordered[-1], 1)}  # fmt: skip


class Painted:
    """Stamps of row lines rendered by any OrderList (wraps ``render_line`` once)."""

    def __init__(self) -> None:
        from oms_tui.widgets.order_list import OrderList

        # (time, list widget, row index, rows loaded then, its query generation then, and
        # whether that query's rows were on screen then: not the old rows kept meanwhile)
        self.stamps: list[tuple[float, Any, int, int, int, bool]] = []
        original = OrderList.render_line
        stamps = self.stamps

        def render_line(widget: OrderList, y: int):  # noqa: ANN202
            strip = original(widget, y)
            index = int(widget.scroll_offset.y) + y
            if index < len(widget.rows) or (not widget.rows and not widget.loading_more):
                load = widget._load
                shown = load is None or not load.replace
                stamps.append((time.perf_counter(), widget, index, len(widget.rows),
                               widget._generation, shown))  # fmt: skip
            return strip

        OrderList.render_line = render_line  # type: ignore[method-assign]

    async def wait(self, since: float, done, what: str) -> float:  # noqa: ANN001
        """Seconds from ``since`` to the first stamp after it for which ``done`` holds
        (``done(widget, index, count, generation, shown)``, as they were when stamped)."""
        deadline = time.perf_counter() + TIMEOUT
        start = bisect.bisect_left(self.stamps, since, key=lambda s: s[0])
        while time.perf_counter() < deadline:
            for t, widget, index, count, generation, shown in self.stamps[start:]:
                if done(widget, index, count, generation, shown):
                    return t - since
            start = max(start, len(self.stamps) - 1)
            await asyncio.sleep(0.002)
        raise TimeoutError(f"{what}: nothing painted in {TIMEOUT} s")


async def _settle(app) -> None:  # noqa: ANN001
    for _ in range(2):
        await app.workers.wait_for_complete()
        await asyncio.sleep(0.02)


async def _scroll(pilot, painted: Painted, order_list, presses: int,
                  samples: list[float], fetching: list[float],
                  seen: list[float], cpu: list[float]) -> None:  # fmt: skip
    for _ in range(presses):
        await _settle(pilot.app)
        before = len(order_list.rows)
        t0, c0 = time.perf_counter(), time.thread_time()
        await pilot.press("pagedown")
        target = order_list.cursor
        seconds = await painted.wait(
            t0, lambda w, i, n, g, s, t=target: w is order_list and i == t, "pagedown"
        )
        seen.append(seconds * 1000)
        await _settle(pilot.app)
        if len(order_list.rows) > before:  # this key asked for the next page: its rows shown
            seconds = await painted.wait(
                t0, lambda w, i, n, g, s, b=before: w is order_list and n > b, "next page"
            )
            fetching.append(seconds * 1000)
        samples.append(seconds * 1000)
        cpu.append((time.thread_time() - c0) * 1000)  # to the settle: the page's paint too


async def run(url: str, reps: int, seed: int) -> dict[str, Any]:
    from sqlalchemy import select

    from oms_tui.app import make_app
    from oms_tui.screens import WORKFLOW_BY_MODE
    from oms_tui.services.platform.db import Database

    painted = Painted()
    db = Database(url)
    from oms_tui.models import CustomerPhone, Order

    rng = random.Random(seed)
    with db.read() as s:
        top = s.execute(select(Order.id).order_by(Order.id.desc()).limit(1)).scalar() or 0
        ids = [rng.randint(1, top) for _ in range(reps * 3)]
        customers = list(s.execute(select(Order.customer_id).where(Order.id.in_(ids))).scalars())
        phones = list(dict.fromkeys(s.execute(
            select(CustomerPhone.number).where(CustomerPhone.customer_id.in_(customers))
        ).scalars()))  # fmt: skip
    rng.shuffle(phones)
    phones = phones[:reps]

    app = make_app(Settings(database_url=url, user="bench"), db)
    out: dict[str, Any] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app)

        # (a) audit queue open
        opens: list[float] = []
        opens_cpu: list[float] = []
        for n in range(reps + 1):
            t0, c0 = time.perf_counter(), time.thread_time()
            await pilot.press("a")
            seconds = await painted.wait(t0, lambda w, i, n, g, s: w.id == "queue", "audit open")
            cpu = (time.thread_time() - c0) * 1000
            (opens.append(seconds * 1000) if n else out.update(audit_open_first_ms=round(
                seconds * 1000, 1)))  # fmt: skip
            if n:
                opens_cpu.append(cpu)
            await _settle(app)  # the rescore started after the first page, and its reload
            app.switch_mode("home")
            await _settle(app)
            await app.remove_mode("audit")
            app.add_mode("audit", WORKFLOW_BY_MODE["audit"].load)
        out["audit_open"] = _percentiles(opens)
        out["audit_open_ui_cpu"] = _percentiles(opens_cpu)

        # (b) order search by phone
        await pilot.press("o")
        await _settle(app)
        results = app.screen.query_one("#results")
        searches: list[float] = []
        searches_cpu: list[float] = []
        for phone in phones:
            await pilot.press("f4", "ctrl+u", *phone)
            await _settle(app)
            generation = results._generation
            t0, c0 = time.perf_counter(), time.thread_time()
            await pilot.press("enter")
            seconds = await painted.wait(
                t0, lambda w, i, n, g, s, before=generation: w is results and g > before
                and s, "search by phone")  # fmt: skip
            searches_cpu.append((time.thread_time() - c0) * 1000)
            searches.append(seconds * 1000)
        out["search_phone"] = _percentiles(searches)
        out["search_phone_ui_cpu"] = _percentiles(searches_cpu)
        out["search_phone_queries"] = len(phones)

        # (c) scrolling: every order newest first, then the audit queue
        scroll: list[float] = []
        fetching: list[float] = []
        seen: list[float] = []
        scroll_cpu: list[float] = []
        for _ in range(max(1, reps // 4)):
            await pilot.press("f4", "ctrl+u", "enter")  # all orders, newest first
            await _settle(app)
            await _scroll(pilot, painted, results, 10, scroll, fetching, seen, scroll_cpu)
        out["scroll_page_search"] = _percentiles(scroll)
        queue_scroll: list[float] = []
        app.switch_mode("audit")
        await _settle(app)
        queue = app.screen.query_one("#queue")
        for _ in range(max(1, reps // 4)):
            await pilot.press("home")
            queue.reload()
            await _settle(app)
            await _scroll(pilot, painted, queue, 10, queue_scroll, fetching, seen, scroll_cpu)
        out["scroll_page_queue"] = _percentiles(queue_scroll)
        out["scroll_page"] = _percentiles(scroll + queue_scroll)
        out["scroll_page_fetching"] = _percentiles(fetching) if fetching else None
        out["scroll_page_highlight"] = _percentiles(seen)
        out["scroll_page_ui_cpu"] = _percentiles(scroll_cpu)
    db.dispose()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_DB)
    parser.add_argument("--copy", default=DEFAULT_COPY, help="work on a copy of a SQLite file")
    parser.add_argument("--no-copy", action="store_true", help="use the file itself")
    parser.add_argument("--reuse-copy", action="store_true", help="keep an existing copy")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    url = normalise_url(args.db)
    path = sqlite_path(url)
    if path is not None and not args.no_copy:
        copy = Path(args.copy)
        if not (args.reuse_copy and copy.exists()):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(path, copy)
        url = f"sqlite:///{copy}"
    out = {"db": url.split(":", 1)[0], "size": "80x24", "reps": args.reps}
    load_before = os.getloadavg()
    out.update(asyncio.run(run(url, args.reps, args.seed)))
    out["loadavg_1min"] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]
    out["targets_ms"] = {"audit_open_p95": 200, "search_phone_p95": 200, "scroll_page_p95": 50}
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
