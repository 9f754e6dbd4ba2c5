"""sales channels: the shop's own list (name, kind, default import profile)

A shop sells on several web shops and through several dealers: channels become rows, and
an order's ``channel`` names one. One row per old kind (``phone``, ``walk_in``,
``ecommerce``, ``dealer``, ``key_account``, ``standing``) is created here, named after it,
so every order, import profile and product alias already stored keeps meaning the same
channel, and the idempotency key of imports (``sales_order (channel, external_ref)``,
unique) stays as it is: nothing already imported is imported again. A new table only (no
table copy).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("phone", "walk_in", "ecommerce", "dealer", "key_account", "standing")


def upgrade() -> None:
    channel = op.create_table(
        "sales_channel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column(
            "default_profile", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    now = datetime.now(UTC)
    op.bulk_insert(channel, [
        {"name": kind, "kind": kind, "default_profile": "", "created_by": "oms", "created_at": now}
        for kind in KINDS
    ])  # fmt: skip


def downgrade() -> None:
    op.drop_table("sales_channel")
