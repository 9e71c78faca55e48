"""Table models for the 统计与提醒 page: the coloured calendar grid and the per-member
attendance/study-hours table (with a bar delegate). Testable without any widget."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
)
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from models.compliance import STATUS_LABELS, MemberAttendance, Obligation
from models.compliance_grid import STATUS_COLOURS, GridRow, cell_text
from models.member_attendance import UNRECORDED_NOTE
from models.notes import YEARLY_STUDY_HOURS
from models.records_start import UNRECORDED_COLOUR, UNRECORDED_LABEL
from ui.table_base import RowsModel

ObjectRole = Qt.ItemDataRole.UserRole
SortRole = Qt.ItemDataRole.UserRole + 1
BarRole = Qt.ItemDataRole.UserRole + 2  # fraction 0..1 for the bar delegate
BarColourRole = Qt.ItemDataRole.UserRole + 3

GOOD, FAIR, POOR = "#81c784", "#ffb74d", "#e57373"

Index = QModelIndex | QPersistentModelIndex


class GridModel(RowsModel):
    """Rows: meeting types and party groups; columns: January … December."""

    HEADERS = tuple(f"{month}月" for month in range(1, 13))
    rows: list[GridRow]

    def obligation(self, index: Index) -> Obligation | None:
        return self.rows[index.row()].cells[index.column()] if index.isValid() else None

    def unrecorded(self, index: Index) -> bool:
        """Whether the cell is a month before the start of records (未建账)."""
        return index.isValid() and index.column() < self.rows[index.row()].unrecorded

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        ob = self.obligation(index)
        if ob is None:
            return self._unrecorded_data(role) if self.unrecorded(index) else None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(ob)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor("#" + STATUS_COLOURS[ob.status])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{ob.label} {ob.period}：应开 {ob.required} 次，已开 {ob.held} 次（{STATUS_LABELS[ob.status]}）"
        if role == ObjectRole:
            return ob
        return None

    @staticmethod
    def _unrecorded_data(role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return UNRECORDED_LABEL
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor("#" + UNRECORDED_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            return "建账日期之前的月份，不计应开会议。"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return self.rows[section].label if section < len(self.rows) else None
        return super().headerData(section, orientation, role)


class AttendanceModel(RowsModel):
    HEADERS = ("党小组", "姓名", "应到", "出席", "请假", "缺席", "未记", "出勤率", "学时")
    UNRECORDED, RATE, HOURS = 6, 7, 8
    rows: list[MemberAttendance]

    def _raw(self, m: MemberAttendance, column: int) -> Any:
        return (m.group_name, m.member, m.expected, m.present, m.leave, m.absent, m.unrecorded,
                m.rate if m.expected else -1.0, m.study_hours)[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        m, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.RATE:
                return f"{m.rate * 100:.1f}%" if m.expected else "—"
            if col == self.HOURS:
                return f"{m.study_hours:g}"
            return self._raw(m, col)
        if role == SortRole:
            return self._raw(m, col)
        if role == BarRole:
            if col == self.RATE:
                return m.rate if m.expected else None
            if col == self.HOURS:
                return min(m.study_hours / YEARLY_STUDY_HOURS, 1.0)
        if role == BarColourRole:
            if col == self.HOURS:
                return GOOD if m.study_hours >= YEARLY_STUDY_HOURS else FAIR
            return GOOD if m.rate >= 0.8 else FAIR if m.rate >= 0.6 else POOR
        if role == Qt.ItemDataRole.ForegroundRole and col == self.HOURS and m.study_hours < YEARLY_STUDY_HOURS:
            return QColor("#c62828")
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 2:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole and col == self.UNRECORDED and m.unrecorded:
            return UNRECORDED_NOTE
        if role == Qt.ItemDataRole.ForegroundRole and col == self.UNRECORDED and m.unrecorded:
            return QColor("#b26a00")  # to be completed, not a fault of the member
        if role == ObjectRole:
            return m
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole \
                and section == self.UNRECORDED:
            return UNRECORDED_NOTE
        return super().headerData(section, orientation, role)


class BarDelegate(QStyledItemDelegate):
    """Draws the cell's BarRole fraction as a bar (colour from BarColourRole) behind its text."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        fraction = index.data(BarRole)
        if isinstance(fraction, float):
            rect: QRect = option.rect.adjusted(2, 4, -2, -4)  # type: ignore[attr-defined]
            rect.setWidth(max(1, int(rect.width() * max(0.0, min(fraction, 1.0)))))
            colour = index.data(BarColourRole) or GOOD
            painter.save()
            painter.fillRect(rect, QColor(colour))
            painter.restore()
        super().paint(painter, option, index)
