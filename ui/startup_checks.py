"""Opening the database for the window, and what happens when it closes.

``open_for_gui`` does, in order: refuse (or offer to copy away from) a removable or network
drive; take the writer lock (models.lock.InstanceLock, held while the window is open — the
same lock every writing command takes); after an unclean shutdown, the full integrity check
(with a progress dialog); then open (and migrate) the database. On damage the file is kept
aside and the newest good backup offered — never restored without asking.
``start_routine_check`` runs the routine quick check off the GUI thread once the window is
up (it reads the whole file), with the same offer if it finds damage.
``on_exit`` makes the automatic backup, marks a clean close and releases the lock.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from models import paths
from models.db import Database, copy_database, is_sqlite_file, open_database
from models.errors import BranchBookError, os_error_text, sqlite_error_text
from models.integrity import (
    IntegrityReport,
    check_on_open,
    mark_clean_close,
    mark_open,
    newest_good_backup,
    was_unclean,
)
from models.leftovers import clean_leftovers
from models.lock import WINDOW_HOLDER, InstanceLock, drive_kind
from ui import msgbox
from ui.operations import Operation

TITLE = "打开数据库"
T = TypeVar("T")
_locks: dict[Path, InstanceLock] = {}


def _key(path: Path) -> Path:
    return Path(path).absolute()


def _take_lock(parent: QWidget | None, path: Path) -> bool:
    lock = InstanceLock(path, WINDOW_HOLDER)
    try:
        lock.acquire()
    except BranchBookError as exc:
        msgbox.warn(parent, TITLE, exc.message)
        return False
    _locks[_key(path)] = lock
    return True


def release_lock(path: Path) -> None:
    lock = _locks.pop(_key(path), None)
    if lock is not None:
        lock.release()


def _local_copy(parent: QWidget | None, path: Path) -> Path | None:
    kind = drive_kind(path)
    if kind == "local":
        return path
    where = "U盘或移动硬盘" if kind == "removable" else "网络驱动器"
    answer = msgbox.ask(
        parent, TITLE,
        f"数据库“{path}”位于{where}上。直接在{where}上使用，拔出或断网时可能损坏记录。\n\n"
        "是否把它复制到本机硬盘，并打开本机上的副本？（原文件保持不变）")
    if answer != QMessageBox.StandardButton.Yes:
        return None
    target = paths.default_db_path()
    if target.exists():
        target = paths.data_dir() / f"{path.stem}_副本_{datetime.now():%Y%m%d-%H%M%S}.sqlite3"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_database(path, target)
    except (OSError, sqlite3.Error) as exc:
        target.unlink(missing_ok=True)
        reason = os_error_text(exc) if isinstance(exc, OSError) else sqlite_error_text(exc)
        msgbox.warn(parent, TITLE, f"复制数据库到本机失败（{reason}）。请检查U盘后重试。")
        return None
    msgbox.inform(parent, TITLE, f"已复制到本机：{target}\n以后请打开这个文件，并定期备份到U盘。")
    return target


def _with_progress(parent: QWidget | None, label: str, work: Callable[[], T]) -> T:
    """Run ``work`` on a worker thread while a busy dialog keeps the screen alive; returns its
    result (or raises its error) on the GUI thread."""
    outcome: dict[str, object] = {}
    loop = QEventLoop()

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # noqa: BLE001 - re-raised on the GUI thread
            outcome["error"] = exc
        QTimer.singleShot(0, loop, loop.quit)

    progress = QProgressDialog(label, "", 0, 0, parent)
    progress.setWindowTitle(TITLE)
    progress.setCancelButton(None)
    progress.setWindowModality(Qt.WindowModality.ApplicationModal)
    progress.setMinimumDuration(300)
    progress.setValue(0)
    worker = threading.Thread(target=run, name="integrity-check", daemon=True)
    worker.start()
    if worker.is_alive():
        loop.exec()
    worker.join()
    progress.reset()
    progress.deleteLater()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]


def _offer_backup(parent: QWidget | None, report: IntegrityReport, backup: Path | None) -> bool:
    """Tell the user about the damage; True when they chose to restore ``backup``."""
    from models.autobackup import backups_of
    from models.backup import format_when

    if backup is None:
        msgbox.warn(parent, TITLE, report.message() + "\n\n本机没有可用的自动备份。请用U盘上的备份，"
                    "在命令行运行 restore 恢复，或联系维护人员。")
        return False
    when = next((e.created for e in backups_of(report.path) if e.path == backup), None)
    answer = msgbox.ask(parent, TITLE, report.message() + "\n\n是否从最新的完好备份恢复？\n"
                        f"备份：{backup.name}" + (f"（{format_when(when)}）" if when else ""))
    return answer == QMessageBox.StandardButton.Yes


def _recover(parent: QWidget | None, path: Path, report: IntegrityReport) -> bool:
    """After a check before opening: on damage offer the newest good backup. False: do not open."""
    if report.ok:
        return True
    backup = _with_progress(parent, "正在查找完好的备份…", lambda: newest_good_backup(path))
    if not _offer_backup(parent, report, backup):
        return False
    assert backup is not None
    from models.restore import restore_file

    try:
        restore_file(path, backup, keep_safety_copy=False)  # the damaged file is kept already
    except BranchBookError as exc:
        msgbox.warn(parent, TITLE, exc.message)
        return False
    msgbox.inform(parent, TITLE, f"已从备份“{backup.name}”恢复。备份之后录入的内容需要重新录入。")
    return True



def open_for_gui(parent: QWidget | None, path: Path) -> Database | None:
    """Open ``path`` for the window, or explain why not (returns None after telling the user)."""
    local = _local_copy(parent, Path(path))
    if local is None:
        return None
    try:
        paths.ensure_folder_for(local)  # a fresh account has no user data folder yet
    except BranchBookError as exc:
        msgbox.warn(parent, TITLE, exc.message)
        return None
    if not _take_lock(parent, local):
        return None
    clean_leftovers([local.parent, paths.backups_dir()])  # what a crashed backup or restore left
    try:
        if was_unclean(local):  # the last session did not end cleanly: check everything first
            report = _with_progress(parent, "上次没有正常退出，正在全面检查数据库，请稍候…",
                                    lambda: check_on_open(local, full=True))
            if not _recover(parent, local, report):
                release_lock(local)
                return None
        try:
            db = open_database(local)
        except BranchBookError:
            # The routine check has not run yet: if the file is damaged, say so and offer a backup.
            if not is_sqlite_file(local):
                raise
            report = _with_progress(parent, "正在检查数据库，请稍候…", lambda: check_on_open(local, full=False))
            if report.ok:
                raise
            if not _recover(parent, local, report):
                release_lock(local)
                return None
            db = open_database(local)
    except BranchBookError as exc:
        release_lock(local)
        msgbox.warn(parent, TITLE, exc.message)
        return None
    mark_open(local)
    return db


def recheck_after_failure(parent: QWidget | None, db: Database) -> bool:
    """Reading failed before the routine check ran: check the file now. True when it was
    damaged and has been restored from a backup (read it again); False when it is sound or
    the user declined (the caller gives up)."""
    report = _with_progress(parent, "读取数据库出错，正在检查数据库，请稍候…",
                            lambda: check_on_open(db.path, full=True))
    if report.ok:
        return False
    backup = _with_progress(parent, "正在查找完好的备份…", lambda: newest_good_backup(db.path))
    if not _offer_backup(parent, report, backup):
        return False
    assert backup is not None
    from models.restore import restore_database

    try:
        _with_progress(parent, "正在恢复，请稍候…", lambda: restore_database(db, backup))
    except BranchBookError as exc:
        msgbox.warn(parent, TITLE, exc.message)
        return False
    msgbox.inform(parent, TITLE, f"已从备份“{backup.name}”恢复。备份之后录入的内容需要重新录入。")
    return True


def start_routine_check(window: QWidget, db: Database, restored: Callable[[], None],
                        may_replace: Callable[[], bool] = lambda: True) -> None:
    """The routine quick check, off the GUI thread, once the window is up. On damage the file is
    kept aside and the newest good backup offered; ``may_replace`` then asks about typing the
    restore would drop (False: no restore now), and ``restored`` is called after a restore (the
    window reads everything again)."""
    path = db.path

    def work() -> tuple[IntegrityReport, Path | None]:
        report = check_on_open(path, full=False)
        return report, (None if report.ok else newest_good_backup(path))

    def done(outcome: tuple[IntegrityReport, Path | None]) -> None:
        report, backup = outcome
        if report.ok or not _offer_backup(window, report, backup) or not may_replace():
            return
        assert backup is not None

        from models.restore import restore_database

        def finished(_result: object) -> None:
            msgbox.inform(window, TITLE, f"已从备份“{backup.name}”恢复。备份之后录入的内容需要重新录入。")
            restored()

        Operation(window, lambda: restore_database(db, backup), "正在恢复，请稍候…").run(finished)

    Operation(None, work).run(done)


def run_auto_backup(db: Database) -> str | None:
    """The automatic backup; returns a Chinese problem description instead of raising."""
    from models.autobackup import auto_backup

    try:
        auto_backup(db.path)
    except BranchBookError as exc:
        return exc.message
    return None


def start_daily_backups(owner: QObject, db: Database, interval_ms: int = 3_600_000) -> QTimer:
    """Check every hour whether a day has passed since the last backup, and back up then."""
    def due() -> bool:
        from models.autobackup import backup_due

        return backup_due(db.path)

    timer = QTimer(owner)
    timer.setInterval(interval_ms)
    timer.timeout.connect(lambda: due() and run_auto_backup(db))
    timer.start()
    return timer


def on_exit(db: Database, *, backup: bool = True) -> None:
    """Called when the window closes, before the database is closed (automatic backup)."""
    problem = run_auto_backup(db) if backup else None
    if problem is not None:
        msgbox.warn(None, "自动备份未完成", problem)
    mark_clean_close(db.path)
    release_lock(db.path)
