"""The open window and the command line exclude each other through one lock: a writing
command is refused while the window is open, a USB backup is not; the window refuses to open
while a command writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from models import paths
from models.backup import verify_backup
from models.db import Database
from models.lock import WINDOW_HOLDER
from tests.models.backup_support import populate
from tests.models.test_lock import hold_lock, let_go
from tests.test_cli_writers import roster_file
from tests.ui import gui_support
from ui import msgbox
from ui.startup_checks import on_exit, open_for_gui

ROOT = Path(__file__).resolve().parents[2]


# every message box answers Yes (tests.ui.gui_support.answer)
answer = gui_support.answer
pytestmark = pytest.mark.usefixtures("answer")


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRANCHBOOK_DATA_DIR": str(paths.data_dir())}  # never the real profile
    return subprocess.run([sys.executable, "main.py", *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False, env=env)


def test_open_window_refuses_import_and_allows_usb_backup(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    populate(db)
    db.close()
    sheet = roster_file(tmp_path / "名册.xlsx")
    usb = tmp_path / "usb"
    usb.mkdir()
    window_db = open_for_gui(None, db.path)
    assert window_db is not None
    try:
        refused = _cli("members", "import", "--db", str(db.path), str(sheet))
        assert refused.returncode == 1 and WINDOW_HOLDER in refused.stderr, refused.stderr
        backed_up = _cli("backup", "--db", str(db.path), "--to", str(usb))
        assert backed_up.returncode == 0, backed_up.stderr
        assert verify_backup(Path(backed_up.stdout.strip().splitlines()[-1])).manifest.counts["member"] == 3
    finally:
        on_exit(window_db)
        window_db.close()
    done = _cli("members", "import", "--db", str(db.path), str(sheet))
    assert done.returncode == 0, done.stderr


def test_window_does_not_open_while_a_command_writes(qtbot: QtBot, db: Database) -> None:
    db.close()
    command = hold_lock(db.path, "命令“merge”")
    try:
        assert open_for_gui(None, db.path) is None
        assert "命令“merge”" in msgbox.ASKED[-1] and str(command.pid) in msgbox.ASKED[-1]
    finally:
        let_go(command)
    opened = open_for_gui(None, db.path)
    assert opened is not None
    on_exit(opened)
    opened.close()


def test_error_hook_explains_a_busy_database(tmp_path: Path) -> None:
    from tests.models.test_errors import _real_busy_error

    msgbox.show_error(None, _real_busy_error(tmp_path / "busy.sqlite3"))
    assert "另一个程序" in msgbox.ASKED[-1] and "OperationalError" not in msgbox.ASKED[-1]


def test_window_on_a_full_disk_says_so_and_offers_no_restore(qtbot: QtBot, small_disk: Path) -> None:
    from models.db import open_database
    from tests.conftest import fill_disk

    db_path = small_disk / "records.sqlite3"
    db = open_database(db_path)
    populate(db)
    db.close()
    db_path.with_name(db_path.name + "-shm").write_bytes(b"")  # as a crash on the full disk leaves it
    filler = fill_disk(small_disk)
    assert open_for_gui(None, db_path) is None
    assert "磁盘空间不足" in msgbox.ASKED[-1]
    assert not any("恢复" in text and "是否" in text for text in msgbox.ASKED)
    filler.unlink()
    opened = open_for_gui(None, db_path)
    assert opened is not None
    on_exit(opened)
    opened.close()
