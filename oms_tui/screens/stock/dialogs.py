"""Stock's forms (the stock check's receive / transfer / adjust and the stocktake's post)
are the shared ``FormDialog`` with Enter in any field saving (``stock_form``); here, how
they read a quantity and a warehouse (a refusal names its field)."""

from __future__ import annotations

from collections.abc import Sequence

from ...i18n import _
from ...services.platform.errors import InvalidInput
from ...widgets.form_dialog import FormDialog, FormField, Run

# a service's name for a field -> the form's
FIELD_ALIASES = {"to_warehouse": "to", "from_warehouse": "from", "product": "code"}


def stock_form(title: str, fields: Sequence[FormField], run: Run, note: str = "") -> FormDialog:
    """A stock form: scan-and-go (Enter in any field saves), starting in the first field
    still blank; a service's field names mapped to the form's."""
    return FormDialog(title, fields, run, note, aliases=FIELD_ALIASES, enter_saves=True,
                      focus_first_empty=True)  # fmt: skip


# -- reading what is typed ------------------------------------------------------------------


def whole_number(text: str, field: str = "qty", *, signed_ok: bool = False) -> int:
    """A quantity as typed; ``signed_ok`` takes ``+5`` / ``-3`` (not 0)."""
    t = text.strip().replace(" ", "")
    try:
        n = int(t)
    except ValueError:
        want = _("+5 or -3") if signed_ok else _("a whole number above 0")
        raise InvalidInput(_("type the quantity: {want}").format(want=want), field) from None
    if n == 0 or (n < 0 and not signed_ok):
        raise InvalidInput(_("the quantity must be +N or -N, not 0") if signed_ok
                           else _("the quantity must be a whole number above 0"),
                           field)  # fmt: skip
    return n


def warehouse_code(text: str, codes: Sequence[str], field: str = "warehouse") -> str:
    code = text.strip().upper()
    if not code:
        raise InvalidInput(_("type a warehouse: {codes}").format(codes=", ".join(codes)), field)
    if codes and code not in codes:
        raise InvalidInput(
            _("no warehouse '{code}': {codes}").format(code=text.strip(), codes=", ".join(codes)),
            field,
        )
    return code
