"""One date style per kind of place (docs/dates.md): columns of tables, lists and drop-down lists
show 2026-11-30; date fields of forms, sentences and printed pages show 2026年11月30日."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QListView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from models import notes, roster
from models.autobackup import auto_backup
from models.conflicts import ConflictRow
from models.db import Database
from models.enums import MeetingType, MembershipState
from models.lock import Owner, busy_message
from models.meetings import list_meetings
from tests.ui import gui_support
from tests.ui.gui_support import SmallBranch, add_meeting
from ui.main_window import VIEWS, MainWindow
from ui.merge_conflicts import ConflictsModel
from ui.recycle_dialog import RecycleDialog
from ui.roster_import_dialog import RosterImportDialog
from ui.settings_dialog import SettingsDialog

answer = gui_support.answer
branch = gui_support.branch

DAY = date.today() - timedelta(days=1)
COLUMN_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
BOOK_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
# any other way of writing a day: 2026.11.30, 2026/11/30, 11月30日 without the year
OTHER_DATE = re.compile(r"\d{4}[./]\d{1,2}[./]\d{1,2}|(?<![年\d])\d{1,2}月\d{1,2}日")


def column_texts(top: QWidget) -> list[str]:
    """What every table, list and drop-down list under ``top`` shows, cell by cell."""
    texts: list[str] = []
    for view in top.findChildren(QAbstractItemView):
        model = view.model()
        if model is None or isinstance(view.parent(), QComboBox):
            continue
        columns = 1 if isinstance(view, QListView) else model.columnCount()
        for r in range(model.rowCount()):
            for c in range(columns):
                value = model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole)
                if isinstance(value, str):
                    texts.append(value)
    for combo in top.findChildren(QComboBox):
        texts.extend(combo.itemText(i) for i in range(combo.count()))
    return texts


def assert_column_style(texts: list[str]) -> None:
    wrong = [t for t in texts if BOOK_DATE.search(t) or OTHER_DATE.search(t)]
    assert not wrong, f"dates in columns must read 2026-11-30: {wrong}"


def date_fields(top: QWidget) -> list[QDateEdit]:
    return [e for e in top.findChildren(QDateEdit) if e.displayFormat() != "yyyy"]


def assert_field_style(top: QWidget) -> None:
    fields = date_fields(top)
    assert fields
    for edit in fields:
        assert edit.displayFormat() == "yyyy年M月d日", (edit.objectName(), edit.displayFormat())
        assert not edit.text() or BOOK_DATE.fullmatch(edit.text()) or edit.text() == edit.specialValueText()


@pytest.fixture
def window(qtbot: QtBot, db: Database, branch: SmallBranch, answer: list) -> MainWindow:
    add_meeting(db, branch.branch_id, MeetingType.COMMITTEE, DAY, "日期样式支委会")
    with db.transaction() as s:
        note_id = notes.create_note(s, branch.branch_id, notes.NoteInput(studied_on=DAY, title="删去的笔记"))
        notes.create_note(s, branch.branch_id, notes.NoteInput(studied_on=DAY, title="留下的笔记"))
        notes.delete_note(s, note_id)
        roster.add_status(s, branch.members["孙三"], MembershipState.TRANSFERRED_OUT, DAY, "转往市财政局党支部")
        roster.add_exemption(s, branch.members["周四"], date(2020, 1, 1), date(2030, 12, 31), "长期外出")
    win = MainWindow(db)
    qtbot.addWidget(win)
    win.show()
    for key, _label, _icon in VIEWS:
        win.show_view(key)
    return win


def test_tables_lists_and_drop_downs_show_dates_as_2026_11_30(qtbot: QtBot, window: MainWindow,
                                                               db: Database, branch: SmallBranch) -> None:
    auto_backup(db.path)  # the automatic backup, into the folder the page lists
    window.backup_page.refresh()
    stats = window.stats_page
    grid = stats.grid
    held = next(grid.model().index(r, c) for r in range(grid.model().rowCount())
                for c in range(grid.model().columnCount())
                if (ob := stats.grid_model.obligation(grid.model().index(r, c))) and ob.meeting_ids)
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=grid.visualRect(held).center())
    assert stats.detail_list.count() >= 1

    texts = column_texts(window)
    iso = DAY.isoformat()
    assert any(t == iso for t in texts)  # the meetings and notes tables
    assert any(t.startswith(iso) and "日期样式支委会" in t for t in texts)  # the stats detail list
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", t) for t in texts)  # the backup list
    assert_column_style(texts)

    editor = window.roster_page.member_editor(branch.members["孙三"])
    qtbot.addWidget(editor)
    assert editor.status_list.item(editor.status_list.count() - 1).text().startswith(f"{iso}起")
    assert_column_style(column_texts(editor))
    assert_field_style(editor)
    editor.close()
    other = window.roster_page.member_editor(branch.members["周四"])
    qtbot.addWidget(other)
    assert other.exemption_list.item(0).text().startswith("2020-01-01至2030-12-31")
    assert_column_style(column_texts(other))
    other.close()

    recycle = RecycleDialog(db, branch.branch_id, window)
    qtbot.addWidget(recycle)
    assert recycle.table.item(0, 2).text() == date.today().isoformat()
    assert_column_style(column_texts(recycle))


def test_the_import_preview_and_merge_conflicts_list_dates_as_columns(qtbot: QtBot, db: Database,
                                                                      branch: SmallBranch, tmp_path: Path) -> None:
    sheet = tmp_path / "名册.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["姓名", "性别", "出生日期", "入党时间", "党员类别"])
    ws.append(["郑新", "女", "1990.03.05", "2015年7月1日", "正式党员"])
    book.save(sheet)
    dialog = RosterImportDialog(db, branch.branch_id)
    qtbot.addWidget(dialog)
    dialog.load(sheet)
    texts = column_texts(dialog)
    assert dialog.preview is not None and dialog.preview.rows[0].problems == [], dialog.summary.text()
    assert "1990-03-05" in texts and "2015-07-01" in texts
    assert_column_style(texts)

    model = ConflictsModel()
    model.set_rows([ConflictRow(1, 1, "支委会", date(2026, 3, 5), "另一台电脑", datetime(2026, 4, 1, 9, 30),
                                False, "", {})])
    row = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert row[1:] == ["2026-03-05", "另一台电脑", "2026-04-01 09:30"]


def test_forms_and_sentences_write_dates_as_in_the_record_book(qtbot: QtBot, window: MainWindow,
                                                               db: Database, branch: SmallBranch) -> None:
    assert_field_style(window.notes_page)
    with db.reading() as s:
        (meeting,) = list_meetings(s, branch.branch_id)
    editor = window.open_meeting(meeting.id)
    assert_field_style(editor)
    assert_column_style(column_texts(editor))
    editor.close()
    settings = SettingsDialog(db, branch.branch_id, window)
    qtbot.addWidget(settings)
    assert_field_style(settings)
    message = busy_message(Path("支部.sqlite3"), Owner(42, "支部工作记录本", "办公室电脑", "2026-11-30 20:40"))
    assert "2026年11月30日 20:40" in message and not COLUMN_DATE.search(message)
