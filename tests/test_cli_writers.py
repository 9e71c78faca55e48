"""Writing commands share the window's lock and refuse a damaged database; reading commands
work while the window is open; a full disk is explained in Chinese and never locks anyone out."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import main
from models import paths
from models.backup import create_backup, verify_backup
from models.db import open_database
from models.lock import WINDOW_HOLDER, lock_path
from tests.conftest import fill_disk
from tests.models.backup_support import file_sha, populate, table_digests
from tests.models.test_lock import hold_lock, let_go

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["序号", "姓名", "性别", "出生日期", "民族", "身份证号", "入党时间", "转正时间", "党员类别", "所在党小组", "联系电话"]


def roster_file(path: Path, count: int = 3) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for i in range(count):
        ws.append([i + 1, f"新党员{i}", "女", "1990.01.02", "汉族", "", "2019.07.01", "2020.07.01", "正式", "", ""])
    wb.save(path)
    return path


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    path = tmp_path / "records.sqlite3"
    db = open_database(path)
    populate(db, members=3, meetings=2)
    db.close()
    return path


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.err


def test_every_writing_command_is_refused_while_the_window_writes(
        filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.sqlite3"
    other_db = open_database(other)
    populate(other_db, name="第二党支部", meetings=1)
    other_db.close()
    backup = create_backup(other, tmp_path).path
    sheet = roster_file(tmp_path / "名册.xlsx")
    before = table_digests(filled)
    window = hold_lock(filled, WINDOW_HOLDER)
    try:
        for argv in (["members", "import", "--db", str(filled), str(sheet)],
                     ["merge", "--db", str(filled), str(backup)],
                     ["restore", "--db", str(filled), str(backup)],
                     ["demo", "--db", str(filled), "--years", "1", "--members", "5"]):
            assert main.main(argv) == 1, argv
            err = _err(capsys)
            assert WINDOW_HOLDER in err and str(window.pid) in err, err
        assert main.main(["members", "import", "--db", str(filled), str(sheet), "--dry-run"]) == 0
    finally:
        let_go(window)
    assert table_digests(filled) == before
    assert main.main(["members", "import", "--db", str(filled), str(sheet)]) == 0
    assert "已导入 3 名党员" in capsys.readouterr().out


def test_a_command_writing_holds_the_lock_against_the_window(filled: Path, tmp_path: Path) -> None:
    """A slow import holds the lock while it runs (another process sees it, named)."""
    sheet = roster_file(tmp_path / "名册.xlsx", count=1)
    child = hold_lock(filled, "命令“members import”")
    try:
        done = subprocess.run([sys.executable, "main.py", "merge", "--db", str(filled), str(sheet)],
                              cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
                              env={**os.environ, "BRANCHBOOK_DATA_DIR": str(paths.data_dir())})
    finally:
        let_go(child)
    assert done.returncode == 1 and "命令“members import”" in done.stderr


def test_reading_commands_work_while_the_window_is_open(
        filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    window = hold_lock(filled, WINDOW_HOLDER)
    try:
        assert main.main(["backup", "--db", str(filled), "--to", str(usb)]) == 0, _err(capsys)
        made = Path(capsys.readouterr().out.strip().splitlines()[-1])
        assert verify_backup(made).manifest.counts["meeting"] == 2
        assert main.main(["verify", str(made)]) == 0
        assert main.main(["check", "--db", str(filled)]) == 0
        assert main.main(["stats", "--db", str(filled), "--year", "2026"]) == 0
        assert main.main(["members", "export", "--db", str(filled), str(tmp_path / "导出.xlsx")]) == 0
        assert main.main(["report", "minutes", "--db", str(filled), "--meeting", "1",
                          "--out", str(tmp_path / "m.pdf")]) == 0
    finally:
        let_go(window)
    assert (tmp_path / "导出.xlsx").is_file() and (tmp_path / "m.pdf").is_file()


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(2 * 4096, len(data) - 4096, 4096):
        data[offset + 100: offset + 400] = b"\xff" * 300
    path.write_bytes(bytes(data))


def test_writing_commands_refuse_a_damaged_database(
        filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = roster_file(tmp_path / "名册.xlsx")
    good = create_backup(filled, tmp_path).path
    _damage(filled)
    damaged = file_sha(filled)
    for argv in (["members", "import", "--db", str(filled), str(sheet)],
                 ["demo", "--db", str(filled), "--years", "1"],
                 ["merge", "--db", str(filled), str(good)]):
        assert main.main(argv) == 1, argv
        err = _err(capsys)
        assert "已损坏" in err and "restore" in err and "check" in err, err
        assert file_sha(filled) == damaged
    assert main.main(["restore", "--db", str(filled), str(good)]) == 0  # the cure is never refused
    assert main.main(["members", "import", "--db", str(filled), str(sheet)]) == 0


# --- a full disk (the small_disk fixture and fill_disk are in tests/conftest.py) ------------


def test_full_disk_is_explained_and_never_locks_anyone_out(
        small_disk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = small_disk / "records.sqlite3"
    db = open_database(db_path)
    populate(db, members=3, meetings=2)
    db.close()
    before = table_digests(db_path)
    sheet = roster_file(tmp_path / "名册.xlsx", count=200)
    filler = fill_disk(small_disk)
    # a holder killed on the full disk leaves an empty lock file behind
    child = hold_lock(db_path, WINDOW_HOLDER)
    assert lock_path(db_path).stat().st_size == 0
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert child.stdin is not None and child.stdout is not None
    child.stdin.close()
    child.stdout.close()
    code = main.main(["members", "import", "--db", str(db_path), str(sheet)])
    err = _err(capsys)
    assert code == 1 and "磁盘空间不足" in err and "腾出" in err, err
    assert "OperationalError" not in err and "意外" not in err
    usb = tmp_path / "usb"
    usb.mkdir()
    assert main.main(["backup", "--db", str(db_path), "--to", str(usb)]) == 0, _err(capsys)
    assert table_digests(db_path) == before
    # a reader that cannot grow the WAL index (-shm) gets SQLite's “disk I/O error”: that is the
    # full disk too, not a damaged file — restoring a backup would not help
    os.truncate(db_path.with_name(db_path.name + "-shm"), 0)
    top_up = fill_disk(small_disk, "top-up.bin")  # whatever the failed import gave back
    for argv in (["check", "--db", str(db_path)], ["members", "import", "--db", str(db_path), str(sheet)]):
        assert main.main(argv) == 1
        err = _err(capsys)
        assert "磁盘空间不足" in err and "从备份恢复" not in err and "损坏" not in err, err
    filler.unlink()  # space freed: everything works again, nothing to clean up by hand
    top_up.unlink()
    assert main.main(["members", "import", "--db", str(db_path), str(sheet)]) == 0, _err(capsys)
    assert "已导入 200 名党员" in capsys.readouterr().out
    assert not lock_path(db_path).exists()


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.Namespace]:
    """Every runnable (sub)command with its defaults, e.g. {"members import": …}."""
    found: dict[str, argparse.Namespace] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                inner = _commands(sub, f"{prefix}{name} ")
                found.update(inner or {f"{prefix}{name}": argparse.Namespace(**sub._defaults)})
    return found


def test_every_command_is_either_reading_or_marked_as_writing() -> None:
    """A new command must be sorted: reading ones work while the window is open (SPEC §6);
    anything else writes and must carry main.Writes so that it takes the lock."""
    reading = {"report minutes", "report signin", "report monthly", "report annual", "stats", "backup",
               "verify", "members export", "check", "attendance scan", "report committee", "branches list",
               "server roles"}
    for name, defaults in _commands(main.build_parser()).items():
        writes = getattr(defaults, "writes", None)
        if name in reading:
            assert writes is None, f"“{name}” only reads: it must not take the writer lock"
        else:
            assert isinstance(writes, main.Writes), f"“{name}” writes: mark it with main.Writes"
