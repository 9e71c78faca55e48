"""Automatic backups (自动备份) to the local backups folder, retention, and backup history.

* :func:`auto_backup` runs on exit and once a day; only after it succeeded are old
  automatic backups *of the same database* thinned (7 daily, 4 weekly, 12 monthly; the
  newest is always kept): two databases in one user folder keep each their own series
  (pairing by identity, :mod:`models.identity`). Manual and safety (恢复前) backups are
  never thinned.
* Every backup is remembered in ``backup_history.json`` in the data folder, per database,
  so the status bar can show the last one and remind the user when the last backup to a
  USB stick (anything outside the local backups folder) is older than 30 days. The history
  also remembers each path's identity (to pair a damaged database that cannot be read any
  more) and, per identity, the newest audit-chain anchor (head id + hash) seen by a backup
  or a restore: ``check`` compares the chain with it, so a cut tail or a recomputed chain
  shows even though the database file itself was rewritten consistently.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from models import backup_format as fmt
from models import paths
from models.backup import BackupInfo, create_backup, format_when
from models.backup_format import EXTENSION
from models.errors import BranchBookError, os_error_text
from models.identity import belongs, read_database_uuid
from models.privacy import make_private, private_folder

KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
USB_REMINDER_DAYS = 30
HISTORY_FILE = "backup_history.json"
ANCHOR = "audit_anchor"  # per path: {uuid, id, hash, at} of the newest audit head seen


@dataclass
class BackupEntry:
    path: Path
    created: datetime
    size: int
    kind: str  # manual | auto | safety | encrypted | unknown
    status: str  # Chinese, for the list
    database_uuid: str = ""  # identity of the database it came from ('' unknown)
    source: str = ""  # file name of that database ('' unknown)
    audit_head: dict[str, Any] = field(default_factory=dict)


def _entry(path: Path) -> BackupEntry:
    """What the file's header says (its data is checked only on request: verify_backup)."""
    stat = path.stat()
    created = datetime.fromtimestamp(stat.st_mtime)
    try:
        with path.open("rb") as fh:
            header = fmt.read_header(fh, path.name)
    except (BranchBookError, OSError):
        return BackupEntry(path, created, stat.st_size, "unknown", "已损坏")
    if header.kind == fmt.KIND_ENCRYPTED:
        return BackupEntry(path, created, stat.st_size, "encrypted", "已加密",
                           database_uuid=str(header.meta.get("database_uuid") or ""))
    manifest = fmt.Manifest(**header.meta)
    try:
        created = datetime.fromisoformat(manifest.created_at)
    except ValueError:
        pass
    return BackupEntry(path, created, stat.st_size, manifest.kind, "备份时已校验",
                       database_uuid=manifest.database_uuid, source=manifest.source,
                       audit_head=dict(manifest.audit_head or {}))


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


def database_identity(db_path: Path) -> str:
    """The identity of the database at ``db_path``: stamped in the file, or — when the file
    cannot be read (damaged) — remembered in the backup history for this path ('' unknown)."""
    found = read_database_uuid(db_path)
    if found:
        return found
    return str(_load().get(_key(db_path), {}).get("database_uuid", ""))


def backups_of(db_path: Path, folder: Path | None = None) -> list[BackupEntry]:
    """The backups in ``folder`` taken from the database at ``db_path`` (never another
    database's), newest first."""
    db_uuid = database_identity(db_path)
    name = Path(db_path).name
    return [e for e in list_backups(folder) if belongs(db_uuid, name, e.database_uuid, e.source)]


def prune(db_path: Path, folder: Path | None = None) -> list[Path]:
    """Thin the automatic backups of the database at ``db_path`` in ``folder``; returns the
    files deleted. Other databases' backups are never touched."""
    autos = [e for e in backups_of(db_path, folder) if e.kind == "auto"]
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
        private_folder(folder)
    except OSError as exc:
        raise BranchBookError(f"无法创建备份文件夹“{folder}”（{os_error_text(exc)}）。") from exc
    info = create_backup(db_path, folder, kind="auto", now=now)
    record_backup(db_path, info)
    prune(db_path, folder)  # only reached when the new backup was verified
    return info


def backup_due(db_path: Path, now: datetime | None = None) -> bool:
    """True when the last automatic or manual backup of this database is a day old or more."""
    last = last_backup_info(db_path)
    return last is None or (now or datetime.now()) - last[0] >= timedelta(days=1)


# --- history ------------------------------------------------------------------------------


def _history_path() -> Path:
    return paths.data_dir() / HISTORY_FILE


def _load() -> dict[str, dict[str, Any]]:
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
    manifest = info.manifest
    if manifest.database_uuid:
        item["database_uuid"] = manifest.database_uuid
        if manifest.audit_head:
            _set_anchor(item, manifest.database_uuid, manifest.audit_head, manifest.created_at)
    _save(data)


def _set_anchor(item: dict[str, Any], db_uuid: str, head: dict[str, Any], at: str) -> None:
    old = item.get(ANCHOR)
    if isinstance(old, dict) and old.get("uuid") == db_uuid and str(old.get("at", "")) > at:
        return  # a newer anchor is already known
    item[ANCHOR] = {"uuid": db_uuid, "id": head.get("id"), "hash": head.get("hash"), "at": at}


def record_anchor(db_path: Path, db_uuid: str, head: dict[str, Any], at: datetime | None = None) -> None:
    """Remember the audit chain's head of the database at ``db_path`` (after a restore
    replaced the chain: the new head supersedes every older anchor)."""
    if not db_uuid:
        return
    data = _load()
    item = data.setdefault(_key(db_path), {})
    item["database_uuid"] = db_uuid
    item[ANCHOR] = {"uuid": db_uuid, "id": head.get("id"), "hash": head.get("hash"),
                    "at": (at or datetime.now()).isoformat(timespec="seconds")}
    _save(data)


def newest_anchor(db_path: Path, db_uuid: str) -> dict[str, Any] | None:
    """The newest audit anchor known for this database (``db_uuid`` at this path): from the
    history, or from the manifest of its newest local backup — whichever was recorded last.
    Keys: id, hash, at, where. A copy of the file elsewhere (same identity, another path)
    goes its own way and is not held to this path's anchor."""
    found: list[dict[str, Any]] = []
    item = _load().get(_key(db_path), {}).get(ANCHOR)
    if isinstance(item, dict) and item.get("uuid") == db_uuid and item.get("hash"):
        found.append({**item, "where": "备份记录"})
    for entry in list_backups():
        if (entry.database_uuid == db_uuid and entry.source == Path(db_path).name
                and entry.audit_head.get("hash")):
            found.append({**entry.audit_head, "at": entry.created.isoformat(timespec="seconds"),
                          "where": f"备份“{entry.path.name}”"})
            break  # newest first: the first one is the newest backup
    return max(found, key=lambda a: str(a.get("at", ""))) if found else None


def _save(data: dict[str, dict[str, Any]]) -> None:
    target = _history_path()
    try:
        private_folder(target.parent)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        make_private(tmp)
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
        autos = backups_of(db_path)
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
