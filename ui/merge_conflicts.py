"""合并冲突 on the 备份与恢复 page: a line saying how many are open, and a small dialog to
read the other version of each 定稿 meeting and mark it 已处理 (models.conflicts)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.conflicts import (
    ConflictRow,
    list_conflicts,
    open_conflict_count,
    resolve_conflict,
)
from models.db import Database
from models.errors import BranchBookError
from models.validation import table_date, table_when
from ui import msgbox
from ui.table_base import Index, RowsModel


class ConflictsModel(RowsModel):
    HEADERS = ("会议", "会议日期", "来源", "发现时间")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row: ConflictRow = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (row.meeting_title, table_date(row.held_on), row.source,
                table_when(row.found_at))[index.column()]


class ConflictsDialog(QDialog):
    """The open conflicts: the other version beside the title, and 标记为已处理."""

    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id = db, branch_id
        self.setWindowTitle("合并冲突")
        self.resize(760, 520)
        self.model = ConflictsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.other = QPlainTextEdit()
        self.other.setReadOnly(True)
        self.note = QLineEdit()
        self.note.setPlaceholderText("处理说明，例如：已核对，以本机定稿为准")
        self.resolve_button = QPushButton("标记为已处理")
        self.resolve_button.clicked.connect(self.resolve_selected)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("以下已定稿的会议在合并的备份中是另一版本。本机的定稿没有被改动；"
                                "如对方版本才是正确的，请在会议编辑器中解除定稿后修改。"))
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel("对方的版本："))
        layout.addWidget(self.other, 2)
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.resolve_button)
        row.addWidget(close)
        layout.addLayout(row)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.load()

    def load(self) -> None:
        with self.db.reading() as s:
            self.model.set_rows(list_conflicts(s, self.branch_id))
        if self.model.rows:
            self.table.selectRow(0)
        self._show_selected()

    def selected(self) -> ConflictRow | None:
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() and self.model.rows else None

    def _show_selected(self) -> None:
        row = self.selected()
        self.other.setPlainText(row.describe() if row else "")
        self.resolve_button.setEnabled(row is not None)

    def resolve_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            with self.db.transaction() as s:
                resolve_conflict(s, row.id, self.note.text())
        except BranchBookError as exc:
            msgbox.warn(self, "合并冲突", exc.message)
            return
        self.note.clear()
        self.load()


class ConflictsBar(QWidget):
    """有 N 条合并冲突 [查看…] — hidden when there is none."""

    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id = db, branch_id
        self.label = QLabel()
        self.label.setStyleSheet("color: #b00000;")
        self.view_button = QPushButton("查看合并冲突…")
        self.view_button.clicked.connect(self.open_dialog)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.view_button)
        layout.addStretch(1)
        self.dialog: ConflictsDialog | None = None
        self.refresh()

    def count(self) -> int:
        with self.db.reading() as s:
            return open_conflict_count(s, self.branch_id)

    def refresh(self) -> None:
        n = self.count()
        self.label.setText(f"⚠ 有 {n} 条合并冲突（已定稿会议的另一版本）待处理" if n else "")
        self.setVisible(n > 0)

    def open_dialog(self) -> None:
        self.dialog = ConflictsDialog(self.db, self.branch_id, self)
        self.dialog.finished.connect(lambda _code: self.refresh())
        self.dialog.open()
