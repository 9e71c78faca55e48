"""The 备份与恢复 page shows open merge conflicts; the secretary reads the other version and
marks it 已处理 — through real widgets."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from models.backup import create_backup
from models.conflicts import list_conflicts
from models.db import Database
from models.entities import Meeting
from models.meetings import finalize_meeting
from models.merge import merge_backup
from tests.models.backup_support import populate
from tests.ui import gui_support
from tests.ui.gui_support import ime_type
from ui.backup_page import BackupPage

# every message box answers Yes (tests.ui.gui_support.answer)
answer = gui_support.answer
pytestmark = pytest.mark.usefixtures("answer")


def _conflict(db: Database, tmp_path: Path) -> int:
    branch_id = populate(db, members=3, meetings=1)
    with db.transaction() as s:
        meeting = s.get_one(Meeting, 1)
        meeting.host, meeting.recorder = "张书记", "李委员"
    db.close()
    other = tmp_path / "other.sqlite3"
    shutil.copy(db.path, other)
    with db.transaction() as s:
        finalize_meeting(s, 1, today=date(2027, 1, 1))
    from models.db import open_database

    theirs = open_database(other)
    with theirs.transaction() as s:
        s.get_one(Meeting, 1).minutes = "对方电脑上的另一份记录"
    theirs.close()
    backup = create_backup(other, tmp_path).path
    merge_backup(db, backup)
    return branch_id


def test_page_shows_conflicts_and_they_can_be_resolved(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    branch_id = _conflict(db, tmp_path)
    page = BackupPage(db, branch_id)
    qtbot.addWidget(page)
    page.show()
    assert page.conflicts.isVisible() and "有 1 条合并冲突" in page.conflicts.label.text()
    qtbot.mouseClick(page.conflicts.view_button, Qt.MouseButton.LeftButton)
    dialog = page.conflicts.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert "对方电脑上的另一份记录" in dialog.other.toPlainText()
    qtbot.mouseClick(dialog.resolve_button, Qt.MouseButton.LeftButton)  # no note: refused
    with db.reading() as s:
        assert len(list_conflicts(s)) == 1
    ime_type(dialog.note, "已核对，以本机定稿为准")
    qtbot.mouseClick(dialog.resolve_button, Qt.MouseButton.LeftButton)
    with db.reading() as s:
        assert list_conflicts(s) == [] and list_conflicts(s, include_resolved=True)[0].resolved
    dialog.accept()
    qtbot.waitUntil(lambda: not page.conflicts.isVisible())
