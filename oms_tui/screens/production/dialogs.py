"""Production's dialogs: how the due date of its forms is read (the forms its keys ask
with, due by, advance, quality failure, new expected date, are the shared ``FormDialog``),
and an order's story: route, stage log and materials (Enter / h)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ...i18n import N_, _, pgettext, shown
from ...services.platform.errors import InvalidInput
from ...services.production.board import BoardRow, StageLogView, StageView
from ...services.production.materials import MaterialHeld, Shortage
from ...services.sales.entry import parse_requested_date
from ...widgets.order_list import fit
from ..formats import local_time
from .rows import materials_text, short_date

# what a stage log row says happened (``log_stage``), in the current language; a row with
# no stage is named by it too
STAGE_RESULTS = (N_("planned"), N_("started"), N_("done"), N_("qc_fail"), N_("replanned"),
                 N_("reserved"), N_("rework"), N_("short"))  # fmt: skip


def parse_due(text: str, today: date) -> date | None:
    """A due-by date for the filter: ``2026-12-01`` (past ones too), ``+7``, ``mon``;
    blank: none."""
    t = text.strip()
    if not t:
        return None
    try:
        return date.fromisoformat(t)
    except ValueError:
        pass
    try:
        return parse_requested_date(t, today)
    except InvalidInput as error:
        raise InvalidInput(str(error), "due") from None


# -- dialogs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderStory:
    row: BoardRow
    stages: list[StageView]
    log: list[StageLogView]
    shortages: list[Shortage]
    materials: list[MaterialHeld]


class HistoryDialog(ModalScreen[None]):
    """One production order: its route (the current stage marked), the stage log, and
    before it starts its materials: what it is short of, else what is reserved for it."""

    CSS_PATH = "production.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12,enter", "close", N_("Close"), key_display="Enter/Esc",
                id="production.history.close"),
    ]  # fmt: skip

    def __init__(self, story: OrderStory) -> None:
        super().__init__()
        self.story = story

    def compose(self) -> ComposeResult:
        s, r = self.story, self.story.row
        with VerticalScroll(classes="prod-dialog", id="prod-history") as box:
            box.border_title = f"{r.number} · {r.order_number} · {r.product_code} x{r.qty}"
            box.border_subtitle = _("Up/Down scrolls · Enter or Esc closes")
            route = Content(" → ").join(
                Content.styled(f"{n} {st.name}", "bold $text-accent" if n == r.stage_no else
                               ("$text-success" if n < r.stage_no else "dim"))
                for n, st in enumerate(s.stages, 1)
            ) if s.stages else Content.styled(_("no route for this product line"),
                                              "dim")  # fmt: skip
            yield Static(Content.assemble((_("Route") + "  ", "dim"), route))
            yield Static(Content.assemble(
                (_("Due") + " ", "dim"), short_date(r.due_date),
                ("  " + pgettext("production", "Expected") + " ", "dim"),
                (short_date(r.expected_date), "bold $text-error" if r.late else "bold"),
                ("  " + _("late") if r.late else "", "bold $text-error"),
                ("  " + _("Note") + " ", "dim") if r.requirements_note else "",
                r.requirements_note,
            ))  # fmt: skip
            if s.shortages:
                yield Static(Content.styled(_("Shortages (it cannot start):"), "bold $text-error"),
                             classes="prod-section")  # fmt: skip
                yield Static(Content("\n").join(
                    Content.assemble((fit(x.material_code, 12), "bold"), " ",
                                     fit(x.material_name, 18),
                                     _(" short {short} ({available} of {needed}), blocks from "
                                       "{day}").format(short=x.short, available=x.available,
                                                       needed=x.needed,
                                                       day=f"{x.blocks_from:%m-%d}"))
                    for x in s.shortages
                ))  # fmt: skip
            elif r.status == "planned":
                yield Static(materials_text(s.materials), classes="prod-section")
            yield Static(Content.styled(_("Stage log"), "bold"), classes="prod-section")
            yield Static(Content("\n").join(
                Content.assemble((local_time(e.at, "%m-%d %H:%M"), "dim"), " ",
                                 (fit(e.actor, 8), "bold"), " ",
                                 fit(_(e.stage_name), 16), " ",
                                 (fit(_(e.result), 9), "$text-accent"),
                                 (f" {shown(e.note)}" if e.note else "", "italic"))
                for e in s.log
            ) if s.log else Content.styled(_("no entries"), "dim"),
                id="prod-history-log")  # fmt: skip

    def on_mount(self) -> None:
        self.query_one("#prod-history").focus()

    def action_close(self) -> None:
        self.dismiss(None)
