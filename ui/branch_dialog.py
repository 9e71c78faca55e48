"""The first-run dialog (欢迎使用支部工作记录本): the branch's name, 上级党组织 and start of records."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from models.errors import BranchBookError
from ui.first_run import SINCE_HINT
from ui.look import error_label
from ui.widgets import DateEdit, with_error


class BranchDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None, *, offer_server: bool = False) -> None:
        from models.roster import first_of_month

        super().__init__(parent)
        self.db = db
        self.branch_id: int | None = None
        self.setWindowTitle("欢迎使用支部工作记录本")
        intro = QLabel("首次使用，请填写本党支部的名称、上级党组织和建账日期。以后可在“党员名册”中维护党员和党小组，"
                       "在“设置”中修改这些信息。")
        intro.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("如：中共某某局机关第一党支部")
        self.superior_edit = QLineEdit()
        self.superior_edit.setPlaceholderText("如：中共某某局机关委员会")
        self.since_edit = DateEdit(first_of_month())
        since_hint = QLabel(SINCE_HINT)
        since_hint.setWordWrap(True)
        since_hint.setStyleSheet("color: #666;")
        self.name_error = error_label()
        self.since_error = error_label()
        form = QFormLayout()
        form.addRow("党支部名称", with_error(self.name_edit, self.name_error))
        form.addRow("上级党组织", self.superior_edit)
        form.addRow("建账日期", with_error(self.since_edit, self.since_error))
        form.addRow("", since_hint)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        #: 连接单位的服务器 instead of a new branch here: the open server database, once connected
        self.server_db: Database | None = None
        self.server_button = self.buttons.addButton("连接单位的服务器…", QDialogButtonBox.ButtonRole.ActionRole)
        self.server_button.setToolTip("本党支部的记录在党委（单位）的数据库服务器上：连接它，不在本机新建")
        self.server_button.clicked.connect(self.connect_server)
        self.server_button.setVisible(offer_server)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(520, 260)

    def connect_server(self) -> None:
        from ui.server_dialog import ask_server

        self.server_db = ask_server(self)
        if self.server_db is not None:
            super().accept()

    def accept(self) -> None:
        self.name_error.hide()
        self.since_error.hide()
        from models.roster import create_branch

        try:
            with self.db.transaction() as s:
                self.branch_id = create_branch(s, self.name_edit.text(), self.superior_edit.text(),
                                               records_since=self.since_edit.value())
        except BranchBookError as exc:
            label = self.since_error if exc.field == "records_since" else self.name_error
            label.setText(exc.message)
            label.show()
            return
        super().accept()
