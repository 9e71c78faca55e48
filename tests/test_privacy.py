"""Crash logs hold no statement parameters, ID numbers or phones; what we create is the
owner's alone (0600 files, 0700 folders) where the platform has modes."""

from __future__ import annotations

import os
import stat
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

import main
from models import paths
from models.db import open_database
from models.entities import Member

ID_NUMBER, PHONE = "110101199003071234", "13812345678"
posix_only = pytest.mark.skipif(os.name == "nt", reason="file modes are POSIX")


def _sql_failure(tmp_path: Path) -> IntegrityError:
    """A real failing INSERT whose parameters carry an ID number and a phone."""
    db = open_database(tmp_path / "p.sqlite3")
    try:
        with db.transaction() as s:
            s.add(Member(branch_id=999, name="张三", gender="male", joined_on=date(2000, 1, 1),
                         category="full", id_number=ID_NUMBER, phone=PHONE))
    except IntegrityError as exc:
        return exc
    finally:
        db.close()
    raise AssertionError("the insert should have failed")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_crash_log_is_scrubbed_and_private(tmp_path: Path) -> None:
    exc = _sql_failure(tmp_path)
    assert ID_NUMBER in str(exc) and PHONE in str(exc)  # what SQLAlchemy would have logged
    log = main._write_crash_log(exc)
    text = log.read_text(encoding="utf-8")
    assert "IntegrityError" in text and "[parameters: （已隐去" in text
    assert ID_NUMBER not in text and PHONE not in text
    assert _mode(log) == 0o600 and _mode(log.parent) == 0o700


def test_ids_and_phones_are_masked_in_any_text() -> None:
    from models.privacy import scrub

    text = scrub(f"用户 {ID_NUMBER} 电话 {PHONE}，旧证 110101900307123，编号 12345678901234567890")
    assert ID_NUMBER not in text and PHONE not in text and "110101900307123" not in text
    assert "110101********1234" in text and "138****5678" in text
    assert "12345678901234567890" in text  # a longer number is not an ID number


@posix_only
def test_gui_error_report_is_scrubbed(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui import msgbox
    from ui.look import install_excepthook

    exc = _sql_failure(tmp_path)
    old = sys.excepthook
    msgbox.AUTO_ANSWER = msgbox.QMessageBox.StandardButton.Ok
    try:
        install_excepthook(lambda: None)
        sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        sys.excepthook = old
        msgbox.AUTO_ANSWER = None
    logs = list(paths.logs_dir().iterdir())
    assert len(logs) == 1 and _mode(logs[0]) == 0o600
    text = logs[0].read_text(encoding="utf-8")
    assert "IntegrityError" in text and ID_NUMBER not in text and PHONE not in text


@posix_only
def test_database_backups_and_folders_are_private(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = os.umask(0o022)  # a usual desktop umask: files would be 0644
    try:
        db_path = paths.data_dir() / "branchbook.sqlite3"
        assert main.main(["demo", "--db", str(db_path), "--years", "1", "--members", "10"]) == 0
        db = open_database(db_path)
        with db.reading() as s:
            s.execute(Member.__table__.select()).all()
            for path in (db_path, db_path.with_name(db_path.name + "-wal")):
                assert _mode(path) == 0o600, path
        db.close()
        assert _mode(paths.data_dir()) == 0o700
        usb = tmp_path / "usb"
        usb.mkdir()
        assert main.main(["backup", "--db", str(db_path), "--to", str(usb)]) == 0
        backup = Path(capsys.readouterr().out.strip().splitlines()[-1])
        assert _mode(backup) == 0o600
        from models.autobackup import auto_backup

        auto = auto_backup(db_path).path
        assert _mode(auto) == 0o600 and _mode(auto.parent) == 0o700
    finally:
        os.umask(old)
