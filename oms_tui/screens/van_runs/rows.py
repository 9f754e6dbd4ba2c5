"""Van runs: how the runs and their stops are written (planned: cash and containers to
collect; returned: what came back), and the settle screen's rows. Pure text, no widgets."""

from __future__ import annotations

from textual.content import Content
from textual.screen import Screen

from ...i18n import N_, _, ngettext, pgettext
from ...services.parties.masking import shown_contact
from ...services.platform.money import format_money
from ...services.shipping.delivery_runs import RunView, StopView
from ...widgets.order_list import fit
from ..list_screen import head_line

# a run's statuses, said in the current language (``_(run.status)``)
RUN_STATUSES = (N_("planned"), N_("returned"))


def stops_text(n: int) -> str:
    return ngettext("{n} stop", "{n} stops", n).format(n=n)


def money(minor: int, currency: str) -> str:
    return format_money(minor, currency) if minor else "—"


# -- what the screens show ---------------------------------------------------------------------

_STOP_FIXED = 1 + 2 + 1 + 14 + 1 + 1 + 1 + 10 + 1 + 4 + 1 + 4


def list_width(screen: Screen) -> int:
    """The cells a stop row has: the screen less the list's padding and scrollbar."""
    return screen.size.width - 3


def stop_columns(width: int) -> tuple[int, int]:
    """(customer, address) widths that fill ``width`` after the fixed columns."""
    free = max(12, width - _STOP_FIXED)
    customer = min(16, free // 2)
    return customer, free - customer


def stop_head(width: int, returned: bool) -> str:
    customer, address = stop_columns(width)
    cash, empties = ((N_("Cash in"), pgettext("containers", "Back")) if returned
                     else (N_("Cash"), N_("Empt")))  # fmt: skip
    return "  #" + head_line((N_("Order"), 14), (N_("Customer"), customer),
                             (N_("Address"), address), (cash, 10, True), (N_("Full"), 4, True),
                             (empties, 4, True))  # fmt: skip


def stop_row(s: StopView, width: int, returned: bool, currency: str, role: str | None
             ) -> Content:  # fmt: skip
    """A stop's row; its address as ``role`` may see it (masked without customers.contact)."""
    customer, address = stop_columns(width)
    where = shown_contact(role, s.phone, s.address)[1]
    if returned:
        mark = ("✓", "$text-success") if s.delivered else ("✗", "$text-warning")
        cash, empties = money(s.cash_collected_minor, currency), s.containers_back
        full = s.containers_out if s.delivered else 0
    else:
        mark, cash = (" ", ""), money(s.cash_due_minor, currency)
        full, empties = s.containers_out, s.containers_to_collect
    return Content.assemble(
        mark, f"{s.seq:>2} ", (fit(s.order_number, 14), "bold"),
        f" {fit(s.customer_name, customer)} ", (fit(where, address), "$text-muted"),
        f" {fit(cash, 10, True)} {full:>4} {empties:>4}",
    )  # fmt: skip


def run_totals(run: RunView) -> Content:
    if run.status == "returned":
        return result_text(run)
    return Content.assemble(
        (stops_text(len(run.stops)), "bold"),
        _(" · cash to collect {amount} · full out {full} · empties to collect {empties}").format(
            amount=format_money(run.cash_due_minor, run.currency), full=run.containers_out,
            empties=run.containers_to_collect),
    )  # fmt: skip


def result_text(run: RunView) -> Content:
    """What settling did: delivered stops, cash collected against due, containers."""
    delivered = [s for s in run.stops if s.delivered]
    due = sum(m.due_minor for m in run.money)  # at the door: COD goods and their deposits
    collected = run.cash_collected_minor
    gap = ""
    if collected != due:
        diff = format_money(abs(collected - due), run.currency)
        gap = (_(" (short {amount})") if collected < due else _(" (over {amount})")).format(
            amount=diff
        )
    waiting = len(run.stops) - len(delivered)
    return Content.assemble(
        (_("{n} of {stops} delivered").format(n=len(delivered), stops=stops_text(len(run.stops))),
         "bold"),
        _(" · cash {collected} collected of {due} due").format(
            collected=format_money(collected, run.currency), due=format_money(due, run.currency)),
        (gap, "bold $text-warning"),
        _(" · full out {full} · empties back {empties}").format(
            full=sum(s.containers_out for s in delivered),
            empties=sum(s.containers_back for s in run.stops)),
        ngettext(" · {n} waits for the next run", " · {n} wait for the next run",
                 waiting).format(n=waiting) if waiting else "",
    )  # fmt: skip


def run_label(run: RunView) -> Content:
    return Content.assemble(
        (fit(run.number, 16), "bold"), f" {fit(run.van_code, 6)} {fit(run.driver or '—', 10)} ",
        (fit(_(run.status), 8), "$text-success" if run.status == "returned" else "$text-accent"),
        f" {fit(stops_text(len(run.stops)), 9, True)}"
        f" {fit(format_money(run.cash_due_minor, run.currency), 12, True)} " + _("due"),
    )  # fmt: skip


def run_title(run: RunView) -> Content:
    return Content.assemble(
        (run.number, "bold"), f" · {run.van_code} {run.van_name} · {run.run_date.isoformat()} · "
        + _("driver {name}").format(name=run.driver or "—") + " · ",
        (_(run.status), "bold $text-success" if run.status == "returned" else "bold $text-accent"),
    )  # fmt: skip


# -- the settle screen's rows -----------------------------------------------------------------

_SETTLE_FIXED = 2 + 1 + 14 + 1 + 1 + 9 + 1 + 3 + 1 + 3 + 3 + 9 + 1 + 4 + 1 + 9


def settle_customer(width: int) -> int:
    return max(6, width - _SETTLE_FIXED)


def settle_head(width: int) -> str:
    due, done = pgettext("amount", "Due"), pgettext("stop", "Done")
    back = pgettext("containers", "Back")
    return (" #" + head_line((N_("Order"), 14), (N_("Customer"), settle_customer(width)),
                             (due, 9, True), (N_("Ful"), 3, True), (N_("Col"), 3, True))
            + " │" + head_line((done, 9), (back, 4, True), (N_("Cash"), 9, True)))  # fmt: skip
