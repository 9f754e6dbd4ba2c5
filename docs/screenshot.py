"""Regenerate docs/screenshot.svg: the home screen on the demo database at 120x40.

.venv/bin/python docs/screenshot.py
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from oms_tui.app import make_app
from oms_tui.config import Settings
from oms_tui.demo.seed import seed_demo
from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.resolve(db=f"{tmp}/demo.db", user="wang.fang")
        db = Database(settings.database_url)
        schema.upgrade(db)
        seed_demo(db, settings.user)
        app = make_app(settings, db)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.save_screenshot("screenshot.svg", str(Path(__file__).parent))
        db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
