"""language and fapiao: a user's interface language; customers' invoicing data (invoice
title, taxpayer id, bank and account, invoice type); the official fapiao number and date
recorded on an invoice (issue #18)

Native ADD COLUMN with server defaults (no table copy); existing users follow the company's
language (or the locale), existing customers need normal (普通) invoices.

Written on 0015; chained after 0017 when main's 0016 and 0017 were merged in.

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-07 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


CUSTOMER = (("invoice_title", 200, ""), ("taxpayer_id", 20, ""), ("bank_name", 200, ""),
            ("bank_account", 40, ""), ("invoice_type", 16, "normal"))  # fmt: skip


def upgrade() -> None:
    op.add_column("app_user", sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8),
                                        nullable=False, server_default=""))  # fmt: skip
    for name, length, default in CUSTOMER:
        op.add_column("customer", sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length),
                                            nullable=False, server_default=default))  # fmt: skip
    op.add_column("invoice", sa.Column("fapiao_number", sqlmodel.sql.sqltypes.AutoString(length=32),
                                       nullable=False, server_default=""))  # fmt: skip
    op.add_column("invoice", sa.Column("fapiao_date", sa.Date(), nullable=True))
    op.add_column("invoice", sa.Column("fapiao_recorded_by",
                                       sqlmodel.sql.sqltypes.AutoString(length=64),
                                       nullable=False, server_default=""))  # fmt: skip
    op.add_column("invoice", sa.Column("fapiao_recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(),
                                       nullable=True))  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("invoice") as batch:
        for name in ("fapiao_recorded_at", "fapiao_recorded_by", "fapiao_date", "fapiao_number"):
            batch.drop_column(name)
    with op.batch_alter_table("customer") as batch:
        for name, _length, _default in reversed(CUSTOMER):
            batch.drop_column(name)
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("language")
