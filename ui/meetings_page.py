"""会议记录 page: filters (type, year, month), a debounced search box and the meetings table.
The table reads one page of the newest meetings and the next ones as the user scrolls: opening
thirty years of records costs what opening one does; a search still covers every year."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models import quick_read
from models.db import Database
from models.enums import MeetingStatus, MeetingType
from models.meeting_row import MeetingRow
from models.validation import MAX_SEARCH_CHARS
from ui.column_fit import ColumnFitter
from ui.look import icon
from ui.meetings_model import (
    BATCH,
    COL_COUNTS,
    COL_DATE,
    COL_HOST,
    COL_STATUS,
    COL_TITLE,
    COL_TYPE,
    MeetingsProxyModel,
    MeetingsTableModel,
)

SEARCH_DELAY_MS = 300
COLUMN_SAMPLES = {COL_DATE: ("2026-11-30",), COL_HOST: ("欧阳书记",), COL_COUNTS: ("100/100", "16/8（名单不全）"),
                  COL_STATUS: tuple(status.label for status in MeetingStatus)}


class MeetingsPage(QWidget):
    #: the user asked to open a meeting (double click / Enter).
    open_requested = Signal(int)

    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id = db, branch_id
        self.model = MeetingsTableModel(self)
        self.proxy = MeetingsProxyModel(self)
        self.proxy.setSourceModel(self.model)

        self.type_filter = QComboBox()
        self.type_filter.addItem("全部类型", None)
        for code, label in MeetingType.choices():
            self.type_filter.addItem(label, code)
        self.year_filter = QComboBox()
        self.month_filter = QComboBox()
        self.month_filter.addItem("全年", None)
        for m in range(1, 13):
            self.month_filter.addItem(f"{m}月", m)
        self.month_filter.setEnabled(False)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("搜索会议名称、主题、会议内容（Ctrl+F）")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaxLength(MAX_SEARCH_CHARS)  # a pasted page is cut, not refused
        self.search_box.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.count_label = QLabel()

        bar = QHBoxLayout()
        bar.setSpacing(8)
        for text, widget in (("类型", self.type_filter), ("年份", self.year_filter), ("月份", self.month_filter)):
            bar.addWidget(QLabel(text))
            bar.addWidget(widget)
        bar.addSpacing(12)
        bar.addWidget(self.search_box, 1)
        bar.addWidget(self.count_label)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        # Newest first. The rows come in that order, and before the window's first paint the
        # view shows them as they come: the proxy's sort asks Python for every comparison, so
        # it starts once the window is up (enable_sorting), on the same order.
        self.table.horizontalHeader().setSortIndicator(COL_DATE, Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        if db.connected:
            self.enable_sorting()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(28)
        # The meeting's name keeps at least 12 characters in a narrow window; 类型 gives way first;
        # the short columns are as wide as their longest possible text (no row is read for them).
        self.columns = ColumnFitter(self.table, COLUMN_SAMPLES, main=COL_TITLE, main_min_chars=12,
                                    yielding=COL_TYPE, yielding_min_chars=5,
                                    yielding_texts=self.model.shown_type_texts)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.reload)
        self.search_box.textChanged.connect(lambda _t: self.search_timer.start())
        self.type_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.year_filter.currentIndexChanged.connect(self._year_changed)
        self.month_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.refresh_years()
        self.reload()

    # --- data ---------------------------------------------------------------------------------
    def refresh_years(self) -> None:
        if self.db.connected:
            from models.meetings import meeting_years

            with self.db.reading() as s:
                years = meeting_years(s, self.branch_id)
        else:  # the window's first paint: read directly, SQLAlchemy is imported after it
            years = quick_read.meeting_years(self.db.path, self.branch_id)
        current = self.year_filter.currentData()
        self.year_filter.blockSignals(True)
        self.year_filter.clear()
        self.year_filter.addItem("全部年份", None)
        for y in years:
            self.year_filter.addItem(f"{y}年", y)
        at = self.year_filter.findData(current)
        self.year_filter.setCurrentIndex(max(at, 0))
        self.year_filter.blockSignals(False)
        self.month_filter.setEnabled(self.year_filter.currentData() is not None)

    def _year_changed(self) -> None:
        has_year = self.year_filter.currentData() is not None
        self.month_filter.setEnabled(has_year)
        if not has_year:
            self.month_filter.blockSignals(True)
            self.month_filter.setCurrentIndex(0)
            self.month_filter.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        """Query the service with the current filters (the first page, and how many match in
        all); keeps the selected meeting selected."""
        self.search_timer.stop()
        keep = self.selected_id()
        code = self.type_filter.currentData()
        year = self.year_filter.currentData()
        month = self.month_filter.currentData() if year else None
        kind = MeetingType(code) if code else None
        text = self.search_box.text() or None
        db, branch_id = self.db, self.branch_id

        def page(last: MeetingRow | None = None) -> list[MeetingRow]:
            from models.meetings import list_meetings

            with db.reading() as s:
                return list_meetings(s, branch_id, year=year, month=month, meeting_type=kind, text=text, limit=BATCH,
                                     older_than=(last.held_on, last.id) if last else None)

        def load_more(last: MeetingRow) -> list[MeetingRow]:
            return page(last)

        if not db.connected and year is None and kind is None and text is None:
            # The window's first paint: the newest page read directly (SQLAlchemy comes after it).
            rows, total = quick_read.newest_meetings(db.path, branch_id, BATCH)
        else:
            from models.meetings import count_meetings

            rows = page()
            if len(rows) < BATCH:
                total = len(rows)
            else:
                with db.reading() as s:
                    total = count_meetings(s, branch_id, year=year, month=month, meeting_type=kind, text=text)
        self.model.set_rows(rows, total, load_more)
        self.count_label.setText(f"共 {total} 条")
        if keep is not None:
            self.select_meeting(keep)

    def enable_sorting(self) -> None:
        """Sort by the header (newest first until the user clicks another column)."""
        if not self.table.isSortingEnabled():
            self.table.setSortingEnabled(True)  # sorts by the indicator set above

    # --- selection ----------------------------------------------------------------------------
    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.proxy.row_at(rows[0].row()).id

    def select_meeting(self, meeting_id: int) -> bool:
        source_row = self.model.row_of(meeting_id)
        if source_row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self.proxy.row_at(index.row()).id)
