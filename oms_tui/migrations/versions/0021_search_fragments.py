"""search: customers and products by any fragment and by pinyin (issue #16)

- ``customer.pinyin`` / ``initials`` and ``product.pinyin`` / ``initials``: the name's
  pinyin, full and initials, filled here for existing rows with the same function the
  services call when they write a name (``search_text.name_keys``; deterministic for a given
  pypinyin release);
- ``customer_name_gram``: each Chinese character of a customer's name and each pair of
  neighbours, for fragments of 1-2 Chinese characters (no trigram index can find them);
- an index built for substring search over customers' name, code and pinyin, their phones'
  digits and their addresses: on SQLite, FTS5 tables with the trigram tokenizer over the
  tables (external content, kept current by triggers, so every writer of a phone or an
  address keeps them right); on PostgreSQL, pg_trgm GIN indexes (the extension is created
  in ``public`` when missing: extensions belong to a database, not a schema).

A later batch (table copy) migration of ``customer``, ``customer_phone`` or
``customer_address`` on SQLite drops these triggers with the old table: create them again.

Written on 0015 (its branch); chained after main's newest, 0020, when merged with it (last:
0019 changes the customer table, and its triggers here must be made after any such change).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the FTS5 tables (SQLite): name -> (content table, columns)
FTS = {
    "customer_fts": ("customer", ("name", "code", "pinyin", "initials")),
    "customer_phone_fts": ("customer_phone", ("digits",)),
    "customer_address_fts": ("customer_address", ("province", "city", "district", "street")),
}
# the pg_trgm indexes (PostgreSQL): name -> (table, expression searched with ILIKE)
TRGM = {
    "ix_customer_trgm": ("customer", "(name || ' ' || code || ' ' || pinyin || ' ' || initials)"),
    "ix_customer_phone_trgm": ("customer_phone", "digits"),
    "ix_customer_address_trgm": ("customer_address",
                                 "(province || ' ' || city || ' ' || district || ' ' || street)"),
}  # fmt: skip


def _sqlite_fts() -> None:
    for fts, (table, columns) in FTS.items():
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
                   f"content_rowid='id', tokenize='trigram')")  # fmt: skip
        op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
                   f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END")  # fmt: skip
        op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
                   f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
                   "END")  # fmt: skip
        op.execute(f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
                   f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
                   f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END")  # fmt: skip


def _fill_keys() -> None:
    """Pinyin and grams for the rows there are, in batches (50,000 customers: seconds)."""
    from oms_tui.services.platform.search_text import name_keys, short_grams

    conn = op.get_bind()
    for table in ("customer", "product"):
        rows = conn.execute(sa.text(f"SELECT id, name FROM {table} ORDER BY id")).all()
        for start in range(0, len(rows), 5000):
            batch = [{"i": i, "p": p, "n": n} for i, name in rows[start:start + 5000]
                     for p, n in [name_keys(name)]]  # fmt: skip
            conn.execute(sa.text(f"UPDATE {table} SET pinyin = :p, initials = :n WHERE id = :i"),
                         batch)  # fmt: skip
        if table == "customer":
            grams = [{"g": g, "c": i} for i, name in rows for g in sorted(short_grams(name))]
            for start in range(0, len(grams), 20000):
                conn.execute(sa.text("INSERT INTO customer_name_gram (gram, customer_id) "
                                     "VALUES (:g, :c)"), grams[start:start + 20000])  # fmt: skip


def upgrade() -> None:
    for table in ("customer", "product"):
        op.add_column(table, sa.Column("pinyin", sqlmodel.sql.sqltypes.AutoString(length=400),
                                       nullable=False, server_default=""))  # fmt: skip
        op.add_column(table, sa.Column("initials", sqlmodel.sql.sqltypes.AutoString(length=200),
                                       nullable=False, server_default=""))  # fmt: skip
    op.create_table(
        "customer_name_gram",
        sa.Column("gram", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("gram", "customer_id"),
    )
    _fill_keys()
    op.create_index("ix_customer_pinyin", "customer", ["pinyin"])
    op.create_index("ix_customer_initials", "customer", ["initials"])
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_fts()
        for fts in FTS:  # index the rows there are
            op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    else:
        conn = op.get_bind()
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
        where = conn.exec_driver_sql(
            "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
        ).scalar_one()
        for name, (table, expression) in TRGM.items():
            # fastupdate off: no pending list of new rows to scan on every search until
            # the next vacuum (after a bulk load it made a search 100x slower); customers,
            # phones and addresses are written rarely, each insert pays for its own entries
            op.execute(f"CREATE INDEX {name} ON {table} USING gin ({expression} "
                       f"{where}.gin_trgm_ops) WITH (fastupdate = off)")  # fmt: skip


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for fts in FTS:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
    else:
        for name in TRGM:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index("ix_customer_initials", table_name="customer")
    op.drop_index("ix_customer_pinyin", table_name="customer")
    op.drop_table("customer_name_gram")
    for table in ("product", "customer"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("initials")
            batch.drop_column("pinyin")
