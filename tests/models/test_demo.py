"""The demo branch: deterministic for a seed, shaped like a real branch's records."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from models.db import open_database
from models.demo import generate_demo
from models.enums import AttendanceStatus, MeetingStatus, MeetingType
from models.errors import BranchBookError
from models.meetings import _load, content_hash, list_meetings
from models.roster import default_branch, list_members

BOTH_ENGINES = True  # every test here runs on SQLite and on PostgreSQL (tests/conftest.py)

TODAY = date(2026, 11, 22)
TABLES = ("branch", "party_group", "member", "member_status", "member_exemption", "meeting",
          "attendance", "agenda_item", "guest", "action_item", "study_note")


def _dump(path: Path) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in TABLES}
    finally:
        con.close()


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("demo")
    out = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        db = open_database(folder / f"{name}.sqlite3")
        generate_demo(db, years=2, members=30, seed=seed, today=TODAY)
        db.close()
        out.append(folder / f"{name}.sqlite3")
    return out[0], out[1], out[2]


def test_same_seed_same_records(demo_files: tuple[Path, Path, Path]) -> None:
    a, b, c = demo_files
    assert _dump(a) == _dump(b)
    assert _dump(a)["member"] != _dump(c)["member"]


def test_shape_of_the_demo_branch(demo_files: tuple[Path, Path, Path]) -> None:
    db = open_database(demo_files[0])
    with db.reading() as s:
        branch = default_branch(s)
        assert branch is not None and branch.name.endswith("党支部") and branch.superior_org.startswith("中共")
        assert branch.records_since == date(2025, 1, 1)  # 建账日期: the demo's first month
        members = list_members(s, branch.id, on=TODAY)
        meetings = list_meetings(s, branch.id)
        finals = [m for m in meetings if m.status == MeetingStatus.FINAL][:5]
        hashes_ok = all(content_hash(_load(s, m.id)) == _load(s, m.id).content_hash for m in finals)
    db.close()
    assert len(members) == 30
    assert len({m.group_name for m in members}) == 3
    assert sum(m.is_committee for m in members) == 5
    assert [m.branch_role.label for m in members if m.branch_role.value == "secretary"] == ["书记"]
    assert sum(m.category.value == "probationary" for m in members) >= 2
    assert sum(m.exempt for m in members) == 1
    assert any(m.state is not None and m.state.value == "transferred_out" for m in members)
    assert all(len(m.name) in (2, 3) for m in members)
    kinds = Counter(m.meeting_type for m in meetings if m.held_on.year == 2025)
    assert kinds[MeetingType.COMMITTEE] == 12 and kinds[MeetingType.GROUP] == 36
    assert kinds[MeetingType.THEME_DAY] == 12 and kinds[MeetingType.PARTY_LECTURE] == 4
    assert kinds[MeetingType.GENERAL_ASSEMBLY] == 3  # one quarter deliberately missed
    assert kinds[MeetingType.LIFE_MEETING] == 1 and kinds[MeetingType.APPRAISAL] == 1
    assert any(m.status == MeetingStatus.PLANNED for m in meetings)  # later this month
    assert hashes_ok


def test_one_member_drifts_into_long_absence(demo_files: tuple[Path, Path, Path]) -> None:
    con = sqlite3.connect(demo_files[0])
    rows = con.execute(
        "SELECT m.name, count(*) FROM attendance a JOIN meeting g ON g.id = a.meeting_id "
        "JOIN member m ON m.id = a.member_id WHERE g.held_on >= '2026-05-01' "
        "GROUP BY m.id HAVING sum(a.status = ?) = 0", (str(AttendanceStatus.PRESENT),)).fetchall()
    con.close()
    assert len(rows) == 1 and rows[0][1] >= 6


def test_demo_refuses_a_database_with_records(demo_files: tuple[Path, Path, Path]) -> None:
    db = open_database(demo_files[2])
    with pytest.raises(BranchBookError, match="已有记录"):
        generate_demo(db, today=TODAY)
    db.close()
