"""An index on the audit log's entity_uuid: a merge asks, for each record it settles, whether
the same losing version was logged by an earlier merge (models.merge._already_logged) — without
the index every such question read the whole audit log

Revision ID: 0008m
Revises: 0009s
"""

from __future__ import annotations

from alembic import op

revision = "0008m"
down_revision = "0009s"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_entry_entity_uuid", "audit_entry", ["entity_uuid"])


def downgrade() -> None:
    op.drop_index("ix_audit_entry_entity_uuid", table_name="audit_entry")
