"""操作日志 by branch on a committee's server: a branch secretary's role reads and appends only its own
branch's log entries; a tombstone may be left only for a branch the role sees.

The audit log is one hash chain across the server, and appending needs the previous entry's hash.
``branchbook_audit_tail()`` (SECURITY DEFINER, like ``branchbook_sees``) takes the chain's lock for
the rest of the caller's transaction and returns that hash — a digest only, nothing of another
branch's entry — so a branch role appends without reading other branches' rows. Entries without a
branch (a whole-database merge or restore) are the committee's: read and written by a role that
sees every branch. No role but the owner may change or remove an entry (no UPDATE/DELETE policy).
SQLite: nothing (one user; the chain's tail is read directly). See docs/server.md.

Revision ID: 0009s
Revises: 0005p
"""

from __future__ import annotations

from alembic import op

revision = "0009s"
down_revision = "0005p"
branch_labels = None
depends_on = None

#: models.audit.AUDIT_LOCK: the same advisory lock the owner's appends take
AUDIT_LOCK = 0x42424B32


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION branchbook_audit_tail() RETURNS text LANGUAGE plpgsql VOLATILE SECURITY DEFINER "
        "SET search_path = pg_catalog, public AS $$ BEGIN "
        f"PERFORM pg_advisory_xact_lock({AUDIT_LOCK}); "
        "RETURN (SELECT hash FROM audit_entry ORDER BY id DESC LIMIT 1); END $$"
    )
    op.execute("ALTER TABLE audit_entry ENABLE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY branch_read ON audit_entry FOR SELECT USING (branchbook_sees(branch_id))")
    op.execute("CREATE POLICY branch_append ON audit_entry FOR INSERT WITH CHECK (branchbook_sees(branch_id))")
    op.execute("DROP POLICY branch_rows ON tombstone")
    op.execute("CREATE POLICY branch_rows ON tombstone USING (EXISTS (SELECT 1 FROM branch b "
               "WHERE b.uuid = branch_uuid) OR branchbook_sees(NULL)) WITH CHECK (EXISTS (SELECT 1 FROM branch b "
               "WHERE b.uuid = branch_uuid) OR branchbook_sees(NULL))")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP POLICY branch_rows ON tombstone")
    op.execute("CREATE POLICY branch_rows ON tombstone USING (EXISTS (SELECT 1 FROM branch b "
               "WHERE b.uuid = branch_uuid) OR branchbook_sees(NULL)) WITH CHECK (true)")
    op.execute("DROP POLICY branch_append ON audit_entry")
    op.execute("DROP POLICY branch_read ON audit_entry")
    op.execute("ALTER TABLE audit_entry DISABLE ROW LEVEL SECURITY")
    op.execute("DROP FUNCTION branchbook_audit_tail()")
