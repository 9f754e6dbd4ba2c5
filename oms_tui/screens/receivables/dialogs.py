"""The receivables dialogs: what a dunning run did, the collections per month; and how the
forms every key of the area asks with (payment, follow-up, release, as of, dunning: the
shared ``FormDialog``) read what is typed (each refusal an ``InvalidInput`` naming its
field)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ...i18n import N_, _, ngettext, pgettext, shown
from ...services.finance import aging, dunning
from ...services.platform.errors import InvalidInput
from ...services.platform.money import format_money, parse_money
from ...widgets.order_list import fit
from ..formats import parse_day

# payment method by the letter typed: (letter, method)
METHOD_LETTERS = (("b", "bank"), ("c", "cash"), ("w", "wechat"), ("a", "alipay"),
                  ("k", "card"), ("r", "cod_remittance"))  # fmt: skip
# follow-up kind by letter
KIND_LETTERS = (("c", "call"), ("p", "promise"), ("l", "letter"), ("n", "note"))


# -- parsing what was typed (raises InvalidInput naming the field) ------------------------------


def parse_amount(text: str, currency: str, field: str = "amount") -> int:
    try:
        minor = parse_money(text, currency)
    except InvalidInput as error:
        raise InvalidInput(str(error), field) from None
    if minor <= 0:
        raise InvalidInput(_("the amount must be above 0, e.g. 1234.50"), field)
    return minor


def parse_date(text: str, today: date, field: str, *, past_ok: bool = True) -> date | None:
    """A date typed the short way (``parse_day``); blank: None."""
    if not text.strip():
        return None
    try:
        day = parse_day(text, today)
    except InvalidInput as error:
        raise InvalidInput(str(error), field) from None
    if not past_ok and day < today:
        raise InvalidInput(_("{day} is in the past").format(day=day), field)
    return day


def by_letter(text: str, choices: Sequence[tuple[str, str]], field: str, what: str) -> str:
    t = text.strip().lower().replace(" ", "_")
    for letter, name in choices:
        if t in (letter, name):
            return name
    raise InvalidInput(
        _("{what}: one letter, {legend}").format(
            what=_(what), legend=letters_legend(choices, ", ")
        ),
        field,
    )


def letters_legend(choices: Sequence[tuple[str, str]], sep: str = "  ") -> str:
    """``b bank  c cash …``: each letter and what it stands for, in the current language."""
    return sep.join(f"{letter} {method_word(name)}" for letter, name in choices)


def method_word(name: str) -> str:
    """A payment method (or a follow-up kind) as stored, in the current language."""
    words = {"bank": pgettext("payment method", "bank"), "cash": pgettext("payment method", "cash"),
             "wechat": pgettext("payment method", "wechat"),
             "alipay": pgettext("payment method", "alipay"),
             "card": pgettext("payment method", "card"),
             "cod_remittance": pgettext("payment method", "cod remittance")}  # fmt: skip
    return words.get(name) or _(name.replace("_", " "))


def invoice_numbers(text: str, highlighted: str = "") -> list[str] | None:
    """Blank: oldest first (None); ``h``: the highlighted invoice; else the numbers typed."""
    t = text.strip()
    if not t:
        return None
    if t.lower() == "h":
        if not highlighted:
            raise InvalidInput(_("no invoice is highlighted: leave blank (oldest first) or "
                                 "type invoice numbers"), "invoices")  # fmt: skip
        return [highlighted]
    return [n for n in t.replace(",", " ").split() if n]


# -- dialogs ------------------------------------------------------------------------------------


class DunningDialog(ModalScreen[None]):
    """The steps a dunning run took and where their letters went."""

    CSS_PATH = "receivables.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12,enter", "close", N_("Close"), key_display="Enter/Esc",
                id="recv.dunning.close"),
    ]  # fmt: skip

    def __init__(self, steps: Sequence[dunning.DunningStep], where: str) -> None:
        super().__init__()
        self.steps, self.where = steps, where

    def compose(self) -> ComposeResult:
        with Vertical(classes="recv-dialog", id="recv-dunning") as box:
            box.border_title = ngettext(
                "Dunning: {n} step", "Dunning: {n} steps", len(self.steps)
            ).format(n=len(self.steps))
            box.border_subtitle = _("Enter or Esc closes")
            with VerticalScroll(id="recv-dunning-steps"):
                for s in self.steps:
                    yield Static(Content.assemble(
                        (fit(s.customer_name, 18), "bold"),
                        f" {fit(shown(s.title), 26)} "
                        + _("{days} d").format(days=f"{s.days_overdue:>4}") + " ",
                        (fit(format_money(s.overdue_minor, s.currency), 13, True),
                         "$text-error" if s.level == 4 else ""),
                    ), classes="recv-step")  # fmt: skip
            yield Static(
                Content.styled(_("Letters {where}.").format(where=self.where), "dim"),
                id="recv-dunning-where",
            )

    def action_close(self) -> None:
        self.dismiss(None)


class CollectionsDialog(ModalScreen[None]):
    """Money received per month over the last twelve months (``aging.collections``)."""

    CSS_PATH = "receivables.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f12,enter", "close", N_("Close"), key_display="Enter/Esc",
                id="recv.collections.close"),
    ]  # fmt: skip

    def __init__(self, report: aging.Collections) -> None:
        super().__init__()
        self.report = report

    def compose(self) -> ComposeResult:
        r = self.report
        top = max((row.amount_minor for row in r.rows), default=0) or 1
        with Vertical(classes="recv-dialog", id="recv-collections") as box:
            box.border_title = _("Collections {start} to {end}").format(
                start=f"{r.start:%Y-%m}", end=f"{r.end:%Y-%m}"
            )
            box.border_subtitle = _("Enter or Esc closes")
            with VerticalScroll(id="recv-collections-rows"):
                for row in r.rows:
                    bar = "█" * round(24 * row.amount_minor / top)
                    yield Static(Content.assemble(
                        f"{row.period:%Y-%m} ",
                        (fit(format_money(row.amount_minor, r.currency), 15, True), ""),
                        (" " + ngettext("{n} payment", "{n} payments", row.payments).format(
                            n=f"{row.payments:>5}") + " ", "dim"), (bar, "$accent"),
                    ), classes="recv-step")  # fmt: skip
            total = format_money(r.amount_minor, r.currency)
            yield Static(Content.assemble((_("Total") + " ", "dim"), total,
                                          (ngettext(" in {n} payment", " in {n} payments",
                                                    r.payments).format(n=f"{r.payments:,}"),
                                           "dim")))  # fmt: skip

    def action_close(self) -> None:
        self.dismiss(None)
