"""The roster import dialog: 导入 stays disabled while any row has a problem."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from models import roster
from tests.models.test_roster_import import ROWS, messy_workbook
from ui import msgbox
from ui.roster_import_dialog import RosterImportDialog


@pytest.fixture(autouse=True)
def _no_modal_boxes():
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Ok
    yield
    msgbox.AUTO_ANSWER = None


def test_problems_block_import_clean_sheet_imports(qtbot, db, branch_id, tmp_path):
    dialog = RosterImportDialog(db, branch_id)
    qtbot.addWidget(dialog)
    dialog.load(messy_workbook(tmp_path / "bad.xlsx"))
    model = dialog.model
    flagged = [model.index(r, 0).data() for r in range(model.rowCount()) if model.rows[r].problems]
    assert flagged == ["8", "9", "10"]
    assert any("校验位" in model.index(r, 8).data() for r in range(model.rowCount()))
    assert not dialog.import_button.isEnabled()
    assert "3 行有问题" in dialog.summary.text()

    dialog.load(messy_workbook(tmp_path / "good.xlsx", ROWS[:4]))
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=1000) as signal:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert signal.args == [4]
    with db.reading() as s:
        assert len(roster.list_members(s, branch_id)) == 4
