"""A killed process mid-order leaves a draft that the next start offers to resume.

A child process runs the real app headless (``make_app`` + ``run_test``), types a known
caller and two lines, then sleeps; the parent waits until the draft row holds those lines,
SIGKILLs the child (no clean shutdown, no exit handlers) and opens a new app on the same
database, which must offer the draft and restore the customer and the lines.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import select

from oms_tui.models import Order
from oms_tui.screens.order_entry import OrderEntryScreen
from oms_tui.services.platform.db import Database
from oms_tui.services.sales import drafts
from oms_tui.widgets.dialogs import ChoiceDialog

from .app_helpers import flat, frozen_app, screen_text
from .test_order_entry import make_shop, settle

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import asyncio, sys
from oms_tui.app import make_app
from oms_tui.config import Settings

async def main(url: str) -> None:
    app = make_app(Settings(database_url=url, user="clerk"))
    async with app.run_test(size=(80, 24)) as pilot:
        async def settle() -> None:
            for _ in range(6):
                await app.workers.wait_for_complete()
                await pilot.pause()
        await settle()
        await pilot.press("e")
        await settle()
        await pilot.press(*"13800138", "enter")
        await settle()
        await pilot.press(*"XD-40W*2", "enter", *"LED-9W", "enter")
        await settle()
        print("typed", flush=True)
        await asyncio.sleep(3600)  # mid-order: the clerk never saves

asyncio.run(main(sys.argv[1]))
"""


def wait_for_draft(db: Database, child: subprocess.Popen, timeout: float) -> drafts.DraftView:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert child.poll() is None, child.stderr.read() if child.stderr else child.returncode
        draft = drafts.latest_draft(db, "clerk")
        if draft is not None and [ln["qty"] for ln in draft.payload.get("lines", [])] == [2, 1]:
            return draft
        time.sleep(0.1)
    raise AssertionError(f"no draft with the two lines after {timeout} s")


@pytest.mark.slow
async def test_a_killed_process_leaves_a_draft_the_next_start_resumes(
    sqlite_db: Database, tmp_path: Path
) -> None:
    shop = make_shop(sqlite_db)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "TEXTUAL_ANIMATIONS": "none", "PYTHONPATH": path}
    child = subprocess.Popen([sys.executable, str(script), sqlite_db.url], cwd=tmp_path,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        draft = wait_for_draft(sqlite_db, child, timeout=300)  # for a broken build
        os.kill(child.pid, signal.SIGKILL)  # no clean shutdown
        assert child.wait(timeout=5) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert draft.customer_id == shop["known"] and draft.summary == "王小明: 2 lines"
    with sqlite_db.read() as s:
        assert len(s.exec(select(Order)).all()) == 1  # only the fixture's order

    app = frozen_app(sqlite_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        assert "Unfinished order" in screen_text(app) and "王小明: 2 lines" in screen_text(app)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OrderEntryScreen)
        assert screen.model.customer_id == shop["known"]
        assert [(ln.product.id, ln.qty) for ln in screen.model.lines if ln.product] == [
            (shop["lamp"], 2), (shop["bulb"], 1)]  # fmt: skip
        assert "Total ¥413.00 CNY" in flat(screen_text(app))
