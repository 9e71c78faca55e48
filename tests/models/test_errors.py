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


def _real_busy_error(path) -> BaseException:
    """A write refused because another connection is writing (what a second program meets)."""
    from sqlalchemy import create_engine, text

    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("CREATE TABLE t (x)")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES (1)")
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (2)"))
    except Exception as exc:  # noqa: BLE001 - the error itself is what is tested
        return exc
    finally:
        engine.dispose()
        writer.execute("ROLLBACK")
        writer.close()
    raise AssertionError("no error")


def _real_full_error(path) -> BaseException:
    """SQLITE_FULL from a real database that may not grow (as on a full disk)."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.execute("PRAGMA max_page_count=3")
    try:
        con.execute("INSERT INTO t VALUES (zeroblob(100000))")
    except sqlite3.Error as exc:
        return exc
    finally:
        con.close()
    raise AssertionError("no error")


def test_full_disk_and_busy_database_get_cause_and_fix(tmp_path) -> None:
    from models.errors import explain

    busy = explain(_real_busy_error(tmp_path / "busy.sqlite3"))
    assert busy is not None and "另一个程序" in busy and "关闭" in busy
    full = explain(_real_full_error(tmp_path / "full.sqlite3"))
    assert full is not None and "磁盘空间不足" in full and "腾出" in full
    assert explain(OSError(errno.ENOSPC, "No space left on device")) == full
    assert explain(ValueError("a bug")) is None  # a real bug still gets the error report


def test_import_meeting_another_programs_write_says_so_in_chinese(tmp_path, capsys) -> None:
    """Another program (here the sqlite3 module, as a DB tool would) keeps a write open:
    the import waits its few seconds, then says who is in the way and what to do."""
    import main
    from models.db import open_database
    from tests.models.backup_support import populate
    from tests.test_cli_writers import roster_file

    path = tmp_path / "records.sqlite3"
    db = open_database(path)
    populate(db)
    db.close()
    sheet = roster_file(tmp_path / "名册.xlsx")
    tool = sqlite3.connect(path, isolation_level=None)
    tool.execute("BEGIN IMMEDIATE")
    try:
        assert main.main(["members", "import", "--db", str(path), str(sheet)]) == 1
    finally:
        tool.execute("ROLLBACK")
        tool.close()
    err = capsys.readouterr().err
    assert "另一个程序" in err and "OperationalError" not in err and "意外" not in err, err
