"""The meetings list's table model: small frozen rows (models.meetings.MeetingRow), handed to
the view in batches through canFetchMore/fetchMore so that ten years of meetings open at once.
Testable without any widget."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from models.enums import MeetingStatus, MeetingType
from models.meetings import MeetingRow
from models.validation import format_date

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

COL_DATE, COL_TYPE, COL_TITLE, COL_HOST, COL_COUNTS, COL_STATUS = range(6)
HEADERS = ("日期", "类型", "会议名称", "主持人", "应到/实到", "状态")
BATCH = 200

_STATUS_COLOURS = {
    MeetingStatus.PLANNED: QColor("#1565c0"),
    MeetingStatus.DRAFT: QColor("#8d4a00"),
    MeetingStatus.FINAL: QColor("#2e7d32"),
}

Index = QModelIndex | QPersistentModelIndex


def type_text(row: MeetingRow) -> str:
    if row.meeting_type == MeetingType.GROUP and row.group_name:
        return f"党小组会（{row.group_name}）"
    return row.meeting_type.label


class MeetingsTableModel(QAbstractTableModel):
    """Rows are kept in full (they are small) but shown BATCH at a time."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[MeetingRow] = []
        self._shown = 0

    # --- loading ---------------------------------------------------------------------------
    def set_rows(self, rows: list[MeetingRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self._shown = min(BATCH, len(rows))
        self.endResetModel()

    def total(self) -> int:
        return len(self._rows)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._shown < len(self._rows)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        extra = min(BATCH, len(self._rows) - self._shown)
        if extra <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + extra - 1)
        self._shown += extra
        self.endInsertRows()

    def row_at(self, row: int) -> MeetingRow:
        return self._rows[row]

    def row_of(self, meeting_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r.id == meeting_id:
                while self._shown <= i:
                    self.fetchMore()
                return i
        return None

    # --- Qt model API -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._shown:
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == SORT_ROLE:
            return self._sort_value(row, col)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_STATUS:
            return QBrush(_STATUS_COLOURS[row.status])
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_DATE, COL_COUNTS, COL_STATUS):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_TITLE:
            return row.title
        return None

    @staticmethod
    def _display(row: MeetingRow, col: int) -> str:
        if col == COL_DATE:
            return row.held_on.isoformat()
        if col == COL_TYPE:
            return type_text(row)
        if col == COL_TITLE:
            return row.title
        if col == COL_HOST:
            return row.host
        if col == COL_COUNTS:
            # A planned meeting has no attendance yet: “—”, not a misleading “0/0”.
            return "—" if row.expected == 0 else f"{row.expected}/{row.present}"
        return row.status.label

    @staticmethod
    def _sort_value(row: MeetingRow, col: int) -> Any:
        if col == COL_DATE:
            return (row.held_on.toordinal() * 100000) + row.id % 100000
        if col == COL_TYPE:
            return list(MeetingType).index(row.meeting_type)
        if col == COL_TITLE:
            return row.title
        if col == COL_HOST:
            return row.host
        if col == COL_COUNTS:
            return row.present / row.expected if row.expected else -1.0
        return list(MeetingStatus).index(row.status)


class MeetingsProxyModel(QSortFilterProxyModel):
    """Sorts on raw values (SORT_ROLE); the filtering itself is done by the service query."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)

    def row_at(self, proxy_row: int) -> MeetingRow:
        source = self.mapToSource(self.index(proxy_row, 0))
        model = self.sourceModel()
        assert isinstance(model, MeetingsTableModel)
        return model.row_at(source.row())


def describe(row: MeetingRow) -> str:
    """One line for messages: 2026年3月5日 支部委员会“…”."""
    return f"{format_date(row.held_on)} {row.meeting_type.label}“{row.title}”"
