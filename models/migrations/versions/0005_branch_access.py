"""行级安全: on a committee's PostgreSQL server each branch secretary's database role sees and changes
only its own branch's rows; a committee role sees all (``main.py server grant``).

``branch_access`` says which role sees which branch (NULL: every branch). Every table holding a
branch's records gets a policy: by its branch_id, or through the row it belongs to (a meeting's
attendance through the meeting, a member's statuses through the member), whose own policy then
applies. The owner of the tables (who ran the migrations) and superusers are not restricted.
The audit log stays readable by all: its chain is one across the server. SQLite: nothing.

Revision ID: 0005s
Revises: 0004l
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005s"
down_revision = "0004l"
branch_labels = None
depends_on = None

#: tables with a branch_id of their own
BY_BRANCH = ("party_group", "member", "meeting", "study_note", "branch_setting", "recycled_item")
#: tables reached through the row they belong to: (table, column, parent table)
BY_PARENT = (
    ("member_status", "member_id", "member"),
    ("member_exemption", "member_id", "member"),
    ("office_term", "member_id", "member"),
    ("group_membership", "member_id", "member"),
    ("agenda_item", "meeting_id", "meeting"),
    ("attendance", "meeting_id", "meeting"),
    ("guest", "meeting_id", "meeting"),
    ("attachment", "meeting_id", "meeting"),
    ("action_item", "meeting_id", "meeting"),
    ("merge_conflict", "meeting_id", "meeting"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # an SQLite file has one user: nothing to restrict
    op.create_table(
        "branch_access",
        sa.Column("role_name", sa.String(length=63), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_branch_access_branch_id_branch"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_branch_access")),
        sa.UniqueConstraint("role_name", "branch_id", name="uq_branch_access_role_branch"),
    )
    # SECURITY DEFINER: the function reads branch_access with its owner's rights, so that a branch's
    # role needs no right on that table (and cannot change it).
    op.execute(
        "CREATE FUNCTION branchbook_sees(b integer) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER "
        "SET search_path = pg_catalog, public AS $$ "
        "SELECT EXISTS (SELECT 1 FROM branch_access a WHERE a.role_name = session_user "
        "AND (a.branch_id IS NULL OR a.branch_id = b)) $$"
    )
    op.execute("ALTER TABLE branch ENABLE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY branch_rows ON branch USING (branchbook_sees(id)) WITH CHECK (branchbook_sees(id))")
    for table in BY_BRANCH:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY branch_rows ON {table} USING (branchbook_sees(branch_id)) "
                   "WITH CHECK (branchbook_sees(branch_id))")
    for table, column, parent in BY_PARENT:
        seen = f"EXISTS (SELECT 1 FROM {parent} p WHERE p.id = {column})"
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY branch_rows ON {table} USING ({seen}) WITH CHECK ({seen})")
    op.execute("ALTER TABLE tombstone ENABLE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY branch_rows ON tombstone USING (EXISTS (SELECT 1 FROM branch b "
               "WHERE b.uuid = branch_uuid) OR branchbook_sees(NULL)) WITH CHECK (true)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in ("branch", "tombstone", *BY_BRANCH, *(t for t, _c, _p in BY_PARENT)):
        op.execute(f"DROP POLICY IF EXISTS branch_rows ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP FUNCTION IF EXISTS branchbook_sees(integer)")
    op.drop_table("branch_access")
