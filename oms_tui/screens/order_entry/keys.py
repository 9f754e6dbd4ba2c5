"""The order entry screen's keys: its bindings (the README's grammar, each with its id)
and its command palette entries (action, title, help)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from ...i18n import N_

INVOICING_KEY = "F11/^U"

BINDINGS: list[BindingType] = [
    Binding("f2,ctrl+s", "save", N_("Save"), key_display="F2/^S", id="entry.save",
            tooltip=N_("Save: submit the order to the audit queue")),
    Binding("f4,ctrl+l", "lookup", N_("Find"), key_display="F4/^L", id="entry.lookup",
            tooltip=N_("Look up the focused field: customers, products, addresses")),
    Binding("f6,ctrl+o", "ship_to", N_("Ship-to"), key_display="F6/^O", show=False,
            id="entry.ship_to", tooltip=N_("Ship-to: another saved address or a new one")),
    Binding("f7,ctrl+n", "new_customer", N_("New cust"), key_display="F7/^N", show=False,
            id="entry.new_customer", tooltip=N_("New customer (name, phone, address, group)")),
    Binding("f8,ctrl+y", "repeat_order", N_("Repeat"), key_display="F8/^Y", show=False,
            id="entry.repeat",
            tooltip=N_("Repeat one of the customer's recent orders")),
    Binding("f9,ctrl+b", "templates", N_("Template"), key_display="F9/^B", show=False,
            id="entry.templates", tooltip=N_("Add the lines of a named template")),
    Binding("f11,ctrl+u", "invoicing", N_("Invoicing"), key_display=INVOICING_KEY,
            show=False, id="entry.invoicing",
            tooltip=N_("The customer's invoicing data: 发票抬头, 纳税人识别号, bank, "
                       "account, 普通 / 专用 (Ctrl+U: from an empty field)")),
    # Ctrl+U before a field's own (as stock's Ctrl+E): action_invoicing says when it clears
    Binding("ctrl+u", "invoicing(True)", "", show=False, priority=True,
            id="entry.invoicing_u"),
    Binding("f10,ctrl+g", "options", N_("Options"), key_display="F10/^G", show=False,
            id="entry.options",
            tooltip=N_("Order options: channel, payment, delivery date, priority, notes")),
    Binding("up", "move(-1)", N_("Select"), key_display="Up/Down", show=False, id="entry.up",
            tooltip=N_("Up/Down: move in the customer matches, or select a line")),
    Binding("down", "move(1)", "", show=False, id="entry.down"),  # listed with Up
    Binding("ctrl+delete", "delete_line", N_("Delete line"), key_display="^Del", show=False,
            id="entry.delete_line", tooltip=N_("Delete the selected line (or '-' Enter)")),
    Binding("f12,escape", "back", N_("Back"), key_display="F12/Esc", id="entry.back",
            tooltip=N_("Back out; asks first when the order is not saved")),
    Binding("ctrl+z", "discard", N_("Discard"), key_display="^Z", show=False,
            id="entry.discard", tooltip=N_("Discard the order on screen and its draft")),
]  # fmt: skip

# (action, palette title, help) for the command palette
PALETTE: tuple[tuple[str, str, str], ...] = (
    ("save", N_("Save order"), N_("Submit to the audit queue (F2 / Ctrl+S)")),
    ("lookup", N_("Look up"), N_("Customers, products or addresses (F4 / Ctrl+L)")),
    ("ship_to", N_("Ship-to address"),
     N_("Another saved address or a new one (F6 / Ctrl+O)")),
    ("new_customer", N_("New customer"), N_("Create the caller (F7 / Ctrl+N)")),
    ("repeat_order", N_("Repeat a recent order"), N_("Copy its lines (F8 / Ctrl+Y)")),
    ("templates", N_("Add a template"), N_("A named template's lines (F9 / Ctrl+B)")),
    ("invoicing", N_("Invoicing data"),
     N_("Invoice title, taxpayer id, bank, account, type (F11 / Ctrl+U)")),
    ("options", N_("Order options"),
     N_("Channel, payment, date, priority, notes (F10 / Ctrl+G)")),
    ("delete_line", N_("Delete line"), N_("The selected line (Ctrl+Del, or '-' Enter)")),
    ("edit_line", N_("Edit line"),
     N_("Quantity, discount, note (Enter on the empty scan line)")),
    ("discard", N_("Discard order"), N_("The order on screen and its draft go (Ctrl+Z)")),
)  # fmt: skip
