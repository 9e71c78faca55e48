"""学习笔记/心得体会: study notes, per member and/or per meeting, with 学时."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from models import audit, recycle
from models.db import core_rows
from models.entities import Meeting, Member, StudyNote
from models.enums import AuditAction
from models.errors import ValidationError
from models.text_search import contains
from models.validation import like_pattern

MAX_HOURS_PER_NOTE = 24.0
#: 党员教育管理工作条例: at least 32 学时 of study a year.
YEARLY_STUDY_HOURS = 32.0


@dataclass
class NoteInput:
    studied_on: date | None
    title: str
    material: str = ""
    content: str = ""
    hours: float = 0.0
    member_id: int | None = None
    meeting_id: int | None = None


@dataclass(frozen=True)
class NoteRow:
    id: int
    studied_on: date
    title: str
    material: str
    content: str
    hours: float
    member_id: int | None
    member_name: str
    meeting_id: int | None
    meeting_title: str


def _validate(session: Session, branch_id: int, data: NoteInput) -> None:
    if not data.title.strip():
        raise ValidationError("标题不能为空，请填写学习笔记的标题。", field="title")
    if data.studied_on is None:
        raise ValidationError("请填写学习日期。", field="studied_on")
    if data.studied_on > date.today():
        raise ValidationError("学习日期不能晚于今天，请检查日期。", field="studied_on")
    if not 0 <= data.hours <= MAX_HOURS_PER_NOTE:
        raise ValidationError(f"学时应在 0 到 {MAX_HOURS_PER_NOTE:g} 之间，请检查。", field="hours")
    if data.member_id is not None:
        member = session.get(Member, data.member_id)
        if member is None or member.branch_id != branch_id:
            raise ValidationError("所选党员不存在，请重新选择。", field="member_id")
    if data.meeting_id is not None:
        meeting = session.get(Meeting, data.meeting_id)
        if meeting is None or meeting.branch_id != branch_id:
            raise ValidationError("所选会议不存在，请重新选择。", field="meeting_id")


def _apply(note: StudyNote, data: NoteInput) -> None:
    note.studied_on = data.studied_on  # type: ignore[assignment]
    note.title = data.title.strip()
    note.material = data.material.strip()
    note.content = data.content
    note.hours = round(float(data.hours), 1)
    note.member_id = data.member_id
    note.meeting_id = data.meeting_id


def create_note(session: Session, branch_id: int, data: NoteInput) -> int:
    _validate(session, branch_id, data)
    note = StudyNote(branch_id=branch_id)
    _apply(note, data)
    session.add(note)
    session.flush()
    audit.record(session, AuditAction.CREATE, "study_note", entity_uuid=note.uuid,
                 summary=f"新建学习笔记“{note.title}”", branch_id=branch_id)
    return note.id


def update_note(session: Session, note_id: int, data: NoteInput) -> None:
    note = session.get_one(StudyNote, note_id)
    _validate(session, note.branch_id, data)
    _apply(note, data)
    session.flush()
    audit.record(session, AuditAction.UPDATE, "study_note", entity_uuid=note.uuid,
                 summary=f"修改学习笔记“{note.title}”", branch_id=note.branch_id)


def delete_note(session: Session, note_id: int) -> None:
    note = session.get_one(StudyNote, note_id)
    audit.record(session, AuditAction.DELETE, "study_note", entity_uuid=note.uuid,
                 summary=f"删除学习笔记“{note.title}”（移入回收站）", branch_id=note.branch_id)
    recycle.to_bin(session, "study_note", note.id, note.title)
    session.delete(note)
    session.flush()


def list_notes(
    session: Session,
    branch_id: int,
    *,
    year: int | None = None,
    member_id: int | None = None,
    meeting_id: int | None = None,
    text: str | None = None,
    limit: int | None = None,
) -> list[NoteRow]:
    """Study notes newest first; ``limit`` keeps only the newest rows, in SQL (a search for a
    common word matches thousands of notes, of which a list shows a few hundred)."""
    stmt = (
        # columns, not entities: a list of a few hundred notes is read without building objects
        select(StudyNote.id, StudyNote.studied_on, StudyNote.title, StudyNote.material, StudyNote.content,
               StudyNote.hours, StudyNote.member_id, func.coalesce(Member.name, ""), StudyNote.meeting_id,
               func.coalesce(Meeting.title, ""))
        .outerjoin(Member, Member.id == StudyNote.member_id)
        .outerjoin(Meeting, Meeting.id == StudyNote.meeting_id)
        .where(StudyNote.branch_id == branch_id)
        .order_by(StudyNote.studied_on.desc(), StudyNote.id.desc())
    )
    if year is not None:
        stmt = stmt.where(StudyNote.studied_on >= date(year, 1, 1), StudyNote.studied_on < date(year + 1, 1, 1))
    if member_id is not None:
        stmt = stmt.where(StudyNote.member_id == member_id)
    if meeting_id is not None:
        stmt = stmt.where(StudyNote.meeting_id == meeting_id)
    if text and text.strip():
        pattern = like_pattern(text.strip())
        stmt = stmt.where(or_(*(contains(col, pattern) for col in
                                (StudyNote.title, StudyNote.content, StudyNote.material))))
    if limit is not None:
        stmt = stmt.limit(limit)
    return [NoteRow(nid, on, title, material, content, hours, member_id, member, meeting_id, meeting)
            for nid, on, title, material, content, hours, member_id, member, meeting_id, meeting
            in session.execute(stmt)]


_note = StudyNote.__table__.c
# Built once (Core, bound parameters): the year's statistics run it on every refresh.
_HOURS_BY_MEMBER = (
    select(_note.member_id, func.sum(_note.hours))
    .where(_note.branch_id == bindparam("branch_id"), _note.member_id.is_not(None),
           _note.studied_on >= bindparam("first"), _note.studied_on < bindparam("after"))
    .group_by(_note.member_id)
)


def study_hours_by_member(session: Session, branch_id: int, year: int) -> dict[int, float]:
    """学时 per member in a year, from the study notes linked to the member."""
    rows = core_rows(session, _HOURS_BY_MEMBER,
                     {"branch_id": branch_id, "first": date(year, 1, 1), "after": date(year + 1, 1, 1)})
    return {int(mid): float(h or 0) for mid, h in rows if mid is not None}
