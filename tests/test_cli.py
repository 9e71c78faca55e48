"""The command line's contract (SPEC §6): exit codes, Chinese messages, no tracebacks."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

import main

ROOT = Path(__file__).resolve().parent.parent


def test_demo_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "d.sqlite3"
    assert main.main(["demo", "--db", str(db), "--years", "1", "--members", "12", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "已生成演示党支部" in out and "党员 12 名" in out
    assert main.main(["check", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "检查结果：正常" in out and "党员 12" in out


def test_check_refuses_a_text_file_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# 支部工作记录本\n", encoding="utf-8")
    before = hashlib.sha256(readme.read_bytes()).hexdigest()
    assert main.main(["check", "--db", str(readme)]) == 1
    err = capsys.readouterr().err
    assert "不是支部工作记录本的数据库" in err and "Traceback" not in err
    assert hashlib.sha256(readme.read_bytes()).hexdigest() == before


def test_check_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(["check", "--db", str(tmp_path / "nope.sqlite3")]) == 1
    assert "找不到数据库文件" in capsys.readouterr().err
    assert not (tmp_path / "nope.sqlite3").exists()


def test_demo_into_a_used_database_is_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "d.sqlite3"
    assert main.main(["demo", "--db", str(db), "--years", "1", "--members", "10"]) == 0
    assert main.main(["demo", "--db", str(db)]) == 1
    assert "已有记录" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["demo", "--years", "x", "--db", "a.db"], ["nonsense"], ["report", "monthly", "--month", "2026-13", "--out", "x"],
     ["stats"]],
)
def test_usage_errors_exit_2_in_chinese(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main.main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "错误" in err and "用法" in err


def test_real_process_prints_no_traceback(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("hello", encoding="utf-8")
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "check", "--db", str(readme)],
                          capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, timeout=120,
                          check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "Traceback" not in proc.stderr
    assert "不是支部工作记录本的数据库" in proc.stderr


def test_check_reports_old_schema_as_a_note_and_a_broken_log_as_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from models.db import open_database
    from models.roster import create_branch

    old = tmp_path / "old.sqlite3"
    open_database(old, target="0001").close()
    assert main.main(["check", "--db", str(old)]) == 0
    assert "说明：数据版本 0001 较旧" in capsys.readouterr().out

    db_file = tmp_path / "log.sqlite3"
    db = open_database(db_file)
    with db.transaction() as s:
        create_branch(s, "第一党支部")
    db.close()
    con = sqlite3.connect(db_file)
    con.execute("DROP TRIGGER audit_entry_no_update")
    con.execute("UPDATE audit_entry SET summary = '改过'")
    con.commit()
    con.close()
    assert main.main(["check", "--db", str(db_file)]) == 1
    out = capsys.readouterr().out
    assert "问题：操作日志第 1 条起被改动过" in out and "检查结果：发现问题" in out


def test_damaged_database_is_explained_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from models.db import open_database

    damaged = tmp_path / "damaged.sqlite3"
    open_database(damaged).close()
    data = bytearray(damaged.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the first page's b-tree, past the header
    damaged.write_bytes(bytes(data))
    code = main.main(["check", "--db", str(damaged)])
    captured = capsys.readouterr()
    assert code == 1
    text = captured.err + captured.out
    assert "损坏" in text and "malformed" not in text


def test_output_into_a_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    """`stats … | head -1`: the reader went away; no 发生意外错误, no crash log."""
    import os

    db = tmp_path / "d.sqlite3"
    assert main.main(["demo", "--db", str(db), "--years", "1", "--members", "10"]) == 0
    data = tmp_path / "userdata-pipe"
    read_end, write_end = os.pipe()
    os.close(read_end)  # whatever the command prints now meets a closed pipe
    try:
        result = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "stats", "--year", "2026", "--db", str(db)],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120, check=False,
            env={**os.environ, "BRANCHBOOK_DATA_DIR": str(data)})
    finally:
        os.close(write_end)
    assert result.returncode == 0, result.stderr
    assert "意外错误" not in result.stderr and "Traceback" not in result.stderr
    assert not (data / "logs").exists() or not any((data / "logs").iterdir())


@pytest.mark.parametrize("argv", [[], ["--db", "某 支部#1.sqlite3"], ["--db=记录本.sqlite3"],
                                  ["--db", "postgresql+psycopg://zhibu@10.0.0.5:5432/dangwei"]])
def test_the_window_alone_is_read_as_the_full_parser_reads_it(argv: list[str]) -> None:
    """``main.py [--db X]`` skips building every command's parser (fast start) and means the same."""
    quick = main._window_only(argv)
    full = main.build_parser().parse_args(argv)
    assert quick is not None
    assert (quick.db, quick.handler) == (full.db, full.handler) and getattr(full, "writes", None) is None


@pytest.mark.parametrize("argv", [["--db"], ["--db", "-x"], ["--d", "x.sqlite3"], ["check"], ["--db", "a", "b"],
                                  ["--db", "postgresql+psycopg://zhibu:secret@host/db"]])
def test_anything_else_goes_to_the_parser(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main._window_only(argv) is None
    if argv[-1] == "postgresql+psycopg://zhibu:secret@host/db":  # a password on the command line is refused
        with pytest.raises(SystemExit) as stop:
            main.main(argv)
        assert stop.value.code == 2 and "密码" in capsys.readouterr().err
