"""党小组管理: 新建党小组 never copies the selected group's name into a duplicate."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from models import roster
from models.db import Database
from tests.ui import gui_support
from tests.ui.gui_support import SmallBranch, ime_type
from ui.groups_dialog import GroupsDialog

answer = gui_support.answer
branch = gui_support.branch


def _names(db: Database, branch_id: int) -> list[str]:
    with db.reading() as s:
        return sorted(g.name for g in roster.list_groups(s, branch_id))


def test_new_group_starts_blank_instead_of_reusing_the_selected_name(qtbot: QtBot, db: Database,
                                                                     branch: SmallBranch, answer: list) -> None:
    dialog = GroupsDialog(db, branch.branch_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.list.setCurrentRow(0)
    assert dialog.name_edit.text() == "第一党小组"
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isHidden() and dialog.name_edit.text() == "" and dialog.list.currentRow() == -1
    assert _names(db, branch.branch_id) == ["第一党小组", "第二党小组"]
    ime_type(dialog.name_edit, "第三党小组")
    dialog.leader_combo.setCurrentIndex(dialog.leader_combo.findText("孙三"))
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isHidden()
    assert _names(db, branch.branch_id) == ["第一党小组", "第三党小组", "第二党小组"]
    with db.reading() as s:
        third = next(g for g in roster.list_groups(s, branch.branch_id) if g.name == "第三党小组")
    assert third.leader_name == "孙三"
