"""`check` notices changes made behind the application's back: edited 定稿 minutes, dropped
audit triggers, a cut tail or a recomputed audit chain (anchored in backups and the history)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

import main
from models.audit import GENESIS_HASH
from models.db import open_database
from models.entities import Meeting
from models.meetings import finalize_meeting
from tests.models.backup_support import populate


def _database(tmp_path: Path) -> Path:
    path = tmp_path / "branchbook.sqlite3"
    db = open_database(path)
    populate(db, members=3, meetings=3)
    with db.transaction() as s:
        for meeting_id in (1, 2):
            meeting = s.get(Meeting, meeting_id)
            assert meeting is not None
            meeting.host, meeting.recorder = "张书记", "李委员"
        s.flush()
        for meeting_id in (1, 2):
            finalize_meeting(s, meeting_id, today=date(2027, 1, 1))
    db.close()
    return path


def _sql(path: Path, *statements: str) -> None:
    con = sqlite3.connect(path)
    try:
        for statement in statements:
            con.execute(statement)
        con.commit()
    finally:
        con.close()


def _check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main.main(["check", "--db", str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _backup(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    usb = tmp_path / "usb"
    usb.mkdir(exist_ok=True)
    assert main.main(["backup", "--db", str(path), "--to", str(usb)]) == 0
    capsys.readouterr()


def test_edited_final_minutes_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _database(tmp_path)
    assert _check(path, capsys)[0] == 0
    _sql(path, "UPDATE meeting SET minutes = '被改过的会议内容' WHERE id = 2")
    code, out = _check(path, capsys)
    assert code == 1 and "检查结果：正常" not in out
    assert "第2次会议" in out and "定稿后被改动过" in out
    _sql(path, "UPDATE attendance SET status = 'absent' WHERE meeting_id = 1")  # attendance counts too
    assert "第1次会议" in _check(path, capsys)[1]


def test_dropped_audit_triggers_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _database(tmp_path)
    _sql(path, "DROP TRIGGER audit_entry_no_delete")
    code, out = _check(path, capsys)
    assert code == 1 and "audit_entry_no_delete" in out and "防改动保护" in out


def _recompute_chain(path: Path) -> None:
    """What a careful forger does: rewrite the hashes so the chain verifies again."""
    con = sqlite3.connect(path)
    try:
        prev = GENESIS_HASH
        for row in con.execute("SELECT id, uuid, at, branch_id, action, entity, entity_uuid, summary, "
                               "detail FROM audit_entry ORDER BY id").fetchall():
            at = row[2] if "." in row[2] else row[2] + ".000000"
            payload = json.dumps([prev, row[1], at.replace(" ", "T"), row[3], row[4], row[5], row[6], row[7],
                                  row[8]], ensure_ascii=False, separators=(",", ":"))
            digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
            con.execute("UPDATE audit_entry SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row[0]))
            prev = digest
        con.commit()
    finally:
        con.close()


def test_cut_tail_is_reported_against_the_backup_anchor(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = _database(tmp_path)
    _backup(path, tmp_path, capsys)
    _sql(path, "DROP TRIGGER audit_entry_no_delete",
         "DELETE FROM audit_entry WHERE id > (SELECT max(id) - 3 FROM audit_entry)",
         "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
         "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END")
    code, out = _check(path, capsys)
    assert code == 1 and "日志末尾被删除过" in out


def test_recomputed_chain_is_reported_against_the_backup_anchor(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = _database(tmp_path)
    _backup(path, tmp_path, capsys)
    _sql(path, "DROP TRIGGER audit_entry_no_update",
         "UPDATE audit_entry SET summary = '删除会议“不存在”' WHERE id = 2")
    _recompute_chain(path)
    _sql(path, "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
         "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END")
    code, out = _check(path, capsys)
    assert code == 1 and "重新计算过" in out
    assert "第 2 条起被改动过" not in out  # the chain itself verifies: only the anchor shows it


def test_anchor_does_not_flag_new_work_after_a_backup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _database(tmp_path)
    _backup(path, tmp_path, capsys)
    db = open_database(path)
    populate(db, name="第二党支部", members=1, meetings=1)
    db.close()
    code, out = _check(path, capsys)
    assert code == 0, out
