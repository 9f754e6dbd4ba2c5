"""Order entry's lines: the table of the order's lines under their column heads, then the
totals and warnings of the last quote; and what the scan line's entries do to them.

The screen hands each scan line entry to ``scanned`` (``services/entry.py`` parses it): a
code or barcode adds a line (looked up in a worker; the line shows meanwhile), ``*3``
``-5.50`` ``=12.50`` ``+`` ``-`` ``"note`` change the selected line, other words open the
product search. Lines also come from a past order or a template (``copy_from``). Every
change is made in the ``EntryModel`` and posted as ``Changed`` (the screen quotes again and
saves the draft); rows are painted from the model.

Painting is the slow part of a key here: the rows are ``Row``s, updated only when their
text changes and without a layout pass; rows are mounted ahead in batches and hidden
spares are reused, so adding a line mounts nothing most of the time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message

from ...failures import PassesFailures
from ...i18n import N_, _, ngettext, pgettext, shown
from ...services.catalog.catalog import ProductHit, find_product, products_by_id, search_products
from ...services.platform.errors import InvalidInput
from ...services.platform.money import format_money
from ...services.sales.entry import (
    DELETE,
    DISCOUNT,
    DUPLICATE,
    NOTE,
    PRICE,
    QTY,
    ScanEntry,
    parse_scan,
)
from ...services.sales.orders import OrderView, recent_orders
from ...services.sales.templates import TemplateView, list_templates
from ...widgets.dialogs import ChoiceDialog, PromptDialog
from ...widgets.order_list import fit, widest
from ..formats import said, said_each
from .forms import LineDialog
from .model import EntryLine
from .product_search import ProductSearchDialog
from .row import Row

if TYPE_CHECKING:
    from ...services.platform.db import Database
    from ...widgets.scan_input import ScanInput
    from .. import OmsScreen
    from .model import EntryModel

LINE_COMMANDS = (QTY, DISCOUNT, DELETE, DUPLICATE, NOTE, PRICE)


class EntryLines(PassesFailures, Vertical):
    """The order's lines, selected one marked, and its totals."""

    DEFAULT_CSS = """
    EntryLines {
        height: 1fr;
    }
    EntryLines #lines-head {
        text-style: bold;
        background: $panel;
    }
    EntryLines #lines {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    EntryLines .spare-row {
        display: none;
    }
    EntryLines .line-row {
        &.-selected { background: $primary 40%; }
        &.-pending { color: $text-muted; }
        &.-error { background: $error 40%; }
    }
    EntryLines #totals, EntryLines #warnings {
        text-overflow: ellipsis;
    }
    EntryLines #totals {
        background: $panel;
    }
    """

    ROW_BATCH: ClassVar[int] = 8  # line rows mounted ahead at a time

    class Changed(Message):
        """The lines changed (in the model): quote again, save the draft."""

    class LookedUp(Message):
        """A line's lookup has ended (its product placed, or the line gone): a save that
        waited for the lookups may go on."""

    class ProductResolved(Message):
        def __init__(self, line: EntryLine, hit: ProductHit | None,
                     hits: list[ProductHit], failed: bool = False) -> None:  # fmt: skip
            super().__init__()
            self.line, self.hit, self.hits, self.failed = line, hit, hits, failed

    class Listed(Message):
        """Recent orders or templates, for a pick list."""

        def __init__(self, kind: str, items: list[Any]) -> None:
            super().__init__()
            self.kind, self.items = kind, items

    class LinesLoaded(Message):
        """Lines to add (a repeated order, a template), products already looked up."""

        def __init__(self, lines: list[EntryLine], source: str, missing: list[str]) -> None:
            super().__init__()
            self.lines, self.source, self.missing = lines, source, missing

    def __init__(self, model: EntryModel, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.model = model
        self.scan_line: ScanInput | None = None  # set by the screen: the lines' input

    def compose(self) -> ComposeResult:
        yield Row("", id="lines-head")
        yield VerticalScroll(id="lines")
        yield Row("", id="totals")
        yield Row("", id="warnings")

    def on_mount(self) -> None:
        self.query_one("#lines", VerticalScroll).can_focus = False

    def on_resize(self) -> None:
        self.show_lines()

    @property
    def _entry(self) -> OmsScreen:
        return cast("OmsScreen", self.screen)

    @property
    def db(self) -> Database:
        return self._entry.db

    def say(self, text: str, error: bool = False) -> None:
        self._entry.say(text, error=error)

    def changed(self) -> None:
        """After a change in the model: the rows painted again, the screen told."""
        self.show_lines()
        self.post_message(self.Changed())

    # -- painting --------------------------------------------------------------------------

    _cols: list[tuple[str, int, bool]] | None = None  # as the last paint measured them

    def _columns(self) -> list[tuple[str, int, bool]]:
        """The lines' columns: a code and an amount are never cut (the order's lines are all
        here, so each gets the width of its longest); the description gives way."""
        width = max(60, self.screen.size.width) - 3  # padding and the scrollbar
        m = self.model
        code = widest((ln.product.code if ln.product else ln.text for ln in m.lines), 10)
        amounts = [m.money(_amount(ln)) for ln in m.lines if ln.product is not None]
        fixed = [("#", 2, True), (_("Code"), code, False), ("", 0, False), (_("Qty"), 6, True),
                 (_("Unit"), 9, True), (_("Disc"), 8, True),
                 (_("Amount"), widest(amounts, 10), True), (_("Avail"), 13, False)]  # fmt: skip
        used = sum(w for _n, w, _r in fixed) + len(fixed) - 1
        desc = max(8, width - used)
        return [(n or _("Description"), w or desc, r) for n, w, r in fixed]

    def _row_text(self, values: list[str], columns: list[tuple[str, int, bool]] | None = None
                  ) -> str:  # fmt: skip
        columns = columns or self._cols or self._columns()
        return " ".join(fit(v, w, r) for v, (_n, w, r) in zip(values, columns, strict=True))

    def show_lines(self) -> None:
        if not self.is_mounted:
            return
        m = self.model
        self._cols = self._columns()
        self.query_one("#lines-head", Row).update(
            self._row_text([n for n, _w, _r in self._cols], self._cols)
        )
        box = self.query_one("#lines", VerticalScroll)
        rows = list(box.query(".line-row").results(Row))
        spares = list(box.query(".spare-row").results(Row))
        while len(rows) > len(m.lines):  # back to the spares, hidden
            row = rows.pop()
            row.set_classes("spare-row")
            spares.insert(0, row)
        if len(rows) + len(spares) < len(m.lines) + 2:
            # Mounting is the slow part of adding a line: mount rows ahead, a batch at a time
            more = [Row("", classes="spare-row") for _n in range(self.ROW_BATCH)]
            box.mount(*more)
            spares.extend(more)
        for n, line in enumerate(m.lines):
            if n >= len(rows):
                rows.append(spares.pop(0))
            rows[n].update(self._line_text(n, line))
            # one restyle per row whose state changed (each class changed apart was one)
            wanted = {"line-row"}
            for on_, name in ((n == m.selected, "-selected"),
                              (n == m.error_line, "-error"),
                              (line.product is None, "-pending")):  # fmt: skip
                if on_:
                    wanted.add(name)
            if rows[n].classes != wanted:
                rows[n].set_classes(wanted)
        if m.lines and 0 <= m.selected < len(rows):
            box.scroll_to_widget(rows[m.selected], animate=False)

    def _line_text(self, n: int, line: EntryLine) -> str:
        m = self.model
        p = line.product
        if p is None:
            return self._row_text([str(n + 1), line.text, _("looking up…"), str(line.qty),
                                   "", "", "", ""])  # fmt: skip
        description = p.description + (f" [{line.note}]" if line.note else "")
        unit, discount, amount = _prices(line)
        unit_text = m.money(unit)
        if line.price_minor is not None:  # overridden: the price typed, marked as in the grammar
            unit_text = "=" + m.money(line.price_minor)
            description += " {" + _("override: {reason}").format(reason=line.override_reason) + "}"
        return self._row_text([
            str(n + 1), p.code, description, str(line.qty), unit_text,
            m.money(discount) if discount else "", m.money(amount),
            said(p.availability(m.qty_before(line) + line.qty)),
        ])  # fmt: skip

    def show_totals(self) -> None:
        m = self.model
        totals = self.query_one("#totals", Row)
        warnings = self.query_one("#warnings", Row)
        q = m.quote
        if q is None and m.quote_error and m.resolved_lines():
            totals.update(Content.styled(_("No totals until this is fixed:"), "dim"))
            warnings.update(Content.styled("⚠ " + shown(m.quote_error), "bold $text-error"))
            return
        if q is None or not m.resolved_lines():
            count = len(m.lines)
            totals.update(Content.styled(
                ngettext("{n} line; totals show once the customer and a line are known",
                         "{n} lines; totals show once the customer and a line are known",
                         count).format(n=count) if count or m.card is None
                else _("No lines yet: scan or type a product code below"), "dim"))  # fmt: skip
            warnings.update("")
            return
        t = q.quote.totals
        cur = q.currency
        amounts = [t.subtotal_minor, t.discount_minor, t.tax_minor, t.shipping_minor]
        tail = _("Total {amount} {currency}").format(amount=format_money(t.total_minor, cur),
                                                     currency=cur)  # fmt: skip
        for labels, gap in (((N_("Subtotal"), N_("Discount"), N_("Tax"), N_("Shipping")), "  "),
                            ((N_("Sub"), N_("Disc"), N_("Tax"), N_("Ship")), " ")):  # fmt: skip
            pairs = zip(labels, amounts, strict=True)
            head = gap.join(_total_word(k) + f" {format_money(v, cur)}" for k, v in pairs)
            if cell_len(head) + cell_len(tail) + 2 <= self.screen.size.width - 2:
                break
        totals.update(Content.assemble(head, "  ", (tail, "bold")))
        warnings.update(Content.styled("⚠ " + said_each(q.warnings), "bold $text-warning")
                        if q.warnings else "")  # fmt: skip

    # -- the scan line's entries -------------------------------------------------------------

    def scanned(self, value: str) -> None:
        """One entry of the scan line (Enter ended it)."""
        try:
            entry = parse_scan(value, self.model.currency)
        except InvalidInput as error:
            self.say(f"{value.strip()}: {shown(str(error))}", error=True)
            return
        if entry is None:
            self.edit_selected()
            return
        if entry.kind in LINE_COMMANDS:
            self.line_command(entry)
            return
        line, text = self.model.add_scan(entry)
        if line is None:
            self.say(text)
            self.changed()
            return
        # (keys typed on wait for the answer, ``type_ahead.py``: it may ask, made to order
        # for the requirements, words for which product, and they answer it)
        self.resolve(line, entry.looks_like_code)
        self.show_lines()

    @work(thread=True, group="scan", exit_on_error=False, description=N_("look up the product"))
    def resolve(self, line: EntryLine, as_code: bool) -> None:
        """Look up one scanned code (then words); lines keep their place meanwhile."""
        try:
            hit = find_product(self.db, line.text) if as_code else None
            hits = [] if hit else search_products(self.db, line.text)
        except BaseException:
            self.post_message(self.ProductResolved(line, None, [], failed=True))  # it goes
            raise  # and the failure is said (failures.py)
        self.post_message(self.ProductResolved(line, hit, hits))

    @on(ProductResolved)
    def product_resolved(self, message: ProductResolved) -> None:
        line = message.line
        if line not in self.model.lines:
            return
        if message.hit is not None:
            self.place(line, message.hit)
            return
        if message.failed:  # the lookup's failure is said; the code is back on the scan line
            self.model.drop_line(line)
            self.model.save_pending = False  # a save waiting for it would go without it
            self.changed()
            if self.scan_line is not None and not self.scan_line.value:
                self.scan_line.value = line.text
            return
        if not message.hits:
            self.drop(line, _("No product '{text}': check the code, or type words to "
                        "search").format(text=line.text), error=True)  # fmt: skip
            return

        def picked(hit: ProductHit | None) -> None:
            if line not in self.model.lines:
                return
            if hit is None:
                self.drop(line, _("'{text}': nothing picked").format(text=line.text))
            else:
                self.place(line, hit)

        self.app.push_screen(ProductSearchDialog(line.text, message.hits), picked)

    def drop(self, line: EntryLine, text: str, error: bool = False) -> None:
        """A line whose lookup found nothing: it goes, with why."""
        self.model.drop_line(line)
        self.changed()
        self.say(text, error=error)
        self.post_message(self.LookedUp())

    def place(self, line: EntryLine, hit: ProductHit) -> None:
        text, error = self.model.place_product(line, hit)
        self.changed()
        self.say(text, error=error)
        if self.model.needs_note(line):
            self.ask_note(line)
        self.post_message(self.LookedUp())

    def ask_note(self, line: EntryLine) -> None:
        def noted(text: str | None) -> None:
            if text is not None and line in self.model.lines:
                self.model.set_note(line, text)
                self.changed()

        self.app.push_screen(
            PromptDialog(_("Made to order: {name}").format(name=line.name),
                         _("Requirements (size, colour, finish):"), line.note),
            noted,
        )  # fmt: skip

    def line_command(self, entry: ScanEntry) -> None:
        line = self.model.selected_line
        if line is None:
            self.say(_("No line selected: scan a product first"), error=True)
        elif entry.kind == DELETE:
            self.delete_selected()
        elif entry.kind == PRICE and entry.price_minor is not None:
            screen = self._entry
            if not screen.may("prices.override"):
                # said at once, not at the save (the service refuses it: prices.override)
                role = _(screen.role) if screen.role else "?"
                self.say(_("line {no}: changing a price needs a manager ({user} is {role})")
                         .format(no=self.model.lines.index(line) + 1, user=screen.user,
                                 role=role), error=True)  # fmt: skip
                return
            self.ask_override(line, entry.price_minor)
        else:
            text, error = self.model.line_command(entry)
            self.say(text, error=error)
            if not error:
                self.changed()

    def ask_override(self, line: EntryLine, price_minor: int) -> None:
        """A price override needs a reason (it travels to audit as the line's price source)."""
        m = self.model

        def check(text: str) -> str | None:
            return None if text.strip() else _("a reason is required (Esc keeps the price)")

        def answered(reason: str | None) -> None:
            if reason is None or line not in m.lines:
                self.say(_("{name}: price not changed").format(name=line.name))
                return
            self.say(m.override_price(line, price_minor, reason))
            self.changed()

        self.app.push_screen(
            PromptDialog(_("Price override: {name} at {price}").format(
                name=line.name, price=m.money(price_minor)),
                _("Reason (shown to the auditor):"), line.override_reason, check),
            answered,
        )  # fmt: skip

    def delete_selected(self) -> None:
        line = self.model.selected_line
        if line is None:
            self.app.bell()
            return
        self.model.drop_line(line)
        self.changed()
        self.say(_("Deleted {name}").format(name=line.name))

    def edit_selected(self) -> None:
        """Enter on the empty scan line: quantity, discount and note of the selected line."""
        line = self.model.selected_line
        if line is None or line.product is None:
            return

        def edited(values: dict[str, Any] | None) -> None:
            if values and line in self.model.lines:
                self.model.edit_line(line, values["qty"], values["discount_minor"],
                                     values["note"])  # fmt: skip
                self.changed()

        self.app.push_screen(LineDialog(line, self.model.currency), edited)

    def move(self, step: int) -> None:
        """Up/Down: select a line; the message line says where its price came from."""
        line = self.model.move(step)
        if line is None:
            return
        self.show_lines()
        if line.product is not None and line.price_source:
            self.say(_("Line {n} {code}: price from {source}").format(
                n=self.model.selected + 1, code=line.product.code,
                source=shown(line.price_source)))  # fmt: skip

    def find_product(self, words: str) -> None:
        """F4 on the scan line: the product search, narrowed by ``words``."""

        def picked(hit: ProductHit | None) -> None:
            if hit is not None:
                line = EntryLine(hit.code, 1)
                self.model.lines.append(line)
                self.place(line, hit)

        self.app.push_screen(ProductSearchDialog(words), picked)

    # -- lines from a past order or a template ------------------------------------------------

    @work(thread=True, exclusive=True, group="lists", exit_on_error=False,
          description=N_("read the orders or templates"))  # fmt: skip
    def copy_from(self, kind: str, customer_id: int | None) -> None:
        """F8 (``orders``: the caller's recent orders) or F9 (``templates``): they are
        listed to pick one by key, whose lines are added."""
        if kind == "orders":
            items: list[Any] = recent_orders(self.db, customer_id, limit=9)  # type: ignore[arg-type]
        else:
            items = list_templates(self.db, customer_id)[:9]
        self.post_message(self.Listed(kind, items))

    @on(Listed)
    def listed(self, message: Listed) -> None:
        items = message.items
        if not items:
            self.say(_("No recent orders for this customer") if message.kind == "orders"
                     else _("No templates"), error=True)  # fmt: skip
            return
        choices = []
        for n, item in enumerate(items, start=1):
            if isinstance(item, OrderView):
                count = ngettext("{n} line", "{n} lines", len(item.lines)).format(n=len(item.lines))
                label = (f"{item.number}  {item.created_at:%Y-%m-%d}  {count}  "
                         f"{format_money(item.total_minor, item.currency)}")  # fmt: skip
            else:
                assert isinstance(item, TemplateView)
                count = ngettext("{n} line", "{n} lines", len(item.lines)).format(n=len(item.lines))
                label = f"{item.name}  {count}  {shown(item.schedule)}".rstrip()
            choices.append((str(n), str(n - 1), label))
        title = _("Repeat an order") if message.kind == "orders" else _("Add a template")

        def picked(value: str | None) -> None:
            if value is not None:
                self.copy_lines(items[int(value)])

        self.app.push_screen(ChoiceDialog(title, choices), picked)

    @work(thread=True, exclusive=True, group="lists", exit_on_error=False,
          description=N_("copy the lines"))  # fmt: skip
    def copy_lines(self, item: Any) -> None:
        lines: list[EntryLine] = []
        missing: list[str] = []
        # an order's lines and a template's lines both carry product id, code, qty, note
        products = products_by_id(self.db, [ln.product_id for ln in item.lines])
        for ln in item.lines:
            hit = products.get(ln.product_id)
            if hit is None or not hit.active:
                missing.append(ln.product_code)
            else:
                lines.append(EntryLine(hit.code, ln.qty, hit, 0, ln.requirements_note))
        source = (_("order {number}").format(number=item.number) if isinstance(item, OrderView)
                  else _("template {name}").format(name=item.name))  # fmt: skip
        self.post_message(self.LinesLoaded(lines, source, missing))

    @on(LinesLoaded)
    def lines_loaded(self, message: LinesLoaded) -> None:
        self.model.add_lines(message.lines)
        text = ngettext(
            "Copied {n} line from {source}", "Copied {n} lines from {source}", len(message.lines)
        ).format(n=len(message.lines), source=message.source)
        if message.missing:
            self.say(
                _("{text}; not sold any more: {codes}").format(
                    text=text, codes=", ".join(message.missing)
                ),
                error=True,
            )
        else:
            self.say(_("{text}; change quantities with Up/Down and *N Enter").format(text=text))
        if self.scan_line is not None:
            self.scan_line.focus()
        self.changed()


def _prices(line: EntryLine) -> tuple[int, int, int]:
    """(unit, discount, amount) of a line whose product is known: as priced, or from the
    list price until the pricing answers."""
    p = line.product
    assert p is not None
    unit = line.unit_minor if line.unit_minor is not None else p.list_price_minor
    discount = line.line_discount_minor if line.unit_minor is not None else line.discount_minor
    amount = line.amount_minor if line.amount_minor is not None else unit * line.qty - discount
    return unit, discount, amount


def _amount(line: EntryLine) -> int:
    return _prices(line)[2]


def _total_word(word: str) -> str:
    """A head of the totals line: "Ship" there is the shipping charge (运费), not the key
    that ships (发货)."""
    return pgettext("charge", "Ship") if word == "Ship" else _(word)  # i18n: no (a msgid)
