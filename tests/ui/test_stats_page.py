"""统计与提醒 page driven as a secretary would: click a red cell, ask for the missing meeting."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from models.compliance_grid import STATUS_COLOURS
from models.enums import AttendanceStatus, BranchRole, MeetingType
from models.meetings import AttendanceInput, MeetingInput, create_meeting
from tests.models.factories import member
from ui import msgbox
from ui.stats_models import AttendanceModel, SortRole
from ui.stats_page import StatsPage

TODAY = date(2025, 5, 10)


@pytest.fixture(autouse=True)
def _no_modal_boxes():
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Ok
    msgbox.ASKED.clear()
    yield
    msgbox.AUTO_ANSWER = None


@pytest.fixture
def page(qtbot, db, branch_id):
    with db.transaction() as s:
        committee = [member(s, branch_id, f"委员{i}", committee=True,
                            role=BranchRole.SECRETARY if i == 0 else BranchRole.NONE) for i in range(3)]
        for month in (1, 3):  # February's 支委会 is missing
            create_meeting(s, branch_id, MeetingInput(
                MeetingType.COMMITTEE, f"{month}月支委会", date(2025, month, 6),
                attendance=[AttendanceInput(m) for m in committee[:2]]
                + [AttendanceInput(committee[2], AttendanceStatus.ABSENT)]))
    widget = StatsPage(db, branch_id, today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    return widget


def committee_row(page: StatsPage) -> int:
    return next(i for i, row in enumerate(page.grid_model.rows) if row.rule == "committee")


def click_cell(qtbot, page: StatsPage, row: int, column: int) -> None:
    index = page.grid_model.index(row, column)
    rect = page.grid.visualRect(index)
    qtbot.mouseClick(page.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_clicking_a_red_cell_offers_new_meeting_of_that_type_and_month(qtbot, page):
    row = committee_row(page)
    index = page.grid_model.index(row, 1)  # February
    assert index.data(Qt.ItemDataRole.BackgroundRole).name().upper() == "#" + STATUS_COLOURS["missing"]
    assert index.data() == "0/1"
    click_cell(qtbot, page, row, 1)
    assert page.new_button.isVisible()
    with qtbot.waitSignal(page.new_meeting_requested, timeout=1000) as signal:
        qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["committee", date(2025, 2, 1), None]


def test_clicking_a_done_cell_lists_its_meeting(qtbot, page):
    click_cell(qtbot, page, committee_row(page), 2)  # March
    assert not page.new_button.isVisible()
    texts = [page.detail_list.item(i).text() for i in range(page.detail_list.count())]
    assert len(texts) == 1 and "3月支委会" in texts[0] and "实到 2/3" in texts[0]


def test_alerts_listed_and_counted(qtbot, page):
    alerts = [page.alerts.item(i).text() for i in range(page.alerts.count())]
    assert any("2025年2月支部委员会" in text for text in alerts)
    with qtbot.waitSignal(page.alerts_changed, timeout=1000) as signal:
        page.refresh()
    assert signal.args == [len(page.data.alerts)] and signal.args[0] >= 1


def test_year_selector_and_quarter_spans(qtbot, page):
    ga = next(i for i, row in enumerate(page.grid_model.rows) if row.rule == "general_assembly")
    assert page.grid.columnSpan(ga, 0) == 3
    page.year.setValue(2026)
    assert page.data is not None and page.data.year == 2026
    assert {ob.status for ob in page.data.obligations} == {"upcoming"}


def test_attendance_table_sorts_by_rate_and_exports(qtbot, page, tmp_path):
    view = page.attendance
    view.sortByColumn(AttendanceModel.RATE, Qt.SortOrder.AscendingOrder)
    rates = [view.model().index(r, AttendanceModel.RATE).data(SortRole) for r in range(view.model().rowCount())]
    assert rates == sorted(rates) and rates[0] < rates[-1]
    target = tmp_path / "统计.xlsx"
    assert page.export_to(target)
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["会议完成情况", "提醒", "出勤统计", "学习学时"]
    assert wb["出勤统计"].freeze_panes == "A2"
    assert [c.value for c in wb["出勤统计"][1]][:3] == ["党小组", "姓名", "应到（次）"]


def test_rules_dialog_changes_the_calendar(qtbot, page, db, branch_id):
    from ui.rules_dialog import RulesDialog

    dialog = RulesDialog(db, branch_id)
    qtbot.addWidget(dialog)
    assert dialog.periods["party_lecture"].currentData() == "quarter"
    dialog.periods["party_lecture"].setCurrentIndex(dialog.periods["party_lecture"].findData("half"))
    dialog.counts["theme_day"].setValue(0)
    dialog.save()
    page.refresh()
    lecture = next(row for row in page.grid_model.rows if row.rule == "party_lecture")
    assert {ob.period for ob in lecture.cells if ob} == {"2025-H1", "2025-H2"}
    assert page.grid.columnSpan(page.grid_model.rows.index(lecture), 0) == 6
    assert not [row for row in page.grid_model.rows if row.rule == "theme_day"]


def test_every_grid_row_is_visible_at_1366x768(qtbot, qapp, db, branch_id):
    """Eleven party groups (17 rows) in the main window as a 1366×768 screen with a taskbar and a
    title bar leaves it (1280×698), in the program's own font (标准 界面字号): the whole calendar
    shows without scrolling, and the alerts keep a few lines below it."""
    from models import roster
    from ui.look import apply_font_size
    from ui.main_window import MainWindow

    names = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]
    with db.transaction() as s:
        for n in names:
            group = roster.create_group(s, branch_id, f"第{n}党小组")
            member(s, branch_id, f"组员{n}", group_id=group)
    font = qapp.font()
    try:
        apply_font_size(qapp, "standard")
        window = MainWindow(db)
        qtbot.addWidget(window)
        window.show()
        window.resize(1280, 698)
        window.show_view("stats")
        page = window.stats_page
        qtbot.waitUntil(lambda: page.grid.viewport().height() > 0)
        qtbot.wait(20)
        grid = page.grid
        assert grid.model().rowCount() >= 17
        assert grid.viewport().height() >= grid.verticalHeader().length(), (
            grid.viewport().height(), grid.verticalHeader().length())
        assert page.alerts.height() >= 3 * page.alerts.fontMetrics().lineSpacing()
    finally:
        qapp.setFont(font)


def test_attendance_table_shows_unrecorded_meetings(qtbot, db, branch_id):
    """A member on the roll left off a 主题党日's list: 应到 1, 未记 1 (not 缺席), with the reason
    on hover."""
    with db.transaction() as s:
        came = member(s, branch_id, "到会")
        member(s, branch_id, "漏登")
        create_meeting(s, branch_id, MeetingInput(MeetingType.THEME_DAY, "主题党日", date(2025, 3, 5),
                                                  attendance=[AttendanceInput(came)]))
    widget = StatsPage(db, branch_id, today=TODAY)
    qtbot.addWidget(widget)
    widget.refresh()
    model = widget.attendance.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[2:8] == ["应到", "出席", "请假", "缺席", "未记", "出勤率"]
    row = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == "漏登")
    assert [model.index(row, c).data() for c in range(2, 7)] == [1, 0, 0, 0, 1]
    assert "未登记其出席情况" in model.index(row, AttendanceModel.UNRECORDED).data(Qt.ItemDataRole.ToolTipRole)
    assert "不计为缺席" in model.headerData(AttendanceModel.UNRECORDED, Qt.Orientation.Horizontal,
                                          Qt.ItemDataRole.ToolTipRole)
