"""Automatic backups: retention, nothing thinned after a failure, the status-bar texts."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from models import backup_format, paths
from models.autobackup import (
    auto_backup,
    backup_due,
    last_backup_text,
    list_backups,
    record_backup,
    to_keep,
    usb_reminder,
)
from models.backup import create_backup
from models.backup_format import BackupFileError
from models.db import Database
from tests.models.backup_support import populate


def test_retention_keeps_7_daily_4_weekly_12_monthly() -> None:
    start = datetime(2026, 11, 22, 18, 0)
    created = [start - timedelta(hours=12 * i) for i in range(2 * 400)]  # two a day, 400 days
    keep = {created[i] for i in to_keep(created)}
    assert created[0] in keep
    days = {d.date() for d in keep}
    assert {(start - timedelta(days=i)).date() for i in range(7)} <= days
    assert len({d.isocalendar()[:2] for d in keep}) >= 4
    assert len({(d.year, d.month) for d in keep}) == 12
    assert len(keep) <= 7 + 4 + 12
    assert min(keep) >= start - timedelta(days=366)


def test_auto_backup_thins_old_ones_only_after_success(db: Database,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    populate(db)
    base = datetime(2026, 11, 22, 18, 0)
    for i in range(12):  # twelve daily automatic backups
        auto_backup(db.path, now=base - timedelta(days=12 - i))
    manual = create_backup(db.path, paths.backups_dir(), now=base - timedelta(days=40)).path
    before = {e.path for e in list_backups()}
    # Nov 10–21: the last 7 days are kept; Nov 10–14 share ISO week 46 with Nov 15 (kept)
    assert len(before) == 7 + 1

    def failing(out, manifest, sqlite_path):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_format, "write_plain", failing)
    with pytest.raises(BackupFileError):
        auto_backup(db.path, now=base + timedelta(days=60))
    assert {e.path for e in list_backups()} == before  # nothing thinned after a failure
    monkeypatch.undo()
    newest = auto_backup(db.path, now=base).path
    entries = list_backups()
    assert entries[0].path == newest and manual.exists()
    assert all(e.kind in ("auto", "manual") for e in entries)


def test_status_texts_and_usb_reminder(db: Database, tmp_path: Path) -> None:
    populate(db)
    assert last_backup_text(db.path) == "尚未备份"
    assert backup_due(db.path)
    assert "还没有备份到U盘" in (usb_reminder(db.path) or "")
    auto_backup(db.path, now=datetime(2026, 11, 20, 18, 2))
    assert last_backup_text(db.path) == "最近备份：2026年11月20日 18:02"
    assert "还没有备份到U盘" in (usb_reminder(db.path) or "")  # a local backup does not count
    usb = tmp_path / "usb"
    usb.mkdir()
    record_backup(db.path, create_backup(db.path, usb, now=datetime(2026, 10, 1, 9, 0)))
    assert usb_reminder(db.path, now=datetime(2026, 10, 20)) is None
    reminder = usb_reminder(db.path, now=datetime(2026, 11, 20, 12))
    assert reminder is not None and "50 天" in reminder
    assert not backup_due(db.path, now=datetime(2026, 10, 1, 12, 0))
