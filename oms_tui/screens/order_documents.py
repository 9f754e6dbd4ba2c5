"""An order's documents from its detail (F7 / Ctrl+N): shipments, invoices, production
orders and returns; Up/Down picks one, its details show below (tracking events, payments
applied, stage log). Esc backs out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..i18n import N_, _
from ..services.sales.order_documents import Document
from ..widgets.order_list import fit

# the kinds of document (``order_documents.Document.kind``: a service's words), for the catalog
KINDS = (N_("shipment"), N_("invoice"), N_("credit note"), N_("production"), N_("return"))


class DocumentsDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    DocumentsDialog { align: center middle; }
    DocumentsDialog #docs { width: 78; height: 22; border: round $accent; padding: 0 1;
                            background: $surface; }
    DocumentsDialog #docs-list { height: 8; border: none; }
    DocumentsDialog #docs-detail { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "close", N_("Back"), key_display="Esc", id="orders.documents.close"),
    ]

    def __init__(self, number: str, documents: Sequence[Document]) -> None:
        super().__init__()
        self.number, self.documents = number, list(documents)

    def compose(self) -> ComposeResult:
        with Vertical(id="docs") as box:
            box.border_title = _("Documents of {number}").format(number=self.number)
            box.border_subtitle = _("Up/Down picks · Esc backs out")
            yield OptionList(*[Option(Content.assemble(
                (fit(_(d.kind), 11), "dim"), (fit(d.number, 16), "bold"),
                fit(d.status.replace("_", " "), 11), (" " + d.summary, "dim"),
            )) for d in self.documents] or [Option(_("No documents yet."), disabled=True)],
                id="docs-list")  # fmt: skip
            with VerticalScroll(id="docs-detail"):
                yield Static("", id="docs-text")

    def on_mount(self) -> None:
        self.query_one("#docs-list", OptionList).focus()
        if self.documents:
            self.query_one("#docs-list", OptionList).highlighted = 0
            self.show(0)

    @on(OptionList.OptionHighlighted, "#docs-list")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show(event.option_index)

    def show(self, index: int) -> None:
        if not 0 <= index < len(self.documents):
            return
        d = self.documents[index]
        self.query_one("#docs-text", Static).update(Content("\n").join(
            [Content.styled(f"{_(d.kind)} {d.number} ({d.status.replace('_', ' ')})", "bold")]
            + [Content(line) for line in d.details]))  # fmt: skip

    def action_close(self) -> None:
        self.dismiss(None)
