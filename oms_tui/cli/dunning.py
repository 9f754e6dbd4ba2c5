"""`oms dunning run`: reminders, notices and credit holds for overdue accounts."""

from __future__ import annotations

import typer

from .common import connect, date_option, print_document, say
from .options import AsOfOption, DbOption, ForceOption, OmsTyper, OutOption, UserOption

app = OmsTyper(help="Dunning: reminders, notices and credit holds for overdue accounts.")


@app.command("run")
def dunning_run(
    as_of: AsOfOption = None,
    out: OutOption = None,
    force: ForceOption = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Take each overdue customer's dunning step (reminder, second notice, final notice,
    credit hold; thresholds: setting dunning_days) and print the letters."""
    from ..reports.account_letter import account_pdf
    from ..services.finance import dunning
    from ..services.platform.money import format_money

    settings, database = connect(db, user)
    steps = dunning.run_dunning(database, settings.user, date_option(as_of, "--as-of"))
    for st in steps:
        typer.echo(f"{st.customer_name}\t{st.title}\t{st.days_overdue} days\t"
                   f"{format_money(st.overdue_minor, st.currency)}")  # fmt: skip
    if not steps:
        say("No dunning step due")
        return
    papers = [dunning.letter(database, st.letter_id) for st in steps]
    print_document(database, lambda company, size: account_pdf(papers, company, size),
                   f"dunning-{papers[0].as_of.isoformat()}", out, force=force)  # fmt: skip
