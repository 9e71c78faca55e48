"""The roster's table model over models.roster.MemberRow; ID numbers and phones are masked
unless the page's “显示完整号码” is on. Testable without widgets."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from models.enums import ON_ROLL_STATES
from models.roster import MemberRow
from models.validation import mask_id_number, mask_phone
from ui.table_base import RowsModel

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
HEADERS = ("姓名", "性别", "党小组", "类别", "党籍状态", "支部职务", "支委", "入党时间", "联系电话", "身份证号")
(COL_NAME, COL_GENDER, COL_GROUP, COL_CATEGORY, COL_STATE, COL_ROLE, COL_COMMITTEE, COL_JOINED, COL_PHONE,
 COL_ID) = range(len(HEADERS))
Index = QModelIndex | QPersistentModelIndex


class MembersTableModel(RowsModel):
    HEADERS = HEADERS
    rows: list[MemberRow]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.show_full_numbers = False


    def set_show_full_numbers(self, show: bool) -> None:
        self.show_full_numbers = show
        if self.rows:
            self.dataChanged.emit(self.index(0, COL_PHONE), self.index(len(self.rows) - 1, COL_ID))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, index.column())
        if role == SORT_ROLE:
            col = index.column()
            if col == COL_JOINED:
                return row.joined_on.toordinal()
            return self.display(row, col)
        if role == ROW_ROLE:
            return row
        return None

    def display(self, row: MemberRow, col: int) -> str:
        if col == COL_NAME:
            return row.name + ("（免）" if row.exempt and row.state in ON_ROLL_STATES else "")
        if col == COL_GENDER:
            return row.gender.label
        if col == COL_GROUP:
            return row.group_name
        if col == COL_CATEGORY:
            return row.category.label
        if col == COL_STATE:
            return row.state.label if row.state else ""
        if col == COL_ROLE:
            return row.branch_role.label if row.branch_role.value != "none" else ""
        if col == COL_COMMITTEE:
            return "支委" if row.is_committee else ""
        if col == COL_JOINED:
            return row.joined_on.isoformat()
        if col == COL_PHONE:
            return row.phone if self.show_full_numbers else mask_phone(row.phone)
        return row.id_number if self.show_full_numbers else mask_id_number(row.id_number)


class MembersProxyModel(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)

    def row_at(self, proxy_row: int) -> MemberRow:
        value = self.index(proxy_row, 0).data(ROW_ROLE)
        assert isinstance(value, MemberRow)
        return value
