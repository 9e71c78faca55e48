"""回收站 in the window: a deleted meeting comes back to the list and the database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from models.db import Database
from models.entities import Meeting
from models.enums import MeetingType
from tests.ui import gui_support
from tests.ui.gui_support import SmallBranch, add_meeting
from ui import msgbox
from ui.main_window import MainWindow
from ui.recycle_dialog import RecycleDialog

answer = gui_support.answer
branch = gui_support.branch

DAY = date.today() - timedelta(days=1)
SHOT = __import__("os").environ.get("RECYCLE_SHOT")


@pytest.fixture
def window(qtbot: QtBot, db: Database, branch: SmallBranch, answer: list) -> MainWindow:
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    return win


def test_delete_a_meeting_then_restore_it_from_the_recycle_bin(
        qtbot: QtBot, db: Database, branch: SmallBranch, window: MainWindow) -> None:
    mid = add_meeting(db, branch.branch_id, MeetingType.GENERAL_ASSEMBLY, DAY, "支部党员大会：回收站测试")
    with db.reading() as s:
        uuid = s.get_one(Meeting, mid).uuid
    window.meetings_page.reload()
    assert window.meetings_page.model.total() == 1
    editor = window.open_meeting(mid)
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert any("回收站" in text for text in msgbox.ASKED)
    qtbot.waitUntil(lambda: window.meetings_page.model.total() == 0)

    window.recycle_action.trigger()
    dialog = next(d for d in window.findChildren(RecycleDialog) if d.isVisible())
    assert dialog.table.rowCount() == 1
    dialog.grab().save(str(SHOT)) if SHOT else None
    assert dialog.table.item(0, 0).text().startswith("支部党员大会：回收站测试")
    assert (dialog.table.item(0, 1).text(), dialog.table.item(0, 3).text()) == ("会议", "30 天")
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 0 and not dialog.restore_button.isEnabled()
    assert window.meetings_page.model.total() == 1
    with db.reading() as s:
        assert s.scalar(select(Meeting.title).where(Meeting.uuid == uuid)) == "支部党员大会：回收站测试"
    dialog.close()
