"""Small editable tables for the meeting editor: 列席人员 (guests) and 落实事项 (action items).

A column is declared once (header, how to show it, how to set it); a ChoiceDelegate offers a
combo box for enumerated columns."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.enums import ActionStatus
from models.meetings import ActionInput, GuestInput
from ui.look import icon
from ui.table_base import RowsModel

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    header: str
    show: Callable[[R], str]
    set: Callable[[R, str], bool]  # returns False when the text is refused
    choices: tuple[tuple[str, str], ...] = ()  # (code, label) for a combo box


class EditableRowsModel(RowsModel, Generic[R]):
    """Rows the user adds, edits in place and removes (guests, action items)."""

    def __init__(self, columns: list[Column[R]], make: Callable[[], R], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.HEADERS = tuple(c.header for c in columns)
        self.make = make
        self.rows: list[R] = []
        self.read_only = False

    def add_row(self) -> int:
        at = len(self.rows)
        self.beginInsertRows(QModelIndex(), at, at)
        self.rows.append(self.make())
        self.endInsertRows()
        return at

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.columns[index.column()].show(self.rows[index.row()])
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or self.read_only:
            return False
        if not self.columns[index.column()].set(self.rows[index.row()], str(value)):
            return False
        self.dataChanged.emit(index, index)
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base if self.read_only else base | Qt.ItemFlag.ItemIsEditable


class ChoiceDelegate(QStyledItemDelegate):
    def __init__(self, choices: tuple[tuple[str, str], ...], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        for _code, label in self.choices:
            combo.addItem(label)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data()))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText())


class RowsPanel(QWidget):
    changed = Signal()

    def __init__(self, model: EditableRowsModel[Any], add_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.table = QTableView()
        self.table.setModel(model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for col, column in enumerate(model.columns):
            if column.choices:
                self.table.setItemDelegateForColumn(col, ChoiceDelegate(column.choices, self.table))
        self.add_button = QPushButton(icon("add"), add_text)
        self.remove_button = QPushButton(icon("remove"), "删除所选")
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        for sig in (model.dataChanged, model.rowsInserted, model.rowsRemoved):
            sig.connect(lambda *_a: self.changed.emit())

    def _add(self) -> None:
        row = self.model.add_row()
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def _remove(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()}, reverse=True)
        for row in rows:
            self.model.remove_row(row)

    def set_read_only(self, read_only: bool) -> None:
        self.model.read_only = read_only
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only)


# --- the two tables ---------------------------------------------------------------------------

def _set(attr: str) -> Callable[[Any, str], bool]:
    def setter(row: Any, text: str) -> bool:
        setattr(row, attr, text)
        return True
    return setter


def parse_date(text: str) -> date | None:
    """2026-03-05, 2026.3.5, 2026/3/5 or 2026年3月5日; raises ValueError otherwise."""
    text = text.strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?", text)
    if not m:
        raise ValueError(text)
    return date(int(m[1]), int(m[2]), int(m[3]))


def _set_due(row: ActionInput, text: str) -> bool:
    try:
        row.due_on = parse_date(text)
    except ValueError:
        return False
    return True


def _set_status(row: ActionInput, text: str) -> bool:
    try:
        row.status = ActionStatus(ActionStatus.from_label(text))
    except ValueError:
        return False
    return True


def guests_model(parent: QObject | None = None) -> EditableRowsModel[GuestInput]:
    return EditableRowsModel([
        Column("姓名", lambda g: g.name, _set("name")),
        Column("单位", lambda g: g.unit, _set("unit")),
        Column("身份/职务", lambda g: g.role, _set("role")),
    ], lambda: GuestInput(name=""), parent)


def actions_model(parent: QObject | None = None) -> EditableRowsModel[ActionInput]:
    return EditableRowsModel([
        Column("落实事项", lambda a: a.title, _set("title")),
        Column("责任人", lambda a: a.owner, _set("owner")),
        Column("完成时限", lambda a: a.due_on.isoformat() if a.due_on else "", _set_due),
        Column("状态", lambda a: a.status.label, _set_status, tuple(ActionStatus.choices())),
    ], lambda: ActionInput(title=""), parent)
