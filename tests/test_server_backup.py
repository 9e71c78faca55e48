"""backup and merge on a committee's server (issue 15): a branch takes its records home as the same
verified .bbk a PC writes; a branch's USB backup merges into the server as into a PC's database."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

import main
from models.db import Database, open_database
from models.entities import Branch, Meeting, Member, utcnow
from models.enums import Gender, MeetingType
from models.meeting_data import MeetingChangedError
from models.meetings import MeetingInput, delete_meeting, update_meeting
from models.roster import MemberInput, create_member


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main.main(list(argv))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def _pc_backup(tmp_path: Path, capsys: pytest.CaptureFixture[str], seed: int = 7) -> tuple[Path, Path]:
    """A branch's database on its PC, and a backup of it on the 'USB stick'."""
    pc = tmp_path / f"pc{seed}.sqlite3"
    _run(capsys, "demo", "--db", str(pc), "--years", "1", "--members", "10", "--seed", str(seed))
    usb = tmp_path / f"usb{seed}"
    usb.mkdir()
    return pc, Path(_run(capsys, "backup", "--db", str(pc), "--to", str(usb)).strip())


def _counts(address: str) -> dict[str, int]:
    db = open_database(address)
    try:
        with db.reading() as s:
            return {"branch": s.scalar(select(func.count()).select_from(Branch)) or 0,
                    "member": s.scalar(select(func.count()).select_from(Member)) or 0,
                    "meeting": s.scalar(select(func.count()).select_from(Meeting)) or 0}
    finally:
        db.close()


def test_a_branch_takes_its_records_home(pg_empty_url: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Two branches on the server; backup --branch writes only that one, verified, and the file
    restored on a PC passes check (its audit log is a sound chain of its own)."""
    _run(capsys, "demo", "--db", pg_empty_url, "--years", "1", "--members", "12", "--seed", "3")
    _, bbk = _pc_backup(tmp_path, capsys)
    _run(capsys, "merge", "--db", pg_empty_url, str(bbk))
    theirs = sqlite3.connect(tmp_path / "pc7.sqlite3")
    name, members = theirs.execute("SELECT b.name, count(m.id) FROM branch b JOIN member m ON m.branch_id = b.id").fetchone()
    theirs.close()
    home = tmp_path / "home"
    home.mkdir()
    out = Path(_run(capsys, "backup", "--db", pg_empty_url, "--to", str(home), "--branch", name).strip())
    assert out.parent == home and out.suffix == ".bbk"
    verified = _run(capsys, "verify", str(out))
    assert "校验结果：备份完好" in verified and f"党支部：{name}\n" in verified and f"党员 {members}，" in verified
    restored = tmp_path / "restored.sqlite3"
    _run(capsys, "restore", "--db", str(restored), str(out))
    checked = _run(capsys, "check", "--db", str(restored))
    assert "检查结果：正常" in checked and f"党员 {members}" in checked


def test_merging_a_usb_backup_into_the_server(pg_url: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Added once, idempotent, then an edit and a deletion made on the PC travel to the server."""
    pc, bbk = _pc_backup(tmp_path, capsys)
    out = _run(capsys, "merge", "--db", pg_url, str(bbk))
    assert "新增：党支部 1 条" in out
    first = _counts(pg_url)
    assert first["branch"] == 1 and first["member"] == 10 and first["meeting"] > 0
    assert "没有新的或更新的记录" in _run(capsys, "merge", "--db", pg_url, str(bbk))
    assert _counts(pg_url) == first
    local = open_database(pc)
    try:
        with local.transaction() as s:
            branch_id = s.scalar(select(Branch.id))
            assert branch_id is not None
            create_member(s, branch_id, MemberInput(name="新来的", gender=Gender.FEMALE, joined_on=date(2020, 7, 1)))
            gone = s.scalar(select(Meeting.id).where(Meeting.status != "final").order_by(Meeting.id.desc()))
            assert gone is not None
            delete_meeting(s, gone)
    finally:
        local.close()
    usb = tmp_path / "usb-later"
    usb.mkdir()
    later = Path(_run(capsys, "backup", "--db", str(pc), "--to", str(usb)).strip())
    out = _run(capsys, "merge", "--db", pg_url, str(later))
    assert "党员 1 条" in out and "删除（对方已删除）：会议 1 条" in out
    assert _counts(pg_url) == {**first, "member": 11, "meeting": first["meeting"] - 1}
    assert "检查结果：正常" in _run(capsys, "check", "--db", pg_url)  # the audit chain still holds


def test_a_merged_meeting_gets_a_version_above_the_servers_and_the_pcs(
        pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The server's copy was saved four times (version 5), the PC's once, later (version 2): the PC's
    edit wins the merge, and the merged row's version is above both, so that an editor on the server
    still holding version 5 is refused instead of silently overwriting the merged minutes."""
    pc, bbk = _pc_backup(tmp_path, capsys)
    _run(capsys, "merge", "--db", pg_url, str(bbk))
    server = open_database(pg_url)
    local = open_database(pc)
    try:
        with server.reading() as s:
            uuid = s.scalar(select(Meeting.uuid).where(Meeting.status != "final").order_by(Meeting.id))
        for n in range(4):
            with server.transaction() as s:
                meeting = s.scalars(select(Meeting).where(Meeting.uuid == uuid)).one()
                meeting.minutes, meeting.updated_at = f"服务器上第 {n + 1} 次修改", utcnow()
        with server.reading() as s:
            on_server = s.scalars(select(Meeting).where(Meeting.uuid == uuid)).one()
            held_id, held_version = on_server.id, on_server.version
        assert held_version == 5
        with local.transaction() as s:
            meeting = s.scalars(select(Meeting).where(Meeting.uuid == uuid)).one()
            meeting.minutes, meeting.updated_at = "支部电脑上后来的修改", utcnow()
        with local.reading() as s:
            pc_version = s.scalar(select(Meeting.version).where(Meeting.uuid == uuid))
        assert pc_version == 2
        later = tmp_path / "usb-later"
        later.mkdir()
        _run(capsys, "merge", "--db", pg_url, _run(capsys, "backup", "--db", str(pc), "--to", str(later)).strip())
        with server.reading() as s:
            merged = s.get(Meeting, held_id)
            assert merged is not None and merged.minutes == "支部电脑上后来的修改"
            assert merged.version > max(held_version, pc_version), merged.version
        stale = get_meeting_input(server, held_id)
        stale.expected_version, stale.minutes = held_version, "编辑器里旧版本上的修改"
        with pytest.raises(MeetingChangedError), server.transaction() as s:
            update_meeting(s, held_id, stale)
    finally:
        server.close()
        local.close()


def get_meeting_input(db: Database, meeting_id: int) -> MeetingInput:
    """What the editor would send back for the meeting as it is now."""
    with db.reading() as s:
        m = s.get(Meeting, meeting_id)
        assert m is not None
        return MeetingInput(MeetingType(m.meeting_type), m.title, m.held_on, minutes=m.minutes)


def test_a_new_member_after_demo_on_a_server(pg_empty_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The demo writes its own ids: afterwards the server hands out ids past them (it once handed out 1)."""
    _run(capsys, "demo", "--db", pg_empty_url, "--years", "1", "--members", "10")
    db = open_database(pg_empty_url)
    try:
        with db.transaction() as s:
            branch_id = s.scalar(select(Branch.id))
            assert branch_id is not None
            new = create_member(s, branch_id, MemberInput(name="后来者", gender=Gender.MALE, joined_on=date(2021, 7, 1)))
        assert new == 11
    finally:
        db.close()


def test_restore_on_a_server_says_it_is_for_files(pg_url: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    _, bbk = _pc_backup(tmp_path, capsys)
    assert main.main(["restore", "--db", pg_url, str(bbk)]) == 1
    err = capsys.readouterr().err
    assert "只适用于本机的数据库文件" in err and "Traceback" not in err
