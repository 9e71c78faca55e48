"""System and SQLite error texts are English; users get Chinese reasons instead."""

from __future__ import annotations

import errno
import sqlite3

from models.errors import os_error_text, sqlite_error_text


def test_os_errors_in_chinese() -> None:
    assert os_error_text(OSError(errno.ENOSPC, "No space left on device")) == "磁盘空间不足"
    assert "U盘" in os_error_text(OSError(errno.EIO, "Input/output error"))
    assert os_error_text(OSError(9999, "Strange")) == "系统错误（代码 9999）"


def test_sqlite_errors_in_chinese() -> None:
    assert sqlite_error_text(sqlite3.DatabaseError("database disk image is malformed")) == "数据库文件已损坏"
    assert sqlite_error_text(sqlite3.OperationalError("database is locked")) == "数据库正被其他程序使用"
    assert sqlite_error_text(sqlite3.DatabaseError("something else")) == "数据库出错"
