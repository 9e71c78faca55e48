"""建账日期 in the window: asked on first run and in 设置, shown as 未建账 on the 统计与提醒 page."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from models.db import Database
from models.enums import BranchRole, MeetingType
from models.roster import list_branches
from tests.models.factories import member
from tests.ui.gui_support import ime_type
from ui import msgbox
from ui.first_run import BranchDialog
from ui.settings_dialog import SettingsDialog
from ui.stats_page import StatsPage


@pytest.fixture(autouse=True)
def _no_modal_boxes():
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Ok
    yield
    msgbox.AUTO_ANSWER = None


def test_first_run_asks_for_the_start_of_records(qtbot: QtBot, db: Database) -> None:
    dialog = BranchDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.since_edit.value() == date.today().replace(day=1)  # default: the first of this month
    ime_type(dialog.name_edit, "中共某某局机关第一党支部")
    dialog.since_edit.setDate(QDate(1900, 1, 1))
    dialog.accept()
    assert not dialog.since_error.isHidden() and "建账日期" in dialog.since_error.text()
    assert dialog.branch_id is None
    with db.reading() as s:
        assert list_branches(s) == []  # nothing written
    dialog.since_edit.setDate(QDate(2026, 11, 1))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.result() == BranchDialog.DialogCode.Accepted and dialog.since_error.isHidden()
    with db.reading() as s:
        [info] = list_branches(s)
    assert (info.name, info.records_since) == ("中共某某局机关第一党支部", date(2026, 11, 1))


def _ok(dialog: SettingsDialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_settings_change_the_start_of_records(qtbot: QtBot, db: Database, branch_id: int) -> None:
    dialog = SettingsDialog(db, branch_id)  # a branch made before the start of records existed
    qtbot.addWidget(dialog)
    assert dialog.since_edit.value() is None and dialog.since_edit.text().startswith("未设置")
    _ok(dialog)
    with db.reading() as s:
        assert list_branches(s)[0].records_since is None  # left unset: stays unset
    dialog = SettingsDialog(db, branch_id)
    qtbot.addWidget(dialog)
    dialog.since_edit.setDate(QDate(2025, 4, 1))
    _ok(dialog)
    with db.reading() as s:
        assert list_branches(s)[0].records_since == date(2025, 4, 1)
    dialog = SettingsDialog(db, branch_id)
    qtbot.addWidget(dialog)
    assert dialog.since_edit.value() == date(2025, 4, 1)


def test_stats_page_shows_unrecorded_months_and_counts_no_alert_for_them(
        qtbot: QtBot, db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        for i in range(3):
            member(s, branch_id, f"委员{i}", committee=True, role=BranchRole.SECRETARY if i == 0 else BranchRole.NONE)
    page = StatsPage(db, branch_id, today=date(2025, 6, 10))
    qtbot.addWidget(page)
    counts: list[int] = []
    page.alerts_changed.connect(counts.append)
    before = page.alert_count()
    assert before >= 5  # January–May 支委会 missing, and Q1's meetings

    dialog = SettingsDialog(db, branch_id)
    qtbot.addWidget(dialog)
    dialog.since_edit.setDate(QDate(2025, 5, 1))
    _ok(dialog)
    page.refresh()
    assert counts[-1] == page.alert_count() == 2  # only May's 支委会 and 主题党日 are missing now
    row = next(i for i, r in enumerate(page.grid_model.rows) if r.rule == str(MeetingType.COMMITTEE))
    first = page.grid_model.index(row, 0)
    assert page.grid_model.data(first) == "未建账"
    assert page.grid_model.data(first, Qt.ItemDataRole.BackgroundRole) == QColor("#E7E6E6")
    assert page.grid.columnSpan(row, 0) == 4  # January–April in one cell
    assert page.grid_model.data(page.grid_model.index(row, 4)) == "0/1"
    assert "建账日期为2025年5月1日" in page.summary.text() and page.unrecorded_chip.isVisibleTo(page)
    page.grid.clicked.emit(first)
    assert "建账日期之前" in page.detail_title.text() and not page.new_button.isVisibleTo(page)
    texts = [page.alerts.item(i).text() for i in range(page.alerts.count())]
    assert len(texts) == 2 and all(t.startswith("【缺开】2025年5月") for t in texts), texts
