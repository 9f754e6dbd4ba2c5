"""`oms dunning run` and `oms dunning reprint`: reminders, notices and credit holds for
overdue accounts, their letters saved with the steps and printed after."""

from __future__ import annotations

from datetime import date

import typer

from ..i18n import _, ngettext, shown
from .common import check_out, connect, date_option, say
from .options import AsOfOption, DbOption, ForceOption, OmsTyper, OutOption, UserOption

app = OmsTyper(
    help=_("Dunning: reminders, notices and credit holds for overdue accounts.")
)  # its line in `oms --help`


def _renderer(database):  # noqa: ANN001, ANN202
    """The letters' PDF with the company's details and paper, and the settings."""
    from ..reports.account_letter import renderer
    from ..reports.common import company_of
    from ..services.platform.settings import get_settings

    cs = get_settings(database)
    return renderer(company_of(cs), cs.paper), cs


def _deliver(path: str, name: str, printer: str, out: str | None) -> None:
    """Print a saved PDF (not when ``--out`` asked for a file) and say where it went."""
    from ..services.platform import printing

    done = printing.Delivered(path) if out else printing.print_saved(path, name, printer)
    say(f"{name}: {shown(str(done))}")


@app.command("run", help=_(
    "Take each overdue customer's dunning step (reminder, second notice, final notice, credit "
    "hold; thresholds: setting dunning_days) as of today or an earlier day; a customer who "
    "promised to pay by a day not yet past is not escalated. The letters are saved with the "
    "steps (dunning-DR-YEAR-N.pdf), then printed."))  # fmt: skip
def dunning_run(
    as_of: AsOfOption = None,
    out: OutOption = None,
    force: ForceOption = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.finance import dunning
    from ..services.platform.money import format_money

    settings, database = connect(db, user)
    check_out(out, force, settings.database_url)  # before any step is taken
    render, cs = _renderer(database)
    run = dunning.run_dunning(database, settings.user, date_option(as_of, "--as-of"),
                              date.today(), render=render, out=out,
                              overwrite=force)  # fmt: skip
    for st in run.steps:
        days = ngettext("{n} day", "{n} days", st.days_overdue).format(n=st.days_overdue)
        typer.echo(f"{st.customer_name}\t{shown(st.title)}\t{days}\t"
                   f"{format_money(st.overdue_minor, st.currency)}")  # fmt: skip
    for name in run.promised:
        say(_("{name}: not escalated, a promise to pay stands").format(name=name))
    if not run.steps:
        say(_("No dunning step due"))
        return
    _deliver(run.path, f"{dunning.run_name(run.number)}", cs.printer, out)


@app.command("reprint", help=_("Print a dunning run's letters again, or a customer's last letter."))
def dunning_reprint(
    key: str = typer.Argument(
        ...,
        metavar="RUN_OR_CUSTOMER",
        help=_("A run's number (DR-2026-000001) or a customer's code."),
    ),
    out: OutOption = None,
    force: ForceOption = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.finance import dunning

    settings, database = connect(db, user)
    check_out(out, force, settings.database_url)
    render, cs = _renderer(database)
    done = dunning.reprint(database, key, render=render, out=out, overwrite=force)
    _deliver(done.path, done.name, cs.printer, out)
