"""A restore, a merge or the recycle bin makes every page read the records again: a study note
or a meeting's minutes being typed is asked about first (保存 / 不保存 / 取消), never dropped."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from models import notes
from models.backup import create_backup
from models.db import Database, open_database
from models.entities import Meeting, StudyNote
from models.enums import MeetingType
from models.roster import create_branch
from tests.ui import gui_support
from tests.ui.gui_support import SmallBranch, add_meeting, ime_type
from ui import msgbox
from ui.main_window import MainWindow
from ui.meeting_editor import MeetingEditor

answer = gui_support.answer
branch = gui_support.branch

YES, SAVE, CANCEL = (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Save,
                     QMessageBox.StandardButton.Cancel)
DAY = date.today() - timedelta(days=2)


@pytest.fixture
def window(qtbot: QtBot, db: Database, branch: SmallBranch, answer: list) -> MainWindow:
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    return win


def _type_a_note(window: MainWindow) -> None:
    window.show_view("notes")
    page = window.notes_page
    page.new_note()
    ime_type(page.title_edit, "正在写的心得")
    ime_type(page.content_edit, "学习了支部工作条例，体会是")
    assert page.is_dirty()


def _type_minutes(window: MainWindow, meeting_id: int) -> MeetingEditor:
    editor = window.open_meeting(meeting_id)
    ime_type(editor.minutes_edit, "王书记传达了上级精神，")
    assert editor.is_dirty()
    return editor


def _count(db: Database, what: type) -> int:
    with db.reading() as s:
        return s.scalar(select(func.count()).select_from(what)) or 0


def test_a_restore_asks_before_dropping_typing_and_cancel_keeps_everything(
        qtbot: QtBot, window: MainWindow, db: Database, branch: SmallBranch, tmp_path: Path) -> None:
    backup = create_backup(db.path, tmp_path).path
    meeting = add_meeting(db, branch.branch_id, MeetingType.COMMITTEE, DAY, "备份之后的支委会")
    _type_a_note(window)
    editor = _type_minutes(window, meeting)
    page = window.backup_page
    msgbox.QUEUED_ANSWERS[:] = [YES, CANCEL]  # 确定要恢复吗？ yes; the minutes being typed: 取消
    page.restore(backup)
    qtbot.waitUntil(lambda: page.outcome.text() == "已取消恢复，数据库未改动。", timeout=20000)
    assert "会议记录有未保存的修改，是否保存？" in msgbox.ASKED
    assert editor.isVisible() and "王书记传达了上级精神" in editor.minutes_edit.toPlainText()
    assert window.notes_page.title_edit.text() == "正在写的心得"
    assert _count(db, Meeting) == 1  # not restored

    # 不保存 for both: now the restore goes ahead, having asked about each
    msgbox.ASKED.clear()
    discard = QMessageBox.StandardButton.Discard
    msgbox.QUEUED_ANSWERS[:] = [YES, discard, discard]
    with qtbot.waitSignal(page.database_replaced, timeout=20000):
        page.restore(backup)
    assert "会议记录有未保存的修改，是否保存？" in msgbox.ASKED
    assert "学习笔记“正在写的心得”有未保存的修改，是否保存？" in msgbox.ASKED
    assert _count(db, Meeting) == 0 and not [e for e in window.findChildren(MeetingEditor) if e.isVisible()]


def test_a_merge_saves_the_typing_first_when_asked_to(qtbot: QtBot, window: MainWindow, db: Database,
                                                      branch: SmallBranch, tmp_path: Path) -> None:
    other = open_database(tmp_path / "other.sqlite3")
    with other.transaction() as s:
        create_branch(s, "第二党支部", "中共测试局机关委员会", date(2001, 7, 1))
    other_backup = create_backup(other.path, tmp_path).path
    other.close()
    meeting = add_meeting(db, branch.branch_id, MeetingType.COMMITTEE, DAY, "正在记录的支委会")
    _type_a_note(window)
    _type_minutes(window, meeting)
    msgbox.QUEUED_ANSWERS[:] = [YES, SAVE, SAVE]
    with qtbot.waitSignal(window.backup_page.database_replaced, timeout=20000):
        window.backup_page.merge(other_backup)
    with db.reading() as s:
        assert "王书记传达了上级精神" in s.get_one(Meeting, meeting).minutes
        assert s.scalar(select(StudyNote.content).where(StudyNote.title == "正在写的心得")) == \
            "学习了支部工作条例，体会是"


def test_the_recycle_bin_asks_before_a_restore_reloads_the_pages(qtbot: QtBot, window: MainWindow,
                                                                 db: Database, branch: SmallBranch) -> None:
    with db.transaction() as s:
        gone = notes.create_note(s, branch.branch_id, notes.NoteInput(studied_on=DAY, title="删掉的笔记"))
        notes.delete_note(s, gone)
    _type_a_note(window)
    dialog = window.open_recycle_bin()
    msgbox.QUEUED_ANSWERS[:] = [CANCEL]
    dialog.restore_selected()
    assert dialog.table.rowCount() == 1 and _count(db, StudyNote) == 0
    assert window.notes_page.title_edit.text() == "正在写的心得"
    msgbox.QUEUED_ANSWERS[:] = [SAVE]
    dialog.restore_selected()
    assert dialog.table.rowCount() == 0
    with db.reading() as s:
        assert set(s.scalars(select(StudyNote.title))) == {"删掉的笔记", "正在写的心得"}
    dialog.close()


def test_a_damaged_file_found_while_typing_asks_before_the_backup_replaces_it(qtbot: QtBot, db: Database,
                                                                            answer: list) -> None:
    """The routine check finds the file damaged after the window is up: the offered restore
    asks about the note being typed first; 取消 keeps the window (and the typing) as it is."""
    from models.autobackup import auto_backup
    from models.integrity import mark_clean_close
    from tests.models.backup_support import populate
    from tests.ui.test_backup_page import _damage_index
    from ui.startup_checks import (
        on_exit,
        open_for_gui,
        release_lock,
        start_routine_check,
    )

    populate(db, members=20, meetings=20, minutes="记录" * 3000)
    db.close()
    auto_backup(db.path)
    mark_clean_close(db.path)
    _damage_index(db.path, "ix_attendance_member")  # not read to show the window
    damaged = open_for_gui(None, db.path)
    assert damaged is not None
    window = MainWindow(damaged)
    qtbot.addWidget(window)
    window.show()
    _type_a_note(window)
    reloaded: list[bool] = []
    msgbox.QUEUED_ANSWERS[:] = [YES, CANCEL]  # restore from the backup? yes; the note: 取消
    start_routine_check(window, damaged, lambda: reloaded.append(True), may_replace=window.confirm_discard_typing)
    qtbot.waitUntil(lambda: any("正在写的心得" in q for q in msgbox.ASKED), timeout=30000)
    qtbot.wait(200)
    assert not reloaded and window.notes_page.title_edit.text() == "正在写的心得"
    on_exit(damaged, backup=False)
    damaged.close()
    release_lock(db.path)
