"""Indexes for the year's statistics, so that they read indexes rather than whole records:

- the attendance rows that are not 出席 (请假, 缺席), a partial index: each member's rows per range
  of days are counted from the (meeting, member) index alone, and statuses are read only of these
  rows — about a tenth of them — instead of every row of the year;
- the study notes by branch and date with their member and hours: the 学时 per member no longer read
  each note's text.

Revision ID: 0010a
Revises: 0008m
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0010a"
down_revision = "0008m"
branch_labels = None
depends_on = None

NOT_PRESENT = "ix_attendance_not_present"
WHERE = text("status != 'present'")


def upgrade() -> None:
    op.create_index(NOT_PRESENT, "attendance", ["meeting_id", "member_id", "status"],
                    sqlite_where=WHERE, postgresql_where=WHERE)
    op.create_index("ix_study_note_branch_date_hours", "study_note", ["branch_id", "studied_on", "member_id", "hours"])
    op.drop_index("ix_study_note_branch_date", table_name="study_note")  # the new index's first columns


def downgrade() -> None:
    op.create_index("ix_study_note_branch_date", "study_note", ["branch_id", "studied_on"])
    op.drop_index("ix_study_note_branch_date_hours", table_name="study_note")
    op.drop_index(NOT_PRESENT, table_name="attendance")
