"""Options and arguments that several commands share: declared once, so their help agrees;
and the help itself, in words."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from ..i18n import N_, _
from .help_format import CellContext, short_help

# typer's own words in help (its copy of click): the ones it asks the standard library's
# gettext for (``Options``, ``Commands``, ``env var: ...``; ``i18n.use_for_command_line``
# points that at our catalog), listed so that extraction puts them in it; ``Usage:`` and
# the help option's text it has in English only: ``TranslatedHelp`` says them.
CLICK_WORDS = (
    N_("Options"), N_("Commands"), N_("env var: {var}"), N_("default: {default}"),
    N_("required"), N_("Error"), N_("Try '{command} {option}' for help."),
)  # fmt: skip


class TranslatedHelp:
    """For a typer command or group: the usage line and the help option in the current
    language, laid out by terminal cells (``help_format``: Chinese fits 80 columns)."""

    context_class = CellContext

    def format_usage(self, ctx: typer.Context, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage:") + " ")

    def get_short_help_str(self, limit: int = 45) -> str:
        """The command's line in its group's list, ``limit`` cells at most (click counts
        characters: a Chinese line took two lines)."""
        if self.short_help or not self.help or self.deprecated:  # type: ignore[attr-defined]
            return super().get_short_help_str(limit)  # type: ignore[misc]
        return short_help(self.help, limit).strip()  # type: ignore[attr-defined]

    def get_help_option(self, ctx: typer.Context) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _("Show this message and exit.")
        return option


class WordsCommand(TranslatedHelp, TyperCommand):
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
        for title, rows in ((_("Arguments"), arguments), (_("Options"), options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _word(param: Any) -> str:
    return param.metavar or (param.name or "value").upper()


class TranslatedGroup(TranslatedHelp, TyperGroup):
    """A sub-app's group (``oms stock``) with its help in the current language."""


class OmsTyper(typer.Typer):
    """``typer.Typer`` whose commands are ``WordsCommand``s and groups ``TranslatedGroup``s."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("cls", TranslatedGroup)
        super().__init__(*args, **kwargs)

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None,
                **kwargs: Any):  # noqa: ANN201  # fmt: skip
        return super().command(name, cls=cls or WordsCommand, **kwargs)


_DB_HELP = _("SQLAlchemy URL or SQLite file path (env OMS_DATABASE_URL).")
_USER_HELP = _("An admin acting on behalf of this user (env OMS_USER); default: you.")
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

EncodingOption = Annotated[
    str | None,
    typer.Option("--encoding", metavar="ENCODING",
                 help=_("CSV files: utf-8 (with a BOM) or gb18030 (default: the setting "
                        "csv_encoding, else utf-8).")),
]  # fmt: skip
OutOption = Annotated[
    str | None,
    typer.Option("--out", metavar="FILE", help=_("Save the PDF here instead of printing it.")),
]
ForceOption = Annotated[
    bool,
    typer.Option("--force", help=_("Replace the --out file when it exists (never the database).")),
]
PaperOption = Annotated[
    str | None,
    typer.Option("--paper", metavar="PAPER", help=_("A4 or Letter (default: the paper setting).")),
]
FormatOption = Annotated[
    str, typer.Option("--format", metavar="FORMAT", help=_("table, csv or json."))
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", metavar="DATE", help=_("YYYY-MM-DD (default: today)."))
]
ReceivedOnOption = Annotated[
    str | None, typer.Option("--date", metavar="DATE", help=_("Received on (YYYY-MM-DD)."))
]
CurrencyOption = Annotated[
    str | None,
    typer.Option(metavar="CURRENCY", help=_("Invoices in this currency (default: the company's).")),
]
WarehouseArg = Annotated[str, typer.Argument(metavar="WAREHOUSE", help=_("Warehouse code."))]
CustomerArg = Annotated[
    str,
    typer.Argument(
        metavar="CUSTOMER",
        help=_("Customer code (or a phone / name that matches one customer)."),
    ),
]
ProductArg = Annotated[str, typer.Argument(metavar="CODE", help=_("Product code or barcode."))]
