"""Backups carry the identity of their database: retention, recovery and the list pair a
database only with its own backups; a restore keeps the path's identity."""

from __future__ import annotations

import json
import sqlite3
import struct
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import main
from models import paths
from models.autobackup import auto_backup, backups_of, list_backups
from models.backup import read_manifest
from models.db import open_database
from models.identity import read_database_uuid
from models.integrity import newest_good_backup
from tests.models.backup_support import populate


def _two_databases(tmp_path: Path) -> tuple[Path, Path]:
    """The README's setup: the real database and 示例支部.sqlite3 side by side."""
    folder = tmp_path / "我的记录本"
    real, demo = folder / "branchbook.sqlite3", folder / "示例支部.sqlite3"
    for path, name in ((real, "真实党支部"), (demo, "示例党支部")):
        db = open_database(path)
        populate(db, name=name, members=2, meetings=1 if path == demo else 3)
        db.close()
    return real, demo


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(2 * 4096, len(data) - 4096, 4096):
        data[offset + 100: offset + 400] = b"\xff" * 300
    path.write_bytes(bytes(data))


def _strip_identity(backup: Path) -> None:
    """Rewrite a plain backup's manifest as a backup made before identities existed."""
    raw = backup.read_bytes()
    magic, version, kind, length = struct.unpack(">8sHHI", raw[:16])
    meta = json.loads(raw[16:16 + length])
    meta.pop("database_uuid"), meta.pop("audit_head")
    new = json.dumps(meta, ensure_ascii=False, sort_keys=True).encode()
    backup.write_bytes(struct.pack(">8sHHI", magic, version, kind, len(new)) + new + raw[16 + length:])


def test_retention_thins_each_database_separately(tmp_path: Path) -> None:
    real, demo = _two_databases(tmp_path)
    base = datetime(2026, 10, 1, 18, 0)
    demo_backups = {auto_backup(demo, now=base - timedelta(days=i)).path for i in range(3)}
    for i in range(40):  # forty days of the real database's automatic backups
        auto_backup(real, now=base + timedelta(days=i))
    assert demo_backups <= {e.path for e in list_backups()}  # the demo's were not thinned away
    assert {e.path for e in backups_of(demo)} == demo_backups
    real_autos = backups_of(real)
    assert 7 <= len(real_autos) <= 7 + 4 + 12 and not demo_backups & {e.path for e in real_autos}
    for entry in real_autos:
        manifest = read_manifest(entry.path)
        assert manifest is not None and manifest.database_uuid == read_database_uuid(real)


def test_recovery_never_offers_another_databases_backup(tmp_path: Path) -> None:
    real, demo = _two_databases(tmp_path)
    own = auto_backup(real, now=datetime(2026, 10, 1, 18, 0)).path
    auto_backup(demo, now=datetime(2026, 11, 1, 18, 0))  # newer, but the demo's
    _damage(real)
    assert newest_good_backup(real) == own
    own.unlink()
    assert newest_good_backup(real) is None  # nothing of its own: the demo's is not offered


def test_backups_without_identity_pair_by_source_name_only(tmp_path: Path) -> None:
    real, demo = _two_databases(tmp_path)
    old_real = auto_backup(real, now=datetime(2026, 9, 1, 18, 0)).path
    old_demo = auto_backup(demo, now=datetime(2026, 9, 2, 18, 0)).path
    for backup in (old_real, old_demo):
        _strip_identity(backup)
        assert main.main(["verify", str(backup)]) == 0  # old backups still read
    assert [e.path for e in backups_of(real)] == [old_real]
    assert [e.path for e in backups_of(demo)] == [old_demo]
    _damage(real)
    assert newest_good_backup(real) == old_real


def test_encrypted_backups_carry_identity_outside_the_ciphertext(tmp_path: Path) -> None:
    real, demo = _two_databases(tmp_path)
    secret = tmp_path / "pass.txt"
    secret.write_text("正确的密码123", encoding="utf-8")
    paths.backups_dir().mkdir(parents=True)
    assert main.main(["backup", "--db", str(real), "--to", str(paths.backups_dir()),
                      "--passphrase-file", str(secret)]) == 0
    assert [e.kind for e in backups_of(real)] == ["encrypted"] and backups_of(demo) == []


def test_restore_keeps_the_paths_identity(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real, demo = _two_databases(tmp_path)
    real_uuid, demo_uuid = read_database_uuid(real), read_database_uuid(demo)
    assert real_uuid and demo_uuid and real_uuid != demo_uuid
    usb = tmp_path / "usb"
    usb.mkdir()
    assert main.main(["backup", "--db", str(demo), "--to", str(usb)]) == 0
    demo_backup = Path(capsys.readouterr().out.strip())
    assert read_manifest(demo_backup).database_uuid == demo_uuid  # type: ignore[union-attr]
    # another database's backup restored over this path: the path's identity wins
    assert main.main(["restore", "--db", str(real), str(demo_backup)]) == 0
    assert read_database_uuid(real) == real_uuid
    assert main.main(["check", "--db", str(real)]) == 0
    # onto a new PC (no database at the path): the backup's identity moves with it
    fresh = tmp_path / "新电脑" / "branchbook.sqlite3"
    assert main.main(["restore", "--db", str(fresh), str(demo_backup)]) == 0
    assert read_database_uuid(fresh) == demo_uuid
    # the same database's older backup: same identity, and check accepts the shorter log
    assert main.main(["backup", "--db", str(demo), "--to", str(usb)]) == 0
    capsys.readouterr()
    db = open_database(demo)
    populate(db, name="示例党支部二", members=1, meetings=1)
    db.close()
    assert main.main(["restore", "--db", str(demo), str(demo_backup)]) == 0
    assert read_database_uuid(demo) == demo_uuid
    assert main.main(["check", "--db", str(demo)]) == 0, capsys.readouterr().out
    con = sqlite3.connect(demo)
    try:
        detail = json.loads(con.execute(
            "SELECT detail FROM audit_entry WHERE action = 'restore' ORDER BY id DESC").fetchone()[0])
    finally:
        con.close()
    assert detail["backup_database_uuid"] == demo_uuid and detail["database_uuid"] == demo_uuid


def test_backup_list_shows_only_this_databases_backups(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.backup_page import BackupPage

    real, demo = _two_databases(tmp_path)
    own = auto_backup(real, now=datetime(2026, 10, 1, 18, 0)).path
    auto_backup(demo, now=datetime(2026, 11, 1, 18, 0))
    db = open_database(real)
    try:
        with db.reading() as s:
            from models.entities import Branch

            branch_id = s.query(Branch).first().id  # type: ignore[union-attr]
        page = BackupPage(db, branch_id)
        qtbot.addWidget(page)
        page.refresh()
        assert [e.path for e in page.model.entries] == [own]
    finally:
        db.close()



def test_startup_recovery_of_a_damaged_database_ignores_the_demos_backup(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    from tests.models.backup_support import file_sha
    from ui import msgbox
    from ui.startup_checks import open_for_gui

    real, demo = _two_databases(tmp_path)
    auto_backup(demo, now=datetime(2026, 11, 1, 18, 0))  # the only backup in the folder
    _damage(real)
    damaged = file_sha(real)
    msgbox.AUTO_ANSWER, msgbox.ASKED[:] = QMessageBox.StandardButton.Yes, []
    try:
        assert open_for_gui(None, real) is None
    finally:
        msgbox.AUTO_ANSWER = None
    assert "没有可用的自动备份" in msgbox.ASKED[-1] and "是否从最新的完好备份恢复" not in msgbox.ASKED[-1]
    assert file_sha(real) == damaged  # the demo's 1 meeting never replaced the real 3
