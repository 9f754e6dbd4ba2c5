"""PostgreSQL backups through the client tools: ``pg_dump`` (custom format, compressed,
one consistent snapshot while clerks keep working), ``pg_restore`` and ``psql``.

A backup holds the schema oms works in (``options=-csearch_path=...`` in the URL, else
``public``), and restores into that schema, in the database the URL names, in one
transaction: the schema is dropped and created again from the backup, or nothing changes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from ...config import pg_schema
from ...i18n import N_
from .errors import OmsError

INSTALL = N_("install the PostgreSQL client tools (Debian/Ubuntu: apt install "
             "postgresql-client; macOS: brew install libpq), the same major version as the "
             "server or newer")  # fmt: skip


def require(*tools: str) -> None:
    """Refuse in one sentence when a client tool is not on the PATH."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        if len(missing) == 1:
            text = N_("{tool} not found: PostgreSQL backups need it; {install}")
        else:
            text = N_("{tools} and {tool} not found: PostgreSQL backups need them; {install}")
        raise OmsError(text.format(tools=", ".join(missing[:-1]), tool=missing[-1],
                                   install=INSTALL))  # fmt: skip


def libpq_env(url: str, database: str | None = None) -> dict[str, str]:
    """The environment that points libpq's tools at the URL's server, user and database
    (the password never on a command line)."""
    u = make_url(url)
    env = dict(os.environ)
    pairs = (("PGHOST", u.host), ("PGPORT", u.port), ("PGUSER", u.username),
             ("PGPASSWORD", u.password), ("PGDATABASE", database or u.database))  # fmt: skip
    for key, value in pairs:
        if value is not None:
            env[key] = str(value)
    for name, var in (("sslmode", "PGSSLMODE"), ("options", "PGOPTIONS")):
        value = u.query.get(name)
        if value:
            env[var] = value if isinstance(value, str) else " ".join(value)
    env["PGAPPNAME"] = "oms backup"  # i18n: no
    return env


def _run(args: list[str], env: dict[str, str], input: bytes | None = None,  # noqa: A002
         ) -> subprocess.CompletedProcess:  # fmt: skip
    done = subprocess.run(args, env=env, capture_output=True, check=False, input=input)
    if done.returncode != 0:
        err = (done.stderr or b"").decode(errors="replace").strip().splitlines()
        raise _failed(args[0], err, done.returncode)
    return done


def _failed(tool: str, err: list[str], code: int) -> OmsError:
    """A client tool's failure: its first line of errors, else its exit code."""
    if err:
        return OmsError(N_("{tool} failed: {error}").format(tool=tool, error=err[0]))
    return OmsError(N_("{tool} failed (exit {code})").format(tool=tool, code=code))


def dump(url: str, out_fd: int) -> None:
    """``pg_dump`` of the URL's schema into an open file (custom format, compressed)."""
    require("pg_dump")
    env = libpq_env(url)
    with os.fdopen(out_fd, "wb", closefd=False) as out:
        done = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                               f"--schema={pg_schema(url)}"], env=env, stdout=out,
                              stderr=subprocess.PIPE, check=False)  # fmt: skip
    if done.returncode != 0:
        err = done.stderr.decode(errors="replace").strip().splitlines()
        raise _failed("pg_dump", err, done.returncode)


def contents(file: Path) -> tuple[str, str | None]:
    """The schema a dump holds and its oms schema revision (None: not an oms backup)."""
    require("pg_restore")
    env = dict(os.environ)
    listing = _run(["pg_restore", "--list", str(file)], env).stdout.decode(errors="replace")
    schemas = re.findall(r"^\d+; \d+ \d+ SCHEMA - (\S+) ", listing, re.MULTILINE)  # i18n: no
    data = _run(["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(file)],
                env).stdout.decode(errors="replace")  # fmt: skip
    rows = data.split(" FROM stdin;\n", 1)  # i18n: no
    revision = rows[1].split("\n", 1)[0].strip() if len(rows) == 2 else None
    if not schemas:
        raise OmsError(
            N_("{file} holds no schema: not an oms backup of PostgreSQL").format(file=file)
        )
    return schemas[0], (revision if revision and revision != "\\." else None)


def restore_into(url: str, file: Path, schema: str, database: str | None = None) -> None:
    """Drop the schema and create it again from the dump, in one transaction (``psql
    --single-transaction``, stopping at the first error: then nothing changed). The search
    indexes (migration 0021) need pg_trgm, which belongs to the database, not the dumped
    schema: created in ``public`` first where missing (a scratch database has none)."""
    require("pg_restore", "psql")
    script = _run(["pg_restore", "--no-owner", "--no-privileges", "--file=-", str(file)],
                  dict(os.environ)).stdout  # fmt: skip
    drop = (f'CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;\n'  # i18n: no
            f'DROP SCHEMA IF EXISTS "{schema}" CASCADE;\n').encode()  # fmt: skip
    _run(["psql", "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1",
          "--file=-"], libpq_env(url, database), input=drop + script)  # fmt: skip


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new, empty database on the URL's server for the block (dropped after); its URL."""
    name = f"oms_check_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))  # i18n: no
        except DBAPIError as exc:
            first = str(exc.orig).strip().splitlines()[0]
            raise OmsError(N_("cannot create a scratch database to open the backup in (the "
                              "user needs CREATEDB): {error}").format(error=first)
                           ) from None  # fmt: skip
        try:
            yield make_url(url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))  # i18n: no
    finally:
        admin.dispose()
