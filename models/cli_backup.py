"""Command-line handlers: backup, verify, restore, merge (SPEC §6).

Passphrases come only from ``--passphrase-file`` (never the command line, never a log).
restore and merge write: main.py runs them under the database's writer lock
(models.writing); backup only reads (a snapshot in a read transaction), so it works while
the window is open. None of them asks a question.
"""

from __future__ import annotations

import argparse
import functools
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from models import passphrase as passphrase_rule
from models import paths
from models.autobackup import record_backup
from models.backup import create_backup, verify_backup
from models.db import open_database
from models.errors import (
    BranchBookError,
    explain,
    os_error_text,
    require_file,
    sqlite_error_text,
)
from models.lock import ensure_local

if TYPE_CHECKING:
    from models.merge_checks import BackupChecks


def _user_errors(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn file-system and SQLite failures into a Chinese message (exit 1), never a traceback."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except OSError as exc:
            raise BranchBookError(explain(exc) or
                                  f"读写文件“{exc.filename or ''}”时出错（{os_error_text(exc)}），操作未完成。") from exc
        except sqlite3.Error as exc:
            raise BranchBookError(explain(exc) or f"{sqlite_error_text(exc)}，操作未完成，数据库未改动。") from exc

    return run


def read_passphrase(file: Path | None, *, new: bool = False) -> str | None:
    """The passphrase in ``file`` by the one rule of models.passphrase (``new``: for a backup
    being made, so the minimum length applies), or None."""
    return None if file is None else passphrase_rule.from_file(file, new=new)


def _prepare(args: argparse.Namespace, *, must_exist: bool = True, new: bool = False) -> tuple[Path, str | None]:
    """The database path (refused on a removable or network drive) and the passphrase."""
    path = Path(args.db) if getattr(args, "db", None) else paths.default_db_path()
    if must_exist:
        require_file(path, "数据库文件", "请用 --db 指定数据库。")
    passphrase = read_passphrase(args.passphrase_file, new=new)
    ensure_local(path)
    return path, passphrase


@_user_errors
def run_backup(args: argparse.Namespace) -> int:
    if isinstance(args.db, str):  # a server: one branch (or all) exported into the same verified .bbk
        from models.server_copy import backup_server

        info = backup_server(args.db, Path(args.to), branch=getattr(args, "branch", None),
                             passphrase=read_passphrase(args.passphrase_file, new=True))
        print(info.path)
        return 0
    db_path, passphrase = _prepare(args, new=True)
    open_database(db_path).close()  # refuses foreign/newer files, upgrades older ones
    info = create_backup(db_path, Path(args.to), passphrase=passphrase)
    record_backup(db_path, info)
    print(info.path)
    return 0


@_user_errors
def run_verify(args: argparse.Namespace) -> int:
    info = verify_backup(Path(args.file), read_passphrase(args.passphrase_file))
    print(info.describe())
    print("校验结果：备份完好")
    return 0


@_user_errors
def run_restore(args: argparse.Namespace) -> int:
    # imported by the commands that use it: every other command starts sooner
    from models.restore import restore_file

    if isinstance(args.db, str):
        from models.server import file_only

        raise file_only("从备份恢复（整个替换数据库文件）")

    db_path, passphrase = _prepare(args, must_exist=False)  # restoring onto a lost database is allowed
    result = restore_file(db_path, Path(args.file), passphrase)
    print(result.backup.describe())
    print(result.describe())
    return 0


@_user_errors
def run_merge(args: argparse.Namespace) -> int:
    """Merge one or many backups, each verified and merged in its own transaction (see
    :mod:`models.merge_many` for why), with one summary at the end."""
    from models.merge_checks import BackupChecks, backups_to_merge

    if isinstance(args.db, str):
        return _merge_into_server(args)
    db_path, passphrase = _prepare(args, must_exist=False)
    files = backups_to_merge(list(args.file))
    # the first backup is extracted and checked while the merge (SQLAlchemy) is still loading
    with BackupChecks(files, lambda _path: passphrase) as checks:
        return _merge_checked_files(db_path, files, checks)


def _merge_checked_files(db_path: Path, files: list[Path], checks: BackupChecks) -> int:
    from models.branches import same_name_text
    from models.merge_many import FileOutcome, merge_many

    if not db_path.exists():  # a committee's first merge: its database starts empty
        print(f"新建数据库“{db_path}”。")
    texts: list[str] = []

    def show(outcome: FileOutcome) -> None:
        text = (outcome.summary.describe() if outcome.summary is not None
                else f"合并备份“{outcome.path.name}”失败：{outcome.error}")
        texts.append(text)
        print(text, flush=True)

    db = open_database(db_path)
    try:
        result = merge_many(db, files, on_merged=show, checks=checks)
    finally:
        db.close()
    if result.twins and "同名党支部" not in "\n".join(texts):  # merge's own summary may already say so
        print(same_name_text(result.twins))
    if len(files) > 1:
        print(result.headline())
    if result.failed:
        raise BranchBookError("以下备份未合并（其余已合并的不受影响）：\n"
                              + "\n".join(f"“{f.path.name}”：{f.error}" for f in result.failed))
    return 0


def _merge_into_server(args: argparse.Namespace) -> int:
    """merge on a server: each backup verified and merged in its own transaction, as on a PC."""
    from models.branches import same_name_branches, same_name_text
    from models.merge_many import backups_to_merge
    from models.server_copy import merge_into_server

    passphrase = read_passphrase(args.passphrase_file)
    files = backups_to_merge(list(args.file))
    failed: list[str] = []
    db = open_database(args.db)
    try:
        for file in files:
            try:
                text = merge_into_server(db, file, passphrase).describe()
            except (BranchBookError, OSError, sqlite3.Error) as exc:
                message = exc.message if isinstance(exc, BranchBookError) else (
                    explain(exc) or f"读取“{file.name}”时出错，未合并。")
                failed.append(f"“{file.name}”：{message}")
                print(f"合并备份“{file.name}”失败：{message}")
                continue
            print(text)
        with db.reading() as session:
            twins = same_name_branches(session)
    finally:
        db.close()
    if twins:
        print(same_name_text(twins))
    if len(files) > 1:
        print(f"共 {len(files)} 个备份：合并成功 {len(files) - len(failed)} 个，失败 {len(failed)} 个。")
    if failed:
        raise BranchBookError("以下备份未合并（其余已合并的不受影响）：\n" + "\n".join(failed))
    return 0
