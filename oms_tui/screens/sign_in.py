"""Who is at the keyboard, in password mode (``services/platform/identity.py``).

``SignInScreen`` asks a name and a password when the app starts; as the idle lock
(``IdleLock``) it asks the same user's password again. It covers the whole screen (nothing
beneath shows through on a shared shop PC) and leaves everything beneath as it was: an
order being typed is there, as typed, once the password is given. Only F3 / Ctrl+Q (quit)
works around it; F12 / Esc do not back out of it.

``RefusedScreen`` is the app's answer to an OS account that is no user of the database:
whom to ask, and the command; any key quits.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from ..i18n import _, shown

IDLE_CHECK_S = 15.0  # how often the app looks at how long it has been idle


class SignInScreen(Screen[str]):
    """A name (at start) and a password; dismissed with the user's name once right."""

    DEFAULT_CSS = """
    SignInScreen {
        align: center middle;
        background: $background;
    }
    SignInScreen #sign-in {
        width: 60;
        max-width: 100%;
        height: auto;
        border: round $primary;
        border-title-color: $text-accent;
        background: $surface;
        padding: 0 1;
    }
    SignInScreen Input { width: 1fr; }
    SignInScreen #sign-in-message { color: $text-error; height: auto; }
    SignInScreen .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = []
    AUTO_FOCUS = "Input"  # i18n: no (a selector)

    def __init__(self, db: object, user: str | None = None) -> None:
        """``user`` None: sign in (the name asked); else the idle lock of ``user``."""
        super().__init__()
        self.db = db
        self.user = user

    def compose(self) -> ComposeResult:
        with Vertical(id="sign-in") as box:
            if self.user is None:
                box.border_title = _("Sign in")
                yield Static(_("Name"), classes="hint")
                yield Input(id="name", placeholder=_("your user name"))
            else:
                box.border_title = _("Locked")
                yield Static(_("Locked after a while without a key: {user}, your password "
                               "opens it again, as you left it.").format(user=self.user),
                             classes="hint")  # fmt: skip
            yield Static(_("Password"), classes="hint")
            yield Input(id="password", password=True)
            yield Static("", id="sign-in-message")
            yield Static(_("Enter: sign in · F3 / Ctrl+Q: quit"), classes="hint")

    @on(Input.Submitted, "#name")
    def name_given(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    def password_given(self, event: Input.Submitted) -> None:
        event.stop()
        name = self.user or self.query_one("#name", Input).value.strip()
        if not name:
            self.query_one("#name", Input).focus()
            return
        self.query_one("#sign-in-message", Static).update(_("Checking ..."))
        self.check(name, event.value)

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def check(self, name: str, password: str) -> None:
        from ..services.platform.identity import LoginRefused, check_password

        try:
            who = check_password(self.db, name, password)  # type: ignore[arg-type]
        except LoginRefused as refused:
            self.app.call_from_thread(self.refused, str(refused))
            return
        self.app.call_from_thread(self.dismiss, who)

    def refused(self, why: str) -> None:
        self.query_one("#sign-in-message", Static).update(shown(why))
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()


class RefusedScreen(Screen[None]):
    """The OS account running the app is no user of the database: whom to ask; any key quits."""

    DEFAULT_CSS = """
    RefusedScreen { align: center middle; }
    RefusedScreen #refused { width: 70; max-width: 100%; height: auto;
                             border: round $error; padding: 0 1; }
    """

    def __init__(self, why: str) -> None:
        super().__init__()
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(id="refused") as box:
            box.border_title = _("Not a user of this database")
            yield Static(shown(self.why))
            yield Static(_("Any key quits."))

    def on_key(self, event: events.Key) -> None:
        event.stop()
        self.app.exit(return_code=1)


class IdleLock:
    """For the app: in password mode, the sign-in screen at start and again (the idle
    lock) after ``idle_lock_minutes`` without a key or a click. ``idle_clock`` is what
    idleness is measured by (a test gives its own and calls ``check_idle``)."""

    idle_clock: Callable[[], float] = time.monotonic
    idle_lock_minutes = 0  # 0: never (the setting, read when a user signs in)
    _last_input = 0.0
    locked = False  # signing in, locked, or refused: only quitting works around it

    def start_sign_in(self) -> None:
        self.locked = True
        self.push_screen(SignInScreen(self.db), callback=self.signed_in)  # type: ignore[attr-defined]

    def signed_in(self, user: str | None) -> None:
        from dataclasses import replace

        from ..services.platform.settings import get_settings

        self.locked = False
        self.settings = replace(self.settings, user=user)  # type: ignore[attr-defined]
        self.show_user()  # type: ignore[attr-defined]
        self.idle_lock_minutes = get_settings(self.db).idle_lock_minutes  # type: ignore[attr-defined]
        self._last_input = self.idle_clock()
        self.set_interval(IDLE_CHECK_S, self.check_idle, name="idle-lock")  # type: ignore[attr-defined]
        self.signed_in_now()  # type: ignore[attr-defined]

    def note_input(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._last_input = self.idle_clock()

    def check_idle(self) -> None:
        """Lock when idle long enough (and not locked or signing in already)."""
        if self.locked or not self.idle_lock_minutes:
            return
        if self.idle_clock() - self._last_input >= self.idle_lock_minutes * 60:
            self.locked = True
            self.push_screen(SignInScreen(self.db, self.settings.user),  # type: ignore[attr-defined]
                             callback=self.unlocked)  # fmt: skip

    def unlocked(self, _user: str | None) -> None:
        self.locked = False
        self._last_input = self.idle_clock()
