"""回收站: deleted meetings, study notes and members kept for 30 days

Revision ID: 0004r
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004r"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recycled_item",
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_uuid", sa.String(length=36), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_recycled_item_branch_id_branch"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recycled_item")),
        sa.UniqueConstraint("uuid", name=op.f("uq_recycled_item_uuid")),
    )
    op.create_index(op.f("ix_recycled_item_branch_id"), "recycled_item", ["branch_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_recycled_item_branch_id"), table_name="recycled_item")
    op.drop_table("recycled_item")
