"""Automatic backups (自动备份) to the local backups folder, retention, and backup history.

* :func:`auto_backup` runs on exit and once a day; only after it succeeded are old
  automatic backups thinned (7 daily, 4 weekly, 12 monthly; the newest is always kept).
  Manual and safety (恢复前) backups are never thinned.
* Every backup is remembered in ``backup_history.json`` in the data folder, per database,
  so the status bar can show the last one and remind the user when the last backup to a
  USB stick (anything outside the local backups folder) is older than 30 days.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from models import paths
from models.backup import BackupInfo, create_backup, format_when, read_manifest
from models.backup_format import EXTENSION
from models.errors import BranchBookError, os_error_text

KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
USB_REMINDER_DAYS = 30
HISTORY_FILE = "backup_history.json"


@dataclass
class BackupEntry:
    path: Path
    created: datetime
    size: int
    kind: str  # manual | auto | safety | encrypted | unknown
    status: str  # Chinese, for the list


def _entry(path: Path) -> BackupEntry:
    """What the file's header says (its data is checked only on request: verify_backup)."""
    stat = path.stat()
    created = datetime.fromtimestamp(stat.st_mtime)
    try:
        manifest = read_manifest(path)
    except (BranchBookError, OSError):
        return BackupEntry(path, created, stat.st_size, "unknown", "已损坏")
    if manifest is None:
        return BackupEntry(path, created, stat.st_size, "encrypted", "已加密")
    try:
        created = datetime.fromisoformat(manifest.created_at)
    except ValueError:
        pass
    return BackupEntry(path, created, stat.st_size, manifest.kind, "备份时已校验")


def list_backups(folder: Path | None = None) -> list[BackupEntry]:
    """Backups in ``folder`` (default the local backups folder), newest first."""
    folder = folder or paths.backups_dir()
    if not folder.is_dir():
        return []
    entries = [_entry(p) for p in folder.iterdir()
               if p.is_file() and p.suffix == EXTENSION and not p.name.startswith(".")]
    return sorted(entries, key=lambda e: e.created, reverse=True)


def to_keep(created: list[datetime]) -> set[int]:
    """Indexes (into ``created``, newest first) kept by 7 daily / 4 weekly / 12 monthly."""
    keep = {0} if created else set()
    for key, limit in ((lambda d: d.date(), KEEP_DAILY),
                       (lambda d: d.isocalendar()[:2], KEEP_WEEKLY),
                       (lambda d: (d.year, d.month), KEEP_MONTHLY)):
        seen: set[object] = set()
        for i, when in enumerate(created):
            k = key(when)
            if k not in seen and len(seen) < limit:
                seen.add(k)
                keep.add(i)
    return keep


def prune(folder: Path | None = None) -> list[Path]:
    """Thin the automatic backups in ``folder``; returns the files deleted."""
    autos = [e for e in list_backups(folder) if e.kind == "auto"]
    keep = to_keep([e.created for e in autos])
    deleted = []
    for i, entry in enumerate(autos):
        if i not in keep:
            try:
                entry.path.unlink()
                deleted.append(entry.path)
            except OSError:
                pass
    return deleted


def auto_backup(db_path: Path, now: datetime | None = None) -> BackupInfo:
    """Back up to the local backups folder, then thin old automatic backups."""
    folder = paths.backups_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BranchBookError(f"无法创建备份文件夹“{folder}”（{os_error_text(exc)}）。") from exc
    info = create_backup(db_path, folder, kind="auto", now=now)
    record_backup(db_path, info)
    prune(folder)  # only reached when the new backup was verified
    return info


def backup_due(db_path: Path, now: datetime | None = None) -> bool:
    """True when the last automatic or manual backup of this database is a day old or more."""
    last = last_backup_info(db_path)
    return last is None or (now or datetime.now()) - last[0] >= timedelta(days=1)


# --- history ------------------------------------------------------------------------------


def _history_path() -> Path:
    return paths.data_dir() / HISTORY_FILE


def _load() -> dict[str, dict[str, str]]:
    try:
        data = json.loads(_history_path().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _key(db_path: Path) -> str:
    return str(Path(os.path.abspath(db_path)))


def is_local_target(folder: Path) -> bool:
    return Path(os.path.abspath(folder)) == Path(os.path.abspath(paths.backups_dir()))


def record_backup(db_path: Path, info: BackupInfo) -> None:
    """Remember a verified backup (atomic write of the small JSON file)."""
    data = _load()
    item = data.setdefault(_key(db_path), {})
    item["last"], item["last_path"] = info.manifest.created_at, str(info.path)
    if not is_local_target(info.path.parent):
        item["last_usb"], item["last_usb_path"] = info.manifest.created_at, str(info.path)
    target = _history_path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        pass  # the history is a convenience; the backup itself is done


def last_backup_info(db_path: Path, *, usb: bool = False) -> tuple[datetime, Path] | None:
    """(when, file) of the last backup of this database (``usb``: the last one off this PC)."""
    item = _load().get(_key(db_path), {})
    key = "last_usb" if usb else "last"
    if key in item:
        try:
            return datetime.fromisoformat(item[key]), Path(item[key + "_path"])
        except (ValueError, KeyError):
            return None
    if not usb:
        autos = list_backups()
        if autos:
            return autos[0].created, autos[0].path
    return None


def last_backup_text(db_path: Path) -> str:
    last = last_backup_info(db_path)
    return f"最近备份：{format_when(last[0])}" if last else "尚未备份"


def usb_reminder(db_path: Path, now: datetime | None = None) -> str | None:
    """A reminder when nothing was backed up to a USB stick in the last 30 days."""
    last = last_backup_info(db_path, usb=True)
    if last is None:
        return "还没有备份到U盘。请插入U盘，点击“备份到U盘”。"
    days = ((now or datetime.now()) - last[0]).days
    if days >= USB_REMINDER_DAYS:
        return f"已有 {days} 天没有备份到U盘（上次：{format_when(last[0])}）。请插入U盘，点击“备份到U盘”。"
    return None
