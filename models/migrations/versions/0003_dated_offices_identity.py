"""start of records, dated offices and group membership, database identity, tombstones,
merge conflicts

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _record_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("branch") as batch:
        batch.add_column(sa.Column("records_since", sa.Date(), nullable=True))
    op.create_table(
        "office_term",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("office", sa.String(length=30), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_office_term_member_id_member"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_term")),
        sa.UniqueConstraint("uuid", name=op.f("uq_office_term_uuid")),
    )
    op.create_index("ix_office_term_member", "office_term", ["member_id", "start_on"])
    op.create_table(
        "group_membership",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("end_on", sa.Date(), nullable=True),
        *_record_columns(),
        sa.ForeignKeyConstraint(["group_id"], ["party_group.id"],
                                name=op.f("fk_group_membership_group_id_party_group"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_group_membership_member_id_member"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_membership")),
        sa.UniqueConstraint("uuid", name=op.f("uq_group_membership_uuid")),
    )
    op.create_index("ix_group_membership_member", "group_membership", ["member_id", "start_on"])
    op.create_index(op.f("ix_group_membership_group_id"), "group_membership", ["group_id"])
    op.create_table(
        "store_info",
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_store_info")),
    )
    op.create_table(
        "tombstone",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("branch_uuid", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name=op.f("pk_tombstone")),
    )
    op.create_table(
        "merge_conflict",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        *_record_columns(),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"],
                                name=op.f("fk_merge_conflict_meeting_id_meeting"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merge_conflict")),
        sa.UniqueConstraint("uuid", name=op.f("uq_merge_conflict_uuid")),
    )
    op.create_index(op.f("ix_merge_conflict_meeting_id"), "merge_conflict", ["meeting_id"])
    _backfill()


def _backfill() -> None:
    """Today's offices, committee seats and groups become open terms starting at the member's
    join date (nobody holds an office or a group seat before joining; the release before 0003
    kept no dates); the database gets its identity."""
    conn = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    members = conn.execute(sa.text("SELECT id, branch_role, is_committee, group_id, joined_on FROM member")).all()
    terms, groups = [], []
    for member_id, role, is_committee, group_id, joined_on in members:
        office = role if role and role != "none" else ("other_committee" if is_committee else None)
        if office:
            terms.append({"m": member_id, "o": office, "s": joined_on, "u": str(uuid.uuid4()), "t": now})
        if group_id is not None:
            groups.append({"m": member_id, "g": group_id, "s": joined_on, "u": str(uuid.uuid4()),
                           "t": now})
    if terms:
        conn.execute(sa.text(
            "INSERT INTO office_term (member_id, office, start_on, end_on, note, uuid, created_at, "
            "updated_at) VALUES (:m, :o, :s, NULL, '', :u, :t, :t)"), terms)
    if groups:
        conn.execute(sa.text(
            "INSERT INTO group_membership (member_id, group_id, start_on, end_on, uuid, created_at, "
            "updated_at) VALUES (:m, :g, :s, NULL, :u, :t, :t)"), groups)
    conn.execute(sa.text("INSERT INTO store_info (key, value) VALUES ('database_uuid', :u)"),
                 {"u": str(uuid.uuid4())})


def downgrade() -> None:
    op.drop_table("merge_conflict")
    op.drop_table("tombstone")
    op.drop_table("store_info")
    op.drop_table("group_membership")
    op.drop_table("office_term")
    with op.batch_alter_table("branch") as batch:
        batch.drop_column("records_since")
