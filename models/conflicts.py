"""合并冲突: another PC's version of a meeting that is 定稿 here, set aside by a merge.

The secretary reads the other version beside the finalized one and marks the conflict
resolved (with a note); if the other version was right, the meeting is unlocked (解除定稿,
with its reason) and edited as usual — the merge itself never changes a 定稿 meeting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import audit
from models.entities import Meeting, MergeConflict, utcnow
from models.enums import AttendanceStatus, AuditAction
from models.errors import ValidationError
from models.validation import format_date


@dataclass(frozen=True)
class ConflictRow:
    id: int
    meeting_id: int
    meeting_title: str
    held_on: date
    source: str
    found_at: datetime
    resolved: bool
    resolution: str
    payload: dict[str, Any]

    def describe(self) -> str:
        return describe_version(self.payload)


def _status_label(code: Any) -> str:
    try:
        return AttendanceStatus(code).label
    except ValueError:
        return str(code or "")


def describe_version(payload: dict[str, Any]) -> str:
    """The other side's version in words: what the secretary compares with the 定稿."""
    if payload.get("deleted"):
        return f"对方已删除这次会议（删除时间：{str(payload.get('deleted_at', ''))[:19]}）。"
    lines = [f"标题：{payload.get('title', '')}", f"日期：{payload.get('held_on', '')}",
             f"状态：{'定稿' if payload.get('status') == 'final' else '草稿/计划'}",
             f"主持人：{payload.get('host', '')}　记录人：{payload.get('recorder', '')}",
             "会议内容：", str(payload.get("minutes", ""))]
    attendance = payload.get("attendance") or []
    if attendance:
        lines.append("出席情况：" + "，".join(
            f"{a.get('member_name') or '（未知党员）'} {_status_label(a.get('status'))}" for a in attendance))
    for item in payload.get("agenda_item") or []:
        lines.append(f"议题：{item.get('title', '')}　决议：{item.get('resolution', '')}")
    return "\n".join(lines)


def open_conflict_count(session: Session, branch_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(MergeConflict).where(MergeConflict.resolved_at.is_(None))
    if branch_id is not None:
        stmt = stmt.join(Meeting, Meeting.id == MergeConflict.meeting_id).where(Meeting.branch_id == branch_id)
    return session.scalar(stmt) or 0


def list_conflicts(session: Session, branch_id: int | None = None, *,
                   include_resolved: bool = False) -> list[ConflictRow]:
    stmt = (select(MergeConflict, Meeting.title, Meeting.held_on)
            .join(Meeting, Meeting.id == MergeConflict.meeting_id)
            .order_by(MergeConflict.resolved_at.is_not(None), MergeConflict.created_at.desc(), MergeConflict.id))
    if branch_id is not None:
        stmt = stmt.where(Meeting.branch_id == branch_id)
    if not include_resolved:
        stmt = stmt.where(MergeConflict.resolved_at.is_(None))
    rows = []
    for conflict, title, held_on in session.execute(stmt):
        try:
            payload = json.loads(conflict.payload)
        except ValueError:
            payload = {}
        rows.append(ConflictRow(conflict.id, conflict.meeting_id, title, held_on, conflict.source,
                                conflict.created_at, conflict.resolved_at is not None, conflict.resolution,
                                payload if isinstance(payload, dict) else {}))
    return rows


def resolve_conflict(session: Session, conflict_id: int, resolution: str) -> None:
    """Mark a conflict 已处理 with the secretary's note (logged)."""
    note = resolution.strip()
    if not note:
        raise ValidationError("请填写处理说明（例如“已核对，以本机定稿为准”）。", field="resolution")
    conflict = session.get(MergeConflict, conflict_id)
    if conflict is None:
        raise ValidationError("找不到该合并冲突，可能已被处理。")
    if conflict.resolved_at is not None:
        raise ValidationError("该合并冲突已经处理过了。")
    meeting = session.get_one(Meeting, conflict.meeting_id)
    conflict.resolved_at = utcnow()
    conflict.resolution = note
    session.flush()
    audit.record(session, AuditAction.UPDATE, "merge_conflict", entity_uuid=meeting.uuid,
                 summary=f"处理会议“{meeting.title}”（{format_date(meeting.held_on)}）的合并冲突：{note}",
                 detail={"conflict": conflict.uuid, "source": conflict.source}, branch_id=meeting.branch_id)
