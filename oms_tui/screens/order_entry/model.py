"""The order being typed in order entry, as plain data: the caller, the ship-to, the lines,
the options and the last quote, and what each key does to them.

No Textual here: the screen's widgets show it (``customer_picker.py``, ``lines.py``,
``options.py``), the screen's workers look things up, quote and save, and a test drives it
alone (``tests/screens/order_entry/test_model.py``). Methods that change the order return
the sentence for the message line; ``changed`` counts a change (``rev``: a quote or a draft
save started for an older revision is void).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ...i18n import _
from ...services.catalog.catalog import ProductHit
from ...services.parties.customers import AddressView, CustomerHit
from ...services.platform.money import exponent, from_minor
from ...services.sales.customer_history import CustomerCard
from ...services.sales.entry import (
    DISCOUNT,
    DUPLICATE,
    NOTE,
    PRICE,
    QTY,
    DraftLine,
    DraftOptions,
    EntryDraft,
    ScanEntry,
)
from ...services.sales.orders import NewLine, OrderQuote

# the fields an error can name outside the lines (save or quote refused)
OPTION_FIELDS = ("channel", "payment_method", "requested_date")
ORDER_FIELDS = ("customer", "ship_to", *OPTION_FIELDS)


@dataclass(eq=False)
class EntryLine:
    """One order line as typed: ``product`` is None while its code is being looked up."""

    text: str
    qty: int = 1
    product: ProductHit | None = None
    discount_minor: int = 0
    note: str = ""
    price_minor: int | None = None  # the clerk's override; None: the pricing engine's
    override_reason: str = ""
    # from the latest quote
    unit_minor: int | None = None
    line_discount_minor: int | None = None
    amount_minor: int | None = None
    price_source: str = ""

    @property
    def name(self) -> str:
        """Its product code once looked up, else what was typed."""
        return self.product.code if self.product else self.text

    def new_line(self) -> NewLine:
        assert self.product is not None
        return NewLine(self.product.id, self.qty, self.price_minor, self.discount_minor,
                       self.note, self.override_reason)  # fmt: skip


def line_number(field: str | None) -> int | None:
    """The line (from 0) a service's error names (``lines.2``: the second), else None."""
    parts = (field or "").split(".")
    if parts[0] == "lines" and len(parts) > 1 and parts[1].isdigit():
        return int(parts[1]) - 1
    return None


class EntryModel:
    """One order on the entry screen, from the first key to its save."""

    def __init__(self) -> None:
        self.currency = "CNY"  # the quote's; kept from one order to the next
        self.reset()

    def reset(self) -> None:
        """A new order: nobody, no lines, the default options."""
        self.customer_id: int | None = None
        self.card: CustomerCard | None = None
        self.ship_to: AddressView | None = None
        self.ship_to_id: int | None = None
        self.lines: list[EntryLine] = []
        self.selected = 0
        self.options = DraftOptions()
        self.quote: OrderQuote | None = None
        self.quote_error = ""
        self.rev = 0
        self.touched = False  # something typed since the last save (or the start)
        self.save_pending = False  # F2 waits for lines still being looked up
        self.error_line: int | None = None
        self.error_field: str | None = None

    def changed(self) -> None:
        """Count a change: older quotes and draft saves are void, a line's error is gone."""
        self.rev += 1
        self.touched = True
        self.error_line = None

    def money(self, minor: int | None) -> str:
        if minor is None:
            return ""
        return f"{from_minor(minor, self.currency):,.{exponent(self.currency)}f}"

    # -- the caller ----------------------------------------------------------------------

    def choose_customer(self, hit: CustomerHit) -> None:
        if hit.id != self.customer_id:
            self.card, self.ship_to, self.ship_to_id = None, None, None
        self.customer_id = hit.id
        self.clear_error("customer")
        self.changed()

    def card_loaded(self, card: CustomerCard) -> bool:
        """The picked caller's card (False: another caller was picked meanwhile); the
        ship-to chosen stays if the card has it, else the default address."""
        if card.id != self.customer_id:
            return False
        self.card = card
        wanted = self.ship_to_id
        self.ship_to = next((a for a in card.addresses if a.id == wanted), card.default_address)
        self.ship_to_id = self.ship_to.id if self.ship_to else None
        return True

    def set_ship_to(self, address: AddressView) -> None:
        self.ship_to, self.ship_to_id = address, address.id
        self.clear_error("ship_to")
        self.changed()

    def set_options(self, **change: Any) -> None:
        self.options = replace(self.options, **change)
        if self.error_field in OPTION_FIELDS:
            self.error_field = None
        self.changed()

    def set_carrier(self, carrier_id: int | None) -> None:
        self.options = replace(self.options, carrier_id=carrier_id)
        self.changed()

    def clear_error(self, field: str) -> None:
        if self.error_field == field:
            self.error_field = None

    # -- lines ---------------------------------------------------------------------------

    def resolved_lines(self) -> list[EntryLine]:
        return [ln for ln in self.lines if ln.product is not None]

    @property
    def looked_up(self) -> bool:
        """Every line has its product (none still being looked up)."""
        return all(ln.product is not None for ln in self.lines)

    @property
    def selected_line(self) -> EntryLine | None:
        if 0 <= self.selected < len(self.lines):
            return self.lines[self.selected]
        return None

    def add_scan(self, entry: ScanEntry) -> tuple[EntryLine | None, str]:
        """A code scanned: one more of a line that has it (not made to order), else a new
        line to look up (returned, with no sentence yet). A line still being looked up
        is never added to (its product may be made to order: each scan of one is its own
        line); ``place_product`` merges a stocked one once it is known."""
        text = entry.text
        for n, line in enumerate(self.lines):
            p = line.product
            same = p is not None and (p.code.upper() == text.upper() or p.barcode == text)
            if same and not p.made_to_order:  # type: ignore[union-attr]
                line.qty += entry.qty or 1
                self.selected = n
                self.changed()
                return None, _("{name}: quantity {qty}").format(name=line.name, qty=line.qty)
        line = EntryLine(text, entry.qty or 1)
        self.lines.append(line)
        self.selected = len(self.lines) - 1
        return line, ""

    def drop_line(self, line: EntryLine) -> None:
        index = self.lines.index(line)
        self.lines.remove(line)
        if self.selected >= index and self.selected > 0:
            self.selected -= 1
        self.changed()

    def place_product(self, line: EntryLine, hit: ProductHit) -> tuple[str, bool]:
        """The product of a line looked up: (sentence, error). No longer sold: the line
        goes; the same product on another line (not made to order): added to that one."""
        if not hit.active:
            self.drop_line(line)
            return _("{code} is no longer sold").format(code=hit.code), True
        for other in self.lines:
            if other is not line and other.product is not None and other.product.id == hit.id \
                    and not hit.made_to_order:  # fmt: skip
                other.qty += line.qty
                self.drop_line(line)
                self.selected = self.lines.index(other)
                return _("{name}: quantity {qty}").format(name=hit.code, qty=other.qty), False
        line.product = hit
        self.selected = self.lines.index(line)
        self.changed()
        return _("Added {code} {description} × {qty}").format(
            code=hit.code, description=hit.description, qty=line.qty
        ), False

    def needs_note(self, line: EntryLine) -> bool:
        """A made-to-order line without its requirements (size, colour, finish)."""
        p = line.product
        return line in self.lines and p is not None and p.made_to_order and not line.note

    def line_command(self, entry: ScanEntry) -> tuple[str, bool]:
        """``*3``, ``-5.50``, ``"note``, ``=`` (back to the price book) or ``+`` on the
        selected line (there is one): (sentence, error); nothing changes on an error."""
        line = self.selected_line
        assert line is not None
        name = line.name
        if entry.kind == QTY:
            line.qty = entry.qty or 1
            text = _("{name}: quantity {qty}").format(name=name, qty=line.qty)
        elif entry.kind == DISCOUNT:
            line.discount_minor = entry.amount_minor
            text = _("{name}: discount {amount}").format(
                name=name, amount=self.money(entry.amount_minor)
            )
        elif entry.kind == NOTE:
            line.note = entry.text
            text = _("{name}: note '{note}'").format(name=name, note=entry.text)
        elif entry.kind == PRICE and entry.price_minor is None:
            line.price_minor, line.override_reason = None, ""
            text = _("{name}: price from the price book again").format(name=name)
        elif entry.kind == DUPLICATE:
            if line.product is None:
                return _("That line is still being looked up"), True
            self.lines.insert(self.selected + 1, replace(line))
            self.selected += 1
            text = _("{name}: duplicated").format(name=name)
        else:
            raise ValueError(f"not a line command: {entry.kind}")  # i18n: no (a bug)
        self.changed()
        return text, False

    def override_price(self, line: EntryLine, price_minor: int, reason: str) -> str:
        line.price_minor, line.override_reason = price_minor, reason.strip()
        self.changed()
        return _("{name}: unit price {price} (override: {reason})").format(
            name=line.name, price=self.money(price_minor), reason=reason.strip()
        )

    def edit_line(self, line: EntryLine, qty: int, discount_minor: int, note: str) -> None:
        line.qty, line.discount_minor, line.note = qty, discount_minor, note.strip()
        self.changed()

    def set_note(self, line: EntryLine, note: str) -> None:
        line.note = note.strip()
        self.changed()

    def move(self, step: int) -> EntryLine | None:
        """Up/Down: the line selected now (None: no lines)."""
        if not self.lines:
            return None
        self.selected = max(0, min(len(self.lines) - 1, self.selected + step))
        return self.lines[self.selected]

    def add_lines(self, lines: list[EntryLine]) -> None:
        """Lines copied (a past order, a template), products known: the first selected."""
        first = len(self.lines)
        self.lines.extend(lines)
        self.selected = first if lines else self.selected
        self.changed()

    def qty_before(self, line: EntryLine) -> int:
        """Quantity of the same product on the lines above (they take the stock first)."""
        total = 0
        for other in self.lines:
            if other is line:
                break
            if other.product and line.product and other.product.id == line.product.id:
                total += other.qty
        return total

    # -- quote and save --------------------------------------------------------------------

    def new_lines(self) -> list[NewLine]:
        """The lines looked up, as the quote and the save take them."""
        return [ln.new_line() for ln in self.resolved_lines()]

    def quoted(self, rev: int, lines: list[EntryLine], quote: OrderQuote) -> bool:
        """A quote of ``lines`` at ``rev``: its prices on the lines (False: the order has
        changed since; a newer quote is on its way)."""
        if rev != self.rev:
            return False
        self.quote, self.quote_error = quote, ""
        self.currency = quote.currency
        for line, priced in zip(lines, quote.quote.lines, strict=True):
            line.unit_minor = priced.unit_price_minor
            line.line_discount_minor = priced.discount_minor
            line.amount_minor = priced.amount_minor
            line.price_source = priced.price_source
        return True

    def quote_failed(self, rev: int, error: str, field: str | None) -> bool:
        """No quote (``error`` says why; a line it names is marked); False: stale."""
        if rev != self.rev:
            return False
        self.quote, self.quote_error = None, error
        line = line_number(field)
        if line is not None:
            self.error_line = line
        return True

    def save_failed(self, field: str | None) -> str | None:
        """The save was refused for ``field``: mark it; returns where the focus goes
        (``scan`` for a line, ``customer``), None to leave it."""
        self.error_field, self.error_line = None, None
        line = line_number(field)
        if line is not None:
            self.error_line = self.selected = line
            return "scan"
        if field == "lines":
            return "scan"
        if field in ORDER_FIELDS:
            self.error_field = field
            return "customer" if field == "customer" else None
        return None

    # -- the draft -------------------------------------------------------------------------

    def draft(self, new_caller: tuple[tuple[str, str], ...] = ()) -> EntryDraft:
        """What a draft keeps: the lines looked up, and an unknown caller's details."""
        return EntryDraft(
            customer_id=self.customer_id,
            ship_to_id=self.ship_to_id,
            lines=tuple(DraftLine(ln.product.id, ln.qty, ln.discount_minor, ln.note,
                                  ln.price_minor, ln.override_reason)
                        for ln in self.lines if ln.product is not None),
            options=self.options,
            new_caller=new_caller,
        )  # fmt: skip

    def restore(self, draft: EntryDraft, card: CustomerCard | None,
                products: dict[int, ProductHit]) -> None:  # fmt: skip
        """A draft resumed: its caller (``card``), ship-to, options and the lines whose
        products still exist, the last selected."""
        self.customer_id = card.id if card else None
        self.card = card
        self.ship_to_id = draft.ship_to_id
        if card is not None:
            self.ship_to = next((a for a in card.addresses if a.id == draft.ship_to_id),
                                card.default_address)  # fmt: skip
            self.ship_to_id = self.ship_to.id if self.ship_to else None
        self.options = draft.options
        self.lines = [
            EntryLine(products[ln.product_id].code, ln.qty, products[ln.product_id],
                      ln.discount_minor, ln.requirements_note, ln.price_minor,
                      ln.override_reason)
            for ln in draft.lines if ln.product_id in products
        ]  # fmt: skip
        self.selected = max(0, len(self.lines) - 1)
        self.changed()
