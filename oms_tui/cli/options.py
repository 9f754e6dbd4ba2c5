"""Options and arguments that several commands share: declared once, so their help agrees;
and the help itself, in words."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperCommand


class WordsCommand(TyperCommand):
    """A command whose help reads as words: arguments by their metavar (``ORDER_NO``), an
    optional one in brackets, never typer's ``{order}`` nor a Python type (``<str>``).
    Options show their metavar (``--date DATE``, ``--invoice INV-...``); every option that
    takes a value declares one (``tests/cli/test_help.py`` checks)."""

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                word = _word(param) + ("..." if param.nargs != 1 else "")
                pieces.append(word if param.required else f"[{word}]")
        return pieces

    def format_options(self, ctx: typer.Context, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((_word(param), record[1]))  # typer's is "code <str>"
            else:
                options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _word(param: Any) -> str:
    return param.metavar or (param.name or "value").upper()


class OmsTyper(typer.Typer):
    """``typer.Typer`` whose commands are ``WordsCommand``s."""

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None,
                **kwargs: Any):  # noqa: ANN201  # fmt: skip
        return super().command(name, cls=cls or WordsCommand, **kwargs)


_DB_HELP = "SQLAlchemy URL or SQLite file path (env OMS_DATABASE_URL)."
_USER_HELP = "Acting user (env OMS_USER; default: your login name)."
# The environment is read once, by the top-level options; a sub-command's own --db/--user
# (accepted after the command name too) only override what was given explicitly.
GlobalDb = Annotated[
    str | None, typer.Option("--db", envvar="OMS_DATABASE_URL", metavar="URL", help=_DB_HELP)
]
GlobalUser = Annotated[
    str | None, typer.Option("--user", envvar="OMS_USER", metavar="NAME", help=_USER_HELP)
]
DbOption = Annotated[str | None, typer.Option("--db", metavar="URL", help=_DB_HELP)]
UserOption = Annotated[str | None, typer.Option("--user", metavar="NAME", help=_USER_HELP)]

OutOption = Annotated[
    str | None,
    typer.Option("--out", metavar="FILE", help="Save the PDF here instead of printing it."),
]
ForceOption = Annotated[
    bool,
    typer.Option("--force", help="Replace the --out file when it exists (never the database)."),
]
PaperOption = Annotated[
    str | None,
    typer.Option("--paper", metavar="PAPER", help="A4 or Letter (default: the paper setting)."),
]
FormatOption = Annotated[
    str, typer.Option("--format", metavar="FORMAT", help="table, csv or json.")
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", metavar="DATE", help="YYYY-MM-DD (default: today).")
]
ReceivedOnOption = Annotated[
    str | None, typer.Option("--date", metavar="DATE", help="Received on (YYYY-MM-DD).")
]
CurrencyOption = Annotated[
    str | None,
    typer.Option(metavar="CURRENCY", help="Invoices in this currency (default: the company's)."),
]
WarehouseArg = Annotated[str, typer.Argument(metavar="WAREHOUSE", help="Warehouse code.")]
CustomerArg = Annotated[
    str,
    typer.Argument(
        metavar="CUSTOMER", help="Customer code (or a phone / name that matches one customer)."
    ),
]
ProductArg = Annotated[str, typer.Argument(metavar="CODE", help="Product code or barcode.")]
