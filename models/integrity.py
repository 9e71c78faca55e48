"""完整性检查 on open.

An open after an unclean shutdown (the marker file ``<db>.running``, written on open and
removed on clean close, is still there) runs the full ``integrity_check`` and
``foreign_key_check`` before the database is used; otherwise the routine ``PRAGMA
quick_check`` runs once the window is up, off the GUI thread (it reads the whole file: on
thirty years of records half a second that start-up need not wait for). A damaged file is copied aside as
``<db>.damaged`` (never deleted, never silently replaced); the user is told the likely cause
and offered the newest good backup.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from models import paths
from models.errors import BranchBookError, explain, is_damage, sqlite_error_text

LIKELY_CAUSES = ("可能的原因：写入时U盘被拔出、电脑突然断电或死机、磁盘出现坏道，"
                 "或者数据库文件被其他程序改动过。")


@dataclass
class IntegrityReport:
    path: Path
    ok: bool
    full: bool  # the full integrity_check ran (after an unclean shutdown)
    problems: list[str] = field(default_factory=list)
    damaged_copy: Path | None = None

    def message(self) -> str:
        if self.ok:
            return "数据库检查正常。"
        lines = [f"数据库“{self.path.name}”已损坏，无法正常使用。", LIKELY_CAUSES]
        lines += [f"发现的问题：{p}" for p in self.problems[:3]]
        if self.damaged_copy is not None:
            lines.append(f"损坏的文件已原样保存为：{self.damaged_copy}")
        return "\n".join(lines)


def marker_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".running")


def was_unclean(db_path: Path) -> bool:
    return marker_path(db_path).exists()


def mark_open(db_path: Path) -> None:
    marker_path(db_path).write_text(datetime.now().isoformat(timespec="seconds"), encoding="utf-8")


def mark_clean_close(db_path: Path) -> None:
    marker_path(db_path).unlink(missing_ok=True)


def run_checks(db_path: Path, *, full: bool) -> list[str]:
    """Problems found by quick_check (or integrity_check + foreign_key_check when ``full``)."""
    try:
        con = sqlite3.connect(db_path, timeout=5)
        try:
            pragma = "integrity_check" if full else "quick_check"
            result = [r[0] for r in con.execute(f"PRAGMA {pragma}")]
            if result != ["ok"]:  # SQLite's own lines are English page numbers: count them
                return [f"数据库检查发现 {len(result)} 处损坏"]
            if full:
                fk = con.execute("PRAGMA foreign_key_check").fetchall()
                if fk:
                    return [f"有 {len(fk)} 条记录的关联已失效（引用了已不存在的记录）"]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):  # a full disk or a busy file is not damage: no restore offered
            raise BranchBookError(explain(exc, near=db_path) or
                                  f"数据库“{db_path.name}”暂时无法检查（{sqlite_error_text(exc)}）。") from exc
        return [sqlite_error_text(exc)]
    return []


def keep_damaged(db_path: Path) -> Path:
    """Copy the damaged file (and its WAL) aside as ``<db>.damaged`` (numbered if taken)."""
    target = db_path.with_name(db_path.name + ".damaged")
    n = 2
    while target.exists():
        target = db_path.with_name(f"{db_path.name}.{n}.damaged")
        n += 1
    shutil.copy2(db_path, target)
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists():
        shutil.copy2(wal, target.with_name(target.name + "-wal"))
    return target


def check_on_open(db_path: Path, *, full: bool | None = None) -> IntegrityReport:
    """Check an existing database; on damage keep a copy aside. ``full``: run the full check
    (default: when the last session did not end cleanly)."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return IntegrityReport(db_path, ok=True, full=False)
    if full is None:
        full = was_unclean(db_path)
    problems = run_checks(db_path, full=full)
    report = IntegrityReport(db_path, ok=not problems, full=full, problems=problems)
    if problems:
        report.damaged_copy = keep_damaged(db_path)
    return report


def newest_good_backup(db_path: Path | None = None, folder: Path | None = None) -> Path | None:
    """The newest backup *of the database at* ``db_path`` (default: the default database) in
    the local backups folder that passes full verification (checked newest first, stopping at
    the first good one). Another database's backup is never offered (:func:`backups_of`)."""
    # the backup modules load only when needed (fast start)
    from models.autobackup import backups_of
    from models.backup import verify_backup

    for entry in backups_of(db_path or paths.default_db_path(), folder or paths.backups_dir()):
        if entry.kind == "encrypted":
            continue  # needs a passphrase: the user restores it from the 备份与恢复 page
        try:
            verify_backup(entry.path)
        except BranchBookError:
            continue
        return entry.path
    return None
