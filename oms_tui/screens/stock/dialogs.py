"""Stock's dialogs: the form of the stock check's receive / transfer / adjust and the
stocktake's post. A few labelled fields; Enter in any saves through ``run`` (a service call
in a worker); the error goes under the fields, its field focused, with the bell. And how
the forms read a quantity and a warehouse (a refusal names its field)."""

from __future__ import annotations

from collections.abc import Sequence

from ...services.platform.errors import InvalidInput
from ...widgets.form_dialog import FormDialog, FormField, Run

# a service's name for a field -> the dialog's
FIELD_ALIASES = {"to_warehouse": "to", "from_warehouse": "from", "product": "code"}


class StockForm(FormDialog):
    CSS_PATH = "stock.tcss"
    DIALOG_CLASS, NOTE_CLASS, ERROR_CLASS = "stock-dialog", "stock-note", "stock-error"
    ENTER_SAVES = FOCUS_FIRST_EMPTY = True
    SUBTITLE = "Tab next field · Enter saves · Esc backs out"

    def __init__(self, title: str, fields: Sequence[FormField], run: Run, note: str = "",
                 focus: str | None = None) -> None:  # fmt: skip
        super().__init__(title, fields, run, note, focus=focus, aliases=FIELD_ALIASES)


# -- reading what is typed ------------------------------------------------------------------


def whole_number(text: str, field: str = "qty", *, signed_ok: bool = False) -> int:
    """A quantity as typed; ``signed_ok`` takes ``+5`` / ``-3`` (not 0)."""
    t = text.strip().replace(" ", "")
    try:
        n = int(t)
    except ValueError:
        want = "+5 or -3" if signed_ok else "a whole number above 0"
        raise InvalidInput(f"type the quantity: {want}", field) from None
    if n == 0 or (n < 0 and not signed_ok):
        raise InvalidInput(
            "the quantity must be "
            + ("+N or -N, not 0" if signed_ok else "a whole number above 0"),
            field,
        )
    return n


def warehouse_code(text: str, codes: Sequence[str], field: str = "warehouse") -> str:
    code = text.strip().upper()
    if not code:
        raise InvalidInput(f"type a warehouse: {', '.join(codes)}", field)
    if codes and code not in codes:
        raise InvalidInput(f"no warehouse '{text.strip()}': {', '.join(codes)}", field)
    return code
