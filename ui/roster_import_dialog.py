"""从 Excel 导入党员名册: pick a workbook, see every row with its problems, import only when
the sheet is clean (all rows in one transaction)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from models.errors import BranchBookError
from models.roster_import import ImportRow, RosterPreview, import_roster, read_roster
from models.validation import mask_id_number, table_date
from ui import msgbox
from ui.screen_fit import open_fitted
from ui.settings import IMPORT_GEOMETRY
from ui.table_base import RowsModel

Index = QModelIndex | QPersistentModelIndex


class PreviewModel(RowsModel):
    HEADERS = ("行号", "姓名", "性别", "出生日期", "入党时间", "党员类别", "党小组", "身份证号", "问题")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ImportRow] = []


    def _text(self, row: ImportRow, col: int) -> str:
        if col == 0:
            return str(row.row_no)
        if col == 8:
            return "；".join(p.split("：", 1)[-1] for p in row.problems) or "可以导入"
        m, v = row.member, row.values
        if m is None:
            keys = ("", "name", "gender", "birth_date", "joined_on", "category", "group", "id_number")
            text = v.get(keys[col], "")
            return mask_id_number(text) if col == 7 and text else text
        dates = {3: m.birth_date, 4: m.joined_on}
        if col in dates:
            day = dates[col]
            return table_date(day)
        return (m.name, m.gender.label, "", "", m.category.label, row.group_name or "",
                mask_id_number(m.id_number) if m.id_number else "")[col - 1]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, index.column())
        if role == Qt.ItemDataRole.BackgroundRole and row.problems:
            return QColor("#ffebee")
        if role == Qt.ItemDataRole.ForegroundRole and row.problems and index.column() == 8:
            return QColor("#c62828")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class RosterImportDialog(QDialog):
    #: number of members written
    imported = Signal(int)

    def __init__(self, db: Database, branch_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id = db, branch_id
        self.preview: RosterPreview | None = None
        self.setWindowTitle("从 Excel 导入党员名册")
        open_fitted(self, QSize(1000, 600), option=IMPORT_GEOMETRY)
        self.file_label = QLabel("请选择党员名册 Excel 文件（.xlsx）。表头可以不在第一行。")
        self.file_label.setWordWrap(True)
        choose = QPushButton("选择文件…")
        choose.clicked.connect(self._choose)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(choose)
        self.model = PreviewModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    def _choose(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, "选择党员名册", str(Path.home()), "Excel 文件 (*.xlsx)")
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> None:
        """Read and check ``path``; nothing is written."""
        self.preview = None
        self.model.set_rows([])
        self.import_button.setEnabled(False)
        try:
            with self.db.reading() as session:
                self.preview = read_roster(session, self.branch_id, path)
        except BranchBookError as exc:
            self.file_label.setText(f"文件：{path}")
            self.summary.setText(exc.message)
            self.summary.setStyleSheet("color:#c62828;")
            return
        preview = self.preview
        self.file_label.setText(f"文件：{path}（工作表“{preview.sheet}”，表头在第 {preview.header_row} 行）")
        self.model.set_rows(preview.rows)
        bad = sum(1 for r in preview.rows if r.problems)
        if bad:
            self.summary.setText(f"共 {len(preview.rows)} 行，其中 {bad} 行有问题（红色）。请在 Excel 中改正后"
                                 "重新选择文件；有问题时不会导入任何数据。")
            self.summary.setStyleSheet("color:#c62828;")
        else:
            self.summary.setText(f"共 {len(preview.rows)} 名党员，检查无误，可以导入。")
            self.summary.setStyleSheet("color:#2e7d32;")
        self.import_button.setEnabled(bad == 0)

    def do_import(self) -> None:
        if self.preview is None or self.preview.problems:
            return
        try:
            with self.db.transaction() as session:
                count = import_roster(session, self.branch_id, self.preview)
        except BranchBookError as exc:
            msgbox.show_error(self, exc)
            return
        msgbox.inform(self, "导入完成", f"已导入 {count} 名党员。")
        self.imported.emit(count)
        self.accept()
