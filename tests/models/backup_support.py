"""Shared helpers of the backup, restore, merge and integrity tests: real data through the
services, and content digests of database files."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

from models.db import Database
from models.enums import AttendanceStatus, Gender, MeetingType
from models.meetings import AttendanceInput, MeetingInput, create_meeting
from models.roster import (
    MemberInput,
    create_branch,
    create_group,
    create_member,
    update_group,
)

TABLES = ("branch", "party_group", "member", "member_status", "member_exemption", "meeting",
          "agenda_item", "attendance", "guest", "study_note", "attachment", "action_item",
          "branch_setting", "audit_entry")


def populate(db: Database, name: str = "测试第一党支部", members: int = 3, meetings: int = 2,
             minutes: str = "会议内容：学习贯彻。") -> int:
    """A branch with a group (with a leader), members and meetings; returns the branch id."""
    with db.transaction() as s:
        branch_id = create_branch(s, name, "中共测试局机关委员会", date(2001, 7, 1))
        group_id = create_group(s, branch_id, "第一党小组")
        ids = [create_member(s, branch_id, MemberInput(f"{name[:2]}党员{i}", Gender.MALE, date(2000, 1, 1),
                                                       group_id=group_id)) for i in range(members)]
        update_group(s, group_id, "第一党小组", ids[0])
    for n in range(meetings):
        with db.transaction() as s:
            create_meeting(s, branch_id, MeetingInput(
                MeetingType.GENERAL_ASSEMBLY,
                f"第{n + 1}次会议", date(2026, 1 + n % 12, 10), minutes=minutes,
                attendance=[AttendanceInput(i, AttendanceStatus.PRESENT) for i in ids]))
    return branch_id


def add_meeting(db: Database, branch_id: int, title: str, minutes: str = "") -> int:
    with db.transaction() as s:
        return create_meeting(s, branch_id, MeetingInput(
            MeetingType.GENERAL_ASSEMBLY, title, date(2026, 3, 5), minutes=minutes))


def table_digests(path: Path) -> dict[str, tuple[int, str]]:
    """(row count, SHA-256 of every row in id order) per table."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        out = {}
        for table in TABLES:
            rows = con.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            out[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return out
    finally:
        con.close()


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}
