"""The 定稿 hash recomputed straight from the file (models.content_hash, what ``check`` uses)
agrees with the one the application takes from its objects at 定稿, and notices each part of
the content changing behind the application's back."""

from __future__ import annotations

import sqlite3
from datetime import date, time
from pathlib import Path

import pytest

from models.content_hash import stored_hashes
from models.db import open_database, readonly_uri
from models.enums import AttendanceStatus, Gender, LeaveReason, MeetingType
from models.meetings import (
    ActionInput,
    AgendaInput,
    AttendanceInput,
    GuestInput,
    MeetingInput,
    create_meeting,
    finalize_meeting,
)
from models.roster import MemberInput, create_branch, create_member


def _finalized(tmp_path: Path) -> Path:
    """Two 定稿 meetings with every part the hash covers (times with and without seconds,
    votes, guests, action items with and without a due date) and one draft."""
    path = tmp_path / "branchbook.sqlite3"
    db = open_database(path)
    with db.transaction() as s:
        branch_id = create_branch(s, "测试党支部", "", date(2001, 7, 1))
        ids = [create_member(s, branch_id, MemberInput(name, Gender.FEMALE, date(2000, 1, 1)))
               for name in ("王一", "李二", "赵三")]
        made = []
        for n, (start, end) in enumerate(((time(9, 0), time(11, 30, 15)), (None, None), (time(14, 5), None))):
            made.append(create_meeting(s, branch_id, MeetingInput(
                MeetingType.GENERAL_ASSEMBLY, f"第{n + 1}次党员大会", date(2026, 3, 5 + n), start_time=start,
                end_time=end, location="会议室", host="王一", recorder="李二", theme="主题", minutes="会议内容",
                study_material="学习材料",
                attendance=[AttendanceInput(ids[0]), AttendanceInput(ids[1], AttendanceStatus.LEAVE,
                                                                     LeaveReason.SICK, "住院"),
                            AttendanceInput(ids[2], AttendanceStatus.PRESENT, late_note="迟到十分钟")],
                guests=[GuestInput("孙四", "本单位", "入党积极分子"), GuestInput("周五")],
                agenda=[AgendaInput("议题一", "讨论", "决议", 1, 0, 1), AgendaInput("议题二")],
                actions=[ActionInput("落实一", "王一", date(2026, 4, 1)), ActionInput("落实二")])))
        s.flush()
        for meeting_id in made[:2]:
            finalize_meeting(s, meeting_id, today=date(2027, 1, 1))
    db.close()
    return path


def _hashes(path: Path) -> dict[str, bool]:
    con = sqlite3.connect(readonly_uri(path), uri=True)
    try:
        return {h.title: h.matches for h in stored_hashes(con)}
    finally:
        con.close()


def test_recomputed_hashes_agree_with_finalize(tmp_path: Path) -> None:
    assert _hashes(_finalized(tmp_path)) == {"第1次党员大会": True, "第2次党员大会": True}


@pytest.mark.parametrize("statement", [
    "UPDATE meeting SET end_time = '11:30:16.000000' WHERE id = 1",
    "UPDATE meeting SET study_material = '别的材料' WHERE id = 1",
    "UPDATE attendance SET late_note = '' WHERE meeting_id = 1 AND late_note <> ''",
    "UPDATE attendance SET leave_reason = 'personal' WHERE meeting_id = 1 AND leave_reason IS NOT NULL",
    "UPDATE guest SET unit = '外单位' WHERE meeting_id = 1 AND name = '孙四'",
    "UPDATE agenda_item SET votes_abstain = 0 WHERE meeting_id = 1 AND votes_abstain = 1",
    "UPDATE agenda_item SET position = 1 - position WHERE meeting_id = 1",
    "UPDATE action_item SET due_on = '2026-04-02' WHERE meeting_id = 1 AND due_on IS NOT NULL",
    "DELETE FROM guest WHERE meeting_id = 1 AND name = '周五'",
    "UPDATE member SET uuid = 'another-person' WHERE name = '赵三'",
])
def test_each_covered_part_changed_behind_the_application_shows(tmp_path: Path, statement: str) -> None:
    path = _finalized(tmp_path)
    con = sqlite3.connect(path)
    try:
        assert con.execute(statement).rowcount >= 1
        con.commit()
    finally:
        con.close()
    assert _hashes(path)["第1次党员大会"] is False
