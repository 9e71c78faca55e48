"""The one gate every command that writes passes (main.py marks those commands).

:func:`writing` takes the database's writer lock (models.lock.InstanceLock — the one the
window holds while it is open), so a command is refused, naming the holder, while another
program writes; then it runs SQLite's quick check, so nothing is written into a damaged
file (restore, the cure for a damaged file, skips the check).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from models.db import is_sqlite_file, readonly_uri
from models.errors import (
    BranchBookError,
    DatabaseFileError,
    explain,
    is_damage,
    sqlite_error_text,
)
from models.lock import InstanceLock


def damaged_message(path: Path, reason: str) -> str:
    return (f"数据库“{path.name}”已损坏（{reason}），为免损坏扩大，本次没有写入任何内容。"
            "请先运行 check 命令查看详情，再用 restore 命令从最近的完好备份恢复。")


def refuse_if_damaged(path: Path) -> None:
    """Raise DatabaseFileError unless ``path`` (if it is an SQLite file) passes quick_check."""
    if not is_sqlite_file(path):
        return  # missing, empty or foreign: opening the database explains it
    try:
        con = sqlite3.connect(readonly_uri(path), uri=True, timeout=5)
        try:
            result = [row[0] for row in con.execute("PRAGMA quick_check")]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):  # a full disk, a busy file: say so, and write nothing
            raise BranchBookError(explain(exc, near=path) or
                                  f"数据库“{path.name}”暂时无法检查（{sqlite_error_text(exc)}），未写入任何内容。") from exc
        raise DatabaseFileError(damaged_message(path, sqlite_error_text(exc))) from exc
    if result != ["ok"]:
        raise DatabaseFileError(damaged_message(path, f"快速检查发现 {len(result)} 处问题"))


@contextmanager
def writing(db_path: Path, holder: str, *, creates: bool = False, check: bool = True) -> Iterator[None]:
    """Hold the writer lock of ``db_path`` for the block, after checking the file is sound.

    ``creates``: the command may make the database (demo, init, restore); otherwise a
    missing database is refused here with a Chinese message."""
    db_path = Path(db_path)
    if db_path.is_dir():
        raise BranchBookError(f"“{db_path}”是一个文件夹，不是数据库文件。请用 --db 指定数据库文件。", field="db")
    if not creates and not db_path.is_file():
        raise BranchBookError(f"找不到数据库文件“{db_path}”。请用 --db 指定正确的数据库文件。", field="db")
    with InstanceLock(db_path, holder):
        if check:
            refuse_if_damaged(db_path)
        yield
