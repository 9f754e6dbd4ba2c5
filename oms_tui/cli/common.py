"""What every command needs: its settings, its database, one-line messages, dates, the
customer it names and printing a document. Heavy imports stay inside the functions."""

from __future__ import annotations

import typer

from ..config import Settings, sqlite_path
from ..i18n import N_, _, shown


class State:
    """The running command's settings (from the top-level options) and the databases it
    opened, closed when it ends."""

    settings: Settings | None = None
    opened: list = []
    acting: dict = {}  # (database URL, --user) -> the settings with the user who acts
    command = "oms"  # what runs (`oms payment`), for the record of an admin acting on behalf
    first_admin: str | None = None  # said when this command made the database's first admin


def resolve_settings(db: str | None = None, user: str | None = None) -> Settings:
    base = State.settings or Settings.resolve()
    if db or user:
        return Settings.resolve(db=db or base.database_url, user=user or base.requested)
    return base


def open_database(settings: Settings):  # noqa: ANN201
    from ..services.platform.db import Database

    database = Database(settings.database_url)
    State.opened.append(database)
    return database


def close_databases() -> None:
    State.acting.clear()
    State.first_admin = None
    while State.opened:
        State.opened.pop().dispose()


def connect(db: str | None, user: str | None = None):  # noqa: ANN201
    """The command's settings (``--db``, ``--user``) with the user who acts (``acting``),
    and its database at the newest schema."""
    settings = resolve_settings(db, user)
    database = open_current(settings)
    return acting(settings, database), database


def acting(settings: Settings, database) -> Settings:  # noqa: ANN001
    """``settings`` with the user who acts, as the database's identity mode says
    (``services/platform/identity.py``): the OS account, or the one logged in with ``oms
    login``; an admin's ``--user NAME`` acts on behalf of NAME (recorded). A refusal is one
    line saying what to do. Decided once per command and database."""
    from dataclasses import replace

    from ..config import os_user
    from ..services.platform import identity, presence
    from .login import read_token

    key = (settings.database_url, settings.requested)
    if key not in State.acting:
        acts = identity.acting_user(database, os_user(), settings.requested,
                                    read_token(settings.database_url), State.command)  # fmt: skip
        if acts.made_admin:
            State.first_admin = _(FIRST_ADMIN).format(user=os_user())
            say(State.first_admin)
        presence.set_user(acts.user)
        State.acting[key] = replace(settings, user=acts.user)
    return State.acting[key]


FIRST_ADMIN = N_("{user} is the admin of this database (the first user of a database is its "
                 "admin); add the others with `oms user add NAME --role ROLE`")  # fmt: skip


def check_place(settings: Settings, *, create: bool) -> None:
    """A SQLite database is a file: a folder is refused; a missing file is refused too,
    unless ``create`` (``oms init``, the first start), which makes the folder it goes in."""
    from ..services.platform.errors import OmsError

    path = sqlite_path(settings.database_url)
    if path is None:
        return
    if path.is_dir():
        raise OmsError(_("{path} is a folder: --db names the database file, e.g. {file}").format(
            path=path, file=path / "oms.db"))  # fmt: skip
    if path.exists():
        return
    if not create:
        raise OmsError(_("no database at {path}: check --db, or create it with `oms init`").format(
            path=path))  # fmt: skip
    from ..services.platform.files import private_dir

    private_dir(path.parent)  # 0700; an OmsError naming the folder when it cannot be made


def open_existing(settings: Settings):  # noqa: ANN201
    """The oms database the settings name, as it is. Only ``oms init`` and the app's first
    start create one: a missing file, a folder, or a database without oms tables (an empty
    one, or another program's) is refused in one line naming the place."""
    check_place(settings, create=False)
    database = open_database(settings)
    require_oms_tables(database, settings)
    return database


def require_oms_tables(database, settings: Settings) -> None:  # noqa: ANN001
    from ..services.platform import schema
    from ..services.platform.errors import OmsError

    if schema.current_revision(database) is None:
        raise OmsError(_("{place} has no oms tables: check --db, or create them with "
                         "`oms init`").format(place=where(settings)))  # fmt: skip


def bring_current(database) -> str | None:  # noqa: ANN001
    """Upgrade an older oms database to the newest schema (a SQLite file copied first);
    what to tell the user, or None when it was current."""
    from ..services.platform import schema

    if not schema.needs_upgrade(database):
        return None
    backup = schema.upgrade_with_backup(database)
    if database.dialect == "postgresql":
        return _("Database upgraded to the newest schema; {why}").format(why=_(NO_PG_BACKUP))
    if backup:
        return _("Database upgraded to the newest schema; the old one was copied to "
                 "{backup}").format(backup=backup)  # fmt: skip
    return _("Database upgraded to the newest schema")


# What an upgrade on PostgreSQL says (it copies nothing, unlike a SQLite file).
NO_PG_BACKUP = N_("on PostgreSQL oms takes no backup before upgrading: take one with "
                  "`oms backup` (pg_dump) or your server's own backups")  # fmt: skip


def open_current(settings: Settings, *, check_user: bool = True):  # noqa: ANN201
    """The existing oms database (see ``open_existing``) at the newest schema, once the
    user running the command is known to it (``acting``; not for `oms login`/`logout`)."""
    database = open_existing(settings)
    done = bring_current(database)
    if done:
        say(done)
    if check_user:
        acting(settings, database)
    return database


def where(settings: Settings) -> str:
    return place(settings.database_url)


def place(url: str) -> str:
    """A database as the user names it: the SQLite file, else the URL without its password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def say(text: str) -> None:
    typer.echo(text, err=True)


def csv_encoding(database, option: str | None) -> str:  # noqa: ANN001
    """``--encoding`` as given, else the setting ``csv_encoding`` (else UTF-8 with a BOM)."""
    from ..services.platform.csv_files import csv_encoding_name

    if option is not None or database is None:
        return csv_encoding_name(option)
    from ..services.platform.settings import get_settings

    return csv_encoding_name(get_settings(database).csv_encoding)


def emit_csv(text: str, out: str | None = None, encoding: str | None = None, *,
             force: bool = False, database_url: str = "") -> None:  # fmt: skip
    """CSV text written as every CSV oms writes (``services/platform/csv_files.py``: UTF-8
    with a BOM, or GB18030): to the file ``out`` (0600; an existing one only with
    ``force``, never the database: ``write_out``), else (or ``-``) to stdout."""
    import sys

    from ..services.platform.csv_files import encode_csv

    data = encode_csv(text, encoding)
    if out and out != "-":
        write_out(out, data, force, database_url)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def date_option(text: str | None, name: str):  # noqa: ANN201
    from datetime import date

    from ..services.platform.errors import InvalidInput

    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        raise InvalidInput(
            _("{option} {text}: use YYYY-MM-DD").format(option=name, text=text)
        ) from None


def one_customer(database, text: str):  # noqa: ANN001, ANN201
    """The customer with this code, or the only one matching a phone or name."""
    from ..services.parties.customers import search_customers
    from ..services.platform.errors import InvalidInput, NotFound

    hits = search_customers(database, text, limit=5)
    exact = [h for h in hits if h.code.upper() == text.strip().upper()]
    if exact or len(hits) == 1:
        return (exact or hits)[0]
    if not hits:
        raise NotFound(_("no customer matches '{text}'").format(text=text))
    raise InvalidInput(_("'{text}' matches several customers: {customers}; give the code").format(
        text=text, customers=", ".join(f"{h.code} {h.name}" for h in hits)))  # fmt: skip


def write_out(out: str, data: bytes, force: bool, database_url: str):  # noqa: ANN201
    """``--out FILE``: ``data`` written there (0600), refusing an existing file without
    ``--force`` and the database in use always."""
    from ..services.platform.files import database_files, write_private

    return write_private(out, data, overwrite=force, protect=database_files(database_url))


def check_out(out: str | None, force: bool, database_url: str) -> None:
    """Refuse ``--out FILE`` before any work when it would be refused at the end: the
    database in use, or an existing file without ``--force``."""
    from ..services.platform.files import check_target, database_files

    if out is not None:
        check_target(out, overwrite=force, protect=database_files(database_url))


def print_document(database, pdf_of, name: str, out: str | None, paper: str | None = None,  # noqa: ANN001
                   force: bool = False) -> None:  # fmt: skip
    """Render with the company's details and deliver: ``--out`` (an existing file only
    with ``--force``, never the database), else the printer, else a file in the documents
    folder; say where in one line."""
    from ..reports.common import PAGE_SIZES, company_of
    from ..services.platform.errors import InvalidInput
    from ..services.platform.printing import deliver
    from ..services.platform.settings import get_settings

    if paper is not None and paper.lower() not in PAGE_SIZES:
        raise InvalidInput(_("--paper {paper}: use A4 or Letter").format(paper=paper))

    company_settings = get_settings(database)
    pdf = pdf_of(company_of(company_settings), paper or company_settings.paper)
    from ..services.platform.files import database_files

    done = deliver(pdf, name, company_settings.printer, out, overwrite=force,
                   protect=database_files(database.url))  # fmt: skip
    say(f"{name}: {shown(str(done))}")
