"""What the screen tests share: the app as the CLI builds it with a fixed user and clock,
and the text on its screen. (Waiting on the app: ``tests/pilot.py``.)"""

from __future__ import annotations

from datetime import datetime

from oms_tui.app import OmsApp, make_app
from oms_tui.config import Settings
from oms_tui.services.platform.db import Database

FROZEN_NOW = datetime(2026, 3, 2, 9, 30)
USER = "clerk"
ADMIN = "admin"  # may open every area (a clerk has no audit, dispatch or receivables)


def frozen_app(db: Database, user: str = USER, **kwargs: bool) -> OmsApp:
    """The app as the CLI builds it, with a fixed user (a clerk unless said: an admin
    opens every area) and a frozen clock."""
    app = make_app(Settings(database_url=db.url, user=user), db, **kwargs)
    app.clock = lambda: FROZEN_NOW
    return app


def flat(text: str) -> str:
    """Text with line breaks and runs of spaces collapsed (what wraps on screen still matches)."""
    return " ".join(text.split())


def screen_text(app: OmsApp) -> str:
    """The visible text of the whole screen."""
    return "\n".join(
        "".join(segment.text for segment in line)
        for line in app.screen._compositor.render_update(full=True).strips  # type: ignore[union-attr]
    )
