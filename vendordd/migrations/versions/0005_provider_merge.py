"""provider merge: a duplicate provider points at the provider it was merged into

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 06:49:00.858587
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_provider_merged_into_id_provider"


def upgrade() -> None:
    with op.batch_alter_table("provider", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_provider_merged_into_id"), ["merged_into_id"], unique=False
        )
        batch_op.create_foreign_key(FOREIGN_KEY, "provider", ["merged_into_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("provider", schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_provider_merged_into_id"))
        batch_op.drop_column("merged_into_id")
