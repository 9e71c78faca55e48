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
