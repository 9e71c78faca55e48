"""授课人 as a person: meeting.lecturer_member_id, backfilled from the 授课人 text

A 党课's lecturer text is linked to the member of that name (after dropping titles such as 书记 and
同志) when exactly one member of the branch bears it; otherwise the lecturer stays an outside
lecturer (NULL link, text kept).

Revision ID: 0004l
Revises: 0004r
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004l"
down_revision = "0004r"
branch_labels = None
depends_on = None


_TITLES = ("党支部书记", "支部书记", "书记", "同志")


def _names(text: str) -> set[str]:
    """The names a 授课人 text may stand for (as models.offices.lecturer_names read it at 0004)."""
    name = "".join(text.split())
    for open_, close in (("（", "）"), ("(", ")")):
        if open_ in name:
            name = name.split(open_, 1)[0] + (name.split(close, 1)[1] if close in name else "")
    found = {name} if name else set()
    for title in _TITLES:
        if name.startswith(title) and len(name) > len(title):
            found.add(name[len(title):])
        if name.endswith(title) and len(name) > len(title):
            found.add(name[: -len(title)])
    return found


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("lecturer_member_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_meeting_lecturer_member_id_member"), "member", ["lecturer_member_id"], ["id"],
                                 ondelete="SET NULL")
    conn = op.get_bind()
    names: dict[tuple[int, str], list[int]] = {}
    for member_id, branch_id, name in conn.exec_driver_sql("SELECT id, branch_id, name FROM member"):
        names.setdefault((branch_id, "".join((name or "").split())), []).append(member_id)
    lectures = conn.exec_driver_sql(
        "SELECT id, branch_id, lecturer FROM meeting WHERE meeting_type = 'party_lecture' AND lecturer != ''"
    ).all()
    for meeting_id, branch_id, text in lectures:
        # exactly one member of the branch bears the name (two namesakes: nobody can tell which)
        found = [m for n in _names(text or "") for m in names.get((branch_id, n), [])]
        if len(found) == 1:
            conn.execute(sa.text("UPDATE meeting SET lecturer_member_id = :m WHERE id = :i"),
                         {"m": found[0], "i": meeting_id})


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.drop_constraint(op.f("fk_meeting_lecturer_member_id_member"), type_="foreignkey")
        batch.drop_column("lecturer_member_id")
