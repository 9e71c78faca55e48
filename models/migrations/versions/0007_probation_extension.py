"""延长预备期: a member's probation extended once (from the end of the ordinary year of probation
to a date at most a year later), during which the 预备党员 still has no vote

Revision ID: 0005p
Revises: 0006s
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005p"
down_revision = "0006s"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("probation_extended_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("probation_extended_until", sa.Date(), nullable=True))
        batch.add_column(sa.Column("probation_extension_note", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.drop_column("probation_extension_note")
        batch.drop_column("probation_extended_until")
        batch.drop_column("probation_extended_from")
