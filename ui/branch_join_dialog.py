"""合并同名党支部: the window's way to join two branch records of one branch (typed in by hand on
two PCs, so a merge brought it in twice). The secretary picks the record to keep and the one
to join into it, reads what will be matched (members by ID number, then by name + birth date)
and what stays separate, confirms; the join (models.branch_join, the service behind
``main.py branches join``) runs off the GUI thread and is logged in the audit log."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.branch_join import JoinSummary, join_branches, preview_join
from models.branches import same_name_branches
from models.db import Database
from models.errors import BranchBookError
from models.roster import list_branches
from ui import msgbox
from ui.operations import Operation


class JoinBranchesDialog(QDialog):
    """Pick two branch records, see what joining them does, join. ``joined`` carries the id of
    the branch kept, once the join is committed."""

    joined = Signal(int)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.summary: JoinSummary | None = None
        self.setWindowTitle("合并同名党支部")
        with db.reading() as s:
            branches = [(b.id, b.name) for b in list_branches(s)]
            twins = same_name_branches(s)
        names = [name for _id, name in branches]
        self.keep = QComboBox()
        self.keep.setObjectName("join_keep")
        self.other = QComboBox()
        self.other.setObjectName("join_other")
        for combo in (self.keep, self.other):
            for branch_id, name in branches:
                combo.addItem(name if names.count(name) == 1 else f"{name}（编号 {branch_id}）", branch_id)
        pair = next(iter(twins.values()), [b for b, _n in branches[:2]])
        if len(pair) >= 2:
            self.keep.setCurrentIndex(self.keep.findData(pair[0]))
            self.other.setCurrentIndex(self.other.findData(pair[1]))
        intro = QLabel("同一个党支部在两台电脑上各录入了一次时，合并备份后会出现两条同名的党支部记录。"
                       "请选择要保留的一条和要并入它的一条，核对下面的对应情况后再合并。")
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("保留的党支部：", self.keep)
        form.addRow("并入的党支部（并入后删除这条记录）：", self.other)
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("join_preview")
        self.preview.setReadOnly(True)
        self.preview.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)  # long lists of names
        self.preview.setMinimumSize(560, 260)
        buttons = QDialogButtonBox()
        self.join_button = QPushButton("合并这两个党支部")
        self.join_button.setObjectName("join_button")
        buttons.addButton(self.join_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.join_button.clicked.connect(self.join)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addLayout(form)
        column.addWidget(QLabel("将要进行的对应："))
        column.addWidget(self.preview, 1)
        column.addWidget(buttons)
        self.keep.currentIndexChanged.connect(lambda _i: self.show_preview())
        self.other.currentIndexChanged.connect(lambda _i: self.show_preview())
        self.show_preview()

    def chosen(self) -> tuple[int, int]:
        return int(self.keep.currentData()), int(self.other.currentData())

    def show_preview(self) -> None:
        keep, other = self.chosen()
        try:
            with self.db.reading() as s:
                text = preview_join(s, keep, other).describe()
        except BranchBookError as exc:
            text = exc.message
            self.join_button.setEnabled(False)
        else:
            self.join_button.setEnabled(True)
        self.preview.setPlainText(text)

    def join(self) -> None:
        keep, other = self.chosen()
        question = (f"确定把“{self.other.currentText()}”并入“{self.keep.currentText()}”吗？\n"
                    "并入后只保留一条党支部记录，此操作会记入操作日志。建议先备份数据库。")
        if msgbox.ask(self, "合并同名党支部", question) != QMessageBox.StandardButton.Yes:
            return
        db = self.db

        def work() -> JoinSummary:
            with db.transaction() as s:
                return join_branches(s, keep, other)

        self.join_button.setEnabled(False)
        Operation(self, work, "正在合并党支部…").run(lambda summary: self._done(keep, summary), self._failed)

    def _done(self, keep: int, summary: JoinSummary) -> None:
        self.summary = summary
        msgbox.inform(self, "合并完成", summary.describe())
        self.joined.emit(keep)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.join_button.setEnabled(True)
        msgbox.show_error(self, exc)
