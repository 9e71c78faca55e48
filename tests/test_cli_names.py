"""Odd file names through the command line: ``#``, ``?``, ``%``, spaces and Chinese in a
database name work in every command and leave no stray file (SQLite URIs and SQLAlchemy URLs
are built, never formatted); a folder given as a file is called a folder."""

from __future__ import annotations

from pathlib import Path

import pytest

import main
from tests.test_cli_writers import roster_file


def _ok(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main.main(argv)
    captured = capsys.readouterr()
    assert code == 0, (argv, captured.err)
    return captured.out


@pytest.mark.parametrize("name", ["支部 #1.sqlite3", "记录?v=2.sqlite3", "百分%41比 %.sqlite3"])
def test_odd_database_names_work_everywhere(tmp_path: Path, name: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "档案 #?%"
    home.mkdir()
    db = home / name
    usb = tmp_path / "U盘"
    usb.mkdir()
    sheet = roster_file(home / "名册 #?%.xlsx", count=2)
    _ok(["demo", "--db", str(db), "--years", "1", "--members", "10"], capsys)
    assert "检查结果：正常" in _ok(["check", "--db", str(db)], capsys)
    assert "已导入 2 名党员" in _ok(["members", "import", "--db", str(db), str(sheet)], capsys)
    backup = Path(_ok(["backup", "--db", str(db), "--to", str(usb)], capsys).strip().splitlines()[-1])
    _ok(["verify", str(backup)], capsys)
    _ok(["restore", "--db", str(db), str(backup)], capsys)
    _ok(["merge", "--db", str(db), str(backup)], capsys)
    assert "检查结果：正常" in _ok(["check", "--db", str(db)], capsys)
    leftovers = {p.name for p in home.iterdir()} - {db.name, sheet.name, db.name + "-wal", db.name + "-shm"}
    assert leftovers == set(), leftovers  # no file opened under a cut-off name
    assert {p.name for p in tmp_path.iterdir()} == {"档案 #?%", "U盘", "userdata"}


def test_a_folder_given_as_a_file_is_called_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "records.sqlite3"
    _ok(["demo", "--db", str(db), "--years", "1", "--members", "10"], capsys)
    folder = tmp_path / "备份文件夹.bbk"
    folder.mkdir()
    for argv in (["verify", str(folder)], ["restore", "--db", str(db), str(folder)],
                 ["merge", "--db", str(db), str(folder)], ["members", "import", "--db", str(db), str(folder)],
                 ["check", "--db", str(folder)], ["stats", "--db", str(folder), "--year", "2026"],
                 ["backup", "--db", str(folder), "--to", str(tmp_path)]):
        assert main.main(argv) == 1, argv
        err = capsys.readouterr().err
        assert "是一个文件夹" in err and "找不到" not in err, (argv, err)
