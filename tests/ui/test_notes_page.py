"""学习笔记 page: write, edit, refuse and delete study notes through the widgets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from models import notes
from models.db import Database
from models.enums import MeetingType
from tests.ui import gui_support
from tests.ui.gui_support import SmallBranch, add_meeting, ime_type, retype
from ui import msgbox
from ui.notes_page import NotesPage

# shared fixtures (see gui_support)
answer = gui_support.answer
branch = gui_support.branch

DAY = date.today() - timedelta(days=2)


@pytest.fixture
def page(qtbot: QtBot, db: Database, branch: SmallBranch) -> NotesPage:
    add_meeting(db, branch.branch_id, MeetingType.PARTY_LECTURE, DAY, "书记讲党课")
    widget = NotesPage(db, branch.branch_id)
    qtbot.addWidget(widget)
    widget.year_filter.setCurrentIndex(0)  # 全部年份 (DAY may fall in last year)
    widget.show()
    return widget


def test_write_a_note_for_a_member_and_a_meeting(qtbot: QtBot, page: NotesPage, db: Database,
                                                 branch: SmallBranch, answer: list) -> None:
    page.member_combo.setCurrentIndex(page.member_combo.findText("赵一"))
    page.date_edit.set_value(DAY)
    page.meeting_combo.setCurrentIndex(page.meeting_combo.findText(f"{DAY.isoformat()} 书记讲党课"))
    ime_type(page.title_edit, "学习党章心得")
    ime_type(page.material_edit, "《中国共产党章程》")
    ime_type(page.content_edit, "通过学习，进一步增强了党章意识。")
    page.hours_spin.setValue(2.5)
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    with db.reading() as s:
        rows = notes.list_notes(s, branch.branch_id)
    assert len(rows) == 1
    note = rows[0]
    assert (note.title, note.member_name, note.meeting_title, note.hours, note.studied_on) == (
        "学习党章心得", "赵一", "书记讲党课", 2.5, DAY)
    assert note.material == "《中国共产党章程》" and "党章意识" in note.content
    assert page.model.rowCount() == 1 and page.model.index(0, 2).data() == "赵一"

    retype(page.title_edit, "学习党章心得（修改）")
    assert page.save()
    with db.reading() as s:
        assert [n.title for n in notes.list_notes(s, branch.branch_id)] == ["学习党章心得（修改）"]


def test_refused_note_shows_why_next_to_the_field(qtbot: QtBot, page: NotesPage, db: Database,
                                                  branch: SmallBranch, answer: list) -> None:
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert not page.errors["title"].isHidden()
    assert page.errors["title"].text() == "标题不能为空，请填写学习笔记的标题。"
    ime_type(page.title_edit, "未来的笔记")
    page.date_edit.set_value(date.today() + timedelta(days=5))
    assert not page.save()
    assert page.errors["title"].isHidden() and "不能晚于今天" in page.errors["studied_on"].text()
    with db.reading() as s:
        assert notes.list_notes(s, branch.branch_id) == []


def test_select_search_and_delete(qtbot: QtBot, page: NotesPage, db: Database, branch: SmallBranch,
                                  answer: list) -> None:
    for title in ("学习两会精神", "学习党纪条例"):
        page.new_note()
        ime_type(page.title_edit, title)
        page.date_edit.set_value(DAY)
        assert page.save()
    assert page.model.rowCount() == 2
    ime_type(page.search_box, "党纪")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.table.selectRow(0)
    assert page.title_edit.text() == "学习党纪条例" and page.delete_button.isEnabled()
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.No
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    with db.reading() as s:
        assert len(notes.list_notes(s, branch.branch_id)) == 2
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    with db.reading() as s:
        assert [n.title for n in notes.list_notes(s, branch.branch_id)] == ["学习两会精神"]
    assert page.title_edit.text() == "" and page.state_label.text() == "新建学习笔记"


def test_choosing_a_note_shows_its_own_meeting_or_none(qtbot: QtBot, page: NotesPage, db: Database,
                                                      branch: SmallBranch, answer: list) -> None:
    lecture = page.meeting_combo.findText(f"{DAY.isoformat()} 书记讲党课")
    for title, with_meeting in (("随会议学习", True), ("自学笔记", False)):
        page.new_note()
        ime_type(page.title_edit, title)
        page.date_edit.set_value(DAY)
        if with_meeting:
            page.meeting_combo.setCurrentIndex(lecture)
        assert page.save()
    by_title = {page.model.rows[r].title: r for r in range(page.model.rowCount())}
    page.table.selectRow(by_title["随会议学习"])
    assert page.meeting_combo.currentText() == f"{DAY.isoformat()} 书记讲党课"
    page.table.selectRow(by_title["自学笔记"])  # not the meeting of the note shown before
    assert page.meeting_combo.currentText() == "（无）"


def test_meetings_saved_elsewhere_reach_the_meeting_list(page: NotesPage, db: Database,
                                                         branch: SmallBranch) -> None:
    add_meeting(db, branch.branch_id, MeetingType.THEME_DAY, DAY, "主题党日")
    page.refresh_meetings()
    assert page.meeting_combo.findText(f"{DAY.isoformat()} 主题党日") > 0
