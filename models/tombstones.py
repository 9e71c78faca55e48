"""Deletions travel: every record deleted through the ORM leaves a :class:`Tombstone`.

A merge applies the other side's tombstones and never brings a tombstoned record back from
an older backup (:mod:`models.merge`). The listener below sees every deletion the services
make — ``session.delete`` and orphans removed from a collection alike — so no service can
forget it; children deleted by the database's own ON DELETE CASCADE need none (a child whose
parent is tombstoned is never merged back either).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper

from models.entities import (
    Branch,
    Meeting,
    Member,
    MergeConflict,
    Record,
    RecycledItem,
    Tombstone,
    utcnow,
)

UNTRACKED = {MergeConflict.__tablename__, RecycledItem.__tablename__}


def _branch_uuid(connection: Connection, target: Any) -> str:
    if isinstance(target, Branch):
        return target.uuid
    branch_id = getattr(target, "branch_id", None)
    if branch_id is None and getattr(target, "meeting_id", None) is not None:
        branch_id = connection.scalar(select(Meeting.branch_id).where(Meeting.id == target.meeting_id))
    if branch_id is None and getattr(target, "member_id", None) is not None:
        branch_id = connection.scalar(select(Member.branch_id).where(Member.id == target.member_id))
    if branch_id is None:
        return ""
    return connection.scalar(select(Branch.uuid).where(Branch.id == branch_id)) or ""


@event.listens_for(Record, "after_delete", propagate=True)
def _leave_tombstone(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    table = mapper.local_table.name  # type: ignore[attr-defined]
    if table in UNTRACKED or not getattr(target, "uuid", None):
        return
    connection.execute(insert(Tombstone).values(
        uuid=target.uuid, entity=table, branch_uuid=_branch_uuid(connection, target), deleted_at=utcnow()))
