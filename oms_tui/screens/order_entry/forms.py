"""Order entry's small forms (the shared ``FormDialog``; Enter in any field saves): a line's
quantity, discount and requirements note; another ship-to address for the caller; the
caller's invoicing data (发票抬头, 纳税人识别号, 开户行, 账号, 普通 / 专用)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.message import Message

from ...i18n import N_, _, shown
from ...services.parties.customers import AddressView, NewAddress, add_address
from ...services.parties.invoicing import (
    NORMAL,
    SPECIAL,
    Invoicing,
    get_invoicing,
    set_invoicing,
)
from ...services.platform.errors import InvalidInput
from ...services.platform.money import from_minor, parse_money
from ...widgets.address_line import PARTS, AddressLine
from ...widgets.form_dialog import FormDialog, FormField

if TYPE_CHECKING:
    from ...services.platform.db import Database
    from .model import EntryLine


class NewAddressDialog(FormDialog):
    """Another ship-to for the customer; dismisses with the saved address. The address is
    typed as one line and shows split into its parts, each correctable (``AddressLine``);
    the contact and phone are the customer's until changed."""

    def __init__(self, db: Database, user: str, customer_id: int, contact: str = "",
                 phone: str = "") -> None:  # fmt: skip
        def run(v: dict[str, str]) -> AddressView:
            return add_address(db, user, customer_id, NewAddress(
                street=v["street"], city=v["city"], district=v["district"],
                province=v["province"], contact_name=v["contact"], phone=v["phone"]))  # fmt: skip

        said = _("as said: 浙江省杭州市滨江区江南大道88号")
        super().__init__(_("New ship-to address"), [
            FormField("address", _("Address"), placeholder=said),
            FormField("province", _("Province")), FormField("city", _("City")),
            FormField("district", _("District")), FormField("street", _("Street")),
            FormField("contact", _("Contact"), contact), FormField("phone", _("Phone"), phone),
        ], run, enter_saves=True)  # fmt: skip

    def on_mount(self) -> None:
        super().on_mount()
        AddressLine(self, self.field("address"), {name: self.field(name) for name in PARTS})


class LineDialog(FormDialog):
    """Quantity, discount and requirements note of one line; dismisses with them."""

    def __init__(self, line: EntryLine, currency: str) -> None:
        discount = f"{from_minor(line.discount_minor, currency)}" if line.discount_minor else ""

        def run(values: dict[str, str]) -> dict[str, Any]:
            text = values["qty"].strip()
            if not text.isdigit() or int(text) < 1:
                raise InvalidInput(_("quantity: a whole number, at least 1"), "qty")
            minor = 0
            if values["discount"].strip():
                try:
                    minor = parse_money(values["discount"], currency)
                except InvalidInput as error:
                    raise InvalidInput(
                        _("discount: {error}").format(error=shown(str(error))), "discount"
                    ) from error
                if minor < 0:
                    raise InvalidInput(_("discount: cannot be negative"), "discount")
            return {"qty": int(text), "discount_minor": minor, "note": values["note"]}

        code = line.product.code if line.product else line.text
        super().__init__(_("Line: {code}").format(code=code), [
            FormField("qty", _("Quantity"), str(line.qty)),
            FormField("discount", _("Discount"), discount),
            FormField("note", _("Note"), line.note),
        ], run, _("Note: size, colour, finish (made-to-order lines)"), enter_saves=True,
            note_below=True)  # fmt: skip


INVOICE_TYPES = {NORMAL: N_("normal"), SPECIAL: N_("special")}  # typed either way: 普通 / 专用


class InvoicingDialog(FormDialog):
    """The customer's invoicing data, read as the form opens (keys typed meanwhile wait for
    it) and saved by ``invoicing.set_invoicing`` (a wrong taxpayer id or type refused at
    its field, in the service's words); dismisses with the data as stored."""

    CSS_PATH = "order_entry.tcss"  # its labels are wider (纳税人识别号)
    CONTAINER_ID = "invoicing-form"

    class Read(Message):
        def __init__(self, data: Invoicing) -> None:
            super().__init__()
            self.data = data

    def __init__(self, db: Database, user: str, code: str, name: str) -> None:
        def run(v: dict[str, str]) -> Invoicing:
            return set_invoicing(db, user, code, Invoicing(**v))

        self.db, self.code = db, code
        super().__init__(_("Invoicing: {code} {name}").format(code=code, name=name), [
            FormField("invoice_title", _("Invoice title"), placeholder=name),
            FormField("taxpayer_id", _("Taxpayer id"), placeholder=_("18 letters and digits")),
            FormField("bank_name", _("Bank")), FormField("bank_account", _("Account")),
            FormField("invoice_type", _("Invoice type"),
                      placeholder=_("normal (普通) or special (专用)")),
        ], run)  # fmt: skip

    def on_mount(self) -> None:
        super().on_mount()
        self.read()

    @work(thread=True, exclusive=True, group="invoicing-read", exit_on_error=False,
          description=N_("read the invoicing data"))  # fmt: skip
    def read(self) -> None:
        self.post_message(self.Read(get_invoicing(self.db, self.code)))

    @on(Read)
    def shown(self, message: Read) -> None:
        """The data as stored, the type in the clerk's words; the first blank field focused."""
        values = message.data.columns()
        values["invoice_type"] = _(INVOICE_TYPES.get(values["invoice_type"], ""))
        for name, value in values.items():
            self.field(name).value = value
        first = next((f.name for f in self.fields if not values[f.name]), self.fields[0].name)
        self.field(first).focus()
