"""products: packing unit (units per package), so a shipment's package count follows them

A shipment of 25 water barrels is 25 packages, not one of 487 kg: the count a new
shipment starts with comes from its products' packing units. Native ADD COLUMN (no table
copy). Returnable containers (products with a deposit: barrels) travel one to a package;
every other product starts at 0 (packed with the shipment's other loose goods: one
package for them all, the count shipments had so far).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "product",
        sa.Column("units_per_package", sa.Integer(), nullable=False, server_default="0"),
    )
    op.execute("UPDATE product SET units_per_package = 1 WHERE deposit_minor > 0")


def downgrade() -> None:
    with op.batch_alter_table("product") as batch:
        batch.drop_column("units_per_package")
