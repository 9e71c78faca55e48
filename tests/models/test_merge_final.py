"""Merges respect 定稿 (conflicts set aside, never over it), deletions travel as tombstones,
and same-name branches / repeated ID numbers are reported — through the command line."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

import main
from models.conflicts import list_conflicts, open_conflict_count, resolve_conflict
from models.db import open_database
from models.entities import Meeting
from models.enums import Gender
from models.meetings import (
    AttendanceInput,
    MeetingInput,
    delete_meeting,
    finalize_meeting,
    get_meeting,
    update_meeting,
)
from models.roster import MemberInput, create_branch, create_member, delete_member
from tests.models.backup_support import populate


def _meeting_input(path: Path, meeting_id: int, **changes: object) -> MeetingInput:
    db = open_database(path)
    try:
        with db.reading() as s:
            d = get_meeting(s, meeting_id)
    finally:
        db.close()
    fields: dict[str, object] = {
        "minutes": d.minutes, "host": d.host or "张书记", "recorder": d.recorder or "李委员",
        "attendance": [AttendanceInput(a.member_id, a.status) for a in d.attendance], **changes}
    return MeetingInput(d.meeting_type, d.title, d.held_on, **fields)  # type: ignore[arg-type]


def _edit(path: Path, meeting_id: int, **changes: object) -> None:
    data = _meeting_input(path, meeting_id, **changes)
    db = open_database(path)
    try:
        with db.transaction() as s:
            update_meeting(s, meeting_id, data)
    finally:
        db.close()


def _backup(path: Path, folder: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    folder.mkdir(exist_ok=True)
    assert main.main(["backup", "--db", str(path), "--to", str(folder)]) == 0
    return Path(capsys.readouterr().out.strip())


def _merge(path: Path, backup: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main.main(["merge", "--db", str(path), str(backup)]) == 0
    return capsys.readouterr().out


def _two_pcs(tmp_path: Path) -> tuple[Path, Path]:
    here = tmp_path / "here.sqlite3"
    db = open_database(here)
    populate(db, members=3, meetings=3)
    db.close()
    _edit(here, 1)  # host and recorder filled in
    other = tmp_path / "other_pc.sqlite3"
    shutil.copy(here, other)  # the same records carried to another PC
    return here, other


def test_merge_never_replaces_a_final_meeting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    here, other = _two_pcs(tmp_path)
    _edit(other, 1, minutes="另一台电脑上后来改过的草稿内容")  # newer than the 定稿 below
    db = open_database(here)
    with db.transaction() as s:
        final_hash = finalize_meeting(s, 1, today=date(2027, 1, 1))
        minutes = s.get_one(Meeting, 1).minutes
    db.close()
    backup = _backup(other, tmp_path / "usb", capsys)
    out = _merge(here, backup, capsys)
    assert "合并冲突" in out and "第1次会议" in out
    db = open_database(here)
    try:
        with db.reading() as s:
            meeting = s.get_one(Meeting, 1)
            assert (meeting.status, meeting.content_hash, meeting.minutes) == ("final", final_hash, minutes)
            conflicts = list_conflicts(s)
            assert len(conflicts) == 1 and open_conflict_count(s) == 1
            conflict = conflicts[0]
            assert conflict.meeting_id == 1 and backup.name in conflict.source
            assert conflict.payload["minutes"] == "另一台电脑上后来改过的草稿内容"
            assert len(conflict.payload["attendance"]) == 3 and "出席" in conflict.describe()
        audit = [r[0] for r in sqlite3.connect(here).execute(
            "SELECT summary FROM audit_entry WHERE action = 'merge'")]
        assert any("已定稿的会议“第1次会议”" in a and "另存" in a for a in audit)
        # merging the same backup again sets nothing aside twice
        assert "没有新的或更新的记录" in _merge(here, backup, capsys)
        with db.reading() as s:
            assert len(list_conflicts(s)) == 1
        assert main.main(["check", "--db", str(here)]) == 0
        assert "1 条合并冲突尚未处理" in capsys.readouterr().out
        with db.transaction() as s:
            resolve_conflict(s, conflict.id, "已核对，以本机定稿为准")
        with db.reading() as s:
            assert open_conflict_count(s) == 0
    finally:
        db.close()


def test_deletions_travel_and_are_not_resurrected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    here, other = _two_pcs(tmp_path)
    third = tmp_path / "third.sqlite3"
    shutil.copy(here, third)  # a third PC that has seen no deletion
    old_backup = _backup(here, tmp_path / "old", capsys)  # still holds meeting 3
    db = open_database(here)
    with db.transaction() as s:
        delete_meeting(s, 3)
    db.close()
    out = _merge(here, old_backup, capsys)  # the older backup must not bring it back
    assert "会议 1 条" not in out
    db = open_database(here)
    with db.reading() as s:
        assert s.get(Meeting, 3) is None
    db.close()
    # the other PC deletes meeting 2 (draft here) and a member, and tries to delete meeting 1 (定稿 here)
    db = open_database(other)
    with db.transaction() as s:
        delete_meeting(s, 2)
        delete_meeting(s, 1)
        spare = create_member(s, 1, MemberInput("临时党员", Gender.MALE, date(2000, 1, 1)))
    with db.transaction() as s:
        delete_member(s, spare)
    db.close()
    db = open_database(here)
    with db.transaction() as s:
        finalize_meeting(s, 1, today=date(2027, 1, 1))
    db.close()
    out = _merge(here, _backup(other, tmp_path / "usb", capsys), capsys)
    deleted = next(line for line in out.splitlines() if line.startswith("删除（对方已删除）"))
    assert "会议 1 条" in deleted and "合并冲突" in out
    db = open_database(here)
    try:
        with db.reading() as s:
            assert s.get(Meeting, 2) is None and s.get_one(Meeting, 1).status == "final"
            assert [c.payload.get("deleted") for c in list_conflicts(s)] == [True]
        tombs = dict(sqlite3.connect(here).execute("SELECT entity, count(*) FROM tombstone GROUP BY entity"))
        assert tombs.get("meeting") == 2 and tombs.get("member") == 1  # ours (3) + theirs (2); the member
    finally:
        db.close()
    # and the tombstones travel on: a third PC merging this one loses meetings 2 and 3 too
    _merge(third, _backup(here, tmp_path / "usb2", capsys), capsys)
    con = sqlite3.connect(third)
    assert {r[0] for r in con.execute("SELECT title FROM meeting")} == {"第1次会议"}
    con.close()


def _roster(path: Path, branch: str, ids: list[str]) -> None:
    db = open_database(path)
    with db.transaction() as s:
        branch_id = create_branch(s, branch)
        for i, number in enumerate(ids):
            create_member(s, branch_id, MemberInput(f"党员{i}", Gender.FEMALE, date(2001, 1, 1), id_number=number))
    db.close()


def _id(n: int) -> str:
    body = f"11010119800101{n:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def test_same_roster_on_two_pcs_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    numbers = [_id(n) for n in range(20)]
    here, other = tmp_path / "pc1.sqlite3", tmp_path / "pc2.sqlite3"
    _roster(here, "第一党支部", numbers)
    _roster(other, "第一党支部", numbers[:10] + [_id(n) for n in range(100, 110)])
    out = _merge(here, _backup(other, tmp_path / "usb", capsys), capsys)
    assert "2 个同名党支部“第一党支部”" in out and "10 个身份证号" in out
    assert numbers[0] not in out and numbers[0][:6] + "********" + numbers[0][-4:] in out
    code = main.main(["check", "--db", str(here)])
    text = capsys.readouterr().out
    assert code == 1 and "检查结果：正常" not in text
    assert "10 个身份证号" in text and numbers[3] not in text
    assert json.dumps(numbers[3]) not in text


def test_other_sides_deletion_keeps_what_is_still_used_here(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    here, other = _two_pcs(tmp_path)
    db = open_database(other)
    with db.transaction() as s:  # the other PC deletes meeting 3 and then a member no longer used there
        delete_meeting(s, 3)
        spare = create_member(s, 1, MemberInput("新党员", Gender.MALE, date(2000, 1, 1)))
    db.close()
    shutil.copy(other, here)  # both PCs know the new member …
    db = open_database(here)
    with db.transaction() as s:  # … who attends a meeting here
        data = _meeting_input(here, 1)
        data.attendance.append(AttendanceInput(spare, data.attendance[0].status))
        update_meeting(s, 1, data)
    db.close()
    db = open_database(other)
    with db.transaction() as s:
        delete_member(s, spare)
    db.close()
    out = _merge(here, _backup(other, tmp_path / "usb", capsys), capsys)
    assert "仍有出席记录" in out
    con = sqlite3.connect(here)
    try:
        assert con.execute("SELECT count(*) FROM attendance WHERE member_id = ?", (spare,)).fetchone()[0] == 1
    finally:
        con.close()
