"""Same-name branches (the same branch typed in on two PCs): reported, and joined into one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

import main
from models.audit import list_entries, verify_chain
from models.db import open_database
from models.entities import Attendance, Meeting, Member, Tombstone
from models.roster import list_branches
from tests.committee_support import committee_db


@pytest.fixture
def twins(tmp_path: Path) -> Path:
    """One demo branch made twice on two 'PCs' (same people, different uuids), both merged."""
    return committee_db(tmp_path, seeds=(1, 1))


def test_same_name_branches_are_listed_and_joined(twins: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(["branches", "list", "--db", str(twins)]) == 0
    out = capsys.readouterr().out
    assert "同名党支部：市教育局机关第二党支部" in out
    db = open_database(twins)
    with db.reading() as s:
        keep, other = (b.id for b in list_branches(s))
        attendance_before = s.scalar(select(func.count()).select_from(Attendance))
        meetings_before = s.scalar(select(func.count()).select_from(Meeting))
    db.close()

    assert main.main(["branches", "join", "--db", str(twins), str(keep), str(other)]) == 0
    out = capsys.readouterr().out
    assert "10 人在两边都有" in out and "可能重复录入" in out

    db = open_database(twins)
    try:
        with db.reading() as s:
            assert [b.id for b in list_branches(s)] == [keep]
            assert s.scalar(select(func.count()).select_from(Member)) == 10
            assert s.scalar(select(func.count()).select_from(Meeting)) == meetings_before
            assert s.scalar(select(func.count()).select_from(Attendance)) == attendance_before
            assert s.scalar(select(func.count()).select_from(Tombstone).where(Tombstone.entity == "member")) == 10
            entry = list_entries(s, limit=1)[0]
            assert verify_chain(s) is None
        assert entry is not None and "合并同名党支部" in entry.summary
    finally:
        db.close()
    assert main.main(["branches", "list", "--db", str(twins)]) == 0
    assert "同名党支部" not in capsys.readouterr().out


def test_join_refuses_bad_numbers_and_changes_nothing(twins: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(["branches", "join", "--db", str(twins), "1", "1"]) == 1
    assert "不能是同一个" in capsys.readouterr().err
    assert main.main(["branches", "join", "--db", str(twins), "1", "9"]) == 1
    assert "找不到编号为 9" in capsys.readouterr().err
    db = open_database(twins)
    with db.reading() as s:
        assert len(list_branches(s)) == 2
    db.close()


def test_merge_reports_same_name_branch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.committee_support import branch_backups

    first, again = branch_backups(tmp_path, (1, 1))
    target = tmp_path / "committee.sqlite3"
    assert main.main(["merge", "--db", str(target), str(first)]) == 0  # a new committee database
    out = capsys.readouterr().out
    assert "新建数据库" in out and "同名党支部" not in out
    assert main.main(["merge", "--db", str(target), str(again)]) == 0
    out = capsys.readouterr().out
    assert "同名党支部" in out and "市教育局机关第二党支部" in out and out.count("同名党支部") == 1


def test_the_preview_changes_nothing_and_matches_what_the_join_does(twins: Path) -> None:
    from models.branch_join import join_branches, preview_join

    db = open_database(twins)
    try:
        with db.reading() as s:
            keep, other = (b.id for b in list_branches(s))
        with db.transaction() as s:
            preview = preview_join(s, keep, other)
        with db.reading() as s:
            assert len(list_branches(s)) == 2
        with db.transaction() as s:
            summary = join_branches(s, keep, other)
        assert sorted(name for name, _how in preview.matched) == sorted(summary.matched)
        assert len(preview.moving) == summary.moved_members and preview.meetings == summary.moved_meetings
    finally:
        db.close()
