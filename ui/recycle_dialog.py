"""回收站: deleted meetings, study notes and members, kept 30 days; 恢复 puts one back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models import recycle
from models.db import Database
from models.errors import BranchBookError
from models.validation import table_date
from ui import msgbox


class RecycleDialog(QDialog):
    restored = Signal()

    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None,
                 may_reload: Callable[[], bool] | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id = db, branch_id
        # a restore makes the window read everything again: typing in its editors must be kept
        self.may_reload = may_reload or (lambda: True)
        self.setWindowTitle("回收站")
        self.resize(640, 400)
        hint = QLabel(f"删除的会议、学习笔记和党员在这里保留 {recycle.KEEP_DAYS} 天，期间可以恢复；"
                      "超过期限后自动清除。")
        hint.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["项目", "类别", "删除日期", "剩余天数"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel("回收站是空的。")
        self.restore_button = QPushButton("恢复")
        self.restore_button.clicked.connect(self.restore_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        row = QHBoxLayout()
        row.addWidget(self.restore_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(row)
        with self.db.transaction() as s:
            recycle.purge_expired(s)
        self.reload()

    def reload(self) -> None:
        with self.db.reading() as s:
            self.rows = recycle.list_recycled(s, self.branch_id)
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            deleted = r.deleted_at.replace(tzinfo=UTC).astimezone().date()
            for j, text in enumerate((r.title, r.kind, table_date(deleted), f"{r.days_left} 天")):
                self.table.setItem(i, j, QTableWidgetItem(text))
        for column in range(3):
            self.table.resizeColumnToContents(column)
        if self.rows:
            self.table.selectRow(0)
        self.empty.setVisible(not self.rows)
        self.restore_button.setEnabled(bool(self.rows))

    def restore_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            msgbox.inform(self, "恢复", "请先在列表中选择要恢复的一项。")
            return
        item = self.rows[row]
        if not self.may_reload():
            return
        try:
            with self.db.transaction() as s:
                recycle.restore_recycled(s, item.id)
        except BranchBookError as exc:
            msgbox.warn(self, "不能恢复", str(exc))
            return
        self.reload()
        self.restored.emit()
        msgbox.inform(self, "恢复", f"{item.kind}“{item.title}”已恢复。")
