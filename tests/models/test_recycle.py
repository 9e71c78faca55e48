"""回收站: deleted meetings, notes and members come back with their children and uuids."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from models import attachments
from models.audit import list_entries, verify_chain
from models.db import Database
from models.entities import (
    AgendaItem,
    Attendance,
    Guest,
    Meeting,
    Member,
    MemberStatus,
    RecycledItem,
    StudyNote,
    Tombstone,
    utcnow,
)
from models.enums import AuditAction, MeetingType, MembershipState
from models.errors import ValidationError
from models.meetings import (
    AgendaInput,
    GuestInput,
    MeetingInput,
    create_meeting,
    default_attendance,
    delete_meeting,
    get_meeting,
)
from models.notes import NoteInput, create_note, delete_note
from models.recycle import list_recycled, purge_expired, restore_recycled
from models.roster import add_status, delete_member
from tests.models.factories import member

BOTH_ENGINES = True  # every test here runs on SQLite and on PostgreSQL (tests/conftest.py)

DAY = date(2026, 3, 12)


def _meeting(db: Database, branch_id: int) -> int:
    with db.transaction() as s:
        member(s, branch_id, "张书记")
        member(s, branch_id, "李委员")
    with db.transaction() as s:
        data = MeetingInput(
            meeting_type=MeetingType.GENERAL_ASSEMBLY, title="支部党员大会：学习传达会议精神", held_on=DAY,
            start_time=time(14, 30), end_time=time(16, 0), location="党员活动室", host="张书记",
            recorder="李委员", minutes="会议传达学习了上级会议精神。",
            attendance=default_attendance(s, branch_id, MeetingType.GENERAL_ASSEMBLY, DAY),
            agenda=[AgendaInput("接收预备党员", "介绍人介绍情况", "同意接收", 2, 0, 0)],
            guests=[GuestInput("陈积极", "办公室", "入党积极分子")],
        )
        mid = create_meeting(s, branch_id, data)
        attachments.add_attachment(s, mid, "讲稿.pdf", b"%PDF-1.4 \x00\xff binary")
    return mid


def _count(db: Database, entity: type) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(entity)) or 0


def test_meeting_round_trip_with_children_and_attachment(db: Database, branch_id: int) -> None:
    mid = _meeting(db, branch_id)
    with db.reading() as s:
        before = get_meeting(s, mid)
        before_att = attachments.list_attachments(s, mid)
        blob = attachments.get_attachment(s, before_att[0].id).data
    with db.transaction() as s:
        delete_meeting(s, mid)
    assert _count(db, Meeting) == 0 and _count(db, Attendance) == 0 and _count(db, AgendaItem) == 0
    with db.reading() as s:
        rows = list_recycled(s, branch_id)
    assert [(r.kind, r.days_left) for r in rows] == [("会议", 30)]
    assert rows[0].title.startswith("支部党员大会：学习传达会议精神")
    assert _count(db, Tombstone) > 0
    with db.transaction() as s:
        restore_recycled(s, rows[0].id)
    with db.reading() as s:
        new_id = s.scalar(select(Meeting.id).where(Meeting.uuid == before.uuid))
        assert new_id is not None
        after = get_meeting(s, new_id)
        after_att = attachments.list_attachments(s, new_id)
        assert attachments.get_attachment(s, after_att[0].id).data == blob
        assert s.scalar(select(func.count()).select_from(Tombstone)) == 0
        assert list_recycled(s, branch_id) == []
        entries = list_entries(s, entity_uuid=before.uuid)
        assert verify_chain(s) is None
    assert [a.member_name for a in after.attendance] == [a.member_name for a in before.attendance]
    assert [a.uuid for a in after.agenda] == [a.uuid for a in before.agenda]
    assert [g.uuid for g in after.guests] == [g.uuid for g in before.guests]
    assert [a.filename for a in after_att] == [a.filename for a in before_att]
    assert (after.title, after.minutes, after.start_time) == (before.title, before.minutes, before.start_time)
    assert _count(db, Guest) == 1
    actions = [e.action for e in entries]
    assert AuditAction.DELETE in actions and AuditAction.RESTORE in actions


def test_note_round_trip(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        nid = create_note(s, branch_id, NoteInput(studied_on=DAY, title="学习党章", content="第一章", hours=2.0))
        uuid = s.get_one(StudyNote, nid).uuid
    with db.transaction() as s:
        delete_note(s, nid)
    with db.transaction() as s:
        (row,) = list_recycled(s, branch_id)
        assert (row.kind, row.title) == ("学习笔记", "学习党章")
        restore_recycled(s, row.id)
    with db.reading() as s:
        note = s.scalars(select(StudyNote)).one()
    assert (note.uuid, note.content, note.hours, note.studied_on) == (uuid, "第一章", 2.0, DAY)


def test_member_round_trip_with_statuses(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        mid = member(s, branch_id, "王党员")
        add_status(s, mid, MembershipState.TRANSFERRED_OUT, date(2026, 2, 1), "调往外单位")
    with db.reading() as s:
        statuses = sorted((st.uuid, st.state, st.effective_on, st.note)
                          for st in s.scalars(select(MemberStatus).where(MemberStatus.member_id == mid)))
    with db.transaction() as s:
        delete_member(s, mid)
    assert _count(db, Member) == 0 and _count(db, MemberStatus) == 0
    with db.transaction() as s:
        (row,) = list_recycled(s, branch_id)
        restore_recycled(s, row.id)
    with db.reading() as s:
        back = s.scalars(select(Member)).one()
        again = sorted((st.uuid, st.state, st.effective_on, st.note) for st in back.statuses)
    assert back.name == "王党员" and again == statuses and len(again) == 2


def test_purge_after_thirty_days(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        nid = create_note(s, branch_id, NoteInput(studied_on=DAY, title="学习党章"))
    with db.transaction() as s:
        delete_note(s, nid)
    now = utcnow()
    with db.transaction() as s:
        assert purge_expired(s, now + timedelta(days=29)) == 0
        assert list_recycled(s, branch_id, now=now + timedelta(days=29, hours=1))[0].days_left == 1
    with db.transaction() as s:
        assert purge_expired(s, now + timedelta(days=30, seconds=1)) == 1
    assert _count(db, RecycledItem) == 0


def test_restore_refused_when_uuid_exists_again(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        nid = create_note(s, branch_id, NoteInput(studied_on=DAY, title="学习党章"))
    with db.transaction() as s:
        uuid = s.get_one(StudyNote, nid).uuid
        delete_note(s, nid)
    with db.transaction() as s:  # e.g. brought back by a restore of an older backup
        again = create_note(s, branch_id, NoteInput(studied_on=DAY, title="学习党章"))
        s.get_one(StudyNote, again).uuid = uuid
    with db.reading() as s:
        item_id = list_recycled(s, branch_id)[0].id
    with pytest.raises(ValidationError, match="已存在"), db.transaction() as s:
        restore_recycled(s, item_id)
    assert _count(db, StudyNote) == 1 and _count(db, RecycledItem) == 1


def test_a_lecture_comes_back_after_its_lecturer_was_deleted(db: Database, branch_id: int) -> None:
    """The 授课人 member is gone by the time the 党课 is restored: the lecture returns unlinked."""
    with db.transaction() as s:
        lecturer = member(s, branch_id, "王讲师")
        mid = create_meeting(s, branch_id, MeetingInput(
            meeting_type=MeetingType.PARTY_LECTURE, title="党课", held_on=DAY, lecturer_member_id=lecturer,
            lecture_topic="学习党章"))
    with db.transaction() as s:
        delete_meeting(s, mid)
    with db.transaction() as s:
        delete_member(s, lecturer)
    with db.transaction() as s:
        (row,) = [r for r in list_recycled(s, branch_id) if r.entity == "meeting"]
        restore_recycled(s, row.id)
    with db.reading() as s:
        back = s.scalars(select(Meeting)).one()
    assert (back.lecturer, back.lecturer_member_id) == ("王讲师", None)
