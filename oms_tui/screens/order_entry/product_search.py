"""Order entry's product search: the products matching the words typed, narrowed as more
are typed (a worker per change; an older answer is dropped); Up/Down and Enter pick one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...failures import TellsFailures, doing, failure_text
from ...i18n import N_, _, ngettext
from ...services.catalog.catalog import ProductHit, search_products
from ...widgets.dialogs import Dialog
from ...widgets.scan_input import ScanInput
from .. import AppContext
from ..formats import said

if TYPE_CHECKING:
    from textual.worker import Worker


def product_prompt(hit: ProductHit) -> Content:
    return Content.assemble(
        (f"{hit.code} ", "bold"), hit.description, (f"  {said(hit.availability(1))}", "dim")
    )


class ProductSearchDialog(TellsFailures, Dialog[ProductHit | None]):
    """Products matching the words typed, narrowed as you type; Enter picks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12", "cancel", N_("Back"), key_display="Esc", id="dialog.cancel"),
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
    ]

    class Found(Message):
        def __init__(self, words: str, hits: list[ProductHit]) -> None:
            super().__init__()
            self.words, self.hits = words, hits

    def __init__(self, words: str, hits: Sequence[ProductHit] | None = None) -> None:
        super().__init__()
        self.words = words
        self.hits: list[ProductHit] = list(hits or [])
        self.hits_for = words if hits is not None else None
        self.pick_when_found: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = _("Find a product")
            box.border_subtitle = _("words narrow · Up/Down · Enter picks · Esc backs out")
            yield ScanInput(self.words, id="words", keep_value=True,
                            placeholder=_("name, model, colour, spec or code"))  # fmt: skip
            yield OptionList(id="products")
            yield Static("", id="search-status", classes="dialog-text")

    def on_mount(self) -> None:
        self.query_one("#products", OptionList).can_focus = False
        if self.hits_for is not None:
            self.show_hits(self.words, self.hits)
        elif self.words.strip():
            self.search(self.words)

    @on(Input.Changed, "#words")
    def words_changed(self, event: Input.Changed) -> None:
        if event.value != self.hits_for:
            self.search(event.value)

    @work(thread=True, exclusive=True, group="product-search", exit_on_error=False,
          description=N_("search the products"))  # fmt: skip
    def search(self, words: str) -> None:
        self.post_message(self.Found(words, search_products(cast(AppContext, self.app).db, words)))

    def worker_failed(self, worker: Worker, error: BaseException) -> None:
        """Said where the count of matches goes; the next word typed searches again."""
        text = failure_text(doing(worker), error)
        self.query_one("#search-status", Static).update(Content.styled(text, "bold $text-error"))
        self.app.bell()

    @on(Found)
    def found(self, message: Found) -> None:
        if message.words != self.query_one("#words", ScanInput).value:
            return  # an older search
        self.show_hits(message.words, message.hits)
        if self.pick_when_found == message.words:
            self.pick_when_found = None
            self.pick()

    def show_hits(self, words: str, hits: list[ProductHit]) -> None:
        self.hits, self.hits_for = hits, words
        products = self.query_one("#products", OptionList)
        products.set_options(Option(product_prompt(h)) for h in hits)
        if hits:
            products.highlighted = 0
        status = (ngettext("{n} found", "{n} found", len(hits)).format(n=len(hits)) if hits
                  else _("nothing matches '{text}'").format(text=words))  # fmt: skip
        self.query_one("#search-status", Static).update(status)

    def action_move(self, step: int) -> None:
        products = self.query_one("#products", OptionList)
        if products.option_count:
            current = products.highlighted or 0
            products.highlighted = max(0, min(products.option_count - 1, current + step))

    @on(ScanInput.Scanned, "#words")
    def entered(self, event: ScanInput.Scanned) -> None:
        event.stop()
        if self.hits_for != event.value:
            self.pick_when_found = event.value
            return
        self.pick()

    def pick(self) -> None:
        highlighted = self.query_one("#products", OptionList).highlighted
        if self.hits and highlighted is not None:
            self.dismiss(self.hits[highlighted])
        else:
            self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(None)
