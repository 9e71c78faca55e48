"""Meetings: one transaction each, validation that changes nothing, 定稿 and 解除定稿."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from models.audit import list_entries
from models.db import Database
from models.entities import Attendance, Meeting
from models.enums import (
    AttendanceStatus,
    AuditAction,
    BranchRole,
    LeaveReason,
    MeetingStatus,
    MeetingType,
    MembershipState,
)
from models.errors import ValidationError
from models.meetings import (
    AgendaInput,
    AttendanceInput,
    GuestInput,
    MeetingInput,
    create_meeting,
    default_attendance,
    delete_meeting,
    finalize_meeting,
    get_meeting,
    list_meetings,
    unlock_meeting,
    update_meeting,
)
from models.roster import add_status, create_group
from models.search import search
from tests.models.factories import member

BOTH_ENGINES = True  # every test here runs on SQLite and on PostgreSQL (tests/conftest.py)

DAY = date(2026, 3, 12)


@pytest.fixture
def people(db: Database, branch_id: int) -> dict[str, int]:
    with db.transaction() as s:
        g = create_group(s, branch_id, "第一党小组")
        ids = {
            "张书记": member(s, branch_id, "张书记", group_id=g, role=BranchRole.SECRETARY),
            "李委员": member(s, branch_id, "李委员", group_id=g, committee=True),
            "王党员": member(s, branch_id, "王党员", group_id=g),
            "赵党员": member(s, branch_id, "赵党员"),
        }
        add_status(s, ids["赵党员"], MembershipState.TRANSFERRED_OUT, date(2026, 2, 1))
        ids["group"] = g
    return ids


def _assembly(db: Database, branch_id: int, **changes: object) -> MeetingInput:
    with db.reading() as s:
        attendance = default_attendance(s, branch_id, MeetingType.GENERAL_ASSEMBLY, DAY)
    data = MeetingInput(
        meeting_type=MeetingType.GENERAL_ASSEMBLY, title="支部党员大会：学习传达会议精神", held_on=DAY,
        start_time=time(14, 30), end_time=time(16, 0), location="党员活动室", host="张书记",
        recorder="李委员", minutes="会议传达学习了上级会议精神。", attendance=attendance,
        agenda=[AgendaInput("接收预备党员", "介绍人介绍情况", "同意接收", 2, 0, 0)],
        guests=[GuestInput("陈积极", "办公室", "入党积极分子")],
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def _count(db: Database, entity: type) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(entity)) or 0


def test_create_and_read_back_everything(db: Database, branch_id: int, people: dict[str, int]) -> None:
    data = _assembly(db, branch_id)
    data.attendance[2] = AttendanceInput(people["王党员"], AttendanceStatus.LEAVE, LeaveReason.SICK, "住院")
    with db.transaction() as s:
        mid = create_meeting(s, branch_id, data)
    with db.reading() as s:
        d = get_meeting(s, mid)
    assert [a.member_name for a in d.attendance] == ["张书记", "李委员", "王党员"]  # 赵 transferred out
    assert d.count(AttendanceStatus.PRESENT) == 2 and d.count(AttendanceStatus.LEAVE) == 1
    leave = d.attendance[2]
    assert (leave.leave_reason, leave.reason_note) == (LeaveReason.SICK, "住院")
    assert d.agenda[0].votes_for == 2 and d.guests[0].name == "陈积极"
    assert d.sequence_no == 1 and d.voting_expected == 3


def test_update_keeps_child_uuids(db: Database, branch_id: int, people: dict[str, int]) -> None:
    with db.transaction() as s:
        mid = create_meeting(s, branch_id, _assembly(db, branch_id))
    with db.reading() as s:
        before = get_meeting(s, mid)
    data = before.to_input()
    data.agenda[0].resolution = "同意接收陈积极为预备党员"
    data.agenda.append(AgendaInput("其他事项"))
    with db.transaction() as s:
        update_meeting(s, mid, data)
    with db.reading() as s:
        after = get_meeting(s, mid)
    assert after.agenda[0].uuid == before.agenda[0].uuid
    assert [a.title for a in after.agenda] == ["接收预备党员", "其他事项"]
    assert after.guests[0].uuid == before.guests[0].uuid


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"title": " "}, "title", "会议名称不能为空"),
        ({"held_on": None}, "held_on", "会议日期"),
        ({"end_time": time(14, 0)}, "end_time", "结束时间应晚于开始时间"),
        ({"meeting_type": MeetingType.GROUP}, "group_id", "党小组"),
        ({"agenda": [AgendaInput("表决", votes_for=9)]}, "agenda", "超过实到有表决权的党员人数"),
        ({"agenda": [AgendaInput("表决", votes_for=-1)]}, "agenda", "负数"),
        ({"guests": [GuestInput(" ")]}, "guests", "列席人员姓名"),
    ],
)
def test_validation_errors_change_nothing(
    db: Database, branch_id: int, people: dict[str, int], change: dict, field: str, words: str  # type: ignore[type-arg]
) -> None:
    data = _assembly(db, branch_id, **change)
    audit_before = len(list_entries_all(db))
    with pytest.raises(ValidationError) as err, db.transaction() as s:
        create_meeting(s, branch_id, data)
    assert err.value.field == field and words in err.value.message
    assert _count(db, Meeting) == 0 and _count(db, Attendance) == 0
    assert len(list_entries_all(db)) == audit_before


def list_entries_all(db: Database) -> list:  # type: ignore[type-arg]
    with db.reading() as s:
        return list_entries(s, limit=10_000)


def test_attendance_of_someone_not_on_roll_is_refused(db: Database, branch_id: int, people: dict[str, int]) -> None:
    data = _assembly(db, branch_id)
    data.attendance.append(AttendanceInput(people["赵党员"]))
    with pytest.raises(ValidationError, match="不在册（转出）") as err, db.transaction() as s:
        create_meeting(s, branch_id, data)
    assert err.value.field == "attendance" and _count(db, Meeting) == 0


def test_attendance_of_non_committee_member_at_committee_meeting_refused(
    db: Database, branch_id: int, people: dict[str, int]
) -> None:
    data = _assembly(db, branch_id, meeting_type=MeetingType.COMMITTEE, agenda=[])
    with pytest.raises(ValidationError, match="不是本次支部委员会的应到人员"), db.transaction() as s:
        create_meeting(s, branch_id, data)


def test_leave_needs_a_reason(db: Database, branch_id: int, people: dict[str, int]) -> None:
    data = _assembly(db, branch_id)
    data.attendance[0].status = AttendanceStatus.LEAVE
    with pytest.raises(ValidationError, match="请假原因"), db.transaction() as s:
        create_meeting(s, branch_id, data)


def test_finalize_freezes_and_unlock_is_logged(db: Database, branch_id: int, people: dict[str, int]) -> None:
    with db.transaction() as s:
        mid = create_meeting(s, branch_id, _assembly(db, branch_id))
    with db.transaction() as s:
        digest = finalize_meeting(s, mid, today=date(2026, 3, 20))
    assert len(digest) == 64
    with db.reading() as s:
        detail = get_meeting(s, mid)
    assert detail.status == MeetingStatus.FINAL and detail.content_hash == digest
    data = detail.to_input()
    data.title = "改过的标题"
    with pytest.raises(ValidationError, match="已定稿"), db.transaction() as s:
        update_meeting(s, mid, data)
    with pytest.raises(ValidationError, match="已定稿"), db.transaction() as s:
        delete_meeting(s, mid)
    with pytest.raises(ValidationError, match="原因"), db.transaction() as s:
        unlock_meeting(s, mid, "  ")
    with db.transaction() as s:
        unlock_meeting(s, mid, "补充会议内容")
        update_meeting(s, mid, data)
    entries = list_entries_all(db)
    unlock = next(e for e in entries if e.action == AuditAction.UNLOCK)
    assert "补充会议内容" in unlock.summary and digest in unlock.detail
    with db.reading() as s:
        assert get_meeting(s, mid).title == "改过的标题"


def test_finalize_requires_the_record_to_be_complete(db: Database, branch_id: int, people: dict[str, int]) -> None:
    with db.transaction() as s:
        mid = create_meeting(s, branch_id, _assembly(db, branch_id, recorder="", minutes=""))
        future = create_meeting(s, branch_id, _assembly(db, branch_id, held_on=date(2099, 1, 1), attendance=[],
                                                         agenda=[]))
    with pytest.raises(ValidationError, match="记录人、会议内容"), db.transaction() as s:
        finalize_meeting(s, mid, today=date(2026, 3, 20))
    with pytest.raises(ValidationError, match="还没到"), db.transaction() as s:
        finalize_meeting(s, future)


def test_list_filters_and_search(db: Database, branch_id: int, people: dict[str, int]) -> None:
    with db.transaction() as s:
        create_meeting(s, branch_id, _assembly(db, branch_id))
        create_meeting(s, branch_id, _assembly(db, branch_id, title="主题党日：参观纪念馆", agenda=[],
                                               meeting_type=MeetingType.THEME_DAY, held_on=date(2026, 4, 20),
                                               minutes="重温入党誓词，100%到场"))
        group_day = _assembly(db, branch_id, meeting_type=MeetingType.GROUP, group_id=people["group"],
                              title="党小组学习", agenda=[], attendance=[])
        create_meeting(s, branch_id, group_day)
    with db.reading() as s:
        assert list_meetings(s, branch_id)[0].title == "主题党日：参观纪念馆"
        march = list_meetings(s, branch_id, year=2026, month=3)
        assert {m.meeting_type for m in march} == {MeetingType.GENERAL_ASSEMBLY, MeetingType.GROUP}
        assert [m.expected for m in march if m.meeting_type == MeetingType.GENERAL_ASSEMBLY] == [3]
        assert [m.title for m in list_meetings(s, branch_id, text="入党誓词")] == ["主题党日：参观纪念馆"]
        assert [m.title for m in list_meetings(s, branch_id, text="100%")] == ["主题党日：参观纪念馆"]
        assert list_meetings(s, branch_id, text="_") == []
        assert list_meetings(s, branch_id, meeting_type=MeetingType.GROUP)[0].group_name == "第一党小组"
        hits = search(s, branch_id, "纪念馆")
    assert [h.kind for h in hits] == ["meeting"]


def test_delete_is_logged_with_content(db: Database, branch_id: int, people: dict[str, int]) -> None:
    with db.transaction() as s:
        mid = create_meeting(s, branch_id, _assembly(db, branch_id))
    with db.transaction() as s:
        delete_meeting(s, mid)
    assert _count(db, Meeting) == 0 and _count(db, Attendance) == 0
    deleted = next(e for e in list_entries_all(db) if e.action == AuditAction.DELETE)
    assert "学习传达会议精神" in deleted.detail
