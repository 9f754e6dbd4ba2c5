"""`oms backup [--out FILE] [--verify FILE]` and `oms restore FILE [--force]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_, _, ngettext
from .common import (
    acting,
    check_place,
    open_database,
    open_existing,
    resolve_settings,
    say,
    where,
)
from .options import DbOption, UserOption

BACKUP_HELP = _(
    "Back the database up while clerks keep working: compressed, named with the date and "
    "schema revision, into the backups folder (beside a SQLite file; oms's data folder for "
    "PostgreSQL, through pg_dump), keeping the newest of the last backup_keep_daily days and "
    "backup_keep_weekly weeks. --verify FILE opens a backup and checks it (exit 1 if broken)."
)
RESTORE_HELP = _(
    "Replace the database with a backup: refused for a backup of a newer schema, and while "
    "other oms processes have the database open (unless --force); the database as it was is "
    "kept as a backup first; an older backup is brought to the newest schema."
)


# A database from before oms knew its users: who may back it up or restore over it cannot be
# checked. One line saying what to do instead of a database error.
BEFORE_USERS = N_(
    "{place} is at schema {revision}, from before oms knew its users (schema {users}): "
    "nobody can be checked to back it up or restore over it. Bring it up to date first with "
    "`oms db upgrade` (it copies a SQLite file first; on PostgreSQL keep a copy with "
    "pg_dump first)")  # fmt: skip


def users_known(database, settings) -> None:  # noqa: ANN001
    """Refuse, in one line, a database older than the users (``schema.before_users``)."""
    from ..services.platform import schema
    from ..services.platform.errors import OmsError

    revision = schema.before_users(database)
    if revision is not None:
        raise OmsError(_(BEFORE_USERS).format(place=where(settings), revision=revision,
                                              users=schema.USERS_REVISION))  # fmt: skip


def backup_cmd(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help=_(
                "Write the backup here (a file or a folder) instead of the backups folder "
                "(which is rotated)."
            ),
        ),
    ] = None,
    verify: Annotated[
        Path | None,
        typer.Option(
            "--verify",
            metavar="FILE",
            help=_("Do not back up: open this backup and run every invariant check."),
        ),
    ] = None,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """`oms backup` (its help: BACKUP_HELP)."""
    from ..services.platform import backup

    settings = resolve_settings(db, user)
    if verify is not None:  # a SQLite backup needs no database; a PostgreSQL one a server
        postgres = backup.kind_of(verify) == "postgresql"
        _verify(open_existing(settings) if postgres else None, verify)
        return
    database = open_existing(settings)
    users_known(database, settings)
    done = backup.take(database, acting(settings, database).user, out)
    say(_("Backup of {database} (schema {revision}): {path} ({size})").format(
        database=where(settings), revision=done.revision, path=done.path,
        size=_size(done.size)))  # fmt: skip
    if done.removed:
        n = len(done.removed)
        say(ngettext("Rotation removed {n} older backup.", "Rotation removed {n} older backups.",
                     n).format(n=n))  # fmt: skip


def _verify(database, file: Path) -> None:  # noqa: ANN001
    from ..services.checks import invariants
    from ..services.platform import backup

    with backup.opened(file, database) as copy:
        broken = invariants.verify(copy.db)
    for problem in broken:
        typer.echo(problem.shown())
    if broken:
        say(ngettext("oms: {file}: {n} broken invariant", "oms: {file}: {n} broken invariants",
                     len(broken)).format(file=file, n=len(broken)))  # fmt: skip
        raise typer.Exit(1)
    say(
        _("{file}: a complete backup (schema {revision}); every invariant holds.").format(
            file=file, revision=copy.revision
        )
    )


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):  # i18n: no
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def restore_cmd(
    file: Annotated[Path, typer.Argument(metavar="FILE", help=_("The backup to restore."))],
    force: Annotated[
        bool,
        typer.Option(
            "--force", help=_("Restore even while other oms processes have the database open.")
        ),  # fmt: skip
    ] = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """`oms restore` (its help: RESTORE_HELP)."""
    from ..services.platform import backup, schema

    settings = resolve_settings(db, user)
    check_place(settings, create=True)
    database = open_database(settings)
    if schema.current_revision(database) is None:  # nothing there yet, nobody to ask
        done = backup.restore_new(database, file, force=force)
    else:
        users_known(database, settings)
        done = backup.restore(database, acting(settings, database).user, file, force=force)
    said = _("Restored {file} (schema {revision}) into {database}").format(
        file=file, revision=done.revision, database=where(settings)
    )
    if done.upgraded:
        said += _("; brought to the newest schema")
    if done.kept:
        said += _("; the database as it was is kept in {path}").format(path=done.kept)
    say(said)
