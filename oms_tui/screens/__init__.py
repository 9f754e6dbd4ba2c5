"""Screens: one module (or package) per workflow, named after it, plus the home screen.

A large workflow is a package of its parts, so the file follows from the feature, e.g.
``receivables/``: ``screen.py`` (the screen), ``dialogs.py`` (its dialogs, and how their
fields are read), ``rows.py`` (how its rows and lines are written: pure text) and a module
per screen it pushes (``customer.py``, ``today.py``); the package's docstring has the keys
and says where each part lives, and the package exports the screen.

``WORKFLOWS`` is the one list of top-level areas: the app builds its ``MODES``, its
go-to keys and its command palette entries from it, and the home menu lists it.
Each area's screen is imported only when the user first opens it, so start-up stays lean.

Who may do what (``services/platform/permissions.py``): each area names the permission it
needs, and a screen names those of its actions in ``ACTION_PERMISSIONS``. A user whose
role lacks one does not see the area in the home menu or the palette, nor the action's
key in the footer or the palette, and the key does nothing; the service refuses the call
anyway. The role is looked up once per screen (``OmsScreen.role``).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, ClassVar, Protocol, cast

from textual import on
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from ..failures import TellsFailures, doing, failure_text
from ..i18n import N_, shown
from ..messages import Said
from ..services.platform.errors import StaleData
from ..services.platform.permissions import allowed, role_of

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from textual.worker import Worker

    from ..config import Settings
    from ..services.platform.db import Database

HOME_MODE = "home"


@dataclass(frozen=True)
class Workflow:
    """One top-level area of the product: a Textual mode opened by one letter."""

    mode: str
    key: str
    title: str
    module: str  # under oms_tui.screens
    screen_class: str
    summary: str  # one line for the home menu (fits 80 columns)
    plan: tuple[str, ...]  # what the screen will do, from the product plan
    permission: str  # what a user's role needs to open it (permissions.MATRIX)

    def load(self) -> Screen:
        """Import the area's screen module on first use and build its screen."""
        module = import_module(f"{__name__}.{self.module}")
        return cast(type[Screen], getattr(module, self.screen_class))()


WORKFLOWS: tuple[Workflow, ...] = (
    Workflow(
        "entry", "e", N_("Order entry"), "order_entry", "OrderEntryScreen",
        N_("Phone, walk-in and dealer orders"),
        (N_("Find the customer by phone, name or code; F4 prompts a lookup on any field."),
         N_("Add lines by product code or scan; prices come from the pricing engine."),
         N_("Stock, credit limit and totals show as you type; save a draft or submit to audit.")),
        "orders.enter",
    ),
    Workflow(
        "audit", "a", N_("Audit queue"), "audit_queue", "AuditQueueScreen",
        N_("Approve, reject or hold new orders"),
        (N_("Pending orders highest priority first, with automatic check results"),
         N_("(credit, price overrides, stock, address)."),
         N_("Approve / reject / hold / send back by key; bulk approve the clean ones.")),
        "orders.audit",
    ),
    Workflow(
        "orders", "o", N_("Order search"), "order_search", "OrderSearchScreen",
        N_("Find any order; status and history"),
        (N_("Find any order by number, customer, phone or status, newest first."),
         N_("Open it to see lines, status history, shipments and invoices."),
         N_("Cancel or reprint documents from the order, by key.")),
        "orders.view",
    ),
    Workflow(
        "stock", "s", N_("Stock"), "stock", "StockScreen",
        N_("On hand, allocated, receive and count"),
        (N_("On hand, allocated and available per product and warehouse."),
         N_("Receive, adjust and count stock with the barcode scanner;"),
         N_("every move is recorded with who and why.")),
        "stock.view",
    ),
    Workflow(
        "production", "p", N_("Production"), "production", "ProductionScreen",
        N_("Work orders for made-to-order lines"),
        (N_("Made-to-order and backordered lines grouped into work orders."),
         N_("Start and finish work orders and report quantities made;"),
         N_("finished goods allocate to their orders and release them to dispatch.")),
        "production.view",
    ),
    Workflow(
        "dispatch", "d", N_("Dispatch"), "dispatch", "DispatchScreen",
        N_("Pick, pack and ship ready orders"),
        (N_("Orders ready to ship: pick lists, scan-to-pack, weights and carrier."),
         N_("Print packing lists and labels; mark shipped, partially if the"),
         N_("customer's policy allows; the invoice is raised on shipping.")),
        "dispatch.ship",
    ),
    Workflow(
        "receivables", "r", N_("Receivables"), "receivables", "ReceivablesScreen",
        N_("Invoices, payments, overdue accounts"),
        (N_("Open and overdue invoices by customer with ageing buckets."),
         N_("Record payments and apply them to invoices; credit notes for returns."),
         N_("Put customers on credit hold and print statements.")),
        "finance.view",
    ),
    Workflow(
        "import", "i", N_("Import"), "order_import", "OrderImportScreen",
        N_("Load orders from CSV / Excel files"),
        (N_("Load e-commerce and dealer orders from CSV or Excel files."),
         N_("Preview every row with its errors before anything is saved;"),
         N_("a file goes in whole or not at all, and is never imported twice.")),
        "orders.import",
    ),
)  # fmt: skip

WORKFLOW_BY_MODE: dict[str, Workflow] = {wf.mode: wf for wf in WORKFLOWS}


class AppContext(Protocol):
    """What screens may use from the app: the database, who is acting, the clock."""

    db: Database
    settings: Settings
    daily_backup: bool  # the daily backup is still to take (home takes it)

    clock: Callable[[], datetime]


class OmsScreen(TellsFailures, Screen[None]):
    """Base for the product's screens: typed access to the app's database and user, the
    message line, and the one way a worker's outcome or failure reaches it."""

    @property
    def context(self) -> AppContext:
        return cast("AppContext", self.app)

    @property
    def db(self) -> Database:
        return self.context.db

    @property
    def user(self) -> str:
        return self.context.settings.user

    # Actions of this screen that need a permission: action name -> permission. Hidden
    # (footer, palette) and inert for a role without it.
    ACTION_PERMISSIONS: ClassVar[dict[str, str]] = {}
    _role: str | None = None
    _role_read = False

    @property
    def role(self) -> str | None:
        """The acting user's role, read once for this screen (None: no user of this
        database, or disabled: then nothing that needs a permission is offered)."""
        if not self._role_read:
            try:
                self._role = role_of(self.db, self.user)
            except Exception:  # noqa: BLE001 - not a user, or no database: the reads say why
                self._role = None
            self._role_read = True
        return self._role

    def may(self, permission: str) -> bool:
        """Whether the acting user's role has ``permission``."""
        return allowed(self.role, permission)

    def may_act(self, action: str) -> bool:
        """Whether the acting user may run this screen's ``action`` (``ACTION_PERMISSIONS``)."""
        needed = self.ACTION_PERMISSIONS.get(action)
        return needed is None or self.may(needed)

    def open_workflows(self) -> tuple[Workflow, ...]:
        """The areas the acting user may open, in menu order."""
        return tuple(wf for wf in WORKFLOWS if self.may(wf.permission))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """An action the user's role may not do is hidden and does nothing; a screen that
        checks more calls this first."""
        return self.may_act(action)

    # The one-line message a screen answers a key with (``say``): the Static with this id.
    MESSAGE_ID: ClassVar[str] = "message"
    # False when that line has a fixed height in the .tcss: no screen-wide layout pass
    MESSAGE_LAYOUT: ClassVar[bool] = True

    def say(self, text: str | Content, error: bool = False) -> None:
        """Show ``text`` on the screen's message line; an error in the error style, with
        the bell (a clerk whose eyes are on the paper order hears it)."""
        message = self.query_one(f"#{self.MESSAGE_ID}", Static)
        if isinstance(text, str):
            text = shown(text)  # a service's sentence in the clerk's language
        message.update(Content.styled(str(text), "bold $text-error") if error else text,
                       layout=self.MESSAGE_LAYOUT)  # fmt: skip
        message.set_class(error, "-error")
        if not message.display:  # a line hidden until there is something to say
            message.display = True
        if error:
            self.app.bell()

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        """A worker raised: the failure on the message line, with the bell (an
        ``OmsError`` as its sentence; anything else names what failed and is logged).
        A screen with something to undo overrides this and calls it. A stale refusal
        (``StaleData``) reads again what the screen shows."""
        self.say(failure_text(doing(worker), error), error=True)
        if isinstance(error, StaleData):
            self.reload_after_job()

    @on(Said)
    def _said(self, message: Said) -> None:
        message.stop()
        self.job_said(message)

    def job_said(self, message: Said) -> None:
        """A worker's job ended (``Said``): on the message line; with ``reload``, what
        the screen shows is read again."""
        self.say(message.text, error=message.error)
        if message.reload:
            self.reload_after_job()

    def reload_after_job(self) -> None:
        """A job changed what the screen shows: read it again (screens that show data)."""
