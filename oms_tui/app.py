"""The terminal app: one mode per area of work, one key grammar everywhere.

Key grammar (the README copies this table):

| Key        | Twin        | Where                         | Does                               |
|------------|-------------|-------------------------------|------------------------------------|
| `e`        |             | any screen, no field focused  | Order entry                        |
| `a`        |             | any screen, no field focused  | Audit queue                        |
| `o`        |             | any screen, no field focused  | Order search                       |
| `s`        |             | any screen, no field focused  | Stock                              |
| `p`        |             | any screen, no field focused  | Production                         |
| `d`        |             | any screen, no field focused  | Dispatch                           |
| `r`        |             | any screen, no field focused  | Receivables                        |
| `i`        |             | any screen, no field focused  | Import                             |
| `Up`/`Down`|             | home menu                     | highlight an area; `Enter` opens it|
| `F12`      | `Esc`       | everywhere                    | back out: close top screen, or home|
| `F3`       | `Ctrl+Q`    | everywhere, even in a field   | exit                               |
| `F1`       | `?`         | everywhere (`?` not in field) | show / close the list of keys      |
| `F5`       | `Ctrl+R`    | home                          | refresh counts (also every 30 s)   |
| `Ctrl+T`   |             | everywhere                    | light / dark theme                 |
| `Ctrl+F`   |             | everywhere                    | interface language 中文 / English  |
| `Ctrl+P`   |             | everywhere                    | command palette ("Go to: ...")     |
| `Tab`      | `Shift+Tab` | everywhere                    | next / previous field              |

Rules that keep it one grammar: every F-key has a letter or Ctrl twin (SSH may drop
F-keys); single letters never act while a text field has focus (the letter is typed);
keys that must work inside a text field use F-keys, Ctrl keys Textual's ``Input`` does
not swallow, or ``priority=True``. ``F4`` (prompt a lookup on the focused field, as
in IBM 5250 order entry) is reserved for the workflow screens. Every binding has an
``id`` (``app.*``, ``go.*``, ``home.*``) so a keymap can remap it.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import ClassVar

from rich.cells import cell_len
from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.worker import Worker

from .commands import GoToCommands
from .config import Settings, sqlite_path
from .failures import TellsFailures, doing, log_failure
from .i18n import CHINESE, ENGLISH, LANGUAGES, N_, _, current_language, set_language
from .messages import HomeReady, OpenOrder, SettingsLoaded
from .screens import HOME_MODE, WORKFLOW_BY_MODE, WORKFLOWS, OmsScreen
from .screens.home import HomeScreen
from .screens.key_help import KeyHelpScreen
from .screens.sign_in import IdleLock, RefusedScreen
from .services.platform.db import Database
from .type_ahead import TypeAhead
from .widgets.order_list import fit

APP_NAME = "OMS"
# Textual's own words that oms shows (the palette key, its system commands), for the catalog:
# the key footer and the palette say them through ``_``.
TEXTUAL_WORDS = (
    N_("palette"), N_("Open the command palette"), N_("Theme"), N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"), N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"), N_("Maximize"),
    N_("Maximize the focused widget"), N_("Minimize"),
    N_("Minimize the widget and restore to normal size"), N_("Bell"), N_("Ring the bell"),
)  # fmt: skip


def short_database(url: str, limit: int = 32) -> str:
    """A database URL shortened for the sub-title, never showing a password."""
    path = sqlite_path(url)
    if url.startswith("sqlite"):
        text = path.name if path is not None else "in-memory"
    else:
        from sqlalchemy.engine import make_url

        u = make_url(url)
        text = f"{u.host or 'localhost'}/{u.database or ''}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


class OmsApp(TellsFailures, TypeAhead, IdleLock, App[None]):
    """Order management: home plus one mode per workflow area, all reached by one key."""

    CSS_PATH = "app.tcss"
    TITLE = APP_NAME
    DEFAULT_MODE = HOME_MODE
    MODES: ClassVar[dict[str, str | Callable[[], Screen]]] = {
        HOME_MODE: HomeScreen,
        **{wf.mode: wf.load for wf in WORKFLOWS},
    }
    COMMANDS = App.COMMANDS | {GoToCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f12,escape",
            "back_out",
            N_("Back"),
            key_display="F12/Esc",
            id="app.back",
            tooltip=N_("Back out: close this screen, or go home"),
        ),
        Binding(
            "f1,question_mark",
            "toggle_keys",
            N_("Keys"),
            key_display="F1/?",
            id="app.keys",
            tooltip=N_("This list of keys"),
        ),
        Binding(
            "ctrl+t",
            "toggle_dark",
            N_("Theme"),
            key_display="^T",
            id="app.theme",
            tooltip=N_("Light / dark theme"),
        ),
        # Ctrl+Q (Textual's own quit binding, priority) is the twin.
        Binding(
            "f3",
            "quit",
            N_("Quit"),
            key_display="F3/^Q",
            priority=True,
            id="app.quit",
            tooltip=N_("Exit OMS"),
        ),
        # Not in the footer (a setting, changed seldom): in F1 and the palette.
        Binding(
            "ctrl+f",
            "switch_language",
            N_("Language"),
            key_display="^F",
            show=False,
            id="app.language",
            tooltip=N_("Interface language: 中文 / English (kept as your setting)"),
        ),
        *(
            Binding(wf.key, f"switch_mode({wf.mode!r})", wf.title, show=False, id=f"go.{wf.mode}")
            for wf in WORKFLOWS
        ),
    ]

    # How long the start-up notice (a demo database created, a schema upgraded) stays.
    NOTICE_TIMEOUT: ClassVar[float] = 30.0

    def __init__(
        self,
        settings: Settings,
        db: Database,
        *,
        exit_when_ready: bool = False,
        notice: str | None = None,
        daily_backup: bool = False,
        sign_in: bool = False,
        refused: str | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.db = db
        self.exit_when_ready = exit_when_ready
        self.daily_backup = daily_backup  # still to take, once home has painted (home.py)
        self.notice = notice
        self._warmed = False
        self.clock: Callable[[], datetime] = datetime.now
        self.sign_in, self.refused = sign_in, refused  # password mode; an unknown OS account
        self.show_user()

    def show_user(self) -> None:
        self.sub_title = f"{self.settings.user} @ {short_database(self.db.url)}"

    def signed_in_now(self) -> None:
        """Someone signed in (password mode): home counts again, as them."""
        if isinstance(self.screen, HomeScreen):
            self.screen.action_refresh_counts()

    def on_mount(self) -> None:
        if self.refused:
            self.locked = True
            self.push_screen(RefusedScreen(self.refused))
        elif self.sign_in:
            self.start_sign_in()
        # What happened before the app painted (the terminal lines are hidden behind it).
        if self.notice:
            self.notify(self.notice, title=_("Database"), timeout=self.NOTICE_TIMEOUT, markup=False)

    # -- keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.locked:  # signing in, the idle lock, refused: nothing but quitting
            return action == "quit"
        if action == "back_out":
            # Hidden (and the key passed on) when there is nothing to back out of.
            return len(self.screen_stack) > 1 or self.current_mode != HOME_MODE
        if action == "switch_mode":
            # A dialog must be answered (or backed out of) before changing area; an area
            # the user's role may not open is not offered.
            if isinstance(self.screen, ModalScreen):
                return False
            workflow = WORKFLOW_BY_MODE.get(str(parameters[0])) if parameters else None
            return workflow is None or self.may(workflow.permission)
        return True

    def may(self, permission: str) -> bool:
        """Whether the acting user's role has ``permission`` (as the current screen read it)."""
        screen = self.screen
        return isinstance(screen, OmsScreen) and screen.may(permission)

    def action_back_out(self) -> None:
        """F12 / Esc: close the top screen of this area, or go home from an area's base screen."""
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif self.current_mode != HOME_MODE:
            self.switch_mode(HOME_MODE)

    def action_toggle_keys(self) -> None:
        """F1 / ?: the key grammar for the current screen (closed by the same keys)."""
        if not isinstance(self.screen, KeyHelpScreen):
            self.push_screen(KeyHelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            # ours lists the grammar, not the focused widget's keys
            if command.title != "Keys":  # i18n: no (Textual's title)
                yield SystemCommand(_(command.title), _(command.help), command.callback,
                                    command.discover)  # fmt: skip
        yield SystemCommand(_("Keys"), _("Every key of this screen (F1 / ?)"),
                            self.action_toggle_keys)  # fmt: skip
        yield SystemCommand(_("Light / dark theme"), _("Switch between light and dark (Ctrl+T)"),
                            self.action_toggle_dark)  # fmt: skip
        other = CHINESE if current_language() == ENGLISH else ENGLISH
        yield SystemCommand(
            _("Language: {language}").format(language=LANGUAGES[other]),
            _("Speak {language} from now on; kept as your setting (Ctrl+F)").format(
                language=LANGUAGES[other]),
            self.action_switch_language,
        )  # fmt: skip
        if isinstance(screen, HomeScreen):
            yield SystemCommand(
                _("Refresh counts"), _("Read today's counts again (F5 / Ctrl+R)"),
                screen.action_refresh_counts,
            )  # fmt: skip

    # -- language -----------------------------------------------------------------------------

    def action_switch_language(self) -> None:
        """Ctrl+F: the other language (中文 / English), at once, kept as the user's setting."""
        language = CHINESE if current_language() == ENGLISH else ENGLISH
        self.apply_language(language)
        self.save_language(language)

    def apply_language(self, language: str) -> None:
        """Speak ``language`` on every screen now: the key footers and F1 follow the
        bindings; each screen that shows words of its own says them again (``retranslate``)."""
        set_language(language)
        for stack in self._screen_stacks.values():
            for screen in stack:
                retranslate = getattr(screen, "retranslate", None)
                if retranslate is not None:
                    retranslate()
        self.refresh_bindings()

    @work(thread=True, group="language", exit_on_error=False,
          description=N_("save the language"))  # fmt: skip
    def save_language(self, language: str) -> None:
        from .services.platform.language import set_user_language

        set_user_language(self.db, self.settings.user, self.settings.user, language)
        self.call_from_thread(self.notify, _("Interface language: {language}").format(
            language=LANGUAGES[language]), timeout=3)  # fmt: skip

    # -- messages -----------------------------------------------------------------------------

    @on(SettingsLoaded)
    def show_company(self, message: SettingsLoaded) -> None:
        self.title = message.company_name or APP_NAME

    @on(OpenOrder)
    def open_order(self, message: OpenOrder) -> None:
        from .screens.order_detail import OrderDetailScreen

        self.push_screen(OrderDetailScreen(message.number))

    def format_title(self, title: str, sub_title: str) -> Content:
        """ "Company — user @ database" in the header: when it does not fit, the company
        gives way first, then the database; the user's name never does (who is acting is
        what a clerk sharing a terminal must see)."""
        room = max(24, self.size.width - 18)  # less the header's icon (8) and clock space (10)
        user, at, where = sub_title.partition(" @ ")
        if at and cell_len(title) + 3 + cell_len(sub_title) > room:
            title = fit(title, max(8, room - 3 - cell_len(sub_title))).rstrip()
            spare = room - cell_len(title) - 3 - cell_len(user) - 3
            if cell_len(where) > spare:
                where = fit(where, max(4, spare)).rstrip()
            sub_title = f"{user} @ {where}"
        return super().format_title(title, sub_title)

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        """The app's own workers (warming up, releasing an order) have no message line:
        their failure is only logged."""
        log_failure(doing(worker), error)

    @on(HomeReady)
    def home_ready(self, message: HomeReady) -> None:
        if self.exit_when_ready:
            self.exit(return_code=1 if message.error else 0, message=message.error or None)
        elif not self._warmed:
            self._warmed = True
            self.warm_up()

    @work(thread=True, group="warm-up", exit_on_error=False, description=N_("warm up"))
    def warm_up(self) -> None:
        """Import the data model once home is painted, so the first workflow opens at once.

        Start-up skips it (sqlmodel/pydantic cost ~0.3 s); the clerk is reading the home
        screen meanwhile.
        """
        import oms_tui.services.sales.orders  # noqa: F401  (and with it the models)

        # Everything loaded so far lives as long as the app: move it out of the collector's
        # sight, so a full collection (30-120 ms over all of it) no longer lands on a keypress.
        gc.collect()
        gc.freeze()
        self.call_from_thread(self._full_collections_when_idle)

    # -- garbage collection ---------------------------------------------------------------------

    # Python's full (generation 2) collection walks every tracked object, ~20-70 ms here even
    # after the freeze above, and ran on whichever key allocated the object that crossed its
    # threshold. Automatic full collections are off once the app is up; a timer runs one when
    # the clerk has not pressed a key for GC_IDLE_S, and at least every GC_MAX_S even during
    # nonstop typing. Young objects (generations 0 and 1, under 1 ms) are still collected
    # automatically.
    GC_IDLE_S: ClassVar[float] = 1.0
    GC_MAX_S: ClassVar[float] = 60.0
    _last_key = 0.0
    _last_full_gc = 0.0
    _gc_threshold: tuple[int, int, int] | None = None  # Python's, given back at exit

    def _full_collections_when_idle(self) -> None:
        if self._gc_threshold is None:
            self._gc_threshold = gc.get_threshold()
            young, middle, _full = self._gc_threshold
            gc.set_threshold(young, middle, 1_000_000_000)  # no automatic full collection
        self._last_full_gc = time.monotonic()
        self.set_interval(self.GC_IDLE_S / 2, self._collect_if_idle, name="full-gc")

    def _collect_if_idle(self) -> None:
        now = time.monotonic()
        since = now - self._last_full_gc
        idle = now - self._last_key >= self.GC_IDLE_S
        if since >= self.GC_MAX_S or (idle and since >= 10 * self.GC_IDLE_S
                                      and gc.get_count()[2]):  # fmt: skip
            gc.collect()
            self._last_full_gc = time.monotonic()

    def on_unmount(self) -> None:
        if self._gc_threshold is not None:
            gc.set_threshold(*self._gc_threshold)
            self._gc_threshold = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_key = time.monotonic()
        self.note_input(event)
        await super().on_event(event)


def make_app(
    settings: Settings,
    db: Database | None = None,
    *,
    exit_when_ready: bool = False,
    notice: str | None = None,
    language: str | None = None,
    daily_backup: bool = False,
    sign_in: bool = False,
    refused: str | None = None,
) -> OmsApp:
    """The one way to build the app (CLI, tests, benchmark).

    ``db`` defaults to the settings' database. ``exit_when_ready`` exits as soon as the
    home screen has painted its counts (start-up benchmark). ``notice`` is shown in the app
    once it is up (what ``oms`` did to the database before opening it). ``daily_backup``:
    once home has painted, back the database up unless a backup of today exists (``oms``
    does; tests and the benchmark do not). ``language``: the interface language (``oms``
    passes the user's, ``services.platform.language``); None keeps the one in use.
    ``sign_in``: password mode, the sign-in screen first and the idle lock
    (``screens/sign_in.py``); ``refused``: why the OS account may not use the database.
    """
    if language is not None:
        set_language(language)
    database = db or Database(settings.database_url)
    return OmsApp(settings, database, exit_when_ready=exit_when_ready, notice=notice,
                  daily_backup=daily_backup, sign_in=sign_in, refused=refused)  # fmt: skip
