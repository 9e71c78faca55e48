"""Integrity on open: quick check always, full check after an unclean shutdown, damaged files
kept aside and the newest good backup offered."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from models import paths
from models.autobackup import auto_backup
from models.db import Database
from models.integrity import (
    check_on_open,
    mark_clean_close,
    mark_open,
    newest_good_backup,
    was_unclean,
)
from tests.models.backup_support import file_sha, populate


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page, page):
        data[offset + 100: offset + 400] = b"\xff" * 300
    path.write_bytes(bytes(data))


def test_sound_database_passes_quick_check(db: Database) -> None:
    populate(db)
    db.close()
    report = check_on_open(db.path)
    assert report.ok and not report.full and report.damaged_copy is None


def test_unclean_shutdown_runs_full_check(db: Database) -> None:
    populate(db)
    db.close()
    mark_open(db.path)
    assert was_unclean(db.path)
    assert check_on_open(db.path).full
    mark_clean_close(db.path)
    assert not was_unclean(db.path)
    assert not check_on_open(db.path).full


def test_damaged_file_is_kept_and_good_backup_offered(db: Database) -> None:
    populate(db, members=20, meetings=30, minutes="记录" * 3000)
    db.close()
    older = auto_backup(db.path).path
    _damage(db.path)
    damaged_sha = file_sha(db.path)
    report = check_on_open(db.path)
    assert not report.ok and report.problems
    assert report.damaged_copy is not None and report.damaged_copy.name == "records.sqlite3.damaged"
    assert file_sha(report.damaged_copy) == damaged_sha
    assert file_sha(db.path) == damaged_sha  # nothing replaced silently
    text = report.message()
    assert "已损坏" in text and "U盘" in text and str(report.damaged_copy) in text
    assert newest_good_backup(db.path) == older
    # a broken newest backup is skipped
    broken = paths.backups_dir() / "测试第一党支部_20991231-000000.bbk"
    broken.write_bytes(older.read_bytes()[:-10])
    assert newest_good_backup(db.path) == older
    # a second detection keeps both damaged copies
    assert check_on_open(db.path).damaged_copy.name == "records.sqlite3.2.damaged"  # type: ignore[union-attr]


def test_newest_good_backup_checks_only_as_many_backups_as_needed(db: Database,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import models.backup

    populate(db)
    db.close()
    base = datetime(2026, 11, 1, 18, 0)
    olders = [auto_backup(db.path, now=base + timedelta(days=i)).path for i in range(3)]
    checked: list[Path] = []
    real_verify = models.backup.verify_backup  # looked up there when the check runs

    def counting(path: Path, *args: object, **kwargs: object) -> object:
        checked.append(path)
        return real_verify(path)

    monkeypatch.setattr(models.backup, "verify_backup", counting)
    assert newest_good_backup(db.path) == olders[-1]
    assert checked == [olders[-1]]  # the older backups were not read
