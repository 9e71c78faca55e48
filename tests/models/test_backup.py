"""Backups: round trips through backup → verify → restore, encryption, failures while writing."""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import threading
from pathlib import Path

import pytest

import main
from models import backup as backup_module
from models import backup_format, paths
from models.backup import create_backup, read_manifest, verify_backup
from models.backup_format import BackupFileError
from models.db import Database, open_database
from models.meetings import get_meeting
from models.restore import restore_database
from tests.models.backup_support import (
    add_meeting,
    listing,
    populate,
    table_digests,
)


def _closed_db(db: Database) -> Path:
    db.close()
    return db.path


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    """An empty folder standing for the USB stick."""
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


def test_backup_verify_restore_round_trips_every_record(db: Database, usb: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    branch_id = populate(db, members=4, meetings=3)
    before = table_digests(db.path)
    live = _closed_db(db)

    assert main.main(["backup", "--db", str(live), "--to", str(usb)]) == 0
    printed = Path(capsys.readouterr().out.strip())
    assert printed.parent == usb and printed.is_file()
    assert re.fullmatch(r"测试第一党支部_\d{8}-\d{6}\.bbk", printed.name)
    assert listing(usb) == {printed.name}  # no temporary file left beside it

    assert main.main(["verify", str(printed)]) == 0
    out = capsys.readouterr().out
    assert "测试第一党支部" in out and "会议 3" in out and "备份完好" in out

    # change the live database, then restore: every record comes back as it was
    again = open_database(live)
    add_meeting(again, branch_id, "备份之后的会议")
    again.close()
    assert table_digests(live)["meeting"][0] == 4
    assert main.main(["restore", str(printed), "--db", str(live)]) == 0
    out = capsys.readouterr().out
    after = table_digests(live)
    for table, value in before.items():
        if table != "audit_entry":
            assert after[table] == value, table
    # the audit log is the backup's, plus one entry recording the restore
    assert after["audit_entry"][0] == before["audit_entry"][0] + 1
    safety = [p for p in paths.backups_dir().iterdir() if "恢复前" in p.name]
    assert len(safety) == 1 and str(safety[0]) in out
    with sqlite3.connect(live) as con:
        assert con.execute("SELECT count(*) FROM meeting WHERE title='备份之后的会议'").fetchone()[0] == 0
    # the safety copy holds the meeting added after the backup
    assert read_manifest(safety[0]).counts["meeting"] == 4  # type: ignore[union-attr]


def test_encrypted_backup_round_trip_and_wrong_passphrase(db: Database, tmp_path: Path) -> None:
    populate(db)
    before = table_digests(db.path)
    info = create_backup(db.path, tmp_path, passphrase="正确的密码 correct")
    raw = info.path.read_bytes()
    assert "测试第一党支部".encode() not in raw and b"SQLite format 3" not in raw
    assert verify_backup(info.path, "正确的密码 correct").manifest.counts["meeting"] == 2
    with pytest.raises(BackupFileError, match="密码错误或文件已损坏"):
        verify_backup(info.path, "wrong")
    with pytest.raises(BackupFileError, match="已加密，请提供备份密码"):
        verify_backup(info.path)
    result = restore_database(db, info.path, "正确的密码 correct")
    assert result.backup.encrypted
    after = table_digests(db.path)
    assert {t: v for t, v in after.items() if t != "audit_entry"} == \
        {t: v for t, v in before.items() if t != "audit_entry"}


def test_ten_megabyte_minutes_with_emoji_survive_byte_for_byte(db: Database, tmp_path: Path) -> None:
    minutes = ("同志们发言踊跃🇨🇳👍🏽，𠮷野家\u200d，" * 200_000)[: 10 * 1024 * 1024 // 3]
    assert len(minutes.encode("utf-8")) > 9_000_000
    branch_id = populate(db, meetings=0)
    meeting_id = add_meeting(db, branch_id, "长篇记录", minutes)
    info = create_backup(db.path, tmp_path, passphrase="pw")
    add_meeting(db, branch_id, "之后的会议", "x")
    restore_database(db, info.path, "pw")
    with db.reading() as s:
        assert get_meeting(s, meeting_id).minutes.encode("utf-8") == minutes.encode("utf-8")


def test_backup_while_another_thread_writes_passes_verification(db: Database, tmp_path: Path) -> None:
    branch_id = populate(db, meetings=1)
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        while not stop.is_set():
            written.append(add_meeting(db, branch_id, f"并发会议{len(written)}", "内容" * 500))

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 3:
            threading.Event().wait(0.01)
        infos = [create_backup(db.path, tmp_path) for _ in range(3)]
    finally:
        stop.set()
        thread.join()
    assert len(written) >= 3
    for info in infos:
        checked = verify_backup(info.path)
        assert checked.manifest.counts["meeting"] >= 2
    assert len({i.path for i in infos}) == 3


def test_disk_full_during_backup_leaves_no_file(db: Database, usb: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    populate(db)

    def full_disk(out, manifest, sqlite_path):  # type: ignore[no-untyped-def]
        out.write(b"x" * 1000)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_format, "write_plain", full_disk)
    with pytest.raises(BackupFileError, match="空间不足"):
        create_backup(db.path, usb)
    assert listing(usb) == set()
    monkeypatch.undo()
    assert create_backup(db.path, usb).path.is_file()


def test_stick_pulled_during_fsync_leaves_no_file(db: Database, usb: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    populate(db)
    calls = []

    def pulled(fd: int) -> None:
        calls.append(fd)
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", pulled)
    with pytest.raises(BackupFileError, match="U盘可能已被拔出"):
        create_backup(db.path, usb, passphrase="pw")
    monkeypatch.undo()
    assert calls and listing(usb) == set()


@pytest.mark.parametrize("passphrase", [None, "pw"], ids=["plain", "encrypted"])
def test_stick_that_loses_a_written_byte_is_caught_on_read_back(
        db: Database, usb: Path, monkeypatch: pytest.MonkeyPatch, passphrase: str | None) -> None:
    populate(db, minutes="记录" * 5000)
    real_flush = backup_module._flush_to_device

    def lossy(fd: int) -> None:  # what reaches the stick differs from what was written
        real_flush(fd)
        (partial,) = usb.iterdir()
        data = bytearray(partial.read_bytes())
        data[-200] ^= 0x01
        partial.write_bytes(bytes(data))

    monkeypatch.setattr(backup_module, "_flush_to_device", lossy)
    with pytest.raises(BackupFileError, match="写入后读回的备份与写入的内容不一致"):
        create_backup(db.path, usb, passphrase=passphrase)
    assert listing(usb) == set()


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_target_is_refused(db: Database, tmp_path: Path) -> None:
    populate(db)
    usb = tmp_path / "ro"
    usb.mkdir()
    usb.chmod(0o555)
    try:
        with pytest.raises(BackupFileError, match="只读"):
            create_backup(db.path, usb)
    finally:
        usb.chmod(0o755)
    assert listing(usb) == set()


def test_read_only_target_is_refused_even_for_root(db: Database, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    populate(db)
    usb = tmp_path / "ro"
    usb.mkdir()
    real_open = Path.open

    def read_only(self: Path, mode: str = "r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.parent == usb and "w" in mode:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", read_only)
    with pytest.raises(BackupFileError, match="只读"):
        create_backup(db.path, usb)
    monkeypatch.undo()
    assert listing(usb) == set()


def test_missing_target_folder_is_explained(db: Database, tmp_path: Path) -> None:
    with pytest.raises(BackupFileError, match="不存在或无法访问"):
        create_backup(db.path, tmp_path / "nowhere")


def test_backup_copy_opens_from_read_only_media(db: Database, tmp_path: Path) -> None:
    """The SQLite bytes inside are in rollback-journal mode, not WAL."""
    populate(db)
    info = create_backup(db.path, tmp_path)
    with info.path.open("rb") as fh:
        header = backup_format.read_header(fh, info.path.name)
        body = fh.read(100)
    assert header.kind == backup_format.KIND_PLAIN
    assert body[:16] == b"SQLite format 3\x00"
    assert body[18:20] == b"\x01\x01"  # file format versions 1 = legacy journal (not WAL)


def test_passphrase_file_rules(db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    populate(db)
    live = _closed_db(db)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    assert main.main(["backup", "--db", str(live), "--to", str(tmp_path), "--passphrase-file", str(empty)]) == 1
    assert "密码文件" in capsys.readouterr().err
    secret = tmp_path / "pw.txt"
    secret.write_text("机密 pass\n", encoding="utf-8")
    assert main.main(["backup", "--db", str(live), "--to", str(tmp_path), "--passphrase-file", str(secret)]) == 0
    made = Path(capsys.readouterr().out.strip())
    assert main.main(["verify", str(made)]) == 1
    assert "已加密" in capsys.readouterr().err
    assert main.main(["verify", str(made), "--passphrase-file", str(secret)]) == 0
    assert "机密" not in capsys.readouterr().out


def test_demo_database_round_trips_through_the_commands(db: Database, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from models.demo import generate_demo

    generate_demo(db, years=1, members=12, seed=5)
    live = _closed_db(db)
    before = table_digests(live)
    assert before["attendance"][0] > 100
    secret = tmp_path / "pw.txt"
    secret.write_text("演示密码123", encoding="utf-8")
    key = ["--passphrase-file", str(secret)]
    assert main.main(["backup", "--db", str(live), "--to", str(tmp_path), *key]) == 0
    made = Path(capsys.readouterr().out.strip())
    assert main.main(["verify", str(made), *key]) == 0
    live.unlink()  # the PC lost its database
    assert main.main(["restore", str(made), "--db", str(live), *key]) == 0
    after = table_digests(live)
    assert {t: v for t, v in after.items() if t != "audit_entry"} == \
        {t: v for t, v in before.items() if t != "audit_entry"}
    assert after["audit_entry"][0] == before["audit_entry"][0] + 1


def test_backup_gives_up_on_a_database_locked_by_a_writer(db: Database, tmp_path: Path) -> None:
    """Rollback-journal mode: an exclusive writer elsewhere makes the backup fail, not hang."""
    from models.backup import snapshot

    populate(db)
    db.close()
    plain = tmp_path / "plain.sqlite3"
    con = sqlite3.connect(plain, isolation_level=None)
    con.execute("CREATE TABLE t (x)")
    con.execute("BEGIN EXCLUSIVE")
    con.execute("INSERT INTO t VALUES (1)")
    try:
        with pytest.raises(BackupFileError, match="暂时无法备份"):
            snapshot(plain, tmp_path / "copy.sqlite3", busy_timeout_ms=50)
    finally:
        con.execute("ROLLBACK")
        con.close()
    snapshot(plain, tmp_path / "copy2.sqlite3")
