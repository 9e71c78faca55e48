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


def _saved_titles(db: Database, branch: SmallBranch) -> list[str]:
    with db.reading() as s:
        return sorted(n.title for n in notes.list_notes(s, branch.branch_id))


def test_typing_is_not_lost_when_another_note_is_clicked(qtbot: QtBot, page: NotesPage, db: Database,
                                                         branch: SmallBranch, answer: list) -> None:
    for title in ("第一篇", "第二篇"):
        page.new_note()
        ime_type(page.title_edit, title)
        page.date_edit.set_value(DAY)
        assert page.save()
    rows = {page.model.rows[r].title: r for r in range(page.model.rowCount())}
    page.table.selectRow(rows["第一篇"])
    ime_type(page.content_edit, "写了一半的心得")
    msgbox.ASKED.clear()

    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Cancel  # 取消: stay on the note being typed
    page.table.selectRow(rows["第二篇"])
    assert msgbox.ASKED == ["学习笔记“第一篇”有未保存的修改，是否保存？"]
    assert page.title_edit.text() == "第一篇" and page.content_edit.toPlainText() == "写了一半的心得"
    assert [i.row() for i in page.table.selectionModel().selectedRows()] == [rows["第一篇"]]

    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Save  # 保存: written, then the other note shows
    page.table.selectRow(rows["第二篇"])
    assert page.title_edit.text() == "第二篇"
    with db.reading() as s:
        first = next(n for n in notes.list_notes(s, branch.branch_id) if n.title == "第一篇")
    assert first.content == "写了一半的心得"

    msgbox.ASKED.clear()  # nothing typed since: no question
    rows = {page.model.rows[r].title: r for r in range(page.model.rowCount())}
    page.table.selectRow(rows["第一篇"])
    assert msgbox.ASKED == [] and page.content_edit.toPlainText() == "写了一半的心得"


def test_new_note_asks_before_dropping_typing(qtbot: QtBot, page: NotesPage, db: Database,
                                              branch: SmallBranch, answer: list) -> None:
    ime_type(page.title_edit, "未保存的笔记")
    page.date_edit.set_value(DAY)
    msgbox.ASKED.clear()
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Cancel
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert len(msgbox.ASKED) == 1 and page.title_edit.text() == "未保存的笔记"
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Discard  # 不保存: the form empties, nothing written
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert page.title_edit.text() == "" and _saved_titles(db, branch) == []
    ime_type(page.title_edit, "这次要保存")
    page.date_edit.set_value(DAY)
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Save
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert _saved_titles(db, branch) == ["这次要保存"] and page.title_edit.text() == ""


def test_a_refused_save_keeps_the_typing_on_screen(qtbot: QtBot, page: NotesPage, db: Database,
                                                   branch: SmallBranch, answer: list) -> None:
    ime_type(page.content_edit, "只有内容，没有标题")
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Save
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert page.content_edit.toPlainText() == "只有内容，没有标题"
    assert not page.errors["title"].isHidden() and _saved_titles(db, branch) == []
