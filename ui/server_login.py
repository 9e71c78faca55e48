"""Opening a committee's server from the window: the password is asked for in a dialog only when
the server wants one that no password file (~/.pgpass, PGPASSFILE) holds; it goes to the driver,
never into the address, a setting or a log."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from models.db import Database
from models.errors import BranchBookError
from models.server import open_server, parse_server_url, shown
from ui import msgbox

TITLE = "连接数据库服务器"
#: tests answer the password dialog with this (None: ask a person)
AUTO_PASSWORD: str | None = None


def _ask_password(parent: QWidget | None, where: str) -> str | None:
    if AUTO_PASSWORD is not None:
        return AUTO_PASSWORD
    text, ok = QInputDialog.getText(parent, TITLE, f"请输入数据库服务器“{where}”的密码：",
                                    QLineEdit.EchoMode.Password)
    return text if ok and text else None


def open_server_for_gui(parent: QWidget | None, address: str) -> Database | None:
    """Open the server's database, asking for the password when needed; None after telling why not."""
    try:
        url = parse_server_url(address)
        try:
            return open_server(url)  # type: ignore[no-any-return]
        except BranchBookError as exc:
            if "密码" not in exc.message and "password" not in str(exc.__cause__).lower():
                raise
        password = _ask_password(parent, shown(url))
        if password is None:
            return None
        return open_server(url, password=password)  # type: ignore[no-any-return]
    except BranchBookError as exc:
        msgbox.warn(parent, TITLE, exc.message)
        return None
