"""恢复: replace the live database with a checked backup, keeping a safety copy.

Order of work, so that a failure at any step leaves the current database as it was:
1. the backup is extracted and fully checked in a temporary folder beside the live file;
2. a safety copy of the current database goes to the backups folder (a verified backup,
   or the raw bytes if the current file is too damaged for that);
3. the live engine is disposed, the live WAL is checkpointed and the -wal/-shm removed
   (a stale WAL must never be replayed onto the restored file);
4. the checked file is flushed and swapped in with one atomic rename;
5. the same :class:`Database` object is re-pointed at the restored file (its engine and
   session factory are replaced), so everyone holding it keeps working — but ids of the
   branch and records may differ: the window must reload everything (``database_replaced``).

Identity (``database_uuid``): the restored file takes the identity of the *path* it replaces
when that path had one; otherwise (a new PC, a lost file) it keeps the backup's. Restoring a
backup of the same database therefore keeps its uuid. Restoring another database's backup
here gives the restored content this path's uuid, because:
* the other database usually still lives on (on its own PC or beside this one): two live
  files with one identity would share one retention series and thin each other's backups,
  and their audit anchors would contradict each other — exactly the cross-pairing 0003 ends;
* this path's safety copy, its older backups and the history of its backups and anchors stay
  one unbroken series; the new anchor recorded here supersedes the older ones (``check``
  compares the chain with the newest anchor only), and the restore entry in the audit log
  names the backup's original identity, so the provenance is not lost.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from models import paths
from models.audit import record
from models.autobackup import database_identity, record_anchor
from models.backup import BackupInfo, _fsync_dir, create_backup, opened_backup
from models.db import Database, open_database
from models.entities import StoreInfo
from models.enums import AuditAction
from models.errors import BranchBookError, os_error_text
from models.identity import UUID_KEY
from models.privacy import make_private, private_folder


@dataclass
class RestoreResult:
    backup: BackupInfo
    safety_copy: Path | None

    def describe(self) -> str:
        lines = [f"已从备份恢复数据库：{self.backup.path.name}"]
        if self.safety_copy is not None:
            lines.append(f"恢复前的数据库已保存为：{self.safety_copy}")
        return "\n".join(lines)


def safety_copy(db_path: Path) -> Path | None:
    """Keep the current database before it is replaced (None if there is none)."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    folder = paths.backups_dir()
    try:
        private_folder(folder)
    except OSError as exc:
        raise BranchBookError(
            f"无法创建备份文件夹“{folder}”（{os_error_text(exc)}），恢复已取消，数据库未改动。") from exc
    try:
        return create_backup(db_path, folder, kind="safety").path
    except BranchBookError:
        pass  # too damaged for a checked backup: keep its raw bytes instead
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    raw = folder / f"{db_path.stem}_恢复前_{stamp}.damaged"
    try:
        shutil.copy2(db_path, raw)
        for suffix in ("-wal",):
            side = db_path.with_name(db_path.name + suffix)
            if side.exists():
                shutil.copy2(side, raw.with_name(raw.name + suffix))
    except OSError as exc:
        raise BranchBookError(
            f"无法保存当前数据库的安全副本（{os_error_text(exc)}），恢复已取消，数据库未改动。") from exc
    return raw


def _retire_wal(db_path: Path) -> None:
    """Fold the WAL into the main file, then remove -wal/-shm so none can be replayed later."""
    if db_path.exists():
        try:
            con = sqlite3.connect(db_path, timeout=5)
            try:
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                con.close()
        except sqlite3.DatabaseError:
            pass  # a damaged file: its raw bytes are already in the safety copy
    for suffix in ("-wal", "-shm", "-journal"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)


def restore_file(db_path: Path, backup: Path, passphrase: str | None = None,
                 *, keep_safety_copy: bool = True,
                 before_swap: Callable[[], None] | None = None) -> RestoreResult:
    """Restore into ``db_path``. Raises without changing it.

    ``before_swap`` is called once the backup is checked and the safety copy made, right
    before the file is replaced: the caller closes its own connections there."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with opened_backup(backup, passphrase, work_dir=db_path.parent) as checked:
        return restore_checked(db_path, checked, keep_safety_copy=keep_safety_copy,
                               before_swap=before_swap)


def restore_checked(db_path: Path, checked: tuple[Path, BackupInfo], *, keep_safety_copy: bool = True,
                    before_swap: Callable[[], None] | None = None) -> RestoreResult:
    """Swap in a backup already extracted and checked by :func:`models.backup.opened_backup`
    (opened with ``work_dir=db_path.parent``, so that the swap is one atomic rename)."""
    sqlite_path, info = checked
    path_uuid = database_identity(db_path)
    safety = safety_copy(db_path) if keep_safety_copy else None
    if before_swap is not None:
        before_swap()
    try:
        make_private(sqlite_path)
        with sqlite_path.open("rb+") as fh:
            os.fsync(fh.fileno())
        _retire_wal(db_path)
        os.replace(sqlite_path, db_path)
        _fsync_dir(db_path.parent)
    except OSError as exc:
        raise BranchBookError(
            f"替换数据库文件失败（{os_error_text(exc)}），恢复未完成，当前数据库未改动。") from exc
    db = open_database(db_path)
    try:
        with db.transaction() as s:
            stamped = s.get(StoreInfo, UUID_KEY)
            backup_uuid = info.manifest.database_uuid or (stamped.value if stamped else "")
            if path_uuid and stamped is not None and stamped.value != path_uuid:
                stamped.value = path_uuid  # the path's identity wins (see the module docstring)
            own_uuid = stamped.value if stamped is not None else ""
            entry = record(s, AuditAction.RESTORE, "database", summary=f"从备份“{info.path.name}”恢复数据库",
                           detail={"backup": str(info.path), "created_at": info.manifest.created_at,
                                   "safety_copy": str(safety or ""), "backup_database_uuid": backup_uuid,
                                   "database_uuid": own_uuid})
            head = {"id": entry.id, "hash": entry.hash}
    finally:
        db.close()
    record_anchor(db_path, own_uuid, head)
    return RestoreResult(info, safety)


def restore_database(db: Database, backup: Path, passphrase: str | None = None,
                     *, checked: tuple[Path, BackupInfo] | None = None) -> RestoreResult:
    """Restore into the open ``db``: its engine is disposed and replaced by a fresh one.

    ``checked``: ``backup`` already extracted and checked beside ``db.path`` (see
    :func:`restore_checked`), so that it is not read and checked a second time.
    On failure ``db`` keeps working on the unchanged file."""
    closed: list[bool] = []

    def close() -> None:
        db.close()
        closed.append(True)

    try:
        if checked is not None:
            return restore_checked(db.path, checked, before_swap=close)
        return restore_file(db.path, backup, passphrase, before_swap=close)
    finally:
        if closed:
            fresh = open_database(db.path)
            db.engine, db.session_factory = fresh.engine, fresh.session_factory
