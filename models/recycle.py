"""回收站: a deleted meeting, study note or member is kept for 30 days and can be put back.

The delete services call :func:`to_bin` in their own transaction before deleting: it stores
the row and every row that the database would delete with it (ON DELETE CASCADE children,
and their children) as JSON. :func:`restore_recycled` inserts them again with their original
uuids (new integer ids, child foreign keys remapped) and removes their tombstones, so that a
merge does not delete the restored record again. Links that the delete only cleared (ON DELETE
SET NULL, e.g. a study note's meeting) are not restored.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from models import audit
from models.entities import Base, RecycledItem, Tombstone, utcnow
from models.enums import AuditAction
from models.errors import ValidationError

KEEP_DAYS = 30
ENTITY_LABELS = {"meeting": "会议", "study_note": "学习笔记", "member": "党员"}


@dataclass(frozen=True)
class RecycledRow:
    id: int
    entity: str
    kind: str  # Chinese label of the entity
    title: str
    deleted_at: datetime
    days_left: int


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, time):
        return {"t": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "b64" in value:
            return base64.b64decode(value["b64"])
        if "dt" in value:
            return datetime.fromisoformat(value["dt"])
        if "d" in value:
            return date.fromisoformat(value["d"])
        if "t" in value:
            return time.fromisoformat(value["t"])
    return value


def _children(table: Table) -> list[tuple[Table, str]]:
    """Tables whose rows the database deletes with a row of ``table``, and the linking column."""
    found = []
    for other in Base.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is table and fk.ondelete == "CASCADE" and other.name != RecycledItem.__tablename__:
                found.append((other, fk.parent.name))
    return found


def _collect(session: Session, table: Table, row_id: int) -> dict[str, Any]:
    row = session.execute(select(table).where(table.c.id == row_id)).mappings().one()
    node: dict[str, Any] = {"table": table.name,
                            "row": {k: _encode(v) for k, v in row.items()}, "children": []}
    for child, column in _children(table):
        for child_id in session.scalars(select(child.c.id).where(child.c[column] == row_id)):
            collected = _collect(session, child, child_id)
            collected["link"] = column
            node["children"].append(collected)
    return node


def _uuids(node: dict[str, Any]) -> list[str]:
    return [node["row"]["uuid"], *(u for child in node["children"] for u in _uuids(child))]


def to_bin(session: Session, entity: str, row_id: int, title: str) -> RecycledItem:
    """Keep the row and its children in the 回收站; the caller deletes the row afterwards."""
    purge_expired(session)
    table = Base.metadata.tables[entity]
    node = _collect(session, table, row_id)
    item = RecycledItem(branch_id=node["row"]["branch_id"], entity=entity, entity_uuid=node["row"]["uuid"],
                        title=title, deleted_at=utcnow(), payload=json.dumps(node, ensure_ascii=False))
    session.add(item)
    session.flush()
    return item


def list_recycled(session: Session, branch_id: int, *, now: datetime | None = None) -> list[RecycledRow]:
    """The branch's 回收站, newest deletion first."""
    now = now or utcnow()
    items = session.scalars(select(RecycledItem).where(RecycledItem.branch_id == branch_id)
                            .order_by(RecycledItem.deleted_at.desc(), RecycledItem.id.desc()))
    return [RecycledRow(i.id, i.entity, ENTITY_LABELS.get(i.entity, i.entity), i.title, i.deleted_at,
                        max(0, KEEP_DAYS - (now - i.deleted_at).days)) for i in items]


def _insert(session: Session, node: dict[str, Any], link: tuple[str, int] | None) -> None:
    table = Base.metadata.tables[node["table"]]
    values = {k: _decode(v) for k, v in node["row"].items() if k != "id"}
    if link is not None:
        values[link[0]] = link[1]
    new_id = session.execute(insert(table).values(**values)).inserted_primary_key[0]  # type: ignore[attr-defined]
    for child in node["children"]:
        _insert(session, child, (child["link"], new_id))


def restore_recycled(session: Session, item_id: int) -> None:
    """Put a record back from the 回收站 with its child rows and original uuids."""
    item = session.get(RecycledItem, item_id)
    if item is None:
        raise ValidationError("回收站中已没有这一项（可能已超过 30 天被清除），请刷新列表。")
    node = json.loads(item.payload)
    uuids = _uuids(node)
    table = Base.metadata.tables[item.entity]
    if session.scalar(select(table.c.id).where(table.c.uuid == item.entity_uuid)) is not None:
        raise ValidationError(f"“{item.title}”已存在（可能已从备份恢复或合并回来），不能再从回收站恢复。")
    session.flush()
    for name in ("branch_id", "member_id", "group_id", "meeting_id", "lecturer_member_id"):
        ref = node["row"].get(name)
        if ref is None or name not in table.c:
            continue
        target = next(iter(table.c[name].foreign_keys)).column.table
        if session.scalar(select(target.c.id).where(target.c.id == ref)) is None:
            if name == "branch_id" or not table.c[name].nullable:
                raise ValidationError(f"“{item.title}”所属的记录已不存在，不能恢复。")
            node["row"][name] = None  # the linked member, group or meeting is gone: keep the record
    _insert(session, node, None)
    session.execute(delete(Tombstone).where(Tombstone.uuid.in_(uuids)))
    audit.record(session, AuditAction.RESTORE, item.entity, entity_uuid=item.entity_uuid,
                 summary=f"从回收站恢复{ENTITY_LABELS.get(item.entity, '')}“{item.title}”",
                 branch_id=item.branch_id)
    session.delete(item)
    session.flush()


def purge_expired(session: Session, now: datetime | None = None) -> int:
    """Drop items deleted more than 30 days ago; returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=KEEP_DAYS)
    result = session.execute(delete(RecycledItem).where(RecycledItem.deleted_at < cutoff))
    session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
