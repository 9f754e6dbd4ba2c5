"""Who else has the database open: ``oms restore`` refuses while anybody does.

SQLite keeps no list of sessions. Each oms process that opens a database file (the app or
a command) holds a shared advisory lock (``flock``) on a small file of its own,
``<database>.clerks/<pid>``, holding the acting user, for as long as it runs. A file
whose lock can be taken exclusively belongs to a process that has ended (the system drops
a process's locks when it ends, kill -9 included): it is removed. Where ``flock`` does
not exist (Windows) nothing is registered and nobody is found.

PostgreSQL lists its sessions: every oms connection names itself
``oms pid=<pid> user=<acting user> schema=<schema>`` (``application_name``), so
``pg_stat_activity`` tells the other oms processes on the same database and schema.
"""

from __future__ import annotations

import os
from pathlib import Path

from ...i18n import N_
from .permissions import anyone

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

PRESENCE = "which oms processes have a database file open: every process says so"  # i18n: no
_held: dict[Path, int] = {}  # folder -> the descriptor whose lock says "this process is here"
_acting: list[str] = []  # who this process acts for (``set_user``)


def set_user(user: str) -> None:
    """Who this process acts for, as others are told (else the OS account running it)."""
    _acting[:] = [user]


@anyone(PRESENCE)
def clerks_dir(database: Path) -> Path:
    database = database.resolve()
    return database.with_name(database.name + ".clerks")


@anyone(PRESENCE)
def register(database: Path) -> None:
    """Say this process has the database open, until it ends (once per database)."""
    folder = clerks_dir(database)
    if fcntl is None or folder in _held:
        return
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(folder / str(os.getpid()), os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_SH)
        os.ftruncate(fd, 0)
        os.write(fd, _user().encode())
    except OSError:
        return  # a read-only folder: this process just cannot be seen
    _held[folder] = fd


@anyone(PRESENCE)
def others(database: Path) -> list[str]:
    """The other processes that have the database file open ("wang (process 4242)")."""
    folder = clerks_dir(database)
    if fcntl is None or not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if not path.name.isdigit() or int(path.name) == os.getpid():
            continue
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                user = os.read(fd, 200).decode(errors="replace").strip() or N_("someone")
                found.append(N_("{user} (process {pid})").format(user=user, pid=path.name))
                continue
            path.unlink(missing_ok=True)  # its process has ended
        finally:
            os.close(fd)
    return found


def _user() -> str:
    from ...config import os_user

    return (_acting[0] if _acting else os_user()).replace(" ", "_")


def application_name(schema: str) -> str:
    """What an oms connection to PostgreSQL calls itself (63 characters at most)."""
    return f"oms pid={os.getpid()} user={_user()[:16]} schema={schema}"[:63]  # i18n: no


def others_on_postgres(rows: list[tuple[str, str, str | None]], schema: str) -> list[str]:
    """From ``pg_stat_activity`` rows (user, application name, client address): the other
    oms processes on this schema."""
    mine = application_name(schema)
    found = []
    for user, name, address in rows:
        if not name or not name.startswith("oms pid=") or name == mine:  # i18n: no
            continue
        head, _, rest = name.removeprefix("oms pid=").partition(" schema=")  # i18n: no
        pid, _, clerk = head.partition(" user=")
        if rest == schema or (len(name) == 63 and rest and schema.startswith(rest)):
            if address:
                found.append(
                    N_("{user} (process {pid} on {address})").format(
                        user=clerk or user, pid=pid, address=address
                    )
                )
            else:
                found.append(
                    N_("{user} (process {pid} on this machine)").format(user=clerk or user, pid=pid)
                )
    return found
