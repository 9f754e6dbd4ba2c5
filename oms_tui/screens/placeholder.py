"""A workflow screen that is not built yet: says what will be there and how to get back."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.widgets import Header, Static

from ..i18n import _
from ..widgets.footer import KeysFooter
from . import WORKFLOW_BY_MODE, WORKFLOWS, OmsScreen, Workflow


class PlaceholderScreen(OmsScreen):
    """Base screen of a workflow area that is still to be built."""

    MODE: ClassVar[str] = ""

    @property
    def workflow(self) -> Workflow:
        return WORKFLOW_BY_MODE[self.MODE]

    def compose(self) -> ComposeResult:
        wf = self.workflow
        yield Header()
        with Vertical(classes="placeholder"):
            yield Static(Content.assemble(_(wf.title), "  ", (f"({wf.key})", "dim")),
                         classes="placeholder-title")  # fmt: skip
            yield Static(_("Not built yet. This screen will show:"), classes="placeholder-status")
            yield Static("\n".join(_(line) for line in wf.plan), classes="placeholder-plan")
            yield Static(
                Content.from_markup(_("[b]Esc[/] or [b]F12[/] goes back home.  [b]F1[/] or [b]?[/] "
                                      "lists the keys.  Areas:")),
                classes="placeholder-keys",
            )  # fmt: skip
            with Grid(classes="placeholder-areas"):
                for w in WORKFLOWS:
                    yield Static(Content.assemble((w.key, "bold"), " ", _(w.title)),
                                 classes="-current" if w is wf else "")  # fmt: skip
        yield KeysFooter()
