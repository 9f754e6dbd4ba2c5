"""Import: the file, its preview and the import (the package's docstring has the area's keys)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, Label, ProgressBar, Static
from textual.worker import Worker

from ...commands import ScreenCommands
from ...failures import logged_text
from ...i18n import N_, _, ngettext
from ...services.exchange import order_import
from ...services.exchange.order_import import (
    ImportPlan,
    ImportResult,
    PlannedOrder,
    Problem,
    Profile,
)
from ...services.platform.printing import documents_dir
from ...services.sales.channels import Channel
from ...widgets.dialogs import ChoiceDialog, PromptDialog
from ...widgets.footer import KeysFooter
from ...widgets.order_list import OrderList
from ...widgets.scan_input import ScanInput
from .. import OmsScreen
from ..list_screen import key_hint
from ..order_entry.options import CHANNEL_CHOICES
from .files import FileRow, import_files, import_folders
from .rows import (
    UNKNOWN_CODE,
    file_row,
    files_head,
    order_row,
    orders_head,
    plan_counts,
    problem_row,
    problems_head,
    result_counts,
    result_text,
)

PROFILE_KEYS = "123456789abcdfghjlmnoqrstuvwxyz"  # no e, i, k, p (kept for nothing clashing)
CHANNEL_LABEL = {value: label for _key, value, label in CHANNEL_CHOICES}
CHANNEL_KEYS = "123456789abcfghijlmnoqrstuvxyz"  # the shop's own channels (not d e k p w)
# the channels' names (``order_entry.options.CHANNEL_CHOICES``), said in the current language
CHANNEL_WORDS = (N_("Phone"), N_("Walk-in"), N_("E-commerce"), N_("Dealer"), N_("Key account"))


def key_hints() -> Content:
    return key_hint(("Enter", N_("read the file")),  # i18n: no (the key's name)
                    ("F4", N_("another file")),
                    ("F5", N_("read again")), ("F1", N_("all keys")))  # fmt: skip


def orders_text(n: int) -> str:
    return ngettext("{n} order", "{n} orders", n).format(n=n)


def channel_label(channel: str) -> str:
    return _(CHANNEL_LABEL[channel]) if channel in CHANNEL_LABEL else channel


def channel_choices(channels: Sequence[Channel]) -> list[tuple[str, str, str]]:
    """F7's choices: each kind's own channel by its letter (``e`` e-commerce, ...), the
    shop's own channels (two web shops) by digit; not the standing orders'."""
    letters = {value: key for key, value, _label in CHANNEL_CHOICES}
    spare = iter(CHANNEL_KEYS)
    out = []
    for c in channels:
        if c.kind == "standing":
            continue
        if c.name in letters:
            out.append((letters[c.name], c.name, channel_label(c.name)))
        else:
            out.append(
                (
                    next(spare, ""),
                    c.name,
                    _("{name}  ({kind}, profile {profile})").format(
                        name=c.name, kind=channel_label(c.kind), profile=c.profile
                    ),
                )
            )
    return out


# -- the screen --------------------------------------------------------------------------------


class OrderImportScreen(OmsScreen):
    """File, profile and channel; the preview; import with a progress bar; the error report."""

    MESSAGE_ID = "imp-message"
    ACTION_PERMISSIONS: ClassVar[dict[str, str]] = {
        "import_orders": "orders.import", "map_code": "orders.import",
    }  # fmt: skip

    MODE = "import"
    CSS_PATH = "order_import.tcss"
    COMMANDS = {ScreenCommands}
    PALETTE_PREFIX = N_("Import")
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("import_orders", N_("Import the orders"),
         N_("As previewed, into the audit queue (F2 / Ctrl+S)")),
        ("choose_file", N_("Choose another file"),
         N_("Type a path or pick from the list (F4 / Ctrl+L)")),
        ("preview", N_("Preview again"), N_("Read the file again and check it (F5 / Ctrl+R)")),
        ("profile", N_("Profile"), N_("Which column holds which field (F6 / Ctrl+O)")),
        ("channel", N_("Channel"), N_("Where the orders came from (F7 / Ctrl+N)")),
        ("map_code", N_("Map product code"), N_("An unknown code to one of ours (F8 / Ctrl+Y)")),
        ("save_report", N_("Save error report"), N_("The bad rows as CSV (F9 / Ctrl+B)")),
    )  # fmt: skip
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2,ctrl+s", "import_orders", N_("Import"), key_display="F2/^S",
                id="import.run", tooltip=N_("Import the previewed orders into the audit queue")),
        Binding("f6,ctrl+o", "profile", N_("Profile"), key_display="F6/^O", id="import.profile",
                tooltip=N_("Profile: which column holds which field (1-9 picks)")),
        Binding("f7,ctrl+n", "channel", N_("Channel"), key_display="F7/^N", id="import.channel",
                tooltip=N_("Channel the orders came from (a letter picks)")),
        Binding("f8,ctrl+y", "map_code", N_("Map code"), key_display="F8/^Y", id="import.map",
                tooltip=N_("Map the highlighted unknown product code to ours")),
        Binding("f9,ctrl+b", "save_report", N_("Report"), key_display="F9/^B",
                id="import.report",
                tooltip=N_("Save the error report (CSV) in the documents folder")),
        Binding("f4,ctrl+l", "choose_file", N_("File"), key_display="F4/^L", show=False,
                id="import.file", tooltip=N_("Choose another file")),
        Binding("f5,ctrl+r", "preview", N_("Again"), key_display="F5/^R", show=False,
                id="import.preview", tooltip=N_("Read the file and preview it again")),
        Binding("down", "move_file(1)", N_("Next file"), show=False, id="import.file_next"),
        Binding("up", "move_file(-1)", N_("Previous file"), show=False, id="import.file_prev"),
    ]  # fmt: skip

    class ProfilesRead(Message):
        def __init__(self, profiles: list[Profile], channels: list[Channel]) -> None:
            super().__init__()
            self.profiles, self.channels = profiles, channels

    class Planned(Message):
        def __init__(self, generation: int, path: Path, data: bytes, plan: ImportPlan) -> None:
            super().__init__()
            self.generation, self.path, self.data, self.plan = generation, path, data, plan

    class Progress(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

    class Imported(Message):
        def __init__(self, result: ImportResult) -> None:
            super().__init__()
            self.result = result

    class Mapped(Message):
        def __init__(self, code: str, ours: str) -> None:
            super().__init__()
            self.code, self.ours = code, ours

    class Saved(Message):
        def __init__(self, path: Path, rows: int) -> None:
            super().__init__()
            self.path, self.rows = path, rows

    def __init__(self) -> None:
        super().__init__()
        self.profiles: list[Profile] = [Profile(n, ch, dict(m)) for n, (ch, m)
                                        in order_import.SHIPPED_PROFILES.items()]  # fmt: skip
        self.profile = "oms"
        self.channels: list[Channel] = [Channel(value, value, "")
                                        for _key, value, _label in CHANNEL_CHOICES]  # fmt: skip
        self.channel: str | None = None  # None: the profile's own
        self.path: Path | None = None
        self.data: bytes | None = None
        self.plan: ImportPlan | None = None
        self.result: ImportResult | None = None
        self.busy = ""  # what a worker is doing that must finish first ("" none)
        self._generation = 0  # of the preview asked for last

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="imp"):
            with Horizontal(id="imp-file-row"):
                yield Label(_("File"), id="imp-file-label")
                yield ScanInput(id="imp-path", keep_value=True,
                                placeholder=_("type a path and Enter, or pick below"))  # fmt: skip
            yield Static("", id="imp-settings")
            with Vertical(id="imp-choose"):
                yield Static("", id="imp-files-head")
                yield OrderList(file_row, key=lambda r: str(r.path), id="imp-files",
                                empty_text=_("No .csv or .xlsx files here, in Documents or "
                                             "Downloads: type the path."))  # fmt: skip
            with Vertical(id="imp-preview"):
                yield Static("", id="imp-counts")
                yield Static("", id="imp-orders-head")
                yield OrderList(order_row, key=lambda o: o.external_id, id="imp-orders",
                                empty_text=_("No orders in the file."))  # fmt: skip
                yield Static("", id="imp-problems-head")
                yield OrderList(problem_row, key=lambda p: (p.row, p.column), id="imp-problems",
                                empty_text=_("No problems: every row is good."))  # fmt: skip
            yield ProgressBar(id="imp-progress", show_eta=False)
            yield Static("", id="imp-message")
            yield Static(key_hints(), id="imp-keys")
        yield KeysFooter(compact=True)

    # -- parts ---------------------------------------------------------------------------------

    @property
    def path_input(self) -> ScanInput:
        return self.query_one("#imp-path", ScanInput)

    @property
    def files(self) -> OrderList[FileRow]:
        return self.query_one("#imp-files", OrderList)

    @property
    def orders(self) -> OrderList[PlannedOrder]:
        return self.query_one("#imp-orders", OrderList)

    @property
    def problems(self) -> OrderList[Problem]:
        return self.query_one("#imp-problems", OrderList)

    @property
    def progress(self) -> ProgressBar:
        return self.query_one("#imp-progress", ProgressBar)

    @property
    def channel_now(self) -> str:
        if self.channel:
            return self.channel
        for p in self.profiles:
            if p.name == self.profile:
                return p.channel
        return "ecommerce"

    def show_settings(self) -> None:
        channel = channel_label(self.channel_now)
        parts: list[str | tuple[str, str]] = [
            (_("Profile") + " ", "dim"), (self.profile, "bold"),
            (" (F6) · " + _("channel") + " ", "dim"), (channel, "bold"), (" (F7)", "dim"),
        ]  # fmt: skip
        if self.plan is not None and self.path is not None:
            parts += [
                (" · ", "dim"),
                ngettext("{n} row in {file}", "{n} rows in {file}", self.plan.rows).format(
                    n=self.plan.rows, file=self.path.name
                ),
            ]
        self.query_one("#imp-settings", Static).update(Content.assemble(*parts))

    def show_stage(self, preview: bool) -> None:
        self.query_one("#imp-choose").display = not preview
        self.query_one("#imp-preview").display = preview

    def on_mount(self) -> None:
        self.show_heads()
        self.progress.display = False
        self.show_stage(False)
        self.show_settings()
        self.path_input.focus()
        self.list_files()
        self.read_profiles()
        self.say(_("Type the file's path, or pick one with Up/Down; Enter reads it."))

    def show_heads(self) -> None:
        width = self.size.width - 2
        self.query_one("#imp-files-head", Static).update(files_head(width))
        self.query_one("#imp-orders-head", Static).update(orders_head(width))
        if self.plan is not None:
            self.query_one("#imp-problems-head", Static).update(self.problems_heading())

    def problems_heading(self) -> str | Content:
        if self.plan is not None and self.plan.problems:
            return problems_head(self.size.width - 2)
        return Content.styled(" " + _("Problems: none"), "bold")

    def retranslate(self) -> None:
        """The language changed: labels, heads, settings and the lists again in it."""
        self.query_one("#imp-file-label", Label).update(_("File"))
        self.path_input.placeholder = _("type a path and Enter, or pick below")
        self.query_one("#imp-keys", Static).update(key_hints())
        self.show_heads()
        self.show_settings()
        for rows in (self.files, self.orders, self.problems):
            rows.update_rows(list(rows.rows))
        if self.plan is not None:
            counts = result_counts(self.result) if self.result else plan_counts(self.plan)
            self.query_one("#imp-counts", Static).update(counts)

    # -- choosing the file, profile and channel -----------------------------------------------

    def list_files(self) -> None:
        self.files.load(lambda _cursor: (import_files(import_folders()), None))

    @work(thread=True, exclusive=True, group="imp-profiles", exit_on_error=False,
          description=N_("read the saved profiles and the channels"))  # fmt: skip
    def read_profiles(self) -> None:
        from ...services.sales.channels import list_channels

        self.post_message(self.ProfilesRead(order_import.profiles(self.db),
                                            list_channels(self.db)))  # fmt: skip

    @on(ProfilesRead)
    def profiles_read(self, message: ProfilesRead) -> None:
        self.profiles, self.channels = message.profiles, message.channels

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "move_file":  # only while choosing, else Up/Down are the lists'
            return self.query_one("#imp-choose").display
        return super().check_action(action, parameters)

    def action_move_file(self, step: int) -> None:
        self.files.action_move(step)

    @on(ScanInput.Scanned, "#imp-path")
    def path_entered(self, event: ScanInput.Scanned) -> None:
        event.stop()
        text = event.value.strip().strip('"')
        if text:
            self.read(Path(text).expanduser())
        elif self.files.highlighted is not None:
            self.read(self.files.highlighted.path)
        else:
            self.say(_("Type the file's path (.csv or .xlsx), then Enter."), error=True)

    @on(OrderList.Opened, "#imp-files")
    def file_opened(self, event: OrderList.Opened) -> None:
        event.stop()
        self.read(event.row.path)

    def read(self, path: Path) -> None:
        if self.is_busy():
            return
        self.path = path
        self.path_input.value = str(path)
        self.action_preview()

    def is_busy(self) -> bool:
        if self.busy:
            self.say(_("{doing} Wait for it to finish.").format(doing=self.busy), error=True)
        return bool(self.busy)

    def action_choose_file(self) -> None:
        if self.is_busy():
            return
        self.plan = self.result = self.data = self.path = None
        self.show_stage(False)
        self.show_settings()
        self.path_input.focus()
        self.list_files()
        self.say(_("Type the file's path, or pick one with Up/Down; Enter reads it."))

    def action_profile(self) -> None:
        if self.is_busy():
            return
        choices = [(PROFILE_KEYS[n], p.name,
                    _("{name}  ({channel}; order id column '{column}')").format(
                        name=p.name, channel=p.channel, column=p.mapping.get("external_id")))
                   for n, p in enumerate(self.profiles[:len(PROFILE_KEYS)])]  # fmt: skip

        def picked(name: str | None) -> None:
            if name:
                self.profile, self.channel = name, None
                self.changed()

        self.app.push_screen(ChoiceDialog(_("Profile"), choices, current=self.profile),
                             picked)  # fmt: skip

    def action_channel(self) -> None:
        if self.is_busy():
            return

        def picked(channel: str | None) -> None:
            if channel:
                self.channel = channel
                own = next((c.default_profile for c in self.channels if c.name == channel), "")
                self.profile = own or self.profile  # the channel's files are read its way
                self.changed()

        self.app.push_screen(ChoiceDialog(_("Channel"), channel_choices(self.channels),
                                          current=self.channel_now), picked)  # fmt: skip

    def changed(self) -> None:
        """Profile or channel chosen: the preview (when a file is read) follows."""
        self.show_settings()
        if self.path is not None:  # a file was read (or failed to be): again with these
            self.action_preview()

    # -- the preview ---------------------------------------------------------------------------

    def action_preview(self) -> None:
        if self.path is None:
            self.say(_("Choose a file first: type its path or pick one, then Enter."), error=True)
            return
        if self.is_busy():
            return
        self._generation += 1
        self.result = None
        self.progress.update(total=None, progress=0)
        self.progress.display = True
        self.say(
            Content.styled(_("Reading and checking {file}…").format(file=self.path.name), "dim")
        )
        self.plan_file(self._generation, self.path, self.profile, self.channel_now)

    @work(thread=True, exclusive=True, group="imp-plan", exit_on_error=False,
          description=N_("read the file"))  # fmt: skip
    def plan_file(self, generation: int, path: Path, profile: str, channel: str) -> None:
        data = order_import.read_file(path)
        plan = order_import.plan_import(self.db, data, channel, profile, path.name)
        self.post_message(self.Planned(generation, path, data, plan))

    @on(Planned)
    def planned(self, message: Planned) -> None:
        if message.generation != self._generation:
            return  # a preview asked for before the last one
        self.progress.display = False
        self.data, self.plan, self.path = message.data, message.plan, message.path
        plan = message.plan
        self.show_stage(True)
        self.show_settings()
        self.query_one("#imp-counts", Static).update(plan_counts(plan))
        self.query_one("#imp-problems-head", Static).update(self.problems_heading())
        rows, problems = list(plan.orders), list(plan.problems)
        self.orders.load(lambda _cursor: (rows, None))
        self.problems.load(lambda _cursor: (problems, None))
        (self.problems if problems else self.orders).focus()
        todo = plan.count("create") + plan.count("update")
        if not todo:
            self.say(_("Nothing to import: every order is unchanged, refused or has a bad row."))
        elif problems:
            unknown = any(p.reason.startswith(UNKNOWN_CODE) for p in problems)
            hint = _("F8 on a code maps it") if unknown else _("F9 saves the error report")
            self.say(
                _("F2 imports {orders}; bad rows' orders stay out. {hint}.").format(
                    orders=orders_text(todo), hint=hint
                )
            )
        else:
            self.say(
                _("F2 imports {orders} into the audit queue.").format(orders=orders_text(todo))
            )

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        """What waited for the worker goes on; the failure is said, a file's refusal with
        the file's name."""
        if worker.group == "imp-profiles":  # the shipped profiles are still there
            super().worker_failed(worker, error)
            return
        self.busy = ""
        self.progress.display = False
        if worker.group == "imp-plan" and self.path is not None:
            text = logged_text(N_("read the file"), error)
            self.say(
                _("Could not read {file}: {error}").format(file=self.path.name, error=text),
                error=True,
            )
        else:
            super().worker_failed(worker, error)

    # -- mapping an unknown product code -------------------------------------------------------

    @on(OrderList.Opened, "#imp-problems")
    def problem_opened(self, event: OrderList.Opened) -> None:
        event.stop()
        self.action_map_code()

    def action_map_code(self) -> None:
        if self.is_busy():
            return
        problem = self.problems.highlighted if self.plan is not None else None
        if problem is None or not problem.reason.startswith(UNKNOWN_CODE):
            self.say(_("Highlight an unknown product code in the problems, then F8."), error=True)
            return
        channel, code = self.channel_now, problem.value

        def answered(ours: str | None) -> None:
            if ours and ours.strip():
                self.busy = _("Saving the code.")
                self.map_code(channel, code, ours.strip())

        label = _("The {channel} code {code} is our product (code or barcode of ours; "
                  "remembered for this channel):").format(channel=channel_label(channel),
                                                          code=code)  # fmt: skip
        self.app.push_screen(PromptDialog(_("Map product code"), label), answered)

    @work(thread=True, exclusive=True, group="imp-map", exit_on_error=False,
          description=N_("map the code"))  # fmt: skip
    def map_code(self, channel: str, code: str, ours: str) -> None:
        order_import.remember_alias(self.db, self.context.settings.user, channel, code, ours)
        self.post_message(self.Mapped(code, ours))

    @on(Mapped)
    def mapped(self, message: Mapped) -> None:
        self.busy = ""
        self.action_preview()
        self.say(Content.assemble((_("{code} now means {ours}").format(
            code=message.code, ours=message.ours.upper()), "bold"),
            _("; previewing again…")))  # fmt: skip

    # -- importing -----------------------------------------------------------------------------

    def action_import_orders(self) -> None:
        if self.is_busy():
            return
        plan, data, path = self.plan, self.data, self.path
        if plan is None or data is None or path is None:
            self.say(_("Choose a file and see its preview first (Enter on the file)."), error=True)
            return
        if self.result is not None:
            self.say(_("Imported already: F5 previews the file again."), error=True)
            return
        total = plan.count("create") + plan.count("update")
        if not total:
            self.say(_("Nothing to import: no order to create or update."), error=True)
            return
        self.busy = _("Importing.")
        self.progress.update(total=total, progress=0)
        self.progress.display = True
        self.say(Content.styled(_("Importing {orders}…").format(orders=orders_text(total)), "dim"))
        self.run_import(data, path.name, plan.profile, plan.channel)

    @work(thread=True, exclusive=True, group="imp-run", exit_on_error=False,
          description=N_("import the orders"))  # fmt: skip
    def run_import(self, data: bytes, filename: str, profile: str, channel: str) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(self.Progress(done, total))

        result = order_import.run_import(self.db, self.context.settings.user, data, channel,
                                         profile, filename, progress=progress)  # fmt: skip
        self.post_message(self.Imported(result))

    @on(Progress)
    def progressed(self, message: Progress) -> None:
        self.progress.update(total=message.total, progress=message.done)

    @on(Imported)
    def imported(self, message: Imported) -> None:
        self.busy = ""
        self.progress.display = False
        self.result = result = message.result
        self.query_one("#imp-counts", Static).update(result_counts(result))
        self.say(result_text(result), error=False)

    # -- the error report ----------------------------------------------------------------------

    def report_rows(self) -> tuple[list[Problem], list[tuple[str, str]]]:
        if self.result is not None:
            return list(self.result.problems), list(self.result.refused)
        assert self.plan is not None
        refused = [(o.external_id, o.why) for o in self.plan.orders if o.action == "refused"]
        return list(self.plan.problems), refused

    def action_save_report(self) -> None:
        if self.plan is None or self.path is None:
            self.say(_("Choose a file and see its preview first."), error=True)
            return
        problems, refused = self.report_rows()
        if not problems and not refused:
            self.say(_("No problems to report: every row is good."), error=True)
            return
        self.save_report(problems, refused, self.path.stem, self.context.clock())

    @work(thread=True, exclusive=True, group="imp-report", exit_on_error=False,
          description=N_("save the report"))  # fmt: skip
    def save_report(self, problems: list[Problem], refused: list[tuple[str, str]], stem: str,
                    now: datetime) -> None:  # fmt: skip
        from ...services.platform.csv_files import encode_csv
        from ...services.platform.files import write_private
        from ...services.platform.printing import safe_name
        from ...services.platform.settings import get_settings

        path = documents_dir() / f"import-errors-{safe_name(stem)}-{now:%Y%m%d-%H%M%S}.csv"
        write_private(path, encode_csv(order_import.problems_csv(problems, refused),
                                       get_settings(self.db).csv_encoding))  # fmt: skip
        self.post_message(self.Saved(path, len(problems) + len(refused)))

    @on(Saved)
    def saved(self, message: Saved) -> None:
        saved = ngettext(
            "Error report ({n} row) saved to ", "Error report ({n} rows) saved to ", message.rows
        ).format(n=message.rows)
        self.say(Content.assemble((saved, "bold $text-success"), str(message.path)))
