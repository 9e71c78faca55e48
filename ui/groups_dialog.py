"""党小组管理: add, rename, delete party groups and choose their leader (组长)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models import roster
from models.db import Database
from models.errors import BranchBookError
from ui import msgbox
from ui.look import error_label, icon

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class GroupsDialog(QDialog):
    changed = Signal()

    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id = db, branch_id
        self.setWindowTitle("党小组管理")
        self.resize(560, 420)
        self.list = QListWidget()
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("如：第一党小组")
        self.leader_combo = QComboBox()
        self.error = error_label()
        self.add_button = QPushButton(icon("add"), "新建党小组")
        self.rename_button = QPushButton("保存修改")
        self.delete_button = QPushButton(icon("delete"), "删除党小组")
        form = QFormLayout()
        form.addRow("名称", self.name_edit)
        form.addRow("组长", self.leader_combo)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.rename_button, self.delete_button):
            buttons.addWidget(b)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.list.currentRowChanged.connect(self._show_current)
        self.add_button.clicked.connect(self.add_group)
        self.rename_button.clicked.connect(self.update_group)
        self.delete_button.clicked.connect(self.delete_group)
        self.reload()

    def reload(self, select: int | None = None) -> None:
        with self.db.reading() as s:
            self.groups = roster.list_groups(s, self.branch_id)
            members = roster.list_members(s, self.branch_id, on_roll_only=True)
        self.leader_combo.clear()
        self.leader_combo.addItem("（未指定）", None)
        for m in members:
            self.leader_combo.addItem(m.name, m.id)
        self.list.clear()
        for g in self.groups:
            leader = f"，组长：{g.leader_name}" if g.leader_name else ""
            item = QListWidgetItem(f"{g.name}（{g.member_count} 人{leader}）")
            item.setData(ID_ROLE, g.id)
            self.list.addItem(item)
            if g.id == select:
                self.list.setCurrentItem(item)

    def _current(self) -> roster.GroupRow | None:
        row = self.list.currentRow()
        return self.groups[row] if 0 <= row < len(self.groups) else None

    def _show_current(self) -> None:
        group = self._current()
        self.name_edit.setText(group.name if group else "")
        self.leader_combo.setCurrentIndex(max(self.leader_combo.findData(group.leader_id if group else None), 0))

    def _run(self, fn: object) -> bool:
        self.error.hide()
        try:
            with self.db.transaction() as s:
                self._last = fn(s)  # type: ignore[operator]
        except BranchBookError as exc:
            self.error.setText(exc.message)
            self.error.show()
            return False
        self.changed.emit()
        return True

    def add_group(self) -> bool:
        """新建党小组. While the fields still show the selected group, the first click starts a
        blank entry (a copy of that name would only be refused as a duplicate)."""
        group = self._current()
        if group is not None and self.name_edit.text().strip() == group.name:
            self.list.setCurrentRow(-1)  # empties the fields
            self.error.hide()
            self.name_edit.setPlaceholderText("请填写新党小组的名称（如：第三党小组），再点“新建党小组”")
            self.name_edit.setFocus()
            return False
        name, leader = self.name_edit.text(), self.leader_combo.currentData()
        if self._run(lambda s: roster.create_group(s, self.branch_id, name, leader)):
            self.reload(select=self._last)
            return True
        return False

    def update_group(self) -> bool:
        group = self._current()
        if group is None:
            return False
        name, leader = self.name_edit.text(), self.leader_combo.currentData()
        if self._run(lambda s: roster.update_group(s, group.id, name, leader)):
            self.reload(select=group.id)
            return True
        return False

    def delete_group(self) -> bool:
        group = self._current()
        if group is None:
            return False
        if msgbox.ask(self, "删除党小组", f"确定删除“{group.name}”吗？") != QMessageBox.StandardButton.Yes:
            return False
        if self._run(lambda s: roster.delete_group(s, group.id)):
            self.reload()
            return True
        return False
