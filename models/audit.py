"""操作日志: the append-only, hash-chained audit log, written by the services themselves.

Each entry's hash covers its own fields and the previous entry's hash, so an edited,
inserted or removed row breaks the chain from that point on (:func:`verify_chain`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from models.entities import AuditEntry, new_uuid, utcnow
from models.enums import AuditAction

GENESIS_HASH = "0" * 64
AUDIT_LOCK = 0x42424B32  # pg_advisory_xact_lock key of the chain's tail on a server (0009s takes it)


def entry_hash(entry: AuditEntry) -> str:
    payload = json.dumps(
        [
            entry.prev_hash,
            entry.uuid,
            entry.at.isoformat(timespec="microseconds"),
            entry.branch_id,
            entry.action,
            entry.entity,
            entry.entity_uuid,
            entry.summary,
            entry.detail,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session,
    action: AuditAction,
    entity: str,
    *,
    entity_uuid: str = "",
    summary: str = "",
    detail: dict[str, Any] | None = None,
    branch_id: int | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry to the log inside the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        # Writers on a server run side by side: the chain's tail is read and extended by one
        # transaction at a time (the lock is held until it commits), or two entries would share a
        # parent. A branch's role may not read other branches' entries: migration 0009s's function
        # takes the lock and hands over the tail's hash only.
        prev = session.scalar(text("SELECT branchbook_audit_tail()"))
    else:
        prev = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        uuid=new_uuid(),
        at=at or utcnow(),
        branch_id=branch_id,
        action=str(action),
        entity=entity,
        entity_uuid=entity_uuid,
        summary=summary,
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str),
        prev_hash=prev or GENESIS_HASH,
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    action: AuditAction
    entity: str
    summary: str
    detail: str


def list_entries(session: Session, *, limit: int = 500, entity_uuid: str | None = None) -> list[AuditRow]:
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if entity_uuid:
        stmt = stmt.where(AuditEntry.entity_uuid == entity_uuid)
    return [
        AuditRow(e.id, e.at, AuditAction(e.action), e.entity, e.summary, e.detail)
        for e in session.scalars(stmt)
    ]


def verify_chain(session: Session) -> int | None:
    """Return the id of the first entry whose hash or link is wrong, or None if sound."""
    prev = GENESIS_HASH
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        if entry.prev_hash != prev or entry_hash(entry) != entry.hash:
            return entry.id
        prev = entry.hash
    return None
