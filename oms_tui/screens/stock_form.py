"""The stock area's form: the stock check's receive / transfer / adjust dialogs and the
stocktake's post dialog. A few labelled fields; Enter in any saves through ``run`` (a
service call in a worker); the error goes under the fields, its field focused, with the
bell."""

from __future__ import annotations

from collections.abc import Sequence

from ..widgets.form_dialog import FormDialog, FormField, Run

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
