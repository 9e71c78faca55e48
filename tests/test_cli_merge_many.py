"""merge A.bbk B.bbk … and a folder of backups: each verified and merged on its own, one summary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import main
from models.db import open_database
from models.roster import list_branches
from tests.committee_support import branch_backups


def _names(path: Path) -> list[str]:
    db = open_database(path)
    try:
        with db.reading() as s:
            return sorted(b.name for b in list_branches(s))
    finally:
        db.close()


def test_merge_many_files_and_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    backups = branch_backups(tmp_path, (2, 1, 5))
    usb = tmp_path / "usb"
    usb.mkdir()
    for b in backups[1:]:
        shutil.copy(b, usb / b.name)
    target = tmp_path / "committee.sqlite3"
    open_database(target).close()
    assert main.main(["merge", "--db", str(target), str(backups[0]), str(usb), str(backups[0])]) == 0
    out = capsys.readouterr().out
    assert "共 3 个备份：合并成功 3 个，失败 0 个" in out
    assert _names(target) == sorted(["市财政局机关第一党支部", "市教育局机关第二党支部", "城关街道幸福社区党支部"])


def test_a_damaged_backup_does_not_undo_the_others(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, other = branch_backups(tmp_path, (2, 5))
    bad = tmp_path / "broken.bbk"
    bad.write_bytes(other.read_bytes()[: len(other.read_bytes()) // 2])
    target = tmp_path / "committee.sqlite3"
    open_database(target).close()
    assert main.main(["merge", "--db", str(target), str(good), str(bad)]) == 1
    captured = capsys.readouterr()
    assert "合并成功 1 个，失败 1 个" in captured.out
    assert "broken.bbk" in captured.err and "Traceback" not in captured.err
    assert _names(target) == ["市财政局机关第一党支部"]


def test_an_empty_folder_is_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "committee.sqlite3"
    open_database(target).close()
    (tmp_path / "empty").mkdir()
    assert main.main(["merge", "--db", str(target), str(tmp_path / "empty")]) == 1
    assert "是一个文件夹，其中没有备份文件" in capsys.readouterr().err


def test_the_summary_names_every_table_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from models.entities import Base
    from models.merge import LABELS, SKIPPED

    assert {t.name for t in Base.metadata.sorted_tables} - SKIPPED <= set(LABELS)
    (backup,) = branch_backups(tmp_path, (2,))
    assert main.main(["merge", "--db", str(tmp_path / "c.sqlite3"), str(backup)]) == 0
    out = capsys.readouterr().out
    assert "任职记录" in out and "office_term" not in out and "group_membership" not in out


def test_a_backup_failing_its_integrity_check_is_rolled_back_after_merging_alongside(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The merge reads a backup while its integrity_check runs on the other thread: a backup
    whose bytes are intact (SHA-256 right) but whose index disagrees with its table — quick_check
    passes, integrity_check does not — must be rolled back, its rows never committed."""
    import sqlite3

    from models.backup import create_backup
    from models.demo import generate_demo

    (good,) = branch_backups(tmp_path, (2,))
    path = tmp_path / "bad-index.sqlite3"
    db = open_database(path)
    generate_demo(db, years=1, members=10, seed=5)
    db.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA writable_schema=ON")  # the index now claims another column than it holds
    con.execute("UPDATE sqlite_master SET sql = replace(sql, '(member_id)', '(status)') "
                "WHERE name = 'ix_attendance_member'")
    con.commit()
    con.close()
    bad = create_backup(path, tmp_path).path  # its quick_check passes
    target = tmp_path / "committee.sqlite3"
    assert main.main(["merge", "--db", str(target), str(bad), str(good)]) == 1
    captured = capsys.readouterr()
    assert "合并成功 1 个，失败 1 个" in captured.out
    assert bad.name in captured.err and "已损坏" in captured.err and "Traceback" not in captured.err
    assert _names(target) == ["市财政局机关第一党支部"]
    con = sqlite3.connect(target)
    try:  # nothing of the bad backup stayed, not even rows of tables merged before the check failed
        assert con.execute("SELECT count(*) FROM member").fetchone()[0] == 10
    finally:
        con.close()
