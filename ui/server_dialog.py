"""连接服务器…: the committee's intranet server. 服务器地址, 端口, 数据库名, 用户名, 密码; 连接 tries it off
the GUI thread (an unreachable server takes seconds to give up) and shows each failure under the
field to correct. On success the address (never the password) joins 最近的服务器; the password is
kept only when 在本机记住密码 is ticked, in the owner-only password file (models.server_connect)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
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
from models.server_connect import (
    DEFAULT_PORT,
    ServerAddress,
    check_address,
    connect,
    forget_password,
    has_remembered_password,
    remember_password,
)
from ui import msgbox
from ui.look import error_label
from ui.operations import Operation
from ui.settings import Settings
from ui.widgets import with_error

TITLE = "连接服务器"
REMEMBER_TIP = ("密码保存在本机您的用户数据文件夹中一个只有您的账号能读的密码文件里（PostgreSQL 的 pgpass 格式），"
                "不写入设置，也不写入日志。多人共用的电脑请不要勾选。")
FIELDS = ("host", "port", "database", "username", "password")


class ServerDialog(QDialog):
    """After ``exec()`` returns Accepted, ``db`` is the open database on the server."""

    def __init__(self, parent: QWidget | None = None, settings: Settings | None = None,
                 address: ServerAddress | None = None, cancel_text: str = "取消") -> None:
        super().__init__(parent)
        self.settings = settings or Settings()
        self.db: Database | None = None
        self.connecting = False
        self.setWindowTitle(TITLE)
        intro = QLabel("连接党委（单位）的数据库服务器，在服务器上直接录入本党支部的记录。"
                       "以下各项由服务器管理员提供。")
        intro.setWordWrap(True)
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("如：192.168.1.20")
        self.port_edit = QLineEdit(str(DEFAULT_PORT))
        self.port_edit.setMaximumWidth(100)
        self.database_edit = QLineEdit()
        self.database_edit.setPlaceholderText("如：branchbook")
        self.username_edit = QLineEdit()
        self.username_edit.setPlaceholderText("如：dierzhibu")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_box = QCheckBox("在本机记住密码")
        self.remember_box.setToolTip(REMEMBER_TIP)
        self.errors = {name: error_label() for name in FIELDS}
        form = QFormLayout()
        edits = (self.host_edit, self.port_edit, self.database_edit, self.username_edit, self.password_edit)
        for label, name, edit in zip(("服务器地址", "端口", "数据库名", "用户名", "密码"), FIELDS, edits, strict=True):
            form.addRow(label, with_error(edit, self.errors[name]))
        form.addRow("", self.remember_box)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.general_error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText("连接")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.resize(480, 0)
        if address is not None:
            self.fill(address)

    def fill(self, address: ServerAddress) -> None:
        """A remembered server: its fields typed in, the password left to type (or remembered)."""
        self.host_edit.setText(address.host)
        self.port_edit.setText(str(address.port))
        self.database_edit.setText(address.database)
        self.username_edit.setText(address.username)
        remembered = has_remembered_password(address)
        self.remember_box.setChecked(remembered)
        self.password_edit.setPlaceholderText("已在本机记住密码，可不填" if remembered else "")
        self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_errors(self) -> None:
        for label in (*self.errors.values(), self.general_error):
            label.hide()

    def _show_error(self, exc: BranchBookError) -> None:
        label = self.errors.get(exc.field or "", self.general_error)
        label.setText(exc.message)
        label.show()
        self.resize(self.width(), self.sizeHint().height())  # room for the wrapped message
        edit = {"host": self.host_edit, "port": self.port_edit, "database": self.database_edit,
                "username": self.username_edit, "password": self.password_edit}.get(exc.field or "")
        if edit is not None:
            edit.setFocus(Qt.FocusReason.OtherFocusReason)
            edit.selectAll()

    def accept(self) -> None:
        """连接: check the fields, then try the server off the GUI thread."""
        if self.connecting:
            return
        self._clear_errors()
        try:
            address = check_address(self.host_edit.text(), self.port_edit.text(), self.database_edit.text(),
                                    self.username_edit.text())
        except BranchBookError as exc:
            self._show_error(exc)
            return
        password = self.password_edit.text()
        self.connecting = True
        self.connect_button.setEnabled(False)
        self.status.setText(f"正在连接 {address.host}:{address.port} …")
        Operation(self, lambda: connect(address, password), "正在连接服务器，请稍候…").run(
            lambda db: self._connected(address, password, db), self._failed)

    def _connected(self, address: ServerAddress, password: str, db: Database) -> None:
        self.connecting = False
        self.connect_button.setEnabled(True)
        self.status.clear()
        if not self.isVisible():  # closed while connecting: nobody wants this connection now
            db.close()
            return
        try:
            if self.remember_box.isChecked():
                if password:
                    remember_password(address, password)
            else:
                forget_password(address)
        except OSError as exc:
            msgbox.warn(self, TITLE, f"已连接，但没能在本机记住密码（{exc.strerror or exc}）。下次连接时请重新输入密码。")
        self.settings.add_recent_server(address.label())
        self.db = db
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        self.connecting = False
        self.connect_button.setEnabled(True)
        self.status.clear()
        if isinstance(exc, BranchBookError):
            self._show_error(exc)
        else:
            msgbox.show_error(self, exc)


def ask_server(parent: QWidget | None, settings: Settings | None = None, address: ServerAddress | None = None,
               cancel_text: str = "取消") -> Database | None:
    """Show the dialog; the open database on the server, or None when the person gave up."""
    dialog = ServerDialog(parent, settings, address, cancel_text)
    try:
        return dialog.db if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
