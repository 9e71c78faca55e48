"""统计与提醒 page: the year's calendar of obligations (coloured), what is behind each cell
(with 新建 for what is still due), the alerts, and attendance rates and study hours per member."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.compliance import (
    STATUS_LABELS,
    Obligation,
    YearCompliance,
    compliance_for_year,
)
from models.compliance_grid import STATUS_COLOURS, grid_rows
from models.db import Database
from models.errors import BranchBookError
from models.meetings import list_meetings
from models.records_start import (
    UNRECORDED_COLOUR,
    UNRECORDED_LABEL,
    since_text,
    unrecorded_months,
)
from models.rules import SECRETARY_LECTURE
from models.validation import table_date
from ui import msgbox
from ui.stats_models import AttendanceModel, BarDelegate, GridModel, SortRole

ALERT_MARKS = {
    "missing": "缺开", "failed_quorum": "人数不足", "absence_alert": "连续缺席",
    "absence_warning": "缺席预警", "secretary_lecture": "书记党课", "study_hours": "学时",
}


class StatsPage(QWidget):
    #: (MeetingType code, a date in the period, group id or None): the user asked for a new meeting.
    new_meeting_requested = Signal(str, date, object)
    #: the number of open alerts, for the navigation badge.
    alerts_changed = Signal(int)

    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id = db, branch_id
        self._today = today
        self.data: YearCompliance | None = None
        self.selected: tuple[Obligation, int] | None = None

        self.year = QSpinBox()
        self.year.setRange(1990, 2100)
        self.year.setValue(self.today().year)
        self.year.setSuffix(" 年")
        self.year.setKeyboardTracking(False)  # typing “2025” computes 2025 once, not each digit
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.rules_button = QPushButton("规则设置…")
        self.rules_button.clicked.connect(self.edit_rules)
        self.export_button = QPushButton("导出Excel")
        self.export_button.clicked.connect(self._ask_export)
        self.summary = QLabel()
        self.summary.setWordWrap(True)  # a narrow window wraps the sentence instead of widening
        top = QHBoxLayout()
        top.addWidget(QLabel("年份："))
        top.addWidget(self.year)
        for status in ("done", "missing", "upcoming", "failed_quorum"):
            chip = QLabel(STATUS_LABELS[status])
            chip.setStyleSheet(f"background:#{STATUS_COLOURS[status]}; padding:2px 6px;")
            top.addWidget(chip)
        self.unrecorded_chip = QLabel(UNRECORDED_LABEL)
        self.unrecorded_chip.setStyleSheet(f"background:#{UNRECORDED_COLOUR}; padding:2px 6px;")
        top.addWidget(self.unrecorded_chip)
        top.addStretch(1)
        top.addWidget(self.rules_button)
        top.addWidget(self.export_button)

        self.grid_model = GridModel()
        self.grid = QTableView()
        self.grid.setModel(self.grid_model)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # compact rows: a branch with several groups has ~18 rows, all of them visible at 1366×768
        self.grid.verticalHeader().setDefaultSectionSize(self.grid.fontMetrics().height() + 4)
        self.grid.clicked.connect(self._cell_clicked)

        self.detail_title = QLabel("点击表格中的单元格查看会议。")
        self.detail_title.setWordWrap(True)
        self.detail_list = QListWidget()
        self.new_button = QPushButton("新建")
        self.new_button.setVisible(False)
        self.new_button.clicked.connect(self._request_new)
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.detail_title)
        dl.addWidget(self.detail_list, 1)
        dl.addWidget(self.new_button)

        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(self.grid)
        upper.addWidget(detail)
        upper.setStretchFactor(0, 4)
        upper.setStretchFactor(1, 1)

        self.alerts = QListWidget()
        self.alerts.setWordWrap(True)
        self.attendance_model = AttendanceModel()
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.attendance_model)
        proxy.setSortRole(SortRole)
        self.attendance = QTableView()
        self.attendance.setModel(proxy)
        self.attendance.setSortingEnabled(True)
        self.attendance.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attendance.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        bars = BarDelegate(self.attendance)
        self.attendance.setItemDelegateForColumn(AttendanceModel.RATE, bars)
        self.attendance.setItemDelegateForColumn(AttendanceModel.HOURS, bars)
        self.attendance.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.alerts, "提醒")
        self.tabs.addTab(self.attendance, "出勤率与学时")

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)  # the calendar grid first; the alerts below get the rest
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([3000, 1000])
        self.splitter = splitter
        self._split_by_hand = False
        splitter.splitterMoved.connect(self._splitter_dragged)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self.refresh()

    def _splitter_dragged(self) -> None:
        self._split_by_hand = True

    def fit_grid(self) -> None:
        """Give the calendar grid the height all its rows need (a branch with ten groups has 17),
        leaving the alerts at least four lines; a split the person dragged stays as it is."""
        total = sum(self.splitter.sizes())
        if self._split_by_hand or total <= 0:
            return
        header = self.grid.horizontalHeader()
        frame = 2 * self.grid.frameWidth()
        grid_height = header.height() + self.grid.verticalHeader().length() + frame
        scrollbar = self.grid.horizontalScrollBar()
        if scrollbar.isVisible():
            grid_height += scrollbar.height()
        line = self.alerts.fontMetrics().lineSpacing()
        alerts_min = self.tabs.tabBar().sizeHint().height() + 4 * line + 12
        grid_room = max(total - alerts_min, min(grid_height, total // 2))
        grid_part = min(grid_height, grid_room)
        self.splitter.setSizes([grid_part, total - grid_part])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_grid()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # 界面字号 changed: rows follow the text
            self.grid.verticalHeader().setDefaultSectionSize(self.grid.fontMetrics().height() + 4)
        super().changeEvent(event)

    def today(self) -> date:
        return self._today or date.today()

    # --- data ------------------------------------------------------------------------------

    def alert_count(self) -> int:
        """Open alerts of the year shown (the navigation badge at start-up)."""
        return len(self.data.alerts) if self.data else 0

    def refresh(self) -> None:
        """Recompute after records changed (a year takes tens of milliseconds: no thread needed)."""
        year = self.year.value()
        try:
            with self.db.reading() as session:
                self.data = compliance_for_year(session, self.branch_id, year, self.today())
        except BranchBookError as exc:
            msgbox.show_error(self, exc)
            return
        self._show(self.data)
        if year == self.today().year:
            self.alerts_changed.emit(len(self.data.alerts))

    def _show(self, data: YearCompliance) -> None:
        rows = grid_rows(data)
        self.grid.clearSpans()
        self.grid_model.set_rows(rows)
        self.fit_grid()
        for r, row in enumerate(rows):
            month = 1
            while month <= 12:
                first, last = row.spans(month)
                if last > first:
                    self.grid.setSpan(r, first - 1, 1, last - first + 1)
                month = last + 1
        done = sum(1 for ob in data.obligations if ob.status == "done")
        missing = sum(1 for ob in data.obligations if ob.status in ("missing", "failed_quorum"))
        summary = (f"{data.branch_name}：应开 {len(data.obligations)} 项，已完成 {done} 项，"
                   f"缺开或无效 {missing} 项，提醒 {len(data.alerts)} 条")
        before = unrecorded_months(data.year, data.records_since)
        if data.records_since is not None and before:
            summary += "。" + since_text(data.records_since)
        self.summary.setText(summary)
        self.unrecorded_chip.setVisible(bool(before))
        self.alerts.clear()
        for alert in data.alerts:
            self.alerts.addItem(f"【{ALERT_MARKS.get(alert.kind, alert.kind)}】{alert.message}")
        if not data.alerts:
            self.alerts.addItem("没有需要处理的提醒。")
        self.attendance_model.set_rows(data.attendance)
        self.detail_list.clear()
        self.new_button.setVisible(False)
        self.selected = None

    # --- cells -----------------------------------------------------------------------------

    def _cell_clicked(self, index: QModelIndex) -> None:
        ob = self.grid_model.obligation(index)
        self.detail_list.clear()
        if ob is None:
            self.detail_title.setText("建账日期之前的月份，不计应开会议。" if self.grid_model.unrecorded(index)
                                      else "该月没有应开的此类会议。")
            self.new_button.setVisible(False)
            self.selected = None
            return
        self.selected = (ob, index.column() + 1)
        self.detail_title.setText(f"{ob.label}（{ob.period}）：应开 {ob.required} 次，已开 {ob.held} 次，"
                                  f"{STATUS_LABELS[ob.status]}")
        if ob.meeting_ids:
            wanted = set(ob.meeting_ids)
            with self.db.reading() as session:
                rows = list_meetings(session, self.branch_id, year=ob.start.year, meeting_type=ob.meeting_type)
            failed = {c.meeting_id for c in self.data.meeting_checks if c.quorum_met is False} if self.data else set()
            for row in sorted((r for r in rows if r.id in wanted), key=lambda r: r.held_on):
                mark = "  （未达法定人数）" if row.id in failed else ""
                self.detail_list.addItem(f"{table_date(row.held_on)}  {row.title}  实到 {row.present}/{row.expected}{mark}")
        else:
            self.detail_list.addItem("（尚无会议记录）")
        self.new_button.setVisible(ob.status != "done")
        self.new_button.setText(f"新建{ob.label.split(' ')[-1] if ob.rule != SECRETARY_LECTURE else '党课'}")

    def _request_new(self) -> None:
        if self.selected is None:
            return
        ob, month = self.selected
        today = self.today()
        on = today if (today.year, today.month) == (ob.start.year, month) else date(ob.start.year, month, 1)
        self.new_meeting_requested.emit(str(ob.meeting_type), on, ob.group_id)

    def edit_rules(self) -> None:
        from ui.rules_dialog import RulesDialog

        if RulesDialog(self.db, self.branch_id, self).exec():
            self.refresh()

    # --- export ----------------------------------------------------------------------------

    def _ask_export(self) -> None:
        if self.data is None:
            return
        name, _filter = QFileDialog.getSaveFileName(
            self, "导出统计到 Excel", str(Path.home() / f"{self.data.year}年组织生活统计.xlsx"), "Excel 文件 (*.xlsx)")
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> bool:
        from reports.xlsx_stats import export_stats

        if self.data is None:
            return False
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        try:
            export_stats(self.data, path)
        except BranchBookError as exc:
            msgbox.show_error(self, exc)
            return False
        msgbox.inform(self, "导出完成", f"已导出到“{path}”。")
        return True
