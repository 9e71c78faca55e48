"""党员名册 page: the members table with filters (党小组, 类别, 党籍状态), the member editor
and the party groups editor. ID numbers and phones are masked unless “显示完整号码” is on."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models import roster
from models.db import Database
from models.enums import MemberCategory, MembershipState
from models.errors import BranchBookError
from ui import msgbox
from ui.groups_dialog import GroupsDialog
from ui.look import icon
from ui.member_editor import MemberEditor
from ui.members_model import COL_JOINED, MembersProxyModel, MembersTableModel
from ui.settings import SHOW_FULL_NUMBERS, Settings


class RosterPage(QWidget):
    #: members or groups changed (other pages recompute 应到).
    changed = Signal()

    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id = db, branch_id
        self.model = MembersTableModel(self)
        self.proxy = MembersProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.group_filter = QComboBox()
        self.category_filter = QComboBox()
        self.category_filter.addItem("全部类别", None)
        for code, label in MemberCategory.choices():
            self.category_filter.addItem(label, code)
        self.state_filter = QComboBox()
        self.state_filter.addItem("全部状态", None)
        for code, label in MembershipState.choices():
            self.state_filter.addItem(label, code)
        self.full_numbers = QCheckBox("显示完整号码")
        self.count_label = QLabel()
        self.add_button = QPushButton(icon("add"), "新增党员")
        self.edit_button = QPushButton("编辑")
        self.delete_button = QPushButton(icon("delete"), "删除")
        self.delete_button.setToolTip("只能删除误录入、没有出席记录的党员；转出或去世请登记党籍状态")
        self.groups_button = QPushButton(icon("roster"), "党小组管理")
        self.import_button = QPushButton("从Excel导入…")
        self.export_button = QPushButton("导出Excel…")

        bar = QHBoxLayout()
        bar.setSpacing(8)
        for text, widget in (("党小组", self.group_filter), ("类别", self.category_filter),
                             ("党籍状态", self.state_filter)):
            bar.addWidget(QLabel(text))
            bar.addWidget(widget)
        bar.addWidget(self.full_numbers)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        actions = QHBoxLayout()
        actions.setSpacing(8)
        for b in (self.add_button, self.edit_button, self.delete_button, self.groups_button, self.import_button,
                  self.export_button):
            actions.addWidget(b)
        actions.addStretch(1)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_JOINED, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(actions)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        self.full_numbers.setChecked(Settings().get(SHOW_FULL_NUMBERS))
        self.model.set_show_full_numbers(self.full_numbers.isChecked())
        self.full_numbers.toggled.connect(self._toggle_numbers)
        for combo in (self.group_filter, self.category_filter, self.state_filter):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.add_button.clicked.connect(lambda: self.open_member(None))
        self.edit_button.clicked.connect(self._edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.groups_button.clicked.connect(self.open_groups)
        self.import_button.clicked.connect(self.open_import)
        self.export_button.clicked.connect(self._choose_export)
        self.table.doubleClicked.connect(self._open_index)
        self.reload_groups()
        self.reload()

    def reload_groups(self) -> None:
        with self.db.reading() as s:
            groups = roster.list_groups(s, self.branch_id)
        current = self.group_filter.currentData()
        self.group_filter.blockSignals(True)
        self.group_filter.clear()
        self.group_filter.addItem("全部党小组", None)
        for g in groups:
            self.group_filter.addItem(g.name, g.id)
        self.group_filter.setCurrentIndex(max(self.group_filter.findData(current), 0))
        self.group_filter.blockSignals(False)

    def reload(self) -> None:
        category, state = self.category_filter.currentData(), self.state_filter.currentData()
        with self.db.reading() as s:
            rows = roster.list_members(
                s, self.branch_id, group_id=self.group_filter.currentData(),
                category=MemberCategory(category) if category else None,
                state=MembershipState(state) if state else None,
            )
        self.model.set_rows(rows)
        self.count_label.setText(f"共 {len(rows)} 人")

    def _toggle_numbers(self, on: bool) -> None:
        self.model.set_show_full_numbers(on)
        Settings().set(SHOW_FULL_NUMBERS, on)

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(rows[0].row()).id if rows else None

    def _edit_selected(self) -> None:
        member_id = self.selected_id()
        if member_id is not None:
            self.open_member(member_id)

    def delete_selected(self) -> bool:
        member_id = self.selected_id()
        if member_id is None:
            return False
        name = self.proxy.row_at(self.table.selectionModel().selectedRows()[0].row()).name
        if msgbox.ask(self, "删除党员", f"确定删除党员“{name}”吗？\n只适用于误录入的记录；删除后移入回收站，30 天内可恢复。") != QMessageBox.StandardButton.Yes:
            return False
        try:
            with self.db.transaction() as s:
                roster.delete_member(s, member_id)
        except BranchBookError as exc:
            msgbox.show_error(self, exc)
            return False
        self._changed()
        return True

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_member(self.proxy.row_at(index.row()).id)

    def member_editor(self, member_id: int | None) -> MemberEditor:
        editor = MemberEditor(self.db, self.branch_id, member_id, self)
        editor.saved.connect(lambda _id: self._changed())
        return editor

    def open_member(self, member_id: int | None) -> None:
        self.member_editor(member_id).exec()

    def groups_dialog(self) -> GroupsDialog:
        dialog = GroupsDialog(self.db, self.branch_id, self)
        dialog.changed.connect(self._changed)
        return dialog

    def open_groups(self) -> None:
        self.groups_dialog().exec()

    def open_import(self) -> None:
        from ui.roster_import_dialog import RosterImportDialog

        dialog = RosterImportDialog(self.db, self.branch_id, self)
        dialog.imported.connect(lambda _n: self._changed())
        dialog.exec()

    def save_template(self, path: Path | None = None) -> Path | None:
        """名册模板: an empty roster (.xlsx) with the columns the import reads and an example row;
        asks where unless ``path`` is given."""
        from reports.xlsx_roster_template import write_roster_template

        if path is None:
            name, _f = QFileDialog.getSaveFileName(self, "保存名册模板", str(Path.home() / "党员名册模板.xlsx"),
                                                   "Excel 工作簿 (*.xlsx)")
            if not name:
                return None
            path = Path(name)
        try:
            return write_roster_template(path)
        except BranchBookError as exc:
            msgbox.warn(self, "保存名册模板", exc.message)
            return None

    def _choose_export(self) -> None:
        name, _f = QFileDialog.getSaveFileName(self, "导出党员名册", str(Path.home() / "党员名册.xlsx"),
                                               "Excel 工作簿 (*.xlsx)")
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> int | None:
        """Write the roster to ``path`` (ID numbers and phones masked unless “显示完整号码” is on)."""
        from reports.xlsx_roster import export_roster

        try:
            with self.db.transaction() as s:  # the export is written to the audit log
                count = export_roster(s, self.branch_id, path, unmasked=self.full_numbers.isChecked())
        except BranchBookError as exc:
            msgbox.show_error(self, exc)
            return None
        msgbox.inform(self, "导出党员名册", f"已导出 {count} 名党员到：\n{path}")
        return count

    def _changed(self) -> None:
        self.reload_groups()
        self.reload()
        self.changed.emit()
