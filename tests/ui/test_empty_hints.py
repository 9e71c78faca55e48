"""A new branch's pages say what to do next, and the words in the hint do it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from models import roster
from models.db import Database
from models.enums import Gender, MemberCategory
from models.roster_import import read_roster
from tests.ui import gui_support
from ui.main_window import MainWindow
from ui.meeting_editor import MeetingEditor

answer = gui_support.answer


def test_empty_pages_offer_the_first_steps(qtbot: QtBot, db: Database, branch_id: int, answer: list,
                                           tmp_path: Path) -> None:
    window = MainWindow(db, branch_id)
    qtbot.addWidget(window)
    window.show()
    meetings = window.meetings_page
    assert meetings.empty_hint.is_shown() and "新建会议" in meetings.empty_hint.text()
    meetings.empty_hint.activate("new")
    assert any(isinstance(w, MeetingEditor) and w.isVisible() for w in QApplication.topLevelWidgets())
    meetings.empty_hint.activate("roster")
    assert window.current_view() == "roster"

    page = window.roster_page
    hint = page.empty_hint
    assert hint.is_shown()
    for words in ("导入名册", "下载名册模板", "新建党员", "建立党小组"):
        assert words in hint.text()
    template = page.save_template(tmp_path / "党员名册模板.xlsx")
    assert template is not None
    with db.reading() as s:  # the template is what the import reads: one example row, no problem
        preview = read_roster(s, branch_id, template)
    assert [(r.member.name if r.member else None, r.problems) for r in preview.rows] == [("张示例", [])]

    with db.transaction() as s:
        roster.create_member(s, branch_id, roster.MemberInput(
            name="第一人", gender=Gender.FEMALE, joined_on=date(2010, 7, 1), category=MemberCategory.FULL))
    page.reload()
    assert not hint.is_shown()  # a list with people in it needs no hint

    notes = window.notes_page
    assert notes.empty_hint.is_shown() and "心得体会" in notes.empty_hint.text()
    notes.empty_hint.activate("new")
    assert notes.title_edit.hasFocus() or QApplication.focusWidget() is None
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog):
            widget.close()
