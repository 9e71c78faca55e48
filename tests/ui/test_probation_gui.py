"""延长预备期 in the member editor, driven as a secretary would, then read back through the services."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from models import roster
from models.db import Database
from models.enums import MemberCategory
from tests.ui import gui_support
from tests.ui.gui_support import SmallBranch, ime_type
from ui.member_editor import MemberEditor

answer = gui_support.answer
branch = gui_support.branch


def test_probation_extension_is_recorded_shown_and_removed(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                           answer: list) -> None:
    wu = branch.probationary  # joined 2024-06-01, still 预备
    editor = MemberEditor(db, branch.branch_id, wu)
    qtbot.addWidget(editor)
    editor.show()
    box = editor.probation_box
    assert box.isEnabled() and box.current.text().startswith("未延长预备期")
    assert box.from_edit.value() == date(2025, 6, 1)  # the ordinary year ends on the anniversary
    box.until_edit.set_value(date(2026, 7, 1))  # more than a year: refused, nothing written
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    assert box.error.isVisible() and "最长不超过一年" in box.error.text()
    with db.reading() as s:
        assert roster.get_member(s, wu).probation_extension is None
    box.until_edit.set_value(date(2025, 12, 1))
    ime_type(box.note_edit, "2025年5月支部党员大会决议")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    assert not box.error.isVisible()
    assert box.current.text().startswith("延长预备期：2025年6月1日至2025年12月1日（2025年5月支部党员大会决议）")
    assert not box.add_button.isEnabled() and box.delete_button.isEnabled()
    with db.reading() as s:
        during = {r.id: r for r in roster.list_members(s, branch.branch_id, on=date(2025, 9, 1))}
        ext = roster.get_member(s, wu).probation_extension
    assert ext is not None and (ext.start_on, ext.until) == (date(2025, 6, 1), date(2025, 12, 1))
    assert during[wu].category == MemberCategory.PROBATIONARY and not during[wu].can_vote
    assert editor.collect() == editor.snapshot  # nothing left to save in the form
    qtbot.mouseClick(box.delete_button, Qt.MouseButton.LeftButton)  # answered 是 by the fixture
    with db.reading() as s:
        assert roster.get_member(s, wu).probation_extension is None
    assert box.current.text().startswith("未延长预备期") and box.add_button.isEnabled()
