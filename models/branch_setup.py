"""Making a new branch's database (``main.py init``): IT staff prepare PCs for many branches,
and scripts and tests need a database with a branch and its start of records in one step."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from models import paths
from models.db import open_database
from models.errors import BranchBookError, os_error_text, sqlite_error_text
from models.lock import ensure_local
from models.roster import (
    check_branch_name,
    check_records_since,
    create_branch,
    first_of_month,
)
from models.validation import format_date

#: Files SQLite may create beside a database: removed with it when making it fails.
_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class NewBranch:
    path: Path
    branch_id: int
    name: str
    records_since: date

    def describe(self) -> str:
        return (f"已建立党支部“{self.name}”的数据库：{self.path}\n"
                f"建账日期：{format_date(self.records_since)}（此前不计应开会议和缺席）")


def _refuse_existing(path: Path) -> None:
    if path.is_dir():
        raise BranchBookError(f"“{path}”是一个文件夹。请在 --db 中写出新数据库的文件名，"
                              f"例如 {path / '支部.sqlite3'}。", field="db")
    if path.exists():
        raise BranchBookError(f"数据库文件“{path}”已存在，未作任何改动。init 只建立新的数据库："
                              "请换一个文件名；要继续使用这个数据库，直接打开它即可。", field="db")


def _remove_new(path: Path) -> None:
    for suffix in ("", *_SIDE_FILES):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def init_database(path: Path, name: str, superior_org: str = "", records_since: date | None = None) -> NewBranch:
    """Create a database at ``path`` (which must not exist) holding one branch whose records
    start on ``records_since`` (default: the first day of the current month).

    The caller holds the database's writer lock (main.py runs ``init`` as a writing command,
    under models.writing.writing), so nobody else can make the file meanwhile."""
    path = Path(path)
    name = check_branch_name(name)
    since = check_records_since(records_since) or first_of_month()
    _refuse_existing(path)
    ensure_local(path)
    paths.ensure_folder_for(path)
    try:
        db = open_database(path)
        try:
            with db.transaction() as session:
                branch_id = create_branch(session, name, superior_org, records_since=since)
        finally:
            db.close()
    except BaseException as exc:
        _remove_new(path)  # the file is ours: nothing half-made is left behind
        if isinstance(exc, OSError):
            raise BranchBookError(f"无法建立数据库“{path}”（{os_error_text(exc)}）。") from exc
        if isinstance(exc, sqlite3.Error):
            raise BranchBookError(f"无法建立数据库“{path}”（{sqlite_error_text(exc)}）。") from exc
        raise
    return NewBranch(path, branch_id, name, since)
