"""The window's first look read straight from the file (models.quick_read) gives what the
services give: branches, years and the newest page of meetings with their counts."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from models import quick_read
from models.db import open_database
from models.enums import AttendanceStatus, Gender, MeetingStatus, MeetingType
from models.meetings import (
    AttendanceInput,
    MeetingInput,
    count_meetings,
    create_meeting,
    list_meetings,
    meeting_years,
)
from models.roster import (
    MemberInput,
    create_branch,
    create_group,
    create_member,
    list_branches,
)


def _two_branches(tmp_path: Path) -> Path:
    path = tmp_path / "branchbook.sqlite3"
    db = open_database(path)
    with db.transaction() as s:
        first = create_branch(s, "第一党支部", "", date(2001, 7, 1))
        second = create_branch(s, "第二党支部", "", date(2001, 7, 1))
        group = create_group(s, first, "第一党小组")
        ids = [create_member(s, first, MemberInput(f"党员{i}", Gender.MALE, date(2000, 1, 1), group_id=group))
               for i in range(3)]
        create_member(s, second, MemberInput("他支部党员", Gender.MALE, date(2000, 1, 1)))
        for n in range(7):  # three years, one day holding two meetings, a group meeting, a planned one
            kind = MeetingType.GROUP if n == 3 else MeetingType.GENERAL_ASSEMBLY
            create_meeting(s, first, MeetingInput(
                kind, f"会议{n}", date(2024 + n // 3, 3, 5 if n != 5 else 4), group_id=group if n == 3 else None,
                status=MeetingStatus.PLANNED if n == 6 else MeetingStatus.DRAFT,
                attendance=[] if n == 6 else [AttendanceInput(ids[0]), AttendanceInput(ids[1], AttendanceStatus.ABSENT)]))
        create_meeting(s, second, MeetingInput(MeetingType.COMMITTEE, "他支部的会", date(2027, 1, 1)))
    db.close()
    return path


def test_first_look_matches_the_services(tmp_path: Path) -> None:
    path = _two_branches(tmp_path)
    db = open_database(path)
    try:
        with db.reading() as s:
            assert [(b.id, b.name) for b in list_branches(s)] == [(b.id, b.name) for b in quick_read.branches(path)]
            for branch in (1, 2, 3):
                assert quick_read.meeting_years(path, branch) == meeting_years(s, branch)
                for limit in (3, 200):
                    rows, total = quick_read.newest_meetings(path, branch, limit)
                    assert rows == list_meetings(s, branch, limit=limit)
                    assert total == count_meetings(s, branch)
        rows, total = quick_read.newest_meetings(path, 1, 3)
        assert (len(rows), total) == (3, 7) and rows[0].status == MeetingStatus.PLANNED
        assert any(r.group_name == "第一党小组" for r in quick_read.newest_meetings(path, 1, 200)[0])
    finally:
        db.close()


def test_first_look_needs_no_sqlalchemy() -> None:
    import subprocess

    code = "import sys, models.quick_read, ui.meetings_page, ui.main_window, ui.startup_checks, ui.first_run, ui.app; " \
           "print(sorted(m for m in sys.modules if m.startswith('sqlalchemy'))[:3])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2], check=True)
    assert done.stdout.strip() == "[]", done.stdout
