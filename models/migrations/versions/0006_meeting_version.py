"""Two secretaries editing the same meeting at once: meeting.version, checked and raised by every
save (SQLAlchemy's version counter), so the second save of an older version is refused instead of
silently overwriting the first.

Revision ID: 0006s
Revises: 0005s
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006s"
down_revision = "0005s"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")))


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("version")
