"""党委工作台 page: every branch of a committee's database side by side (models.overview),
with 导出Excel and 党委汇总PDF. Double-clicking a branch's row shows that branch."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from models.errors import BranchBookError
from models.overview import (
    SILENT_MONTHS,
    BranchOverview,
    CommitteeOverview,
    committee_overview,
)
from ui import msgbox
from ui.stats_models import SortRole
from ui.table_base import Index, RowsModel

if TYPE_CHECKING:
    from ui.branch_join_dialog import JoinBranchesDialog

WARN = QColor("#c62828")


class OverviewModel(RowsModel):
    HEADERS = ("名次", "党支部", "应开", "已完成", "缺开", "未达法定人数", "完成率", "党员", "人均学时",
               "最近组织生活", "连续缺席预警", "最新备份", "标注")
    rows: list[BranchOverview]

    def _raw(self, b: BranchOverview, col: int) -> Any:
        flags = "、".join(x for x in ("静默支部" if b.silent else "", "数据陈旧" if b.stale else "",
                                    "同名党支部" if b.same_name else "") if x)
        name = f"{b.name}（编号 {b.branch_id}）" if b.same_name else b.name
        return (b.rank, name, b.due, b.done, b.missing, b.failed_quorum,
                b.rate if b.rate is not None else -1.0, b.members, round(b.average_hours, 1),
                b.last_meeting.isoformat() if b.last_meeting else "", len(b.absence_members),
                b.backup_at.isoformat() if b.backup_at else "", flags)[col]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        b, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 6:
                return b.rate_text()
            if col == 8:
                return f"{b.average_hours:.1f}"
            if col == 9:
                return b.last_meeting.isoformat() if b.last_meeting else "无"
            if col == 10:
                return "、".join(b.absence_members) or "—"
            if col == 11:
                return b.backup_text()
            return self._raw(b, col)
        if role == SortRole:
            return self._raw(b, col)
        if role == Qt.ItemDataRole.ForegroundRole and (
                (col in (4, 5) and self._raw(b, col)) or (col == 12 and self._raw(b, col))
                or (col == 10 and b.absence_members)):
            return WARN
        if role == Qt.ItemDataRole.UserRole:
            return b.branch_id
        return None


class CommitteePage(QWidget):
    """党委工作台. ``branch_chosen`` carries the branch id of a double-clicked row."""

    branch_chosen = Signal(int)
    branches_joined = Signal(int)  # 合并同名党支部 done: the id of the branch kept

    def __init__(self, db: Database, parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.db, self._today = db, today
        self.data: CommitteeOverview | None = None
        self.year = QSpinBox()
        self.year.setRange(1990, 2100)
        self.year.setValue((today or date.today()).year)
        self.year.setSuffix(" 年")
        self.year.setKeyboardTracking(False)
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.export_button = QPushButton("导出Excel")
        self.export_button.clicked.connect(lambda: self._ask("导出党委汇总到 Excel", "xlsx", "Excel 文件 (*.xlsx)"))
        self.pdf_button = QPushButton("党委汇总PDF")
        self.pdf_button.clicked.connect(lambda: self._ask("保存党委汇总 PDF", "pdf", "PDF 文件 (*.pdf)"))
        top = QHBoxLayout()
        top.addWidget(QLabel("年份："))
        top.addWidget(self.year)
        top.addStretch(1)
        self.join_button = QPushButton("合并同名党支部…")
        self.join_button.setObjectName("join_branches")
        self.join_button.setToolTip("同一个党支部在两台电脑上各录入了一次时，把两条记录合为一条")
        self.join_button.clicked.connect(self.open_join_dialog)
        top.addWidget(self.join_button)
        top.addWidget(self.export_button)
        top.addWidget(self.pdf_button)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.model = OverviewModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.table = QTableView()
        self.table.setObjectName("committee_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._open_row)
        hint = QLabel("双击某个党支部，查看该支部的会议记录、名册和统计。")
        hint.setStyleSheet("color: #666;")
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.summary)
        column.addWidget(self.table, 1)
        column.addWidget(hint)
        self.refresh()

    def refresh(self) -> None:
        with self.db.reading() as s:
            self.data = committee_overview(s, self.year.value(), self._today or date.today())
        self.model.set_rows(self.data.branches)
        silent = [b.name for b in self.data.silent]
        stale = [b.name for b in self.data.branches if b.stale]
        parts = [f"共 {len(self.data.branches)} 个党支部。"]
        parts.append(f"静默支部（{SILENT_MONTHS} 个月以上没有组织生活记录）：{'、'.join(silent)}。" if silent
                     else "没有静默支部。")
        if stale:
            parts.append(f"数据已超过一个月未更新：{'、'.join(stale)}。")
        twins = sorted({b.name for b in self.data.branches if b.same_name})
        if twins:
            parts.append(f"有同名党支部：{'、'.join(twins)}，核对后可点“合并同名党支部…”合为一条。")
        self.summary.setText("".join(parts))

    def open_join_dialog(self) -> JoinBranchesDialog:
        """合并同名党支部: the dialog, shown (a test drives the returned dialog)."""
        from ui.branch_join_dialog import JoinBranchesDialog

        dialog = JoinBranchesDialog(self.db, self)
        dialog.joined.connect(self.branches_joined)
        dialog.open()
        return dialog

    def branch_at(self, row: int) -> int:
        return int(self.proxy.index(row, 0).data(Qt.ItemDataRole.UserRole))

    def _open_row(self, index: QModelIndex) -> None:
        if index.isValid():
            self.branch_chosen.emit(self.branch_at(index.row()))

    def _ask(self, title: str, suffix: str, pattern: str) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, title, str(Path.home() / f"{self.year.value()}年党委汇总.{suffix}"), pattern)
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> bool:
        """Write the overview to ``path``: .xlsx a workbook, anything else the 党委汇总 PDF."""
        from reports.committee import export_overview, write_committee_pdf
        from reports.layout import make_styles

        if self.data is None:
            return False
        try:
            if path.suffix.lower() == ".xlsx":
                export_overview(self.data, path)
            else:
                path = path.with_suffix(".pdf")
                try:
                    write_committee_pdf(self.data, path, make_styles(None))
                except OSError as exc:
                    raise BranchBookError(f"无法写入“{path}”，请检查是否有写入权限或换一个位置。") from exc
        except BranchBookError as exc:
            msgbox.show_error(self, exc)
            return False
        msgbox.inform(self, "导出完成", f"已导出到“{path}”。")
        return True
