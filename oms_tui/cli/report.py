"""`oms report aging | dso | collections | buckets`: receivables reports."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _, shown
from .common import connect, csv_encoding, emit_csv, open_current, resolve_settings, say
from .options import (
    AsOfOption,
    CurrencyOption,
    DbOption,
    EncodingOption,
    FormatOption,
    OmsTyper,
    UserOption,
)

app = OmsTyper(
    help=_("Receivables reports: aging, days sales outstanding, collections.")
)  # its line in `oms --help`


def _report_date(option: str, value: str | None):  # noqa: ANN202
    from datetime import date

    from ..services.platform.errors import InvalidInput

    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            _("{option} {value}: use YYYY-MM-DD").format(option=option, value=value)
        ) from None


def _report_format(fmt: str) -> str:
    from ..services.platform.errors import InvalidInput

    if fmt.lower() not in {"table", "csv", "json"}:
        raise InvalidInput(_("--format {format}: use table, csv or json").format(format=fmt))
    return fmt.lower()


def _amount(minor: int, currency: str, grouped: bool = False) -> str:
    from ..services.platform.money import exponent, from_minor

    return f"{from_minor(minor, currency):{',' if grouped else ''}.{exponent(currency)}f}"


def _width(text: str) -> int:
    """Terminal cells ``text`` takes (Chinese characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cells(text: str, width: int) -> str:
    """Cut and pad to ``width`` terminal cells (Chinese characters take two)."""
    out, used = [], 0
    for ch in text:
        w = _width(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (width - used)


def _by_label(labels: tuple[str, ...], values: tuple[int, ...], total: int, cur: str) -> dict:
    cells = {label: _amount(v, cur) for label, v in zip(labels, values, strict=True)}
    return {**cells, "total": _amount(total, cur)}


def _csv_out(database, encoding: str | None, header: list[str], rows: list[list[str]]) -> None:  # noqa: ANN001
    """A report as CSV on stdout, as every CSV oms writes (UTF-8 with a BOM, or GB18030)."""
    from ..services.platform.csv_files import csv_text

    emit_csv(csv_text(header, rows), None, csv_encoding(database, encoding))


@app.command("aging", help=_(
    "Open receivables per customer as of a date, aged on the due date: not yet due, then "
    "overdue by bucket; then the credit on account (unapplied credit notes and over-payments, "
    "negative, not aged) and the net total; riskiest customers first (overdue money weighted "
    "by its bucket, less the credit on account). CSV lists the customers only; table and JSON "
    "end with the totals."))  # fmt: skip
def report_aging(
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
    buckets: Annotated[
        str | None,
        typer.Option(
            metavar="DAYS,...",
            help=_("Overdue limits in days for this report (default: aging_buckets)."),
        ),
    ] = None,
    currency: CurrencyOption = None,
    encoding: EncodingOption = None,
    db: DbOption = None,
) -> None:
    import json

    from ..services.finance import aging

    when = _report_date("--as-of", as_of)
    out = _report_format(fmt)
    database = open_current(resolve_settings(db))
    report = aging.aging(database, when, buckets=buckets, currency=currency)
    cur = report.currency
    # CSV and JSON keep their column names in English (files read by programs); the table
    # says them in the current language
    labels = (*report.labels, "on account")  # then "total" (net); i18n: no
    if out == "json":
        doc = {
            "as_of": report.as_of.isoformat(), "currency": cur, "aged_on": "due date",  # i18n: no
            "buckets": list(report.limits), "columns": [*labels, "total"],
            "customers": [{"code": r.code, "name": r.name, "risk": r.risk,
                           **_by_label(labels, (*r.amounts, r.on_account_minor),
                                       r.total_minor, cur)}
                          for r in report.rows],
            "totals": _by_label(labels, (*report.totals, report.on_account_minor),
                                report.total_minor, cur),
        }  # fmt: skip
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    if out == "csv":
        rows = [[r.code, r.name, *(_amount(v, cur) for v in r.amounts),
                 _amount(r.on_account_minor, cur), _amount(r.total_minor, cur)]
                for r in report.rows]  # fmt: skip
        _csv_out(database, encoding, ["code", "name", *labels, "total"], rows)
        return
    totals = (*report.totals, report.on_account_minor, report.total_minor)
    width = max([14, *(len(_amount(t, cur, True)) + 1 for t in totals)])
    heads = (*(shown(label) for label in report.labels), _("on account"), _("total"))
    head = "".join(" " * max(width - _width(label), 1) + label for label in heads)
    typer.echo(_("Aging as of {date} ({currency}), aged on the due date, riskiest first")
               .format(date=report.as_of, currency=cur))  # fmt: skip
    typer.echo(_cells(_("customer"), 12) + " " + _cells(_("name"), 20) + head)
    for r in report.rows:
        cells = "".join(f"{_amount(v, cur, True):>{width}}"
                        for v in (*r.amounts, r.on_account_minor, r.total_minor))  # fmt: skip
        typer.echo(f"{_cells(r.code, 12)} {_cells(r.name, 20)}{cells}")
    cells = "".join(f"{_amount(v, cur, True):>{width}}" for v in totals)
    typer.echo(_cells(_("total"), 33) + cells)
    say(_("{n} customers with open receivables or credit on account").format(n=len(report.rows)))


@app.command("dso", help=_(
    "Days sales outstanding: open receivables on the date / sales invoiced over the last N "
    "days (credit notes deducted) x N."))  # fmt: skip
def report_dso(
    as_of: AsOfOption = None,
    days: Annotated[int, typer.Option(metavar="N", help=_("Sales over this many days."))] = 90,
    currency: CurrencyOption = None,
    db: DbOption = None,
) -> None:
    from ..services.finance import aging

    when = _report_date("--as-of", as_of)
    r = aging.dso(open_current(resolve_settings(db)), when, days=days, currency=currency)
    cur = r.currency
    figure = _("n/a (no sales)") if r.dso is None else _("{n} days").format(n=r.dso)
    typer.echo(_("DSO as of {date} over {days} days: {figure}  (receivables {receivables}, "
                 "sales {sales} {currency})").format(
        date=r.as_of, days=r.days, figure=figure,
        receivables=_amount(r.receivables_minor, cur, True),
        sales=_amount(r.sales_minor, cur, True), currency=cur))  # fmt: skip


@app.command(
    "collections",
    help=_("Payments received per period (credit note applications are not money received)."),
)
def report_collections(
    start: Annotated[
        str, typer.Option("--from", metavar="DATE", help=_("First day (YYYY-MM-DD)."))
    ],
    end: Annotated[str, typer.Option("--to", metavar="DATE", help=_("Last day (YYYY-MM-DD)."))],
    by: Annotated[
        str, typer.Option(metavar="PERIOD", help=_("month, week (from Monday) or day."))
    ] = "month",
    fmt: FormatOption = "table",
    encoding: EncodingOption = None,
    db: DbOption = None,
) -> None:
    import json

    from ..services.finance import aging
    from ..services.platform.settings import get_settings

    first, last = _report_date("--from", start), _report_date("--to", end)
    out = _report_format(fmt)
    database = open_current(resolve_settings(db))
    c = aging.collections(database, first, last, by=by.lower())
    cur = get_settings(database).currency
    if out == "json":
        doc = {"from": first.isoformat(), "to": last.isoformat(), "by": c.by, "currency": cur,
               "periods": [{"period": r.period.isoformat(), "payments": r.payments,
                            "amount": _amount(r.amount_minor, cur)} for r in c.rows],
               "total": {"payments": c.payments,
                         "amount": _amount(c.amount_minor, cur)}}  # fmt: skip
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    elif out == "csv":
        rows = [[r.period.isoformat(), str(r.payments), _amount(r.amount_minor, cur)]
                for r in c.rows]  # fmt: skip
        _csv_out(database, encoding, ["period", "payments", "amount"], rows)
    else:
        typer.echo(
            _("Collections {first} to {last} by {period} ({currency})").format(
                first=first, last=last, period=c.by, currency=cur
            )
        )
        for r in c.rows:
            typer.echo(f"{r.period.isoformat():12} {r.payments:>9} "
                       f"{_amount(r.amount_minor, cur, True):>18}")  # fmt: skip
        typer.echo(_cells(_("total"), 12)
                   + f" {c.payments:>9} {_amount(c.amount_minor, cur, True):>18}")  # fmt: skip


@app.command(
    "buckets", help=_("Show the aging buckets' limits (setting aging_buckets), or change them.")
)
def report_buckets(
    limits: Annotated[
        str | None,
        typer.Argument(metavar="LIMITS", help=_("New overdue limits in days, e.g. 30,60,90,120.")),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    from ..services.finance import aging

    settings, database = connect(db, user)
    if limits is not None:
        aging.set_aging_buckets(database, settings.user, limits)
    current = aging.get_aging_buckets(database)
    labels = ", ".join(shown(label) for label in aging.bucket_labels(current))
    typer.echo(f"{','.join(map(str, current))}  ({labels})")
