"""The meetings list's table model: small frozen rows (models.meetings.MeetingRow), handed to
the view in batches through canFetchMore/fetchMore. Rows may also be read from the database a
page at a time (``load_more``), so that opening thirty years of meetings reads only the newest
page. Testable without any widget."""

from __future__ import annotations

from collections.abc import Callable
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
from models.meeting_row import MeetingRow
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

_PROBLEM_COLOUR = QColor("#c62828")

Index = QModelIndex | QPersistentModelIndex


def counts_tip(row: MeetingRow) -> str:
    """The 应到/实到 cell explained: where 应到 comes from, and what an incomplete list lacks."""
    tip = f"应到 {row.expected} 人（按会议当日的党员名册计算）"
    if row.status == MeetingStatus.PLANNED:
        return tip + "，会议尚未召开。"
    tip += f"，出席 {row.present} 人，已登记出席情况 {row.recorded} 人。"
    if row.attendance_problem == "名单不全":
        tip += f"\n出席情况名单不全：还有 {row.expected - row.recorded} 名应到党员未登记，请打开会议补登。"
    elif row.attendance_problem:
        tip += "\n当日没有应到人员，不计入已召开的会议，请核对会议日期、类型或党员名册。"
    return tip


def type_text(row: MeetingRow) -> str:
    if row.meeting_type == MeetingType.GROUP and row.group_name:
        return f"党小组会（{row.group_name}）"
    return row.meeting_type.label


#: Reads the rows after the given (last read) row: an empty list when there are no more.
LoadMore = Callable[[MeetingRow], list[MeetingRow]]


class MeetingsTableModel(QAbstractTableModel):
    """Rows read so far are kept (they are small) but shown BATCH at a time; when they run out,
    ``load_more`` reads the next page."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[MeetingRow] = []
        self._shown = 0
        self._total = 0
        self._load_more: LoadMore | None = None

    # --- loading ---------------------------------------------------------------------------
    def set_rows(self, rows: list[MeetingRow], total: int | None = None,
                 load_more: LoadMore | None = None) -> None:
        """``rows``: the first rows; ``total``: how many there are in all (default: these);
        ``load_more``: reads the rows after a given one, when not all are read yet."""
        self.beginResetModel()
        self._rows = rows
        self._total = len(rows) if total is None else max(total, len(rows))
        self._load_more = load_more if self._total > len(rows) else None
        self._shown = min(BATCH, len(rows))
        self.endResetModel()

    def total(self) -> int:
        return self._total

    def loaded(self) -> int:
        """How many rows have been read from the database so far."""
        return len(self._rows)

    def _read_more(self) -> bool:
        """Read the next page from the database; False when nothing more came."""
        if self._load_more is None or not self._rows:
            return False
        more = self._load_more(self._rows[-1])
        self._rows.extend(more)
        if not more or len(self._rows) >= self._total:
            self._load_more = None
        return bool(more)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and (self._shown < len(self._rows) or self._load_more is not None)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        if self._shown >= len(self._rows):
            self._read_more()
        extra = min(BATCH, len(self._rows) - self._shown)
        if extra <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + extra - 1)
        self._shown += extra
        self.endInsertRows()

    def shown_type_texts(self) -> set[str]:
        """The 类型 texts of the rows shown (a handful of distinct values), for the column's width."""
        return {type_text(row) for row in self._rows[:self._shown]}

    def row_at(self, row: int) -> MeetingRow:
        return self._rows[row]

    def row_of(self, meeting_id: int) -> int | None:
        """The row of a meeting, reading further pages until it is found (None: not listed)."""
        start = 0
        while True:
            for i in range(start, len(self._rows)):
                if self._rows[i].id == meeting_id:
                    while self._shown <= i:
                        self.fetchMore()
                    return i
            start = len(self._rows)
            if not self._read_more():
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
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_COUNTS and row.attendance_problem:
            return QBrush(_PROBLEM_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_TITLE:
            return row.title
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_COUNTS:
            return counts_tip(row)
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
            # 应到 from the roll as of the meeting date; a plan has no 实到 yet (“16/—”).
            return row.counts_text
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
